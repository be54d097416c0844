"""Receivers of signals (``ISignal``): what follows a committed review transition (notices,
mails, webhooks) happens in background jobs queued here, so the workflow code calls none of it
itself."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import notify, webhooks
from .signals import review_transitioned


def get_subscriptions() -> dict[Any, list[Any]]:
    return {review_transitioned: [enqueue_notifications, webhooks.enqueue_event]}


def enqueue_notifications(review_id: str, *, event: str, actor_id, details, **_payload) -> None:
    if event in notify.NOTIFIED_EVENTS:
        tk.enqueue_job(notify.notify_transition, [review_id, event, actor_id, details],
                       title=f"governance notify {event} {review_id}")
