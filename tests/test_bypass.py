"""Every way around the gate named in the release-gate issue fails or is neutralised."""
import pytest
from ckanapi import NotAuthorized, NotFound, ValidationError as ApiValidationError

from ckan.logic import ValidationError

from ckan.tests import helpers

pytestmark = pytest.mark.usefixtures("with_plugins")


def _is_public(world, dataset_id):
    try:
        world.as_user(None).action.package_show(id=dataset_id)
        return True
    except NotFound:  # for the public an unreleased dataset does not exist
        return False


@pytest.mark.parametrize("who", ["publisher", "sysadmin"])
def test_private_false_is_neutralised_on_every_write(world, who):
    user = getattr(world, who)
    dataset = world.new_dataset(f"bypass-{who}")
    api = world.as_user(user)
    api.action.package_update(**{**dataset, "private": False})
    api.action.package_patch(id=dataset["id"], private=False)
    api.action.package_revise(match={"id": dataset["id"]}, update={"private": False})
    api.action.resource_create(package_id=dataset["id"], url="http://example.org/x.csv",
                               private=False)
    assert not _is_public(world, dataset["id"])


def test_review_fields_in_the_payload_change_nothing(world):
    dataset = world.new_dataset("felder")
    world.as_user(world.publisher).action.package_patch(
        id=dataset["id"], governance_state="approved", review_state="approved",
        governance={"state": "approved"}, extras=[{"key": "governance_state",
                                                    "value": "approved"}])
    status = world.as_user(world.publisher).action.governance_status_show(
        package_id=dataset["id"])
    assert status["released"] is False and status["review"]["state"] == "draft"
    assert not _is_public(world, dataset["id"])


def test_internal_ignore_auth_calls_cannot_release(world):
    """Jobs, harvesters and loaders call actions as the site user with ignore_auth."""
    dataset = world.new_dataset("intern")
    helpers.call_action("package_patch", id=dataset["id"], private=False)
    helpers.call_action("package_update", **{**dataset, "private": False})
    as_admin = {"user": world.sysadmin["name"]}  # bulk actions record an activity per user
    helpers.call_action("bulk_update_private", as_admin, datasets=[dataset["id"]],
                        org_id=world.org["id"])
    assert not _is_public(world, dataset["id"])
    with pytest.raises(ValidationError):
        helpers.call_action("bulk_update_public", as_admin, datasets=[dataset["id"]],
                            org_id=world.org["id"])
    assert not _is_public(world, dataset["id"])


def test_sysadmin_cannot_approve_their_own_edit(world):
    dataset = world.new_dataset("admin-edit")
    world.as_user(world.sysadmin).action.package_patch(id=dataset["id"], notes="admin edit")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    with pytest.raises(NotAuthorized):
        world.as_user(world.sysadmin).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)


def test_approve_requires_a_review_in_review(world):
    dataset = world.new_dataset("kein-review")
    with pytest.raises(ApiValidationError):
        world.as_user(world.steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash="x")
    assert not _is_public(world, dataset["id"])


def test_writes_to_a_released_dataset_by_internal_calls_are_staged(world):
    released = world.release("intern-released")
    helpers.call_action("package_patch", id=released["id"], notes="by a job")
    helpers.call_action("package_revise", match={"id": released["id"]},
                        update={"title": "revised"})
    public = world.as_user(None).action.package_show(id=released["id"])
    assert (public["notes"], public["title"]) == (released["notes"], released["title"])


def test_forged_resource_id_of_another_dataset_is_refused(world):
    first = world.release("erster")
    second = world.release("zweiter")
    with pytest.raises(ApiValidationError):
        world.as_user(world.publisher).action.resource_create(
            package_id=second["id"], id=first["resources"][0]["id"],
            url="http://example.org/evil.csv")


def test_anonymous_and_outsiders_cannot_submit_or_withdraw(world):
    dataset = world.new_dataset("fremd-einreichen")
    for outsider in (None, world.other_member, world.other_steward):
        with pytest.raises(ApiValidationError, match="Not found: Dataset"):  # unknown to them
            world.as_user(outsider).action.governance_review_submit(package_id=dataset["id"])
    with pytest.raises(NotAuthorized):
        world.as_user(world.steward).action.governance_review_submit(package_id=dataset["id"])
