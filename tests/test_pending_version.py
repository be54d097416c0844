"""Issue 9: pending is what members see and edit of a released dataset with an open change;
no edit is ever lost, whatever the write path; the public keeps the approved version; pending
files are for those who review them."""
import io

import pytest

from ckan.lib import jobs

pytestmark = pytest.mark.usefixtures("with_plugins")

HEADER = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
PENDING_CSV = HEADER + b"5,MZ-WB-00005,2026-11-03T06:15:00Z,42.0,80,ok,false,Altstadt,PENDINGROW\n"


def _file(content, name="readings.csv"):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _pending(world, dataset_id):
    return world.review(dataset_id)["pending"]


@pytest.fixture
def released(world):
    return world.release("in-arbeit", notes="public notes", title="Public title")


def test_every_write_path_builds_on_the_pending_version(world, released):
    api = world.as_user(world.publisher).action
    api.package_patch(id=released["id"], notes="edit one")
    api.package_revise(match={"id": released["id"]}, update={"title": "edit two"})
    extra = api.resource_create(package_id=released["id"], name="second.csv",
                                url="http://example.org/second.csv", format="CSV")
    api.package_resource_reorder(id=released["id"],
                                 order=[extra["id"], released["resources"][0]["id"]])
    api.resource_patch(id=released["resources"][0]["id"], description="edit three")
    full = api.package_show(id=released["id"])  # a pipeline's plain read: the public version
    assert full["notes"] == "public notes"
    api.package_update(**{**_pending(world, released["id"]), "frequency": "weekly"})
    pending = _pending(world, released["id"])
    assert (pending["notes"], pending["title"], pending["frequency"]) == \
        ("edit one", "edit two", "weekly")
    assert [r["id"] for r in pending["resources"]] == [extra["id"],
                                                       released["resources"][0]["id"]]
    assert pending["resources"][1]["description"] == "edit three"
    public = world.as_user(None).action.package_show(id=released["id"])
    assert (public["notes"], public["title"]) == ("public notes", "Public title")


def test_two_edits_through_the_web_form_both_reach_the_change(world, released, app):
    headers = {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user="publisher", name="form")["token"]}
    for field, value in (("notes", "first form edit"), ("title", "second form edit")):
        form = app.get(f"/dataset/edit/{released['name']}", headers=headers)
        assert form.status_code == 200
        page = form.get_data(as_text=True)
        if field == "title":
            assert "first form edit" in page, "the form starts from the pending version"
        data = {"name": released["name"], "title": "second form edit" if field == "title"
                else _pending_or_public(world, released, "title"),
                "notes": "first form edit", "owner_org": world.org["id"],
                "license_id": "dl-de-by-2.0", "publisher_name": "Landeshauptstadt Mainz",
                "contact_name": "Open-Data-Team", "contact_email": "opendata@mainz.example",
                "frequency": "daily", "temporal_start": "2026-11-01", "spatial_text": "Mainz",
                "tag_string": "abfall,sensoren", "save": ""}
        response = app.post(f"/dataset/edit/{released['name']}", data=data, headers=headers)
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    pending = _pending(world, released["id"])
    assert (pending["notes"], pending["title"]) == ("first form edit", "second form edit")


def _pending_or_public(world, released, field):
    try:
        return _pending(world, released["id"])[field]
    except Exception:  # no change open yet
        return released[field]


def test_members_see_the_pending_version_marked_and_the_public_the_released_one(world,
                                                                               released, app):
    world.as_user(world.publisher).action.package_patch(id=released["id"],
                                                        notes="PENDINGNOTES")
    token = world.as_user(world.sysadmin).action.api_token_create(user="steward",
                                                                  name="v")["token"]
    member_page = app.get(f"/dataset/{released['name']}", headers={"Authorization": token})
    text = member_page.get_data(as_text=True)
    assert "PENDINGNOTES" in text and "Show the public version" in text
    public_version = app.get(f"/dataset/{released['name']}?version=public",
                             headers={"Authorization": token}).get_data(as_text=True)
    assert "public notes" in public_version and "PENDINGNOTES" not in public_version
    anonymous = app.get(f"/dataset/{released['name']}").get_data(as_text=True)
    assert "PENDINGNOTES" not in anonymous and "Show the public version" not in anonymous


def test_pending_files_are_downloadable_and_previewable_for_reviewers_only(world, released,
                                                                          app):
    resource_id = released["resources"][0]["id"]
    world.as_user(world.publisher).action.resource_patch(id=resource_id,
                                                         upload=_file(PENDING_CSV))
    world.submit_and_check(released["id"])
    base = f"/dataset/{released['name']}/governance/pending/{resource_id}"
    steward = {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user="steward", name="p")["token"]}
    download = app.get(f"{base}/download", headers=steward)
    assert download.status_code == 200 and download.get_data() == PENDING_CSV
    assert "attachment" in download.headers["Content-Disposition"]
    preview = app.get(f"{base}/preview", headers=steward).get_data(as_text=True)
    assert "PENDINGROW" in preview and "<table" in preview
    outsider = {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user="other_steward", name="p")["token"]}
    for headers in ({}, outsider):
        for page in ("download", "preview"):
            response = app.get(f"{base}/{page}", headers=headers)
            assert response.status_code == 404
            assert b"PENDINGROW" not in response.get_data()
    jobs.Worker().work(burst=True)


def test_unpublishing_or_deleting_a_released_dataset_is_refused_with_a_reason(world, released):
    from ckanapi import ValidationError
    api = world.as_user(world.publisher).action
    with pytest.raises(ValidationError) as refused:
        api.package_patch(id=released["id"], state="draft")
    assert "state" in refused.value.error_dict
    with pytest.raises(ValidationError):
        api.package_delete(id=released["id"])
    public = world.as_user(None).action.package_show(id=released["id"])
    assert public["state"] == "active"
    status = world.as_user(world.publisher).action.governance_status_show(
        package_id=released["id"])
    assert status["released"] is True


def test_the_edit_form_of_a_released_dataset_offers_no_unpublish_or_delete(world, released,
                                                                           app):
    token = world.as_user(world.sysadmin).action.api_token_create(
        user="publisher", name="form")["token"]
    draft = world.new_dataset("noch-entwurf")
    for language, note in (("", "it cannot be unpublished or deleted here"),
                           ("/de", "kann hier weder zurückgezogen noch gelöscht werden")):
        page = app.get(f"{language}/dataset/edit/{released['name']}",
                       headers={"Authorization": token}).get_data(as_text=True)
        assert "go-metadata-unpublish" not in page
        assert f"/dataset/delete/{released['id']}" not in page
        assert note in page
        # an unreleased dataset keeps CKAN's buttons
        page = app.get(f"{language}/dataset/edit/{draft['name']}",
                       headers={"Authorization": token}).get_data(as_text=True)
        assert "go-metadata-unpublish" in page and f"/dataset/delete/{draft['id']}" in page
