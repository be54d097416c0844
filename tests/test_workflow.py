"""The state machine is one table; these tests read it like the product spec does."""
import pytest

from ckanext.governance import workflow as wf


@pytest.mark.parametrize("state, event, expected", [
    (wf.DRAFT, wf.SUBMIT, wf.CHECKING),
    (wf.CHECKING, wf.CHECKS_FAILED_EVENT, wf.CHECKS_FAILED),
    (wf.CHECKING, wf.CHECKS_PASSED, wf.IN_REVIEW),
    (wf.IN_REVIEW, wf.APPROVE, wf.APPROVED),
    (wf.IN_REVIEW, wf.REQUEST_CHANGES, wf.CHANGES_REQUESTED),
    (wf.IN_REVIEW, wf.REJECT, wf.REJECTED),
    (wf.CHANGES_REQUESTED, wf.SUBMIT, wf.CHECKING),
    (wf.CHECKS_FAILED, wf.SUBMIT, wf.CHECKING),
    (wf.IN_REVIEW, wf.EDIT, wf.DRAFT),
])
def test_spec_transitions(state, event, expected):
    assert wf.next_state(state, event) == expected


@pytest.mark.parametrize("state, event", [
    (wf.DRAFT, wf.APPROVE),            # nothing is approved unchecked
    (wf.CHECKING, wf.APPROVE),
    (wf.CHECKS_FAILED, wf.APPROVE),
    (wf.CHANGES_REQUESTED, wf.APPROVE),
    (wf.APPROVED, wf.SUBMIT),          # closed reviews stay closed
    (wf.REJECTED, wf.SUBMIT),
    (wf.IN_REVIEW, wf.SUBMIT),
])
def test_refused_transitions(state, event):
    with pytest.raises(wf.TransitionError):
        wf.next_state(state, event)


def test_only_in_review_can_be_approved():
    assert [s for s in wf.STATES if (s, wf.APPROVE) in wf.TRANSITIONS] == [wf.IN_REVIEW]


def test_closed_states_have_no_way_out():
    for state in wf.CLOSED_STATES:
        assert wf.allowed_events(state) == []
