"""The web UI: review page, per-resource report, decision form, queue, stewards page."""
import copy
import io

import pytest

from ckan.lib import jobs
from ckan.tests import factories

from conftest import CLEAN_CSV, COMPLETE_METADATA, _named_file

pytestmark = pytest.mark.usefixtures("with_plugins")

BROKEN_CSV = b"id,sensor_id\n1,XX\nx,MZ-WB-00002\n"


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _in_review(world, name):
    dataset = world.new_dataset(name)
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == "in_review"
    return dataset


def _decide(app, world, dataset, user=None, **form):
    return app.post(f"/dataset/{dataset['name']}/governance", data=form,
                    headers=_auth(user or world.steward), follow_redirects=True)


def test_review_page_shows_state_checks_and_decision_form_to_a_steward(app, world):
    dataset = _in_review(world, "pegelstaende")
    body = app.get("/dataset/pegelstaende/governance", headers=_auth(world.steward)).body
    assert "In review" in body
    assert "All checks passed." in body
    assert 'name="decision" value="approve"' in body
    assert world.review(dataset["id"])["content_hash"] in body
    for code in ("personal-data", "schema-errors"):
        assert f'value="{code}"' in body


def test_publisher_sees_the_review_with_withdraw_but_no_decision_form(app, world):
    _in_review(world, "pegelstaende")
    body = app.get("/dataset/pegelstaende/governance", headers=_auth(world.publisher)).body
    assert "In review" in body
    assert "Withdraw the submission" in body
    assert 'name="decision"' not in body


@pytest.mark.parametrize("who", [None, "other_member", "other_steward"])
def test_review_page_of_an_unreleased_dataset_is_unknown_to_outsiders(app, world, who):
    dataset = _in_review(world, "pegelstaende")
    headers = _auth(getattr(world, who)) if who else {}
    for url in ("/dataset/pegelstaende/governance",
                f"/dataset/{dataset['id']}/governance/report/x/{dataset['resources'][0]['id']}"):
        response = app.get(url, headers=headers, status=404)
        assert dataset["title"] not in response.body


def test_review_page_of_a_released_dataset_is_forbidden_to_the_public(app, world):
    world.release("pegelstaende")
    response = app.get("/dataset/pegelstaende/governance", status=403)
    assert "Audit trail" not in response.body


def test_dataset_page_shows_members_a_banner_and_the_public_a_review_note(app, world):
    dataset = _in_review(world, "pegelstaende")
    body = app.get("/dataset/pegelstaende", headers=_auth(world.publisher)).body
    assert "This dataset is not public yet" in body
    assert "/dataset/pegelstaende/governance" in body

    world.approve(dataset["id"])
    public = app.get("/dataset/pegelstaende").body
    assert "checks passed" in public
    assert "/dataset/pegelstaende/governance" not in public


def test_approving_through_the_form_releases_the_dataset(app, world):
    dataset = _in_review(world, "pegelstaende")
    seen = world.review(dataset["id"])["content_hash"]
    body = _decide(app, world, dataset, decision="approve", content_hash=seen,
                   comment="Sieht gut aus.").body
    assert "Approved: the dataset is now public" in body
    status = world.as_user(None).action.governance_status_show(package_id=dataset["id"])
    assert status["released"] is True
    assert "Sieht gut aus." in body  # the decision is listed on the review page


def test_a_stale_content_hash_gives_an_error_not_a_release(app, world):
    dataset = _in_review(world, "pegelstaende")
    body = _decide(app, world, dataset, decision="approve", content_hash="0" * 64).body
    assert "The content changed since you opened it" in body
    assert world.review(dataset["id"])["state"] == "in_review"


def test_the_submitter_cannot_approve_through_the_form(app, world):
    world.as_user(world.sysadmin).action.governance_steward_create(
        organization_id=world.org["id"], user_id=world.publisher["id"])
    dataset = _in_review(world, "pegelstaende")
    seen = world.review(dataset["id"])["content_hash"]
    body = _decide(app, world, dataset, user=world.publisher, decision="approve",
                   content_hash=seen).body
    assert "Four eyes" in body
    assert world.review(dataset["id"])["state"] == "in_review"


