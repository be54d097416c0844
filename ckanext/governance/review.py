"""Reviews in CKAN: opening them, moving them through the workflow, fingerprinting the content
a steward decides on, and releasing it.

Every state change goes through `transition`, which asks the workflow table and writes the
audit entry in the same transaction.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from . import activity, audit, signals, staging, workflow
from .model import CheckRun, Decision, Release, Review, utcnow

# Set in the context only by `release`; API callers cannot put objects into a context, so
# nothing else can make the gate let a write through to the live dataset.
_RELEASE = object()

# Fields that change without the content changing; left out of the fingerprint.
_VOLATILE_DATASET_FIELDS = {"metadata_modified", "private", "state", "organization",
                            "num_resources", "num_tags", "tracking_summary", "governance",
                            "relationships_as_object", "relationships_as_subject"}
_VOLATILE_RESOURCE_FIELDS = {"metadata_modified", "position", "package_id", "tracking_summary",
                             "datastore_active", "cache_last_updated", "upload"}


def is_release_context(context) -> bool:
    return context.get("governance_release") is _RELEASE


def site_context(**extra) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, **extra}


def actor_id(context) -> Optional[str]:
    user = context.get("auth_user_obj")
    if user is None or getattr(user, "is_anonymous", False):
        user = model.User.get(context.get("user") or "")
    return user.id if user else None


def latest_release(package_id: str) -> Optional[Release]:
    """The release in force; None for a dataset never released or whose release was revoked."""
    return model.Session.scalars(
        sa.select(Release).where(Release.package_id == package_id,
                                 Release.revoked_at.is_(None))
        .order_by(Release.released_at.desc()).limit(1)).first()


def open_review(package_id: str, *, lock: bool = False) -> Optional[Review]:
    query = sa.select(Review).where(
        Review.package_id == package_id,
        Review.state.notin_(workflow.CLOSED_STATES))
    if lock:
        query = query.with_for_update()
    return model.Session.scalars(query).first()


def latest_review(package_id: str) -> Optional[Review]:
    return model.Session.scalars(
        sa.select(Review).where(Review.package_id == package_id)
        .order_by(Review.created.desc()).limit(1)).first()


def ensure_open_review(package: model.Package, actor: Optional[str]) -> Review:
    """The dataset's open review; a new draft one if there is none.

    A dataset that was never released gets a ``release`` review (its private content is what
    is reviewed); a released one gets a ``change`` review whose content starts as a copy of
    the live version.
    """
    review = open_review(package.id, lock=True)
    if review:
        return review
    released = latest_release(package.id) is not None
    review = Review(package_id=package.id, organization_id=package.owner_org,
                    kind="change" if released else "release", state=workflow.DRAFT,
                    staged_files={}, last_editor=actor)
    if released:
        review.content = live_dataset(package.id)
    model.Session.add(review)
    model.Session.flush()
    audit.append("open", actor_id=actor, package_id=package.id, review_id=review.id,
                 to_state=workflow.DRAFT, details={"kind": review.kind})
    return review


def live_dataset(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")(site_context(), {"id": package_id})


def transition(review: Review, event: str, actor: Optional[str], **details) -> None:
    """Move the review by `event`, or raise `workflow.TransitionError`."""
    new_state = workflow.next_state(review.state, event)
    audit.append(event, actor_id=actor, package_id=review.package_id, review_id=review.id,
                 from_state=review.state, to_state=new_state,
                 content_hash=review.content_hash, details=details)
    activity.record(review, event, actor, review.state, new_state, details)
    signals.announce_transition(
        review.id, package_id=review.package_id, organization_id=review.organization_id,
        kind=review.kind, event_name=event, from_state=review.state, to_state=new_state,
        actor_id=actor, details=details)
    review.state = new_state


def record_edit(review: Review, actor: Optional[str], what: str) -> None:
    """An edit of the content under review: remember the editor (four eyes) and send a review
    that was being checked or decided back to draft."""
    review.last_editor = actor
    if review.state not in workflow.EDITABLE_STATES:
        transition(review, workflow.EDIT, actor, edit=what)


def content_under_review(review: Review) -> dict[str, Any]:
    if review.kind == "change":
        return copy.deepcopy(review.content)
    return live_dataset(review.package_id)


def fingerprint(review: Review, content: Optional[dict[str, Any]] = None) -> str:
    """A hash of exactly what a steward decides on: the metadata and every file."""
    content = content if content is not None else content_under_review(review)
    dataset = {k: v for k, v in content.items() if k not in _VOLATILE_DATASET_FIELDS}
    dataset["resources"] = [
        {k: v for k, v in resource.items() if k not in _VOLATILE_RESOURCE_FIELDS}
        | {"file": _file_fingerprint(review, resource)}
        for resource in content.get("resources", [])
    ]
    canonical = json.dumps(dataset, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _file_fingerprint(review: Review, resource: dict[str, Any]) -> Optional[str]:
    staged = (review.staged_files or {}).get(resource.get("id"))
    if staged:
        return staged["sha256"]
    if resource.get("url_type") != "upload" or not resource.get("id"):
        return None
    path = live_file_path(resource["id"])
    try:
        stat = os.stat(path)
    except (OSError, TypeError):
        return "missing"
    # Size and modification time change whenever core writes a new file for the resource.
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def live_file_path(resource_id: str) -> Optional[str]:
    upload = uploader.get_resource_uploader({})
    return upload.get_path(resource_id) if hasattr(upload, "get_path") else None


def submit(review: Review, actor: Optional[str], comment: Optional[str] = None) -> CheckRun:
    # The hash first, so that the audit entry names the revision that was submitted.
    review.content_hash = fingerprint(review)
    transition(review, workflow.SUBMIT, actor, **({"comment": comment} if comment else {}))
    review.submitted_by = actor
    review.submitted_at = utcnow()
    run = CheckRun(review_id=review.id, content_hash=review.content_hash, state="queued")
    model.Session.add(run)
    model.Session.flush()
    return run


def decide(review: Review, decision: str, actor: str, seen_hash: str,
           reasons: list[str], comment: Optional[str]) -> Decision:
    """Record a steward's decision on the version they saw; approval releases it."""
    if actor in (review.submitted_by, review.last_editor):
        raise tk.NotAuthorized(tk._(
            "Four eyes: you submitted or last changed this content, so another steward "
            "has to decide on it."))
    current = fingerprint(review)
    if seen_hash != review.content_hash or current != review.content_hash:
        raise tk.ValidationError({"content_hash": [tk._(
            "The content changed since you opened it (you saw {seen}, it is now {now}). "
            "Please look at it again.").format(seen=seen_hash[:12], now=current[:12])]})
    decision_row = Decision(review_id=review.id, decision=decision, reasons=reasons,
                            comment=comment, content_hash=current, user_id=actor)
    model.Session.add(decision_row)
    transition(review, decision, actor, reasons=reasons, comment=comment or "")
    if decision == workflow.APPROVE:
        _release(review, actor)
    elif review.kind == "change":
        staging.discard(review)
    return decision_row


