"""Blueprints of the extension, one module per concern; blanket collects them from here."""
from .audit import audit_export
from .csrf import protect_forms
from .findings import findings
from .pending import pending
from .queue import queue
from .review import review
from .stewards import stewards

__all__ = ["audit_export", "findings", "pending", "queue", "review", "stewards"]

for _blueprint in (audit_export, findings, pending, queue, review, stewards):
    _blueprint.before_request(protect_forms)
