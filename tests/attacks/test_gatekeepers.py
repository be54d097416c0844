"""Issue 7.8 and 7.9: a revoked release leaves no public trace; nobody who changed any part
of the content under review may approve it."""
import pytest
from ckanapi import NotAuthorized

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_a_revoked_release_disappears_from_public_activity_streams(world, app):
    dataset = world.release("widerrufen", title="REVOKEMARKER")
    world.as_user(world.sysadmin).action.governance_release_revoke(
        package_id=dataset["id"], reason="Personenbezogene Daten gefunden")
    for outsider in (None, world.other_member):
        api = world.as_user(outsider).action
        for stream in (api.recently_changed_packages_activity_list(),
                       api.user_activity_list(id=world.steward["id"]),
                       api.user_activity_list(id=world.publisher["id"])):
            assert "REVOKEMARKER" not in str(stream) and dataset["id"] not in str(stream)
    assert b"REVOKEMARKER" not in app.get("/user/activity/steward").get_data()


def test_nobody_who_changed_the_content_approves_it(world):
    """The sysadmin writes the content, the publisher makes a no-op patch and submits."""
    dataset = world.new_dataset("vier-augen")
    world.as_user(world.sysadmin).action.package_patch(id=dataset["id"], notes="by the admin")
    world.as_user(world.publisher).action.package_patch(id=dataset["id"], notes="by the admin")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(NotAuthorized):
        world.as_user(world.sysadmin).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)
    world.approve(dataset["id"])  # a steward who touched nothing may


def test_an_editor_of_a_withdrawn_round_cannot_approve_the_next_one(world):
    dataset = world.new_dataset("zweite-runde")
    world.as_user(world.sysadmin).action.package_patch(id=dataset["id"], notes="admin text")
    world.as_user(world.publisher).action.governance_review_withdraw(package_id=dataset["id"])
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(NotAuthorized):
        world.as_user(world.sysadmin).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)
