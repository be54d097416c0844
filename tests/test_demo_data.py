"""`make dev`'s demo content (scripts/demo_data.py): every dataset ends in the state the demo
promises, the one with personal data in checks_failed with findings a steward can read."""
import importlib.util
from pathlib import Path

import pytest
from ckanapi import LocalCKAN

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins")

ROOT = Path(__file__).resolve().parent.parent
# Values of demo/service-requests.csv that must not appear unmasked anywhere but the file.
RAW = ["Hoffmann", "Yılmaz", "Schmidt", "lukas.hoffmann@example.org", "+49 6131"]


def _demo():
    spec = importlib.util.spec_from_file_location("demo_data", ROOT / "scripts" / "demo_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_datasets_end_in_their_states(app, clean_db, clean_index, clean_queues):
    demo = _demo()
    site = LocalCKAN()
    demo.ensure_users(site)
    demo.ensure_org(site)
    demo.ensure_datasets(LocalCKAN(username="publisher"), LocalCKAN(username="steward"))
    steward = LocalCKAN(username="steward")

    for spec in demo.DATASETS:
        status = steward.action.governance_status_show(package_id=spec["name"])
        state = status["review"]["state"] if status["review"] else "draft"
        if spec["goal"] == "released":  # and a change to it waits for review
            assert status["released"] and state == "in_review", spec["name"]
        else:
            assert state == spec["goal"], spec["name"]
        if spec["goal"] == "draft":
            continue
        report = steward.action.governance_report_show(package_id=spec["name"])["report"]
        table = report["resources"][0]["report"]
        assert table["privacy_status"] == "ran" and report["metadata"]["privacy"] == []
        if spec["name"] != "buergermeldungen":  # the clean ones pass the privacy checks
            assert table["privacy"] == [], spec["name"]

    report = steward.action.governance_report_show(package_id="buergermeldungen")["report"]
    findings = {(f["check"], f.get("column")): f
                for f in report["resources"][0]["report"]["privacy"]}
    assert {("pii.person_name", "reporter_name"), ("pii.email", "reporter_email"),
            ("pii.phone", "reporter_phone")} <= set(findings)
    assert all(f["severity"] == "block" and f["examples"] for f in findings.values()
               if f["check"].startswith("pii."))
    assert not [value for value in RAW if value in str(report)]

    headers = {"Authorization": factories.APIToken(user="steward")["token"]}
    page = app.get("/dataset/buergermeldungen/governance", headers=headers).body
    assert "names of people" in page and "<code>reporter_email</code>" in page
    german = app.get("/de/dataset/buergermeldungen/governance", headers=headers).body
    assert "Namen von Personen" in german and "persönliche E-Mail-Adressen" in german
    assert not [value for value in RAW if value in page + german]
