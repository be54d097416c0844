"""Blueprints of the extension, one module per concern; blanket collects them from here."""
from .audit import audit_export
from .pending import pending
from .public import public
from .queue import queue
from .review import review
from .stewards import stewards
from .webhooks import webhooks

__all__ = ["audit_export", "pending", "public", "queue", "review", "stewards", "webhooks"]
