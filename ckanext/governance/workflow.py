"""The review workflow: states, events and the one table of allowed transitions.

Pure Python, no CKAN: the CKAN layer asks `next_state` and records what it answers.
A review covers one version of a dataset's content: its first release, or a later change to a
released dataset (the approved version stays public meanwhile).
"""
from __future__ import annotations

DRAFT = "draft"
CHECKING = "checking"
CHECKS_FAILED = "checks_failed"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"

STATES = (DRAFT, CHECKING, CHECKS_FAILED, IN_REVIEW, CHANGES_REQUESTED, APPROVED, REJECTED,
          WITHDRAWN)
# A closed review is history; further work on the dataset opens a new review.
CLOSED_STATES = frozenset({APPROVED, REJECTED, WITHDRAWN})
# States in which the publisher may edit the content without reopening anything.
EDITABLE_STATES = frozenset({DRAFT, CHECKS_FAILED, CHANGES_REQUESTED})

SUBMIT = "submit"
CHECKS_PASSED = "checks_passed"
CHECKS_FAILED_EVENT = "checks_failed"
EDIT = "edit"
APPROVE = "approve"
REQUEST_CHANGES = "request_changes"
REJECT = "reject"
WITHDRAW = "withdraw"
# A steward dismissed the last blocking privacy finding of a failed run as a false positive,
# and nothing else blocks: the run counts as passed and the review goes to the stewards.
FINDINGS_DISMISSED = "findings_dismissed"

# (state, event) -> next state. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SUBMIT): CHECKING,
    (CHECKS_FAILED, SUBMIT): CHECKING,
    (CHANGES_REQUESTED, SUBMIT): CHECKING,
    (CHECKING, CHECKS_PASSED): IN_REVIEW,
    (CHECKING, CHECKS_FAILED_EVENT): CHECKS_FAILED,
    (CHECKS_FAILED, FINDINGS_DISMISSED): IN_REVIEW,
    # Editing content that is being checked or reviewed invalidates both: back to draft.
    (CHECKING, EDIT): DRAFT,
    (IN_REVIEW, EDIT): DRAFT,
    (DRAFT, EDIT): DRAFT,
    (CHECKS_FAILED, EDIT): CHECKS_FAILED,
    (CHANGES_REQUESTED, EDIT): CHANGES_REQUESTED,
    (IN_REVIEW, APPROVE): APPROVED,
    (IN_REVIEW, REQUEST_CHANGES): CHANGES_REQUESTED,
    (IN_REVIEW, REJECT): REJECTED,
    (DRAFT, WITHDRAW): WITHDRAWN,
    (CHECKING, WITHDRAW): WITHDRAWN,
    (CHECKS_FAILED, WITHDRAW): WITHDRAWN,
    (IN_REVIEW, WITHDRAW): WITHDRAWN,
    (CHANGES_REQUESTED, WITHDRAW): WITHDRAWN,
}


def N_(message: str) -> str:
    """Marks a string for translation (babel extracts ``N_``); the UI translates it."""
    return message


# Coded reasons a steward gives with "request changes" or "reject"; pipelines act on the code.
REASON_CODES = {
    "metadata-incomplete": N_("Metadata is incomplete or wrong"),
    "schema-errors": N_("The data does not match its Table Schema"),
    "personal-data": N_("The data contains personal data"),
    "licence": N_("The licence is missing or not open"),
    "quality": N_("Data quality is insufficient"),
    "not-open-data": N_("The content is not suitable for open data"),
    "duplicate": N_("The dataset duplicates an existing one"),
    "other": N_("Other (see comment)"),
}


class TransitionError(ValueError):
    """An event that the workflow does not allow in the current state."""

    def __init__(self, state: str, event: str):
        super().__init__(f"'{event}' is not allowed while the review is '{state}'")
        self.state = state
        self.event = event


def next_state(state: str, event: str) -> str:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise TransitionError(state, event) from None


def allowed_events(state: str) -> list[str]:
    return [event for (source, event) in TRANSITIONS if source == state]
