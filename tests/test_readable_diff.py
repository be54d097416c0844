"""The diff a steward reads on the review page of a change: only real changes, fields by their
labels in German and English, lists and resources as added / removed / changed, and the data
diff of a replaced tabular file, computed by the check run."""
import io

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from ckan import model
from ckan.lib import jobs
from ckan.tests import factories

from ckanext.governance import dataset_diff
from ckanext.governance.check_run import _privacy_columns
from ckanext.governance.model import CheckRun

pytestmark = pytest.mark.usefixtures("with_plugins")

HEADER = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note"
# The released file (conftest's CLEAN_CSV) has rows 1 and 2. This one changes row 1, drops
# row 2 and adds row 3, saved with a byte order mark and Windows line ends (no change).
CHANGED_CSV = b"\xef\xbb\xbf" + b"\r\n".join([
    HEADER,
    b"1,MZ-WB-00001,2026-11-01T06:15:00Z,70.0,88,ok,false,Altstadt,",
    b"3,MZ-WB-00003,2026-11-01T06:45:00Z,12.5,90,ok,false,Oberstadt,",
]) + b"\r\n"


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _file(content, name):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def _form_fields(html):
    """What a browser sends for the edit form on the page, unchanged."""
    form = BeautifulSoup(html, "html.parser").find("form", id=lambda i: i and i.endswith("-edit"))
    data = MultiDict()
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled") or any(
                fieldset.has_attr("disabled") for fieldset in element.find_parents("fieldset")):
            continue  # a browser sends no disabled control (the schema field's other modes)
        if element.name == "textarea":
            data.add(name, element.text.replace("\n", "\r\n"))  # browsers send CRLF
        elif element.name == "select":
            option = element.find("option", selected=True) or element.find("option")
            data.add(name, option.get("value", option.text) if option else "")
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                data.add(name, element.get("value", "on"))
        elif element.get("type") not in ("submit", "button", "file"):
            data.add(name, element.get("value", ""))
    data.add("save", "")
    return data


def _diff_section(body):
    section = BeautifulSoup(body, "html.parser").find(id="governance-diff-heading").parent
    return section


def test_a_no_op_edit_through_the_web_forms_shows_no_change(app, world):
    released = world.release("stabil")
    headers = _auth(world.publisher)
    for url in ("/dataset/edit/stabil",
                f"/dataset/stabil/resource/{released['resources'][0]['id']}/edit"):
        form = _form_fields(app.get(url, headers=headers).body)
        assert app.post(url, data=form, headers=headers, follow_redirects=False).status_code == 302
    review = world.review(released["id"])
    assert review["kind"] == "change"
    assert review["diff"] == {"dataset": [], "resources": [], "resource_order": None}
    section = _diff_section(app.get("/dataset/stabil/governance", headers=_auth(world.steward)).body)
    assert "does not differ from the released one" in section.text
    for noise in ("pkg_name", "tag_string", "private", "created", "datastore_active", "package_id"):
        assert noise not in section.text


def test_values_are_normalised_so_that_only_real_changes_show(world):
    org = world.org
    live = {
        "title": "Pegel", "notes": "Zeile eins\nZeile zwei", "private": False, "state": "active",
        "owner_org": org["id"], "temporal_end": None, "version": "1.0",
        "metadata_modified": "2026-11-01T00:00:00", "num_tags": 2, "license_title": "x",
        "tags": [{"name": "abfall", "id": "t1", "display_name": "abfall"}, {"name": "sensoren"}],
        "groups": [], "extras": [{"key": "quelle", "value": "Amt"}],
        "resources": [{
            "id": "r1", "package_id": "uuid-of-the-dataset", "name": "a.csv", "format": "CSV",
            "url": "http://portal.example/dataset/x/resource/r1/download/a.csv",
            "url_type": "upload", "created": "2026-11-01", "state": "active", "size": 199,
            "mimetype": "text/csv", "datastore_active": False, "position": 0,
            "schema": {"fields": [{"name": "id", "type": "integer"}]}, "description": None,
        }],
    }
    pending = {
        "title": "Pegel ", "notes": "Zeile eins  \r\nZeile zwei\r\n", "private": "False",
        "owner_org": org["name"], "temporal_end": "", "version": "1.0",
        "pkg_name": "uuid-of-the-dataset", "tag_string": "abfall, sensoren",
        "tags": [{"name": "sensoren", "state": "active"}, {"name": "abfall"}],
        "extras": [{"key": "quelle", "value": "Amt"}], "save": "", "_ckan_phase": "dataset_new_1",
        "resources": [{
            "id": "r1", "package_id": "pegel", "name": "a.csv", "format": "csv",
            "url": "a.csv", "url_type": "upload", "description": "",
            "schema": '{"fields": [{"name": "id", "type": "integer"}]}',
        }],
    }
    assert dataset_diff.diff_datasets(live, pending) == \
        {"dataset": [], "resources": [], "resource_order": None}


