"""Issue 7.1: ids, paths and the bytes on disk. A caller's resource id never becomes a path,
and what the steward approves is the bytes that were checked."""
import io
import os
import uuid
from pathlib import Path

import pytest
from ckanapi import ValidationError

import ckan.plugins.toolkit as tk

from ckanext.governance import review as governance_review

pytestmark = pytest.mark.usefixtures("with_plugins")

HEADER = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"


@pytest.fixture
def evil():
    """Attacker bytes with a marker of this test only (the storage outlives tests)."""
    marker = f"EVIL{uuid.uuid4().hex}".encode()
    return marker, HEADER + b"9,MZ-WB-00009,2026-11-02T06:15:00Z,10,90,ok,false,Altstadt," + \
        marker + b"\n"


def _file(content, name="readings.csv"):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _storage_files_containing(marker: bytes):
    root = Path(tk.config["ckan.storage_path"])
    return [path for path in root.rglob("*") if path.is_file() and marker in path.read_bytes()]


def _download(app, resource):
    response = app.get(resource["url"].replace(tk.config["ckan.site_url"], ""))
    assert response.status_code == 200
    return response.get_data()


def _released_in_other_org(world, name):
    """A released dataset of another organization: the victim."""
    return world.release(name, publisher=world.other_member, org=world.other_org,
                         steward=world.other_steward)


def test_dot_dot_resource_id_cannot_overwrite_a_live_file_of_another_organization(world, app,
                                                                                evil):
    marker, evil_bytes = evil
    victim = _released_in_other_org(world, "opfer")
    target = victim["resources"][0]
    before = _download(app, target)
    own = world.release("angreifer")
    evil_id = f"../../../resources/{target['id'][:3]}/{target['id'][3:6]}/{target['id'][6:]}"
    with pytest.raises(ValidationError):
        world.as_user(world.publisher).action.resource_create(
            package_id=own["id"], id=evil_id, name="x.csv", format="CSV", upload=_file(evil_bytes))
    assert _download(app, target) == before
    assert _storage_files_containing(marker) == []


def test_dot_dot_resource_id_cannot_swap_a_checked_staged_file(world, app, evil):
    marker, evil_bytes = evil
    first = world.release("geprueft")
    second = world.release("zweiter-weg")
    publisher = world.as_user(world.publisher)
    good = HEADER + b"8,MZ-WB-00008,2026-11-02T06:15:00Z,10,90,ok,false,Altstadt,CHECKEDBYTES\n"
    staged = publisher.action.resource_create(package_id=first["id"], name="neu.csv",
                                              format="CSV", upload=_file(good, "neu.csv"))
    world.submit_and_check(first["id"])
    pending = governance_review.open_review(first["id"])
    assert pending.state == "in_review"
    with pytest.raises(ValidationError):
        publisher.action.resource_create(
            package_id=second["id"], id=f"../{pending.id}/{staged['id']}", name="x.csv",
            format="CSV", upload=_file(evil_bytes))
    assert _storage_files_containing(marker) == []
    world.approve(first["id"])
    public = world.as_user(None).action.package_show(id=first["id"])
    resource = next(r for r in public["resources"] if r["id"] == staged["id"])
    assert b"CHECKEDBYTES" in _download(app, resource)


@pytest.mark.parametrize("bad_id", ["../etwas-anderes", "a/b/c/d/e/f/g", "..........",
                                    "abc", "ünïcödé-id", "x" * 101, "abcdefg\n"])
def test_unsafe_ids_of_new_resources_are_refused_everywhere(world, bad_id):
    publisher = world.as_user(world.publisher)
    unreleased = world.new_dataset(f"ids-{abs(hash(bad_id)) % 10**6}", csv=None)
    released = world.release(f"ids-rel-{abs(hash(bad_id)) % 10**6}")
    for package in (unreleased, released):
        with pytest.raises(ValidationError):
            publisher.action.resource_create(package_id=package["id"], id=bad_id,
                                             url="http://example.org/x.csv")
    with pytest.raises(ValidationError):
        publisher.action.package_patch(id=unreleased["id"], resources=[
            {"id": bad_id, "url": "http://example.org/x.csv"}])


def test_a_staged_file_changed_on_disk_after_the_check_cannot_be_approved(world, app, evil):
    marker, evil_bytes = evil
    """The fingerprint is the bytes on disk, not the hash recorded when the file came in."""
    released = world.release("manipuliert")
    publisher = world.as_user(world.publisher)
    good = HEADER + b"8,MZ-WB-00008,2026-11-02T06:15:00Z,10,90,ok,false,Altstadt,CHECKEDBYTES\n"
    publisher.action.resource_patch(id=released["resources"][0]["id"],
                                    upload=_file(good))
    world.submit_and_check(released["id"])
    pending = governance_review.open_review(released["id"])
    path = governance_review.staging.staged_path(pending, released["resources"][0]["id"])
    Path(path).write_bytes(evil_bytes)
    os.utime(path)
    with pytest.raises(ValidationError) as refused:
        world.approve(released["id"])
    assert "content_hash" in refused.value.error_dict
    public = world.as_user(None).action.package_show(id=released["id"])
    assert marker not in _download(app, public["resources"][0])
