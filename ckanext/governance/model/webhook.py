"""Webhooks of organizations and the log of their deliveries."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.plugins.toolkit as tk

from . import _uuid, utcnow


class Webhook(tk.BaseModel):
    """A URL that receives a signed POST for every review transition of the organization's
    datasets. The secret signs the deliveries; it is shown once, when the hook is made."""

    __tablename__ = "governance_webhook"
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    organization_id = sa.Column(sa.UnicodeText, sa.ForeignKey("group.id", ondelete="CASCADE"),
                                nullable=False, index=True)
    url = sa.Column(sa.UnicodeText, nullable=False)
    secret = sa.Column(sa.UnicodeText, nullable=False)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    created_by = sa.Column(sa.UnicodeText)


class WebhookDelivery(tk.BaseModel):
    """One event for one hook, with every attempt to deliver it.

    ``state`` is ``pending`` (not delivered yet; ``next_attempt_at`` says when the next try
    is due), ``delivered`` or ``failed`` (every attempt failed; an admin can send it again).
    """

    __tablename__ = "governance_webhook_delivery"
    __table_args__ = (sa.UniqueConstraint("webhook_id", "event_id"),)
    id = sa.Column(sa.UnicodeText, primary_key=True, default=_uuid)
    webhook_id = sa.Column(sa.UnicodeText,
                           sa.ForeignKey("governance_webhook.id", ondelete="CASCADE"),
                           nullable=False)
    event_id = sa.Column(sa.UnicodeText, nullable=False)
    package_id = sa.Column(sa.UnicodeText)
    payload = sa.Column(JSONB, nullable=False)
    state = sa.Column(sa.UnicodeText, nullable=False, default="pending")
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    # The latest attempts, newest last: when, HTTP status or error, how long it took.
    attempt_log = sa.Column(JSONB, nullable=False, default=list)
    next_attempt_at = sa.Column(sa.DateTime)
    created = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    delivered_at = sa.Column(sa.DateTime)
