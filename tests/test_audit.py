"""The audit log: every transition and decision, append-only and tamper-evident."""
import csv
import io

import pytest
import sqlalchemy as sa
from ckanapi import NotAuthorized

from ckan import model
from ckan.cli.cli import ckan

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_every_transition_and_decision_is_audited(world):
    dataset = world.new_dataset("protokoll")
    world.submit_and_check(dataset["id"])
    world.approve(dataset["id"])
    entries = world.as_user(world.steward).action.governance_audit_list(
        package_id=dataset["id"])
    assert [(e["event"], e["from_state"], e["to_state"]) for e in entries] == [
        ("open", None, "draft"),
        ("submit", "draft", "checking"),
        ("checks_passed", "checking", "in_review"),
        ("approve", "in_review", "approved"),
    ]
    assert entries[-1]["actor"] == "steward"
    submitted_revision = entries[1]["content_hash"]
    assert len(submitted_revision) == 64
    assert [e["content_hash"] for e in entries[1:]] == [submitted_revision] * 3
    with pytest.raises(NotAuthorized):
        world.as_user(world.other_steward).action.governance_audit_list(
            package_id=dataset["id"])


def test_verify_command_detects_an_edited_row(world, cli):
    dataset = world.new_dataset("manipuliert")
    world.submit_and_check(dataset["id"])
    assert cli.invoke(ckan, ["governance", "audit", "verify"]).exit_code == 0

    model.Session.execute(sa.text(
        "UPDATE governance_audit SET actor_id = 'someone-else' WHERE seq = 2"))
    model.Session.commit()
    result = cli.invoke(ckan, ["governance", "audit", "verify"])
    assert result.exit_code == 1
    assert "entry 2" in result.output


def test_verify_command_detects_a_removed_row(world, cli):
    dataset = world.new_dataset("geloescht")
    world.submit_and_check(dataset["id"])
    model.Session.execute(sa.text("DELETE FROM governance_audit WHERE seq = 2"))
    model.Session.commit()
    result = cli.invoke(ckan, ["governance", "audit", "verify"])
    assert result.exit_code == 1
    assert "entry 3" in result.output


def test_export_writes_every_entry_as_csv(world, cli):
    dataset = world.new_dataset("export")
    world.submit_and_check(dataset["id"])
    result = cli.invoke(ckan, ["governance", "audit", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    steward_entries = [r for r in rows if r["event"] == "steward_added"]
    assert len(steward_entries) == 3
    assert [r["event"] for r in rows if r["package_id"] == dataset["id"]] == [
        "open", "submit", "checks_passed"]
    assert all(len(r["entry_hash"]) == 64 for r in rows)


def test_csv_exports_over_the_web(world, app):
    dataset = world.new_dataset("web-export")
    world.submit_and_check(dataset["id"])
    steward = world.as_user(world.sysadmin).action.api_token_create(
        user="steward", name="t")["token"]
    admin = world.as_user(world.sysadmin).action.api_token_create(
        user=world.sysadmin["name"], name="t")["token"]

    trail = app.get(f"/dataset/{dataset['name']}/governance/audit.csv",
                    headers={"Authorization": steward})
    assert trail.status_code == 200 and trail.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(trail.get_data(as_text=True))))
    assert [r["event"] for r in rows] == ["open", "submit", "checks_passed"]

    assert app.get("/governance/audit.csv", headers={"Authorization": steward}
                   ).status_code == 403
    whole = app.get("/governance/audit.csv", headers={"Authorization": admin})
    assert whole.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(whole.get_data(as_text=True))))) > len(rows)
    assert app.get(f"/dataset/{dataset['name']}/governance/audit.csv").status_code == 404
