"""The extension's tables. Review state lives here, never in fields that editors can change.

DDL is only in migration/governance (alembic); these classes map the tables.
"""
from __future__ import annotations

import datetime
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk


def _uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Steward(tk.BaseModel):
    """A user who reviews the datasets of one organization."""

    __tablename__ = "governance_steward"
    organization_id = sa.Column(sa.UnicodeText, sa.ForeignKey("group.id", ondelete="CASCADE"),
                                primary_key=True)
    user_id = sa.Column(sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"),
                        primary_key=True)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    created_by = sa.Column(sa.UnicodeText)


class Review(tk.BaseModel):
    """One version of a dataset's content on its way to release.

    ``kind`` is ``release`` for a dataset that was never released (the content under review is
    the private dataset itself) and ``change`` for a change to a released dataset (the content
    under review is ``content``, with its files in ``staged_files``, while the approved version
    stays public).
    """

    __tablename__ = "governance_review"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    package_id = sa.Column(sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    organization_id = sa.Column(sa.UnicodeText, index=True)
    kind = sa.Column(sa.UnicodeText, nullable=False)
    state = sa.Column(sa.UnicodeText, nullable=False)
    content = sa.Column(JSONB)
    staged_files = sa.Column(JSONB, nullable=False, default=dict)
    content_hash = sa.Column(sa.UnicodeText)
    submitted_by = sa.Column(sa.UnicodeText)
    submitted_at = sa.Column(sa.DateTime)
    last_editor = sa.Column(sa.UnicodeText)
    # Everyone who changed any part of the content under review: none of them may approve it.
    editors = sa.Column(JSONB, nullable=False, default=list)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    modified = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class CheckRun(tk.BaseModel):
    """One run of the automated checks on one version of a review's content; never rewritten
    once finished."""

    __tablename__ = "governance_check_run"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    review_id = sa.Column(sa.UnicodeText, sa.ForeignKey("governance_review.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    content_hash = sa.Column(sa.UnicodeText, nullable=False)
    state = sa.Column(sa.UnicodeText, nullable=False, default="queued")
    report = sa.Column(JSONB)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    finished = sa.Column(sa.DateTime)


class Decision(tk.BaseModel):
    """A steward's decision on the content version they saw."""

    __tablename__ = "governance_decision"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    review_id = sa.Column(sa.UnicodeText, sa.ForeignKey("governance_review.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    decision = sa.Column(sa.UnicodeText, nullable=False)
    reasons = sa.Column(JSONB, nullable=False, default=list)
    comment = sa.Column(sa.UnicodeText)
    content_hash = sa.Column(sa.UnicodeText, nullable=False)
    user_id = sa.Column(sa.UnicodeText, nullable=False)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)


class Release(tk.BaseModel):
    """A version of a dataset that a steward approved and that went public. A sysadmin may
    revoke it in an emergency: the dataset is then private and unreleased again."""

    __tablename__ = "governance_release"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    package_id = sa.Column(sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    review_id = sa.Column(sa.UnicodeText, nullable=False)
    content_hash = sa.Column(sa.UnicodeText, nullable=False)
    released_by = sa.Column(sa.UnicodeText, nullable=False)
    released_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    revoked_at = sa.Column(sa.DateTime)
    revoked_by = sa.Column(sa.UnicodeText)
    revoke_reason = sa.Column(sa.UnicodeText)


class AuditEntry(tk.BaseModel):
    """Append-only, hash-chained log of every transition and decision.

    No foreign keys: the history outlives purged datasets and deleted users.
    """

    __tablename__ = "governance_audit"
    seq = sa.Column(sa.BigInteger, primary_key=True, autoincrement=True)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    actor_id = sa.Column(sa.UnicodeText)
    package_id = sa.Column(sa.UnicodeText, index=True)
    review_id = sa.Column(sa.UnicodeText)
    event = sa.Column(sa.UnicodeText, nullable=False)
    from_state = sa.Column(sa.UnicodeText)
    to_state = sa.Column(sa.UnicodeText)
    content_hash = sa.Column(sa.UnicodeText)
    details = sa.Column(JSONB, nullable=False, default=dict)
    prev_hash = sa.Column(sa.UnicodeText, nullable=False)
    entry_hash = sa.Column(sa.UnicodeText, nullable=False, unique=True)


class FindingDismissal(tk.BaseModel):
    """A steward's statement that a privacy finding is a false positive, with a reason.

    It holds for exactly the content it was made on: the finding's check, its column(s) or
    metadata field, and the content hash of the file (or of the field's text). A changed file
    gives findings with another hash, which are checked afresh.
    """

    __tablename__ = "governance_finding_dismissal"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    package_id = sa.Column(sa.UnicodeText, sa.ForeignKey("package.id", ondelete="CASCADE"),
                           nullable=False, index=True)
    review_id = sa.Column(sa.UnicodeText, sa.ForeignKey("governance_review.id", ondelete="CASCADE"),
                          nullable=False)
    check_run_id = sa.Column(sa.UnicodeText,
                             sa.ForeignKey("governance_check_run.id", ondelete="CASCADE"),
                             nullable=False)
    # A hash of resource, check, column(s) or field and content hash (see findings.finding_id).
    finding_id = sa.Column(sa.UnicodeText, nullable=False)
    resource_id = sa.Column(sa.UnicodeText)  # None: a finding in the dataset's metadata
    check = sa.Column(sa.UnicodeText, nullable=False)
    columns = sa.Column(JSONB)
    field = sa.Column(sa.UnicodeText)
    content_hash = sa.Column(sa.UnicodeText, nullable=False)
    reason = sa.Column(sa.UnicodeText, nullable=False)
    user_id = sa.Column(sa.UnicodeText, nullable=False)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
