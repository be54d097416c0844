"""The release gate: nothing goes public without a steward's approval."""
import pytest
from ckanapi import NotAuthorized, NotFound, ValidationError

from ckan.lib import jobs

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_new_dataset_is_private_whatever_the_caller_sends(world):
    publisher = world.as_user(world.publisher)
    dataset = publisher.action.package_create(
        name="sneaky", owner_org=world.org["id"], private=False, governance_state="approved")
    assert dataset["private"] is True
    publisher.action.package_patch(id="sneaky", private=False)
    assert publisher.action.package_show(id="sneaky")["private"] is True
    with pytest.raises(NotFound):  # for the public an unreleased dataset does not exist
        world.as_user(None).action.package_show(id="sneaky")


def test_full_flow_submit_check_approve_release(world):
    dataset = world.new_dataset("fuellstaende")
    status = world.submit_and_check(dataset["id"])
    assert status["review"]["state"] == "checking"

    review = world.review(dataset["id"])
    assert review["state"] == "in_review", review["latest_check_run"]
    assert review["latest_check_run"]["state"] == "passed"

    world.approve(dataset["id"])
    public = world.as_user(None).action.package_show(id=dataset["id"])
    assert public["private"] is False
    status = world.as_user(None).action.governance_status_show(package_id=dataset["id"])
    assert status["released"] is True and "review" not in status


def test_broken_metadata_and_table_fail_the_checks(world):
    dataset = world.new_dataset(
        "kaputt", csv=b"id,sensor_id\n1,XX\nx,MZ-WB-00002\n", license_id="other-closed",
        notes="")
    world.submit_and_check(dataset["id"])
    report = world.as_user(world.publisher).action.governance_report_show(
        package_id=dataset["id"])
    assert report["state"] == "failed"
    codes = {e["code"] for e in report["report"]["metadata"]["errors"]}
    assert {"closed-license", "missing-field"} <= codes
    table = report["report"]["resources"][0]["report"]
    assert {(e["code"], e["row"], e["field"]) for e in table["errors"]} >= {
        ("type-error", 3, "id"), ("constraint-error", 2, "sensor_id")}
    assert world.review(dataset["id"])["state"] == "checks_failed"


def test_self_approval_fails_even_for_sysadmins(world):
    dataset = world.new_dataset("eigen")
    world.submit_and_check(dataset["id"], user=world.sysadmin)
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(NotAuthorized):
        world.as_user(world.sysadmin).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)


def test_last_editor_cannot_approve(world):
    # the steward is also an editor here and made the last change
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.org["id"], username="second_steward", role="editor")
    dataset = world.new_dataset("vier-augen")
    world.as_user(world.second_steward).action.package_patch(id=dataset["id"], notes="fixed")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(NotAuthorized):
        world.as_user(world.second_steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)
    world.as_user(world.steward).action.governance_review_approve(
        package_id=dataset["id"], content_hash=seen)


def test_approving_a_stale_revision_fails(world):
    dataset = world.new_dataset("veraltet")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(ValidationError):
        world.as_user(world.steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash="0" * 64)
    # an edit after the steward looked: the review goes back to draft, approval fails
    world.as_user(world.publisher).action.package_patch(id=dataset["id"], notes="changed")
    with pytest.raises(ValidationError) as error:
        world.as_user(world.steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)
    assert "state" in error.value.error_dict or "content_hash" in error.value.error_dict
    assert world.as_user(world.publisher).action.package_show(id=dataset["id"])["private"]


def test_only_stewards_of_the_organization_decide(world):
    dataset = world.new_dataset("fremd")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    for outsider in (world.other_steward, world.other_member):
        with pytest.raises(ValidationError, match="Not found: Dataset"):  # unknown to them
            world.as_user(outsider).action.governance_review_approve(
                package_id=dataset["id"], content_hash=seen)
    with pytest.raises(NotAuthorized):
        world.as_user(world.publisher).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)


def test_request_changes_with_coded_reasons_and_resubmit(world, maildir):
    dataset = world.new_dataset("nachbessern")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    steward = world.as_user(world.steward)
    with pytest.raises(ValidationError):
        steward.action.governance_review_request_changes(
            package_id=dataset["id"], content_hash=seen, reasons=["nonsense"], comment="x")
    status = steward.action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=seen, reasons=["metadata-incomplete"],
        comment="Bitte die Beschreibung ergänzen.")
    assert status["review"]["state"] == "changes_requested"
    assert status["review"]["decisions"][-1]["reasons"] == ["metadata-incomplete"]
    jobs.Worker().work(burst=True)
    decision_mails = [(to, body) for to, _subject, body in maildir.new_mails()
                      if "Bitte die Beschreibung" in body]
    assert len(decision_mails) == 1
    assert decision_mails[0][0] == world.publisher["email"]
    assert "metadata-incomplete" in decision_mails[0][1]

    world.as_user(world.publisher).action.package_patch(id=dataset["id"], notes="Ergänzt.")
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == "in_review"