def test_real_changes_are_added_removed_or_changed(world):
    live = {
        "title": "Pegel", "notes": "alt", "version": "1.0", "state": "active",
        "tags": [{"name": "abfall"}, {"name": "sensoren"}],
        "extras": [{"key": "quelle", "value": "Amt"}, {"key": "weg", "value": "x"}],
        "resources": [
            {"id": "r1", "name": "a.csv", "url": "http://x/download/a.csv", "url_type": "upload"},
            {"id": "r2", "name": "b.csv", "url": "http://example.org/b.csv", "url_type": ""},
            {"id": "r3", "name": "c.csv", "url": "http://example.org/c.csv"},
        ],
    }
    pending = {
        "title": "Pegel", "notes": "neu", "author": "Amt 67", "state": "draft",
        "tags": [{"name": "sensoren"}], "tag_string": "umwelt",  # CKAN adds these to tags
        "extras": [{"key": "quelle", "value": "Amt 67"}, {"key": "neu", "value": "y"}],
        "resources": [
            {"id": "r3", "name": "c.csv", "url": "http://example.org/c2.csv"},
            {"id": "r1", "name": "a.csv", "url": "a.csv", "url_type": "upload"},
            {"id": "r4", "name": "d.csv", "url": "d.csv", "url_type": "upload", "format": "CSV"},
        ],
    }
    staged = {"r1": {"filename": "a.csv", "size": 10, "sha256": "1" * 64},
              "r4": {"filename": "d.csv", "size": 20, "sha256": "2" * 64}}
    data = {"r1": {"pending_sha256": "1" * 64, "rows": {"added": 1}},
            "r4": {"pending_sha256": "9" * 64, "rows": {"added": 5}}}
    diff = dataset_diff.diff_datasets(live, pending, staged, data)
    by_field = {(c["field"], c.get("key")): c for c in diff["dataset"]}
    assert by_field[("notes", None)] == {"field": "notes", "change": "changed", "live": "alt",
                                         "pending": "neu"}
    assert by_field[("author", None)]["change"] == "added"
    assert by_field[("version", None)]["change"] == "removed"
    assert by_field[("state", None)]["pending"] == "draft"  # a withdrawal shows
    assert by_field[("tags", None)]["added"] == ["umwelt"]
    assert by_field[("tags", None)]["removed"] == ["abfall"]
    assert by_field[("extras", "quelle")]["change"] == "changed"
    assert by_field[("extras", "neu")]["change"] == "added"
    assert by_field[("extras", "weg")]["change"] == "removed"
    assert "title" not in {field for field, _ in by_field}

    resources = {r["id"]: r for r in diff["resources"]}
    assert resources["r3"]["change"] == "changed"
    assert resources["r3"]["fields"] == [{"field": "url", "change": "changed",
                                          "live": "http://example.org/c.csv",
                                          "pending": "http://example.org/c2.csv"}]
    assert resources["r1"]["fields"] == []
    assert resources["r1"]["file"] == {"change": "replaced", "filename": "a.csv", "size": 10,
                                       "sha256": "1" * 64,
                                       "live": {"filename": "a.csv", "size": None}}
    assert resources["r1"]["data"] == data["r1"]
    assert resources["r4"]["change"] == "added" and resources["r4"]["file"]["change"] == "added"
    assert "data" not in resources["r4"]  # that data diff was made for another file
    assert resources["r2"]["change"] == "removed"
    assert diff["resource_order"] == {"live": ["r1", "r3"], "pending": ["r3", "r1"]}


