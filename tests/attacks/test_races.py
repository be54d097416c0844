"""Issue 7.2 and 7.11: writes racing an approval, and concurrent first edits.

The races are made certain, not lucky: a connection of the test holds the audit log's append
lock, so the approval stops inside its transaction (after its checks, before its commit); the
racing write is sent then and must not reach the live dataset once the approval commits."""
import pytest

from ckan.lib import jobs

from conftest import in_thread

pytestmark = pytest.mark.usefixtures("with_plugins")


def _in_review(world, name):
    dataset = world.new_dataset(name, notes="approved notes")
    world.submit_and_check(dataset["id"])
    return dataset, world.review(dataset["id"])["content_hash"]


def _race_with_approval(world, client, held_audit_lock, dataset, seen, write):
    steward, publisher = client(world.steward), client(world.publisher)
    lock = held_audit_lock()
    approval = in_thread(steward.call, "governance_review_approve",
                         package_id=dataset["id"], content_hash=seen)
    lock.wait_until_waiting(1, [approval])
    racer = in_thread(write, publisher)
    lock.wait_until_waiting(2, [racer])
    lock.release()
    approval.join(120)
    racer.join(120)
    assert approval.box["result"][0] == 200, approval.box["result"]
    return racer.box["result"]


def test_datastore_upsert_racing_the_approval_does_not_go_live(world, client, held_audit_lock):
    dataset, _ = _in_review(world, "race-datastore")
    resource_id = dataset["resources"][0]["id"]
    world.as_user(world.publisher).action.datastore_create(
        resource_id=resource_id, force=True, fields=[{"id": "note", "type": "text"}],
        primary_key=["note"], records=[{"note": "approved row"}])
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]

    status, answer = _race_with_approval(
        world, client, held_audit_lock, dataset, seen,
        lambda publisher: publisher.call("datastore_upsert", resource_id=resource_id,
                                         force=True, method="insert",
                                         records=[{"note": "RACEMARKER"}]))
    assert status == 409, answer
    rows = client(None).call("datastore_search", resource_id=resource_id)[1]["result"]
    assert [r["note"] for r in rows["records"]] == ["approved row"]


def test_full_package_update_racing_the_approval_is_staged(world, client, held_audit_lock):
    dataset, seen = _in_review(world, "race-update")
    full = world.as_user(world.publisher).action.package_show(id=dataset["id"])

    status, answer = _race_with_approval(
        world, client, held_audit_lock, dataset, seen,
        lambda publisher: publisher.call("package_update", **{
            **full, "notes": "RACEMARKER", "private": False}))
    assert status in (200, 409), answer
    if status == 200:
        assert answer["result"]["governance"]["pending_review"] is True
    public = client(None).call("package_show", id=dataset["id"])
    assert public[0] == 200, "the released dataset stays public"
    assert public[1]["result"]["notes"] == "approved notes"
    live = world.as_user(world.sysadmin).action.package_show(id=dataset["id"])
    assert live["notes"] == "approved notes" and live["private"] is False


def test_two_concurrent_first_edits_of_a_released_dataset_both_count(world, client,
                                                                     held_audit_lock):
    released = world.release("gleichzeitig")
    publisher = client(world.publisher)
    lock = held_audit_lock()
    first = in_thread(publisher.call, "package_patch", id=released["id"], notes="FIRST")
    lock.wait_until_waiting(1, [first])
    second = in_thread(publisher.call, "package_patch", id=released["id"], title="SECOND")
    lock.wait_until_waiting(2, [second])
    lock.release()
    first.join(120)
    second.join(120)
    answers = [first.box["result"], second.box["result"]]
    assert all(status in (200, 409) for status, _ in answers), answers
    pending = world.review(released["id"])["pending"]
    for (status, _), (field, value) in zip(answers, [("notes", "FIRST"), ("title", "SECOND")]):
        if status == 200:
            assert pending[field] == value, "an accepted edit is never lost"
    jobs.Worker().work(burst=True)
