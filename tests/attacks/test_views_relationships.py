"""Issue 7.3 and 7.4: resource views and dataset relationships of released datasets."""
import pytest
from ckanapi import NotAuthorized, NotFound, ValidationError

from ckan import model
from ckan.logic.action import create


pytestmark = pytest.mark.usefixtures("with_plugins")


def _view(world, dataset, title):
    return world.as_user(world.publisher).action.resource_view_create(
        resource_id=dataset["resources"][0]["id"], view_type="image_view", title=title,
        image_url="http://example.org/x.png")


def test_a_view_of_an_unreleased_resource_cannot_be_moved_onto_a_released_one(world):
    unreleased = world.new_dataset("view-quelle")
    released = world.release("view-ziel")
    view = _view(world, unreleased, "harmless")
    with pytest.raises(ValidationError):
        world.as_user(world.publisher).action.resource_view_update(
            id=view["id"], resource_id=released["resources"][0]["id"],
            view_type="image_view", title="VIEWMARKER", image_url="http://example.org/x.png")
    public_views = world.as_user(None).action.resource_view_list(
        id=released["resources"][0]["id"])
    assert "VIEWMARKER" not in str(public_views)


def test_a_view_added_after_the_steward_looked_is_not_approved_unseen(world):
    dataset = world.new_dataset("view-spaet")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    _view(world, dataset, "VIEWMARKER")
    with pytest.raises((ValidationError, NotAuthorized)):
        world.as_user(world.steward).action.governance_review_approve(
            package_id=dataset["id"], content_hash=seen)
    status = world.as_user(world.publisher).action.governance_status_show(
        package_id=dataset["id"])
    assert status["released"] is False
    assert status["review"]["state"] == "draft", "the edit sent the review back"


def test_view_activities_of_unreleased_datasets_stay_off_public_streams(world, app):
    dataset = world.new_dataset("view-aktivitaet")
    view = _view(world, dataset, "VIEWMARKER")
    for outsider in (None, world.other_member):
        stream = world.as_user(outsider).action.user_activity_list(id=world.publisher["id"])
        text = str(stream)
        assert "VIEWMARKER" not in text and dataset["id"] not in text and view["id"] not in text
    page = app.get("/user/activity/publisher")
    assert b"VIEWMARKER" not in page.get_data() and dataset["id"].encode() not in page.get_data()


def test_relationships_of_released_datasets_are_refused(world):
    released = world.release("rel-oeffentlich")
    other = world.new_dataset("rel-anderes")
    for subject, obj in ((released, other), (other, released)):
        with pytest.raises(ValidationError):
            world.as_user(world.publisher).action.package_relationship_create(
                subject=subject["id"], object=obj["id"], type="child_of",
                comment="RELMARKER")
    assert "RELMARKER" not in str(world.as_user(None).action.package_show(id=released["id"]))


def test_a_released_dataset_does_not_name_a_related_unreleased_one(world):
    """A relationship from before the gate (made here as only a release could make it)."""
    from ckanext.governance import guard
    first = world.release("rel-erst")
    hidden = world.new_dataset("rel-verborgen")
    with guard.releasing(first["id"]):
        create.package_relationship_create(
            {"user": world.sysadmin["name"], "ignore_auth": True, "model": model,
             "session": model.Session},
            {"subject": first["id"], "object": hidden["id"], "type": "links_to",
             "comment": "RELMARKER"})
    for outsider in (None, world.other_member):
        api = world.as_user(outsider).action
        shown = api.package_show(id=first["id"], use_default_schema=True)
        listed = api.package_relationships_list(id=first["id"])
        for answer in (shown, listed):
            assert hidden["id"] not in str(answer) and "rel-verborgen" not in str(answer)
            assert "RELMARKER" not in str(answer)
    members_see = world.as_user(world.publisher).action.package_relationships_list(
        id=first["id"])
    assert len(members_see) == 1, "members of the organization still see it"


def test_a_dataset_with_relationships_is_not_approved_half_way(world):
    """CKAN 2.12 cannot index a dataset with an active relationship: the approval says so and
    changes nothing, instead of failing inside the update or dropping the relationship."""
    first = world.new_dataset("rel-a")
    second = world.new_dataset("rel-b")
    world.as_user(world.publisher).action.package_relationship_create(
        subject=first["id"], object=second["id"], type="links_to")
    world.submit_and_check(first["id"])
    with pytest.raises(ValidationError) as refused:
        world.approve(first["id"])
    assert "relationships" in refused.value.error_dict
    with pytest.raises(NotFound):  # unreleased: to the public as if it did not exist
        world.as_user(None).action.package_show(id=first["id"])
    assert len(world.as_user(world.publisher).action.package_relationships_list(
        id=first["id"])) == 1, "the relationship is still there"