def test_labels_come_from_plain_or_per_language_schema_labels(app):
    fields = {
        "notes": {"field_name": "notes", "label": {"en": "Description", "de": "Beschreibung"}},
        "frequency": {"field_name": "frequency", "label": "Update frequency", "choices": [
            {"value": "daily", "label": {"en": "Daily", "de": "Täglich"}}]},
        "tag_string": {"field_name": "tag_string", "label": {"en": "Keywords", "de": "Schlagwörter"}},
    }
    changes = [{"field": "notes", "change": "changed", "live": "a", "pending": "b"},
               {"field": "frequency", "change": "added", "live": None, "pending": "daily"},
               {"field": "tags", "change": "changed", "live": [], "pending": ["x"],
                "added": ["x"], "removed": []},
               {"field": "author", "change": "added", "live": None, "pending": "Amt"},
               {"field": "unknown_key", "change": "added", "live": None, "pending": "?"}]
    expected = {
        "en": ["Description", "Update frequency", "Keywords", "Author", "unknown_key"],
        "de": ["Beschreibung", "Update frequency", "Schlagwörter", "Autor", "unknown_key"],
    }
    for language, labels in expected.items():
        with app.flask_app.test_request_context(environ_base={"CKAN_LANG": language}):
            core, _ = dataset_diff._core_labels()
            result = [dataset_diff._labelled_change(c, fields, core) for c in changes]
        assert [c["label"] for c in result] == labels
        assert result[1]["pending_label"] == ("Täglich" if language == "de" else "Daily")


def _change_through_the_api(world, released):
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], notes="Neue Beschreibung",
                                   frequency="weekly",
                                   tags=[{"name": "abfall"}, {"name": "umwelt"}])
    publisher.action.resource_patch(id=released["resources"][0]["id"],
                                    upload=_file(CHANGED_CSV, "readings-v2.csv"))


def test_review_page_shows_labels_in_english_and_german(app, world):
    released = world.release("stabil")
    _change_through_the_api(world, released)
    headers = _auth(world.steward)
    english = _diff_section(app.get("/dataset/stabil/governance", headers=headers).body)
    german = _diff_section(app.get("/de/dataset/stabil/governance", headers=headers).body)
    for section, labels, words in (
            (english, ("Description", "Update frequency"),
             ("Changes against the released version", "Released", "Pending", "New file")),
            (german, ("Beschreibung",),
             ("Änderungen gegenüber der freigegebenen Fassung", "Freigegeben", "Ausstehend",
              "Neue Datei"))):
        row_labels = [th.text.strip() for th in section.select("tbody th[scope=row]")]
        for label in labels:
            assert label in row_labels
        for word in words:
            assert word in section.text
        for raw in ("notes", "tag_string", "frequency", "pkg_name"):
            assert raw not in row_labels
        assert section.find("ins", string="umwelt") and section.find("del", string="sensoren")
    assert "Neue Beschreibung" in english.text and "readings-v2.csv" in english.text


def test_the_check_run_computes_the_data_diff_of_a_replaced_file(app, world):
    released = world.release("stabil")
    _change_through_the_api(world, released)
    world.submit_and_check(released["id"])
    review = world.review(released["id"])
    assert review["state"] == "in_review"
    resource = review["diff"]["resources"][0]
    assert resource["file"]["change"] == "replaced"
    data = resource["data"]
    assert data["match"] == "primary_key" and data["primary_key"] == ["id"]
    assert data["rows"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}
    assert data["columns"]["added"] == data["columns"]["removed"] == []
    assert data["released"]["encoding"] == "utf-8" and data["pending"]["encoding"] == "utf-8-sig"
    assert data["examples"]["changed"][0]["cells"] == [
        {"column": "fill_level", "released": "63.5", "pending": "70.0"}]
    run = model.Session.get(CheckRun, review["latest_check_run"]["id"])
    assert run.report["resources"][0]["data_diff"]["rows"] == data["rows"]  # stored with the run

    headers = _auth(world.steward)
    english = _diff_section(app.get("/dataset/stabil/governance", headers=headers).body).text
    for text in ("Data diff against the released file", "1 row added", "1 row removed",
                 "1 row changed", "matched on the primary key (id)", "MZ-WB-00003", "70.0"):
        assert text in english
    german = _diff_section(app.get("/de/dataset/stabil/governance", headers=headers).body).text
    for text in ("Datenabgleich mit der freigegebenen Datei", "1 Zeile hinzugefügt",
                 "1 Zeile entfernt", "1 Zeile geändert", "Primärschlüssel (id)"):
        assert text in german