def test_request_changes_needs_reasons_and_keeps_the_comment(app, world):
    dataset = _in_review(world, "pegelstaende")
    seen = world.review(dataset["id"])["content_hash"]
    body = _decide(app, world, dataset, decision="request_changes", content_hash=seen,
                   comment="Bitte die Lizenz prüfen.").body
    # The error stands next to the reasons, the comment is kept.
    assert 'id="field-reasons-error">Missing value</div>' in body
    assert "Bitte die Lizenz prüfen.</textarea>" in body
    assert world.review(dataset["id"])["state"] == "in_review"

    body = _decide(app, world, dataset, decision="request_changes", content_hash=seen,
                   reasons=["licence", "metadata-incomplete"],
                   comment="Bitte die Lizenz prüfen.").body
    assert "Changes requested: the publisher has been told." in body
    review = world.review(dataset["id"])
    assert review["state"] == "changes_requested"
    assert review["decisions"][-1]["reasons"] == ["licence", "metadata-incomplete"]


def test_publisher_submits_and_withdraws_through_the_buttons(app, world):
    world.new_dataset("pegelstaende")
    headers = _auth(world.publisher)
    body = app.get("/dataset/pegelstaende/governance", headers=headers).body
    assert "Submit for review" in body
    body = app.post("/dataset/pegelstaende/governance/submit", headers=headers,
                    follow_redirects=True).body
    assert "Submitted: the checks are running" in body
    assert world.review("pegelstaende")["state"] == "checking"
    body = app.post("/dataset/pegelstaende/governance/withdraw", headers=headers,
                    follow_redirects=True).body
    assert "The submission was withdrawn." in body
    assert world.review("pegelstaende")["state"] == "withdrawn"


def test_steward_cannot_submit_through_the_button(app, world):
    world.new_dataset("pegelstaende")
    body = app.post("/dataset/pegelstaende/governance/submit", headers=_auth(world.steward),
                    follow_redirects=True).body
    assert "Submitted" not in body
    assert world.review("pegelstaende")["state"] == "draft"


def test_resource_report_lists_errors_with_row_field_and_code(app, world):
    dataset = world.new_dataset("kaputt", csv=BROKEN_CSV)
    world.submit_and_check(dataset["id"])
    review = world.review(dataset["id"])
    assert review["state"] == "checks_failed"
    run_id = review["latest_check_run"]["id"]
    headers = _auth(world.steward)
    page = app.get("/dataset/kaputt/governance", headers=headers).body
    report_url = f"/dataset/kaputt/governance/report/{run_id}/{dataset['resources'][0]['id']}"
    assert report_url in page
    body = app.get(report_url, headers=headers).body
    assert "<code>type-error</code>" in body
    assert "<code>constraint-error</code>" in body
    assert "utf-8" in body
    assert "Table Schema used" in body
    filtered = app.get(report_url + "?code=type-error", headers=headers).body
    assert "<code>constraint-error</code>" not in filtered
    app.get(f"/dataset/kaputt/governance/report/{run_id}/no-such-resource", headers=headers,
            status=404)


def _other_org_in_review(world, name):
    member = world.as_user(world.other_member)
    dataset = member.action.package_create(name=name, title=f"Dataset {name}",
                                           owner_org=world.other_org["id"], **COMPLETE_METADATA)
    member.action.resource_create(
        package_id=dataset["id"], name="readings.csv", format="CSV", schema="waste-bin-sensors",
        upload=_named_file(io.BytesIO(CLEAN_CSV), "readings.csv"))
    member.action.governance_review_submit(package_id=dataset["id"])
    jobs.Worker().work(burst=True)
    return dataset


def test_queue_lists_only_the_stewards_own_organizations(app, world):
    _in_review(world, "mainz-pegel")
    _other_org_in_review(world, "wiesbaden-pegel")
    mine = app.get("/governance/queue", headers=_auth(world.steward)).body
    assert "Dataset mainz-pegel" in mine and "Dataset wiesbaden-pegel" not in mine
    theirs = app.get("/governance/queue", headers=_auth(world.other_steward)).body
    assert "Dataset wiesbaden-pegel" in theirs and "Dataset mainz-pegel" not in theirs
    everything = app.get("/governance/queue", headers=_auth(world.sysadmin)).body
    assert "Dataset mainz-pegel" in everything and "Dataset wiesbaden-pegel" in everything
    filtered = app.get(f"/governance/queue?organization={world.other_org['id']}",
                       headers=_auth(world.sysadmin)).body
    assert "Dataset mainz-pegel" not in filtered and "Dataset wiesbaden-pegel" in filtered
    young = app.get("/governance/queue?min_days=3", headers=_auth(world.steward)).body
    assert "Dataset mainz-pegel" not in young