def withdraw(review: Review, actor: Optional[str]) -> None:
    transition(review, workflow.WITHDRAW, actor)
    if review.kind == "change":
        staging.discard(review)


def revoke_release(release: Release, actor: str, reason: str) -> None:
    """Emergency: take a released dataset out of public view at once. A pending change is
    withdrawn; the dataset is unreleased again and needs a new review to go public."""
    pending = open_review(release.package_id, lock=True)
    if pending is not None:
        withdraw(pending, actor)
    release.revoked_at, release.revoked_by, release.revoke_reason = utcnow(), actor, reason
    audit.append("revoke_release", actor_id=actor, package_id=release.package_id,
                 content_hash=release.content_hash, details={"reason": reason})
    model.Session.flush()
    # Through the gate like any write to an unreleased dataset: it comes out private.
    tk.get_action("package_patch")({"user": model.Session.get(model.User, actor).name},
                                   {"id": release.package_id})


def _release(review: Review, actor: str) -> None:
    """Make the approved content the live, public dataset, all of it in one update.

    Core's package_update writes the metadata, the search index, the activity and (through the
    resource uploader) every staged file, and commits our review, decision, release and audit
    rows in the same transaction.
    """
    content = content_under_review(review)
    content["private"] = False
    user = model.User.get(actor)
    context = {"user": user.name, "ignore_auth": True, "governance_release": _RELEASE}
    model.Session.add(Release(package_id=review.package_id, review_id=review.id,
                              content_hash=review.content_hash, released_by=actor))
    with staging.uploads_for(review, content):
        tk.get_action("package_update")(context, content)
    # package_update adds no previews for new resources (resource_create would have).
    tk.get_action("package_create_default_resource_views")(
        dict(context), {"package": live_dataset(review.package_id)})
    staging.discard(review)
