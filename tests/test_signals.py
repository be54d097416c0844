"""`governance:review_transitioned` is sent after commit, once per transition, never for a
transition that was rolled back."""
import pytest

from ckan import model

from ckanext.governance import review, signals, workflow


@pytest.fixture
def received():
    got = []

    def receiver(review_id, **payload):
        got.append((review_id, payload["event"], payload["from_state"], payload["to_state"]))

    signals.review_transitioned.connect(receiver)
    yield got
    signals.review_transitioned.disconnect(receiver)


def test_sent_after_commit_only(world, received):
    dataset = world.new_dataset("signalled")
    world.as_user(world.publisher).action.governance_review_submit(package_id=dataset["id"])
    current = review.open_review(dataset["id"])
    assert received == [(current.id, workflow.SUBMIT, workflow.DRAFT, workflow.CHECKING)]

    review.transition(current, workflow.WITHDRAW, None)
    assert len(received) == 1, "not sent before the commit"
    model.Session.rollback()
    model.Session.commit()
    assert len(received) == 1, "a rolled-back transition is never announced"
