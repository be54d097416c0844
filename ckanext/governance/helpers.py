"""Template helpers (``h.governance_*``)."""
from __future__ import annotations

import json
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from . import dataset_diff, workflow

# Bootstrap classes of each review state's badge.
_STATE_BADGE_CLASSES = {
    workflow.DRAFT: "bg-secondary",
    workflow.CHECKING: "bg-info text-dark",
    workflow.CHECKS_FAILED: "bg-danger",
    workflow.IN_REVIEW: "bg-primary",
    workflow.CHANGES_REQUESTED: "bg-warning text-dark",
    workflow.APPROVED: "bg-success",
    workflow.REJECTED: "bg-dark",
    workflow.WITHDRAWN: "bg-light text-dark",
}


def governance_state_label(state: str) -> str:
    """The human name of a review state, translated."""
    labels = {
        workflow.DRAFT: tk._("Draft"),
        workflow.CHECKING: tk._("Checks running"),
        workflow.CHECKS_FAILED: tk._("Checks failed"),
        workflow.IN_REVIEW: tk._("In review"),
        workflow.CHANGES_REQUESTED: tk._("Changes requested"),
        workflow.APPROVED: tk._("Approved"),
        workflow.REJECTED: tk._("Rejected"),
        workflow.WITHDRAWN: tk._("Withdrawn"),
    }
    return labels.get(state, state)


def governance_state_badge_class(state: str) -> str:
    """The Bootstrap classes of a review state's badge."""
    return _STATE_BADGE_CLASSES.get(state, "bg-secondary")


def governance_is_open(state: str) -> bool:
    """Whether a review in this state still waits for somebody (not approved, rejected or
    withdrawn)."""
    return state not in workflow.CLOSED_STATES


def governance_open_states() -> list[str]:
    """The states in which a review waits for somebody, in workflow order."""
    return [state for state in workflow.STATES if state not in workflow.CLOSED_STATES]


def governance_event_label(event: str) -> str:
    """The human name of an audit event, translated."""
    labels = {
        "open": tk._("Review opened"),
        workflow.SUBMIT: tk._("Submitted for review"),
        workflow.CHECKS_PASSED: tk._("Checks passed"),
        workflow.CHECKS_FAILED_EVENT: tk._("Checks failed"),
        workflow.EDIT: tk._("Content changed"),
        workflow.APPROVE: tk._("Approved and released"),
        workflow.REQUEST_CHANGES: tk._("Changes requested"),
        workflow.REJECT: tk._("Rejected"),
        workflow.WITHDRAW: tk._("Withdrawn"),
        "delete": tk._("Dataset deleted"),
    }
    return labels.get(event, event)


def governance_reason_label(code: str) -> str:
    """The translated description of a reason code (see ``workflow.REASON_CODES``)."""
    return tk._(workflow.REASON_CODES.get(code, code))


def governance_kind_label(kind: str) -> str:
    """What a review is about: the first release or a change to a released dataset."""
    return tk._("Change to the released version") if kind == "change" else tk._("First release")


def governance_status(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset's governance status as the current user may see it, or None.

    Everybody who can see the dataset learns when it was released; members and stewards
    also get the open review (``status.review``).
    """
    context = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        return tk.get_action("governance_status_show")(context, {"package_id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None


def governance_json(value: Any) -> str:
    """Pretty JSON for schemas and dialects shown in reports."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def governance_labelled_diff(diff: dict[str, Any], dataset_type: str = "dataset") -> dict[str, Any]:
    """A review's diff with its fields' labels in the reader's language."""
    return dataset_diff.labelled(diff, dataset_type)
