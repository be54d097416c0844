"""Receivers of signals (``ISignal``): notices and mails follow every committed review
transition as a background job, so the workflow code calls no notification itself."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from . import notify
from .signals import review_transitioned


def get_subscriptions() -> dict[Any, list[Any]]:
    return {review_transitioned: [enqueue_notifications]}


def enqueue_notifications(review_id: str, *, event: str, actor_id, details, **_payload) -> None:
    if event in notify.NOTIFIED_EVENTS:
        tk.enqueue_job(notify.notify_transition, [review_id, event, actor_id, details],
                       title=f"governance notify {event} {review_id}")
