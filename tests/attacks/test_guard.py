"""The guard beneath all actions (issue 7): a write that no chained action handles is still
refused when it would change a released dataset's live rows. The core actions are called
here directly, past the extension's wrappers, as an unwrapped action or a future CKAN
release would be."""
import pytest

from ckan import model
from ckan.logic import ValidationError
from ckan.logic.action import create, update
from ckan.tests import factories

from ckanext.datastore.logic import action as datastore_action
from ckanext.governance import guard, review as governance_review

pytestmark = pytest.mark.usefixtures("with_plugins")


def _context(world):
    return {"user": world.sysadmin["name"], "ignore_auth": True, "model": model,
            "session": model.Session}


@pytest.fixture
def released(world):
    return world.release("bewacht", notes="approved notes")


def test_core_package_update_past_the_wrapper_is_refused(world, released):
    live = world.as_user(world.sysadmin).action.package_show(id=released["id"])
    with pytest.raises(guard.LiveWriteRefused):
        update.package_update(_context(world), {**live, "notes": "UNREVIEWED"})
    model.Session.rollback()
    assert world.as_user(None).action.package_show(id=released["id"])["notes"] == \
        "approved notes"


def test_core_view_and_relationship_actions_past_the_wrappers_are_refused(world, released):
    other = world.new_dataset("nachbar")
    with pytest.raises(guard.LiveWriteRefused):
        create.resource_view_create(_context(world), {
            "resource_id": released["resources"][0]["id"], "view_type": "image_view",
            "title": "UNREVIEWED", "image_url": "http://example.org/x.png"})
    model.Session.rollback()
    with pytest.raises(guard.LiveWriteRefused):
        create.package_relationship_create(_context(world), {
            "subject": released["id"], "object": other["id"], "type": "child_of",
            "comment": "UNREVIEWED"})
    model.Session.rollback()
    assert "UNREVIEWED" not in str(world.as_user(None).action.package_show(id=released["id"]))


def test_unwrapped_core_actions_are_refused(world, released):
    """Actions the extension never wrapped: group membership and moving the dataset."""
    group = factories.Group()
    api = world.as_user(world.sysadmin).action
    with pytest.raises(Exception) as refused:
        api.member_create(id=group["id"], object=released["id"], object_type="package",
                          capacity="public")
    assert "released" in str(refused.value)
    with pytest.raises(Exception):
        api.package_owner_org_update(id=released["id"], organization_id=world.other_org["id"])
    model.Session.rollback()
    assert world.as_user(None).action.package_show(id=released["id"])["groups"] == []
    assert model.Package.get(released["id"]).owner_org == world.org["id"]


def test_bulk_statements_are_refused(world, released):
    draft = world.new_dataset("ansicht-quelle")
    view = world.as_user(world.publisher).action.resource_view_create(
        resource_id=draft["resources"][0]["id"], view_type="image_view", title="draft view",
        image_url="http://example.org/x.png")
    world.submit_and_check(draft["id"])
    world.approve(draft["id"])
    view = model.Session.get(model.ResourceView, view["id"])
    with pytest.raises(guard.LiveWriteRefused):
        model.Session.query(model.ResourceView).filter_by(id=view.id).update(
            {"title": "UNREVIEWED"})
    model.Session.rollback()
    with pytest.raises(Exception):
        world.as_user(world.sysadmin).action.resource_view_reorder(
            id=view.resource_id, order=[view.id])
    model.Session.rollback()
    with pytest.raises(guard.LiveWriteRefused):
        model.Session.query(model.Package).filter_by(id=released["id"]).update(
            {"notes": "UNREVIEWED"})
    model.Session.rollback()


def test_datastore_writes_past_the_wrappers_are_refused(world, released):
    with pytest.raises(guard.LiveWriteRefused):
        datastore_action.datastore_create(_context(world), {
            "resource_id": released["resources"][0]["id"], "force": True,
            "fields": [{"id": "note", "type": "text"}], "records": [{"note": "UNREVIEWED"}]})
    model.Session.rollback()


def test_unreleased_datasets_stay_writable_and_unwrapped_edits_reopen_the_review(world):
    dataset = world.new_dataset("offen")
    world.submit_and_check(dataset["id"])
    assert governance_review.open_review(dataset["id"]).state == "in_review"
    create.resource_view_create(_context(world), {
        "resource_id": dataset["resources"][0]["id"], "view_type": "image_view",
        "title": "later", "image_url": "http://example.org/x.png"})
    assert governance_review.open_review(dataset["id"]).state == "draft"


def test_the_approval_itself_writes_through_the_guard(world):
    dataset = world.release("freigabe-geht")
    assert dataset["private"] is False


def test_a_failed_write_leaves_the_session_usable(world, released):
    with pytest.raises(ValidationError):
        update.package_update(_context(world), {"id": released["id"], "name": released["name"],
                                                "notes": "UNREVIEWED"})
    model.Session.rollback()
    assert world.as_user(None).action.package_show(id=released["id"])["notes"] == \
        "approved notes"


@pytest.mark.parametrize("action", ["bulk_update_private", "bulk_update_delete"])
def test_bulk_actions_of_the_organization_page_leave_a_released_dataset_as_approved(
        world, released, action):
    """The organization page's bulk form: CKAN 2.12 patches each dataset; a released one is
    refused with a reason, not made private or deleted, nor silently left as it was."""
    import ckanapi

    with pytest.raises(ckanapi.ValidationError):
        getattr(world.as_user(world.sysadmin).action, action)(
            datasets=[released["id"]], org_id=world.org["id"])
    public = world.as_user(None).action.package_show(id=released["id"])
    assert public["state"] == "active" and public["private"] is False