def test_queue_filters_by_state_and_links_to_review_pages(app, world):
    dataset = world.new_dataset("kaputt", csv=BROKEN_CSV)
    world.submit_and_check(dataset["id"])
    headers = _auth(world.steward)
    # By default the queue shows every open review, failed checks included.
    assert 'href="/dataset/kaputt/governance"' in app.get("/governance/queue", headers=headers).body
    assert "Dataset kaputt" not in app.get("/governance/queue?show=in_review",
                                           headers=headers).body
    failed = app.get("/governance/queue?show=checks_failed", headers=headers).body
    assert 'href="/dataset/kaputt/governance"' in failed


@pytest.mark.parametrize("who", [None, "publisher"])
def test_queue_is_for_stewards_only(app, world, who):
    app.get("/governance/queue", headers=_auth(getattr(world, who)) if who else {}, status=403)


def test_stewards_page_adds_and_removes_stewards(app, world):
    headers = _auth(world.sysadmin)
    url = "/organization/stewards/stadt-mainz"
    body = app.get(url, headers=headers).body
    assert "second_steward" in body and "other_member" not in body
    body = app.post(url, data={"action": "add", "username": "other_member"}, headers=headers,
                    follow_redirects=True).body
    assert "other_member is now a steward" in body
    names = [s["name"] for s in world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id="stadt-mainz")]
    assert "other_member" in names
    body = app.post(url, data={"action": "remove", "user_id": world.other_member["id"]},
                    headers=headers, follow_redirects=True).body
    assert "The steward was removed." in body
    names = [s["name"] for s in world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id="stadt-mainz")]
    assert "other_member" not in names
    body = app.post(url, data={"action": "add", "username": "nobody-here"}, headers=headers,
                    follow_redirects=True).body
    assert "There is no user named" in body


def test_stewards_page_is_linked_for_org_admins_and_closed_to_editors(app, world):
    body = app.get("/organization/edit/stadt-mainz", headers=_auth(world.sysadmin)).body
    assert 'href="/organization/stewards/stadt-mainz"' in body
    app.get("/organization/stewards/stadt-mainz", headers=_auth(world.publisher), status=403)
    app.post("/organization/stewards/stadt-mainz",
             data={"action": "add", "username": "publisher"}, headers=_auth(world.publisher),
             status=403)


def test_queue_link_in_the_header_only_for_stewards(app, world):
    assert "/governance/queue" in app.get("/dataset", headers=_auth(world.steward)).body
    assert "/governance/queue" not in app.get("/dataset", headers=_auth(world.publisher)).body


def test_review_page_in_german(app, world):
    _in_review(world, "pegelstaende")
    body = app.get("/de/dataset/pegelstaende/governance", headers=_auth(world.steward)).body
    assert "In Prüfung" in body
    assert "Prüfprotokoll" in body
    assert "Freigeben und veröffentlichen" in body


def test_review_page_of_a_change_shows_the_diff_against_the_released_version(app, world):
    released = world.release("stabil")
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], notes="MARKER-META")
    publisher.action.resource_create(
        package_id=released["id"], name="november.csv", format="CSV", url="http://x.example/n.csv")
    headers = _auth(world.steward)
    body = app.get("/dataset/stabil/governance", headers=headers).body
    assert "Changes against the released version" in body
    assert "MARKER-META" in body and released["notes"] in body
    assert "november.csv" in body
    assert "Change to the released version" in body
    dataset_page = app.get("/dataset/stabil", headers=_auth(world.publisher)).body
    assert "A change to this dataset is under review" in dataset_page
    public = app.get("/dataset/stabil").body
    assert "MARKER-META" not in public and "A change to this dataset" not in public


def test_privacy_findings_show_with_masked_examples(app, world):
    from ckan import model
    from ckanext.governance.model import CheckRun

    dataset = _in_review(world, "pegelstaende")
    run_id = world.review(dataset["id"])["latest_check_run"]["id"]
    run = model.Session.get(CheckRun, run_id)
    report = copy.deepcopy(run.report)
    report["resources"][0]["report"]["privacy"] = [
        {"check": "pii.iban", "severity": "block", "column": "note", "share": 0.25,
         "message": "Column 'note' holds IBANs", "examples": ["DE•• •••• •••• •••• ••30 00"],
         "id": "f" * 32, "content_hash": "0" * 64}]
    run.report = report
    model.repo.commit()

    headers = _auth(world.steward)
    for url in ("/dataset/pegelstaende/governance",
                f"/dataset/pegelstaende/governance/report/{run_id}/"
                f"{dataset['resources'][0]['id']}"):
        body = app.get(url, headers=headers).body
        assert "IBANs (bank accounts)" in body and "<code>note</code>" in body
        assert "DE•• •••• •••• •••• ••30 00" in body
        assert "25.0\u00a0%" in body
