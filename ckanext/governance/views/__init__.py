"""Blueprints of the extension, one module per concern; blanket collects them from here."""
from ..http_guard import require_csrf_token
from .audit import audit_export
from .datastore import datastore
from .findings import findings
from .pending import pending
from .public import public
from .queue import queue
from .review import review
from .stewards import stewards
from .webhooks import webhooks

__all__ = ["audit_export", "datastore", "findings", "pending", "public", "queue", "review",
           "stewards", "webhooks"]

# Our forms check their CSRF token themselves, whatever core exempted (see http_guard)
for _blueprint in (audit_export, findings, pending, public, queue, review, stewards, webhooks):
    _blueprint.before_request(require_csrf_token)
