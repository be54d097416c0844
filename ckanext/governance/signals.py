"""The extension's signals, in CKAN's ``ckanext`` namespace.

``governance:review_transitioned`` is sent once per review transition, after the transaction
that made it has been committed (never for a transition that was rolled back), so receivers
may enqueue jobs that read the new state. Sender: the review id; keyword arguments: see
`announce_transition`.
"""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import event

import ckan.plugins.toolkit as tk
from ckan import model

review_transitioned = tk.signals.ckanext.signal("governance:review_transitioned")

_PENDING = "governance_transitions"


def announce_transition(review_id: str, *, package_id: str, organization_id: Optional[str],
                        kind: str, event_name: str, from_state: str, to_state: str,
                        actor_id: Optional[str], details: dict[str, Any]) -> None:
    """Queue the signal for when the current transaction commits."""
    model.Session.info.setdefault(_PENDING, []).append((review_id, {
        "package_id": package_id, "organization_id": organization_id, "kind": kind,
        "event": event_name, "from_state": from_state, "to_state": to_state,
        "actor_id": actor_id, "details": details}))


@event.listens_for(model.Session, "after_commit")
def _send_committed(session) -> None:
    for review_id, payload in session.info.pop(_PENDING, []):
        review_transitioned.send(review_id, **payload)


@event.listens_for(model.Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(_PENDING, None)
