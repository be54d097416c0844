"""A publisher who left the organization (or was removed from it) no longer belongs to it:
the steward's decision on what they once submitted, with its comment and reasons, is the
organization's business, not theirs. No mail, no notice."""
import pytest

from ckan.lib import jobs

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_a_former_member_hears_nothing_of_the_decision(world, maildir):
    dataset = world.new_dataset("ehemalig", title="EHEMALIGMARKER")
    world.submit_and_check(dataset["id"])
    world.as_user(world.sysadmin).action.organization_member_delete(
        id=world.org["id"], username="publisher")
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["licence"], comment="KOMMENTARMARKER")
    jobs.Worker().work(burst=True)
    to_publisher = [(subject, body) for to, subject, body in maildir.new_mails()
                    if to == world.publisher["email"]]
    assert not any("KOMMENTARMARKER" in body or "EHEMALIGMARKER" in subject
                   for subject, body in to_publisher), to_publisher
    notices = [a for a in world.as_user(world.sysadmin).action.user_activity_list(
        id=world.publisher["id"]) if a["activity_type"] == "governance notice package"]
    assert not any("KOMMENTARMARKER" in str(notice) for notice in notices)


def test_a_member_still_hears_of_the_decision(world, maildir):
    dataset = world.new_dataset("aktuell", title="AKTUELLMARKER")
    world.submit_and_check(dataset["id"])
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["licence"], comment="KOMMENTARMARKER")
    jobs.Worker().work(burst=True)
    assert any("KOMMENTARMARKER" in body for to, _subject, body in maildir.new_mails()
               if to == world.publisher["email"])