def test_a_data_diff_of_an_older_file_is_not_shown(app, world):
    released = world.release("stabil")
    _change_through_the_api(world, released)
    world.submit_and_check(released["id"])
    world.as_user(world.publisher).action.resource_patch(
        id=released["resources"][0]["id"], upload=_file(CHANGED_CSV + b"4,MZ-WB-00004,"
                                                        b"2026-11-01T07:00:00Z,1,1,ok,false,"
                                                        b"Mombach,\r\n", "readings-v3.csv"))
    resource = world.review(released["id"])["diff"]["resources"][0]
    assert resource["file"]["filename"] == "readings-v3.csv" and "data" not in resource
    section = _diff_section(app.get("/dataset/stabil/governance", headers=_auth(world.steward)).body)
    assert "No data diff for this file" in section.text


def test_a_data_diff_that_could_not_be_made_says_so(app, world):
    released = world.release("stabil")
    world.as_user(world.publisher).action.resource_patch(
        id=released["resources"][0]["id"], upload=_file(b"%PDF-1.4 binary", "readings.csv"))
    world.submit_and_check(released["id"])
    review = world.review(released["id"])
    assert review["state"] == "checks_failed"
    data = review["diff"]["resources"][0]["data"]
    assert "rows" not in data and "PDF" in data["error"]
    assert "/governance/staged/" not in data["error"]  # no server paths
    section = _diff_section(app.get("/dataset/stabil/governance", headers=_auth(world.steward)).body)
    assert "The data diff could not be made" in section.text


def test_hostile_names_and_cells_are_shown_as_text(app, world):
    released = world.release("stabil")
    script = "<script>alert(1)</script>"
    hostile = (HEADER + b"," + script.encode() + b"\n"
               b'1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,,"<img src=x onerror=alert(2)>"\n')
    publisher = world.as_user(world.publisher)
    publisher.action.resource_patch(id=released["resources"][0]["id"], name=script,
                                    upload=_file(hostile, "readings.csv"))
    publisher.action.package_patch(id=released["id"], notes=script)
    world.submit_and_check(released["id"])
    body = app.get("/dataset/stabil/governance", headers=_auth(world.steward)).body
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    data = world.review(released["id"])["diff"]["resources"][0]["data"]
    assert data["columns"]["added"] == [script]


def test_privacy_findings_name_the_columns_to_mask():
    report = {"privacy": [{"column": "email"}, {"field": "note"},
                          {"columns": ["age", "district"]}, {"check": "x", "columns": None}]}
    assert _privacy_columns(report) == ["age", "district", "email", "note"]
    assert _privacy_columns({}) == []


def test_only_replaced_tabular_files_of_a_change_get_a_data_diff(world):
    released = world.release("stabil")
    publisher = world.as_user(world.publisher)
    publisher.action.resource_create(package_id=released["id"], name="neu.csv", format="CSV",
                                     upload=_file(CHANGED_CSV, "neu.csv"))
    publisher.action.resource_create(package_id=released["id"], name="bericht.pdf",
                                     format="PDF", upload=_file(b"%PDF-1.4", "bericht.pdf"))
    world.submit_and_check(released["id"])
    run = world.review(released["id"])["latest_check_run"]
    report = model.Session.get(CheckRun, run["id"]).report
    assert all("data_diff" not in resource for resource in report["resources"])


def test_a_release_review_has_no_diff(world):
    dataset = world.new_dataset("neu")
    world.submit_and_check(dataset["id"])
    jobs.Worker().work(burst=True)
    review = world.review(dataset["id"])
    assert review["kind"] == "release" and "diff" not in review