def test_reject_keeps_the_dataset_private(world):
    dataset = world.new_dataset("abgelehnt")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    world.as_user(world.steward).action.governance_review_reject(
        package_id=dataset["id"], content_hash=seen, reasons=["personal-data"],
        comment="Enthält Namen.")
    with pytest.raises(NotFound):
        world.as_user(None).action.package_show(id=dataset["id"])


def test_stewards_mailed_on_submission(world, maildir):
    dataset = world.new_dataset("post")
    world.submit_and_check(dataset["id"])
    recipients = {to for to, _subject, _body in maildir.new_mails()}
    assert {world.steward["email"], world.second_steward["email"]} <= recipients
    assert world.other_steward["email"] not in recipients


def test_bulk_update_public_cannot_release(world):
    dataset = world.new_dataset("massen")
    with pytest.raises(ValidationError):
        world.as_user(world.sysadmin).action.bulk_update_public(
            datasets=[dataset["id"]], org_id=world.org["id"])
    with pytest.raises(NotFound):
        world.as_user(None).action.package_show(id=dataset["id"])


def test_review_events_are_in_the_activity_stream_for_members_only(world):
    dataset = world.release("aktivitaet")
    review_events = [a["data"]["review"]["event"] for a in
                     world.as_user(world.publisher).action.package_activity_list(
                         id=dataset["id"], limit=100)
                     if a["activity_type"] == "reviewed package"]
    assert review_events == ["approve", "checks_passed", "submit"]
    for outsider in (None, world.other_member, world.other_steward):
        types = {a["activity_type"] for a in world.as_user(outsider).action.package_activity_list(
            id=dataset["id"], limit=100)}
        assert "reviewed package" not in types
        assert types  # the release itself is public


def test_datastore_write_sends_a_review_back_to_draft(world):
    dataset = world.new_dataset("datastore-edit")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    world.as_user(world.publisher).action.datastore_create(
        resource_id=dataset["resources"][0]["id"], force=True,
        fields=[{"id": "note", "type": "text"}], records=[{"note": "added after the check"}])
    assert world.review(dataset["id"])["state"] == "draft"
    with pytest.raises(ValidationError):
        world.as_user(world.steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)


def test_emergency_revocation_takes_a_release_down_with_a_logged_reason(world):
    released = world.release("notfall")
    world.as_user(world.publisher).action.package_patch(id=released["id"], notes="pending")
    with pytest.raises(NotAuthorized):
        world.as_user(world.steward).action.governance_release_revoke(
            package_id=released["id"], reason="Namen im Datensatz")
    with pytest.raises(ValidationError):
        world.as_user(world.sysadmin).action.governance_release_revoke(package_id=released["id"])

    status = world.as_user(world.sysadmin).action.governance_release_revoke(
        package_id=released["id"], reason="Namen im Datensatz gefunden")
    assert status["released"] is False
    with pytest.raises(NotFound):
        world.as_user(None).action.package_show(id=released["id"])
    trail = world.as_user(world.steward).action.governance_audit_list(package_id=released["id"])
    # the pending change is withdrawn, the release revoked, a new (release) review opened
    assert [e["event"] for e in trail[-3:]] == ["withdraw", "revoke_release", "open"]
    assert trail[-2]["details"] == {"reason": "Namen im Datensatz gefunden"}
    assert trail[-2]["actor"] == world.sysadmin["name"]
    # editors cannot put it back: it needs a new review
    with pytest.raises(ValidationError):
        world.as_user(world.sysadmin).action.bulk_update_public(
            datasets=[released["id"]], org_id=world.org["id"])
    world.as_user(world.publisher).action.package_patch(id=released["id"], notes="ohne Namen")
    world.submit_and_check(released["id"])
    assert world.review(released["id"])["kind"] == "release"
    world.approve(released["id"])
    assert world.as_user(None).action.package_show(id=released["id"])["notes"] == "ohne Namen"


def test_queue_lists_the_stewards_own_organizations_only(world):
    waiting = world.new_dataset("wartend")
    world.submit_and_check(waiting["id"])
    failing = world.new_dataset("fehlerhaft", csv=b"id\nx\n")
    world.submit_and_check(failing["id"])

    queue = world.as_user(world.steward).action.governance_queue_list()
    assert [(r["package_name"], r["state"]) for r in queue["results"]] == [
        ("wartend", "in_review")]
    failed = world.as_user(world.steward).action.governance_queue_list(state="checks_failed")
    assert [r["package_name"] for r in failed["results"]] == ["fehlerhaft"]
    assert world.as_user(world.other_steward).action.governance_queue_list()["count"] == 0
    with pytest.raises(NotAuthorized):
        world.as_user(world.publisher).action.governance_queue_list()
