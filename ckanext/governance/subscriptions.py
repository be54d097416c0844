"""Receivers of signals (``ISignal``): what follows a committed review transition happens in
background jobs queued here, so the workflow code calls none of it itself."""
from __future__ import annotations

from typing import Any

from . import webhooks
from .signals import review_transitioned


def get_subscriptions() -> dict[Any, list[Any]]:
    return {review_transitioned: [webhooks.enqueue_event]}
