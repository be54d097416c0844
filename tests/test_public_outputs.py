"""Public outputs of a released dataset: ``datapackage.json`` (a Frictionless Data Package that
``frictionless validate`` accepts), ``review-record.json`` and the review record on the dataset
page. Only the released version ever shows; a dataset without a release in force answers
exactly like a missing one."""
import hashlib
import http.server
import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from ckan.lib import jobs

from conftest import CLEAN_CSV, _free_port as free_port, _named_file

pytestmark = pytest.mark.usefixtures("with_plugins")

ROOT = Path(__file__).resolve().parent.parent
DEMO_CSV = (ROOT / "demo" / "waste-bin-fill-levels.csv").read_bytes()
SCHEMA = json.loads((ROOT / "schemas" / "table" / "waste-bin-sensors.json").read_text())
INLINE_SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name",
                                                                   "type": "string"}]}
CHANGED_CSV = CLEAN_CSV + b"3,MZ-WB-00003,2026-11-01T07:00:00Z,12.0,90,ok,false,Oberstadt,NEWROW\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _get_json(app, url, headers=None):
    response = app.get(url, headers=headers or {})
    return response.status_code, response.get_data(as_text=True)


def _token(world, user):
    return {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user=user["name"], name="outputs")["token"]}


@pytest.fixture
def schema_server():
    """Serves the waste-bin Table Schema over HTTP, as a schema URL would."""
    body = json.dumps(SCHEMA).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/waste-bin-sensors.json"
    server.shutdown()
    server.server_close()


def _release_with_three_schemas(world, schema_url):
    """Released: the demo CSV with a registry schema, one with a schema URL and one with an
    inline schema."""
    publisher = world.as_user(world.publisher)
    dataset = world.new_dataset("fuellstaende", csv=None, title="Füllstände der Abfallbehälter")
    for name, schema, data in (("readings.csv", "waste-bin-sensors", DEMO_CSV),
                               ("by-url.csv", schema_url, CLEAN_CSV),
                               ("inline.csv", json.dumps(INLINE_SCHEMA), b"id,name\n1,a\n2,b\n")):
        publisher.action.resource_create(package_id=dataset["id"], name=name, format="CSV",
                                         schema=schema,
                                         upload=_named_file(io.BytesIO(data), name))
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == "in_review"
    world.approve(dataset["id"])
    return world.as_user(None).action.package_show(id=dataset["id"])


@pytest.mark.ckan_config("ckanext.governance.schema_url.allow_private", True)
def test_frictionless_validate_passes_on_the_datapackage(world, live_server, schema_server):
    dataset = _release_with_three_schemas(world, schema_server)
    url = f"{live_server}/dataset/fuellstaende/datapackage.json"
    package = requests.get(url, timeout=30).json()

    readings, by_url, inline = package["resources"]
    assert package["name"] == "fuellstaende" and package["id"] == dataset["id"]
    assert package["homepage"] == f"{live_server}/dataset/fuellstaende"
    assert package["licenses"][0]["name"] == "dl-de-by-2.0"
    assert readings["path"] == dataset["resources"][0]["url"]
    assert readings["path"].startswith(f"{live_server}/dataset/{dataset['id']}/resource/")
    assert readings["hash"] == f"sha256:{_sha256(DEMO_CSV)}"
    assert readings["bytes"] == len(DEMO_CSV)
    assert readings["schema"]["fields"] == SCHEMA["fields"], "registry name resolved"
    assert by_url["schema"] == schema_server, "a schema URL stays a URL"
    assert inline["schema"]["fields"] == INLINE_SCHEMA["fields"]

    # As a consumer would: frictionless loads the package from its URL, fetches every file
    # and schema, and checks rows, sha256 hashes and sizes.
    result = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "--json", url],
        capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[-3000:]
    assert [task["stats"]["rows"] for task in report["tasks"]] == [300, 2, 2]


def test_a_pending_change_never_shows(world, app):
    released = world.release("abfall")
    old_file = released["resources"][0]
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], notes="PENDINGNOTES")
    new_resource = publisher.action.resource_create(
        package_id=released["id"], name="PENDINGRESOURCE", format="CSV",
        upload=_named_file(io.BytesIO(CHANGED_CSV), "neu.csv"))
    publisher.action.resource_patch(id=old_file["id"],
                                    upload=_named_file(io.BytesIO(CHANGED_CSV), "readings.csv"))
    world.submit_and_check(released["id"])
    pending_hash = world.review(released["id"])["content_hash"]
    released_hash = world.as_user(None).action.governance_status_show(
        package_id=released["id"])["released_content_hash"]
    assert pending_hash != released_hash

    viewers = {"anonymous": {}, "publisher": _token(world, world.publisher),
               "steward": _token(world, world.steward)}
    for output in ("datapackage.json", "review-record.json"):
        answers = {name: _get_json(app, f"/dataset/abfall/{output}", headers)
                   for name, headers in viewers.items()}
        assert len(set(answers.values())) == 1, "the same for everybody"
        status, body = answers["anonymous"]
        assert status == 200
        for secret in ("PENDING", new_resource["id"], _sha256(CHANGED_CSV), pending_hash):
            assert secret not in body, f"{output} shows the pending change: {secret}"
        assert _sha256(CLEAN_CSV) in body

    record = json.loads(_get_json(app, "/dataset/abfall/review-record.json")[1])
    assert record["content_hash"] == released_hash
    assert [r["id"] for r in record["resources"]] == [old_file["id"]]

    # Approved: now the change is what the public gets.
    world.approve(released["id"])
    jobs.Worker().work(burst=True)
    record = json.loads(_get_json(app, "/dataset/abfall/review-record.json")[1])
    assert record["content_hash"] == pending_hash
    assert {r["id"]: r["sha256"] for r in record["resources"]} == {
        old_file["id"]: _sha256(CHANGED_CSV), new_resource["id"]: _sha256(CHANGED_CSV)}
    package = json.loads(_get_json(app, "/dataset/abfall/datapackage.json")[1])
    assert package["description"] == "PENDINGNOTES"


