"""A dataset under review that moves to another organization (a publisher who edits for both,
or a sysadmin, moves it) belongs to the new organization's stewards from then on: the old
organization's stewards and members must not keep seeing it in their queue, mails and
activity streams, which are all outside the dataset's organization now."""
import pytest

from ckan import model

pytestmark = pytest.mark.usefixtures("with_plugins")

TITLE = "UMZUGMARKER Meldedaten"


def _moved_and_resubmitted(world):
    admin = world.as_user(world.sysadmin)
    admin.action.organization_member_create(id=world.other_org["id"], username="publisher",
                                            role="editor")
    dataset = world.new_dataset("umzug", title=TITLE)
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == "in_review"
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=dataset["id"], owner_org=world.other_org["id"])
    moved_at = publisher.action.package_show(id=dataset["id"])["metadata_modified"]
    world.submit_and_check(dataset["id"])
    return dataset, moved_at


def test_the_old_organizations_steward_no_longer_sees_a_moved_dataset(world, maildir):
    dataset, _moved_at = _moved_and_resubmitted(world)
    old_queue = world.as_user(world.steward).action.governance_queue_list(state="open")
    assert dataset["id"] not in str(old_queue) and TITLE not in str(old_queue)
    new_queue = world.as_user(world.other_steward).action.governance_queue_list(state="open")
    assert [item["package_id"] for item in new_queue["results"]] == [dataset["id"]]
    assert world.review(dataset["id"], world.other_steward)["state"] == "in_review"


def test_the_old_organization_hears_nothing_of_a_moved_dataset(world, maildir, app):
    dataset, moved_at = _moved_and_resubmitted(world)
    old_stewards = {model.User.get(user["id"]).email
                    for user in (world.steward, world.second_steward)}
    new_steward = model.User.get(world.other_steward["id"]).email
    submitted = [to for to, subject, _body in maildir.new_mails() if TITLE in subject]
    # two submissions: the first before the move to the old stewards, the second after it
    assert len(submitted) == 3
    assert set(submitted[:2]) == old_stewards and submitted[2] == new_steward
    old_steward = world.as_user(world.second_steward).action
    # nor what happened before the move: the dataset's activities carry its labels of now
    for stream in (old_steward.user_activity_list(id=world.publisher["id"]),
                   old_steward.user_activity_list(id=world.second_steward["id"]),
                   old_steward.user_activity_list(id=world.other_steward["id"])):
        # (the notices the old stewards received before the move stay theirs)
        seen = [a for a in stream if a["activity_type"] != "governance notice package"]
        assert dataset["id"] not in str(seen) and TITLE not in str(seen)
    new_steward_stream = world.as_user(world.other_steward).action.user_activity_list(
        id=world.publisher["id"])
    assert any(a["activity_type"] == "reviewed package" and a["timestamp"] > moved_at
               for a in new_steward_stream)
