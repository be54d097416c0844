"""Changes to a released dataset are staged: the approved version stays public and unchanged
until a steward approves the change, which then goes public all at once."""
import io

import pytest
from ckanapi import NotAuthorized, NotFound, ValidationError

pytestmark = pytest.mark.usefixtures("with_plugins")

NEW_CSV = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
           b"7,MZ-WB-00007,2026-11-02T06:15:00Z,12.5,90,ok,false,Altstadt,MARKER-FILE\n")


def _file(content, name):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _download(app, resource):
    response = app.get(resource["url"].replace("http://test.ckan.net", ""))
    assert response.status_code == 200
    return response.get_data()


def test_metadata_change_is_staged_until_approved(world):
    released = world.release("stabil")
    publisher = world.as_user(world.publisher)
    answer = publisher.action.package_patch(id=released["id"], notes="MARKER-META")
    assert answer["governance"]["pending_review"] is True
    assert answer["notes"] == "MARKER-META"

    assert world.as_user(None).action.package_show(id=released["id"])["notes"] == \
        released["notes"]
    assert publisher.action.package_show(id=released["id"])["notes"] == released["notes"]

    world.submit_and_check(released["id"])
    review = world.review(released["id"])
    assert review["kind"] == "change" and review["state"] == "in_review"
    assert {"field": "notes", "change": "changed", "live": released["notes"],
            "pending": "MARKER-META"} in review["diff"]["dataset"]
    world.approve(released["id"])
    assert world.as_user(None).action.package_show(id=released["id"])["notes"] == "MARKER-META"


def test_patches_build_on_the_pending_version(world):
    released = world.release("schrittweise")
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], notes="first")
    publisher.action.package_patch(id=released["id"], title="second")
    pending = world.review(released["id"])["pending"]
    assert (pending["notes"], pending["title"]) == ("first", "second")


def test_new_resource_with_file_keeps_its_id_and_url_on_release(world, app):
    released = world.release("neue-datei")
    publisher = world.as_user(world.publisher)
    staged = publisher.action.resource_create(
        package_id=released["id"], name="november.csv", format="CSV",
        schema="waste-bin-sensors", upload=_file(NEW_CSV, "november.csv"))
    assert staged["governance"]["pending_review"] is True

    public = world.as_user(None).action.package_show(id=released["id"])
    assert staged["id"] not in {r["id"] for r in public["resources"]}
    with pytest.raises(NotFound):
        world.as_user(None).action.resource_show(id=staged["id"])
    assert app.get(f"/dataset/{released['id']}/resource/{staged['id']}/download/november.csv"
                   ).status_code in (403, 404)

    world.submit_and_check(released["id"])
    world.approve(released["id"])
    public = world.as_user(None).action.package_show(id=released["id"])
    resource = next(r for r in public["resources"] if r["id"] == staged["id"])
    assert resource["url"].endswith(f"/resource/{staged['id']}/download/november.csv")
    assert _download(app, resource) == NEW_CSV


def test_replaced_file_is_served_only_after_approval(world, app):
    released = world.release("ersetzt")
    old = released["resources"][0]
    old_bytes = _download(app, old)
    publisher = world.as_user(world.publisher)
    publisher.action.resource_patch(id=old["id"], upload=_file(NEW_CSV, "readings.csv"))

    assert _download(app, old) == old_bytes
    world.submit_and_check(released["id"])
    world.approve(released["id"])
    after = world.as_user(None).action.resource_show(id=old["id"])
    assert after["url"] == old["url"]
    assert _download(app, after) == NEW_CSV


def test_staged_change_with_invalid_metadata_is_refused_at_once(world):
    released = world.release("ungueltig")
    with pytest.raises(ValidationError):
        world.as_user(world.publisher).action.package_patch(
            id=released["id"], contact_email="not an e-mail")


def test_withdrawn_change_is_discarded(world):
    released = world.release("zurueck")
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], notes="never mind")
    publisher.action.governance_review_withdraw(package_id=released["id"])
    publisher.action.package_patch(id=released["id"], title="new attempt")
    pending = world.review(released["id"])["pending"]
    assert pending["notes"] == released["notes"] and pending["title"] == "new attempt"


def test_outsiders_cannot_stage_changes(world):
    released = world.release("fremdzugriff")
    for outsider in (world.other_member, world.steward):
        with pytest.raises(NotAuthorized):
            world.as_user(outsider).action.package_patch(id=released["id"], notes="x")


def test_datastore_writes_to_released_resources_are_refused(world):
    released = world.release("datastore")
    with pytest.raises(ValidationError):
        world.as_user(world.publisher).action.datastore_create(
            resource_id=released["resources"][0]["id"], force=True,
            records=[{"a": "MARKER-DS"}], fields=[{"id": "a", "type": "text"}])


def test_resending_the_released_content_opens_no_review(world):
    released = world.release("unveraendert")
    publisher = world.as_user(world.publisher)
    answer = publisher.action.package_update(**publisher.action.package_show(id=released["id"]))
    assert answer["governance"]["pending_review"] is False
    status = publisher.action.governance_status_show(package_id=released["id"])
    assert status["review"]["state"] == "approved"  # the latest review is the closed one
    with pytest.raises(ValidationError):
        publisher.action.governance_review_submit(package_id=released["id"])


def test_views_of_released_resources_change_only_with_a_release(world):
    released = world.release("ansichten")
    publisher = world.as_user(world.publisher)
    with pytest.raises(ValidationError):
        publisher.action.resource_view_create(
            resource_id=released["resources"][0]["id"], view_type="image_view",
            title="MARKER-VIEW", image_url="http://example.org/x.png")
    staged = publisher.action.resource_create(
        package_id=released["id"], name="bild.png", format="PNG",
        url="http://example.org/bild.png")
    world.submit_and_check(released["id"])
    world.approve(released["id"])
    views = world.as_user(None).action.resource_view_list(id=staged["id"])
    assert [v["view_type"] for v in views] == ["image_view"]