def test_unreleased_answers_exactly_like_missing(world, app):
    never = world.new_dataset("never-released")
    world.submit_and_check(never["id"])
    rejected = world.new_dataset("rejected")
    world.submit_and_check(rejected["id"])
    world.as_user(world.steward).action.governance_review_reject(
        package_id=rejected["id"], content_hash=world.review(rejected["id"])["content_hash"],
        reasons=["quality"], comment="no")
    revoked = world.release("revoked")
    world.as_user(world.sysadmin).action.governance_release_revoke(
        package_id=revoked["id"], reason="personal data found")

    insiders = {"anonymous": {}, "publisher": _token(world, world.publisher),
                "steward": _token(world, world.steward),
                "sysadmin": _token(world, world.sysadmin)}
    for output in ("datapackage.json", "review-record.json"):
        for viewer, headers in insiders.items():
            missing = _get_json(app, f"/dataset/no-such-dataset/{output}", headers)
            assert missing[0] == 404
            for dataset in (never, rejected, revoked):
                for key in ("name", "id"):
                    answer = _get_json(app, f"/dataset/{dataset[key]}/{output}", headers)
                    assert answer == missing, f"{viewer}: {output} of {dataset['name']}"
    for action in ("governance_datapackage_show", "governance_review_record_show"):
        missing = _get_json(app, f"/api/3/action/{action}?id=no-such-dataset")
        assert missing[0] == 404
        for dataset in (never, rejected, revoked):
            assert _get_json(app, f"/api/3/action/{action}?id={dataset['name']}") == missing


def test_the_review_record(world, app):
    released = world.release("protokoll")
    publisher = world.as_user(world.publisher)
    publisher.action.resource_create(package_id=released["id"], name="Karte",
                                     url="https://www.mainz.de/karte", format="HTML")
    world.submit_and_check(released["id"])
    world.approve(released["id"])
    jobs.Worker().work(burst=True)
    status = world.as_user(None).action.governance_status_show(package_id=released["id"])

    status_code, body = _get_json(app, "/dataset/protokoll/review-record.json")
    assert status_code == 200
    record = json.loads(body)
    assert record["released"] is True
    assert record["released_at"] == status["released_at"]
    assert record["content_hash"] == status["released_content_hash"]
    assert record["checks"]["recorded"] is True
    assert record["checks"]["metadata"] == {"check": "metadata", "status": "passed"}
    table, link = record["resources"]
    assert table["sha256"] == _sha256(CLEAN_CSV) and table["bytes"] == len(CLEAN_CSV)
    assert table["checks"] == [
        {"check": "table-schema", "status": "passed", "schema": "registry", "rows": 2},
        {"check": "privacy", "status": "passed"}]
    assert link["checks"][-1] == {"check": "steward-confirmation", "status": "passed"}
    assert "sha256" not in link
    package = json.loads(_get_json(app, "/dataset/protokoll/datapackage.json")[1])
    assert package["resources"][1] == {"name": "karte", "title": "Karte", "format": "html",
                                       "path": "https://www.mainz.de/karte"}
    for person in (world.steward, world.publisher, world.second_steward):
        assert person["id"] not in body and person["fullname"] not in body
        assert f'"{person["name"]}"' not in body

    page = app.get("/dataset/protokoll").get_data(as_text=True)
    assert "Review record" in page and status["released_content_hash"] in page
    assert "Table Schema: passed; Privacy: passed" in " ".join(page.split())
    german = app.get("/de/dataset/protokoll").get_data(as_text=True)
    assert "Prüfprotokoll" in german and "Review record" not in german


def test_no_record_on_the_page_of_an_unreleased_dataset(world, app):
    dataset = world.new_dataset("unveroeffentlicht")
    page = app.get("/dataset/unveroeffentlicht", headers=_token(world, world.publisher))
    assert page.status_code == 200
    assert "Review record" not in page.get_data(as_text=True)
    assert dataset["id"] in page.get_data(as_text=True)


def test_finding_codes(world, app):
    codes = json.loads(app.get("/api/3/action/governance_finding_code_list").get_data())["result"]
    by_code = {entry["code"]: entry for entry in codes}
    assert by_code["type-error"] == {
        "group": "table", "code": "type-error", "title": "Type Error",
        "description": "The value does not match the schema type and format for this field.",
        "severity": "block"}
    for code in ("blank-label", "duplicate-label", "incorrect-label", "missing-label",
                 "extra-label", "missing-cell", "extra-cell", "blank-row", "constraint-error",
                 "unique-error", "primary-key", "encoding-error", "source-error"):
        assert by_code[code]["group"] == "table"
    # Every code the metadata check can write is listed.
    source = (ROOT / "ckanext" / "governance" / "check_run.py").read_text()
    emitted = set(re.findall(r'"code": "([a-z-]+)"', source))
    assert emitted and emitted <= {c for c, e in by_code.items() if e["group"] == "metadata"}
