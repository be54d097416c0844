"""Privacy findings inside CKAN: wired into check runs and reports, dismissed by stewards for
exactly the content they saw, acknowledged before approval, revealed to stewards only."""
import copy
import io

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.logic import NotAuthorized, NotFound, ValidationError
from ckan.tests import factories

from ckanext.governance import helpers, workflow
from ckanext.governance.checks.privacy import CHECKS
from ckanext.governance.model import CheckRun

from conftest import _named_file

pytestmark = pytest.mark.usefixtures("with_plugins")

# Names of the heads of offices: published on purpose, a false positive for the name check.
OFFICE_HEADS_CSV = (
    "amt,leitung,oeffnungszeiten\n"
    "Bürgeramt,Katharina Lehmann,Mo-Fr 8-12\n"
    "Ordnungsamt,Stefan Krüger,Mo-Do 8-16\n"
    "Standesamt,Monika Schulz,Di 8-18\n"
    "Umweltamt,Thomas Wagner,Mo-Fr 9-12\n"
    "Bauamt,Sabine Richter,Mi 14-18\n").encode()

PEOPLE = [  # name, e-mail, phone: what must never leave the file unmasked
    ("Jolanta Wiśniewska", "jolanta.wisniewska@posteo.de", "+49 6131 4711023"),
    ("Emre Karagöz", "emre.karagoez@web.de", "+49 6131 4711187"),
    ("Ilse Brandstätter", "ilse.brandstaetter@gmx.de", "+49 6131 4711291"),
    ("Waldemar Kowalczyk", "w.kowalczyk@t-online.de", "+49 6131 4711345"),
    ("Giuseppe Lombardi", "giuseppe.lombardi@gmail.com", "+49 6131 4711459"),
    ("Renate Oberhauser", "renate.oberhauser@posteo.de", "+49 6131 4711563"),
]
HASHES = ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
          "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
          "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13",
          "a4e624d686e03ed2767c0abd85c14426b0b1157d2ce81d27bb4fe4f6f01d688a",
          "4fc82b26aecb47d2868c4efbe3581732a3e7cbcc6c2efb32062c08170a05eeb8",
          "6b51d431df5d7f141cbececcf79edf3dd861c3b4069f0b11661a3eefacbba918"]
PERSONAL_CSV = ("id,name,email,telefon,kundennummer,anliegen\n" + "".join(
    f"{i},{name},{mail},{phone},{HASHES[i - 1]},Sperrmüll abholen\n"
    for i, (name, mail, phone) in enumerate(PEOPLE, start=1))).encode()
# Raw values as they could leak: whole names, surnames, addresses, phone digits.
RAW_VALUES = [part for name, mail, phone in PEOPLE
              for part in (name, name.split()[-1], mail, phone, phone.replace(" ", "")[-7:])]


def _new(world, name, csv=None, **fields):
    """A dataset with one CSV upload and no Table Schema (the checks infer one)."""
    dataset = world.new_dataset(name, csv=None, **fields)
    if csv is not None:
        world.as_user(world.publisher).action.resource_create(
            package_id=dataset["id"], name="daten.csv", format="CSV",
            upload=_named_file(io.BytesIO(csv), "daten.csv"))
    return world.as_user(world.publisher).action.package_show(id=dataset["id"])


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _report(world, dataset_id, user=None):
    return world.as_user(user or world.steward).action.governance_report_show(
        package_id=dataset_id)


def _findings(report):
    found = [(None, f) for f in report["report"]["metadata"]["privacy"]]
    for resource in report["report"]["resources"]:
        found += [(resource, f) for f in (resource.get("report") or {}).get("privacy", [])]
    return found


def _finding(report, check):
    return next(f for _, f in _findings(report) if f["check"] == check)


def _replace_file(world, dataset, csv):
    world.as_user(world.publisher).action.resource_patch(
        id=dataset["resources"][0]["id"], upload=_named_file(io.BytesIO(csv), "readings.csv"))


# Wiring ------------------------------------------------------------------------------------

def test_a_csv_with_personal_data_fails_its_checks_with_masked_findings(world):
    dataset = _new(world, "meldungen", csv=PERSONAL_CSV)
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED

    report = _report(world, dataset["id"], world.publisher)
    table = report["report"]["resources"][0]["report"]
    assert table["privacy_status"] == "ran"
    assert report["report"]["metadata"]["privacy_status"] == "ran"
    by_check = {f["check"]: f for f in table["privacy"]}
    assert {"pii.person_name", "pii.email", "pii.phone", "pii.pseudonym"} <= set(by_check)
    assert by_check["pii.email"]["column"] == "email"
    assert by_check["pii.email"]["severity"] == "block"
    assert by_check["pii.pseudonym"]["severity"] == "review"
    assert by_check["pii.phone"]["share"] == 1.0
    assert all(len(f["id"]) == 32 and len(f["content_hash"]) == 64 for f in table["privacy"])
    assert report["report"]["summary"]["privacy_blocking"] == 3
    assert report["report"]["summary"]["privacy_review"] == 1
    assert report["report"]["open"]["blocking"] == 3
    assert report["report"]["open"]["needs_acknowledgement"] == [by_check["pii.pseudonym"]["id"]]
    assert by_check["pii.email"]["examples"] and all(
        "•" in example for example in by_check["pii.email"]["examples"])
    dumped = str(report)
    assert not [value for value in RAW_VALUES if value in dumped]


def test_clean_data_passes_the_privacy_checks(world):
    dataset = world.new_dataset("pegel")
    world.submit_and_check(dataset["id"])
    report = _report(world, dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
    assert report["report"]["resources"][0]["report"]["privacy_status"] == "ran"
    assert report["report"]["resources"][0]["report"]["privacy"] == []
    assert report["report"]["metadata"]["privacy"] == []
    assert report["report"]["summary"]["privacy_not_run"] == 0


@pytest.mark.ckan_config("ckanext.governance.privacy.k_block", "9")
def test_a_privacy_config_that_cannot_be_used_fails_the_run(app, world):
    """k_block above k_review is refused by the engine: the checks did not run, no pass."""
    dataset = world.new_dataset("pegel")
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED
    report = _report(world, dataset["id"])["report"]
    table = report["resources"][0]["report"]
    assert table["privacy_status"] == "error" and table["valid"] is False
    assert "privacy configuration is invalid" in table["privacy_error"]
    assert report["metadata"]["privacy_status"] == "error"
    assert report["open"]["blocking"] == 2

    body = app.get("/dataset/pegel/governance", headers=_auth(world.steward)).body
    assert "The privacy checks failed." in body
    assert "found no personal data" not in body


@pytest.mark.ckan_config("ckanext.governance.privacy.severities", "pii.person_name:off")
def test_privacy_options_of_the_ckan_config_reach_the_checks(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
    assert _findings(_report(world, dataset["id"])) == []


def test_the_privacy_config_file_is_read_and_ckan_options_win(ckan_config, monkeypatch,
                                                              tmp_path):
    from ckanext.governance.check_run import privacy_config

    config_file = tmp_path / "privacy.toml"
    config_file.write_text('min_hits = 7\nk_review = 9\n[severities]\n"pii.vat_id" = "block"\n')
    monkeypatch.setitem(ckan_config, "ckanext.governance.privacy.config_file", str(config_file))
    monkeypatch.setitem(ckan_config, "ckanext.governance.privacy.min_hits", 5)
    config = privacy_config()
    assert config.min_hits == 5 and config.k_review == 9
    assert config.severity("pii.vat_id") == "block"
    assert config.severity("pii.email") == "block"


def test_personal_data_in_the_description_is_a_metadata_finding(world):
    dataset = world.new_dataset(
        "kontakt", notes="Rückfragen an Frau Jolanta Wiśniewska, Tel. 06131 4711023.")
    world.submit_and_check(dataset["id"])
    report = _report(world, dataset["id"])
    metadata = report["report"]["metadata"]["privacy"]
    assert {(f["check"], f["field"], f["severity"]) for f in metadata} == {
        ("pii.person_name", "notes", "review"), ("pii.phone", "notes", "review")}
    # Review findings only: to the stewards, who have to acknowledge them.
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
    assert "Wiśniewska" not in str(metadata) and "4711023" not in str(metadata)


def test_every_check_has_a_text_in_the_ui():
    assert set(CHECKS) <= set(helpers._PRIVACY_CHECKS)


# Dismissal ---------------------------------------------------------------------------------

def test_a_dismissed_false_positive_lets_the_steward_approve(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    assert finding["column"] == "leitung" and finding["severity"] == "block"

    steward = world.as_user(world.steward)
    steward.action.governance_finding_dismiss(
        package_id=dataset["id"], finding_id=finding["id"],
        reason="Die Amtsleitungen werden von Amts wegen veröffentlicht.")
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
    report = _report(world, dataset["id"], world.publisher)
    dismissed = _finding(report, "pii.person_name")["dismissed"]
    assert dismissed["user"] == "steward" and "Amts wegen" in dismissed["reason"]
    assert report["report"]["open"]["blocking"] == 0

    world.approve(dataset["id"])
    assert world.as_user(None).action.package_show(id=dataset["id"])["private"] is False
    trail = steward.action.governance_audit_list(package_id=dataset["id"])
    entry = next(e for e in trail if e["event"] == "finding_dismissed")
    assert entry["details"]["check"] == "pii.person_name"
    assert entry["details"]["columns"] == ["leitung"]
    assert entry["details"]["finding_content_hash"] == finding["content_hash"]
    assert entry["details"]["reason"].startswith("Die Amtsleitungen")
    assert [e["event"] for e in trail].count(workflow.FINDINGS_DISMISSED) == 1


def test_only_stewards_dismiss_findings_with_a_reason_and_four_eyes(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    with pytest.raises(NotAuthorized):
        world.as_user(world.publisher).action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=finding["id"], reason="passt schon")
    # outside the organization the unreleased dataset is as if it did not exist (issue 7)
    for user in (world.other_steward, world.other_member):
        with pytest.raises(ValidationError, match="Not found: Dataset"):
            world.as_user(user).action.governance_finding_dismiss(
                package_id=dataset["id"], finding_id=finding["id"], reason="passt schon")
    with pytest.raises(ValidationError) as refused:
        world.as_user(world.steward).action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=finding["id"], reason="")
    assert "reason" in refused.value.error_dict
    with pytest.raises(NotFound):
        world.as_user(world.steward).action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id="0" * 32, reason="gibt es nicht")

    # A steward who also changed the content does not dismiss findings on it.
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.org["id"], username="second_steward", role="editor")
    world.as_user(world.second_steward).action.package_patch(id=dataset["id"], notes="Neu.")
    world.submit_and_check(dataset["id"], user=world.second_steward)
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    with pytest.raises(NotAuthorized) as refused:
        world.as_user(world.second_steward).action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=finding["id"], reason="meins")
    assert "Four eyes" in str(refused.value)
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED


def test_a_dismissal_holds_for_the_same_file_only(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    first = _finding(_report(world, dataset["id"]), "pii.person_name")
    steward = world.as_user(world.steward)
    steward.action.governance_finding_dismiss(package_id=dataset["id"], finding_id=first["id"],
                                              reason="Amtsleitungen sind öffentlich.")
    # Changes asked for in the metadata only: the same file, submitted again, stays dismissed.
    steward.action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["metadata-incomplete"], comment="Bitte die Beschreibung ergänzen.")
    world.as_user(world.publisher).action.package_patch(id=dataset["id"], notes="Ämter.")
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
    again = _finding(_report(world, dataset["id"]), "pii.person_name")
    assert again["id"] == first["id"] and again["dismissed"] is not None

    # A changed file in the same column is checked afresh: the dismissal does not count.
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["other"], comment="Bitte die Datei aktualisieren.")
    _replace_file(world, dataset, OFFICE_HEADS_CSV.replace(b"Monika Schulz", b"Peter Neumann"))
    world.submit_and_check(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED
    changed = _finding(_report(world, dataset["id"]), "pii.person_name")
    assert changed["column"] == first["column"]
    assert changed["content_hash"] != first["content_hash"] and changed["id"] != first["id"]
    assert changed["dismissed"] is None
    # ... and the old finding's id dismisses nothing in the new run.
    with pytest.raises(NotFound):
        steward.action.governance_finding_dismiss(package_id=dataset["id"],
                                                  finding_id=first["id"], reason="wie vorher")


def test_no_dismissal_for_content_changed_since_the_checks(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    # checks_failed is editable: the publisher swaps the file without resubmitting.
    _replace_file(world, dataset, OFFICE_HEADS_CSV + b"Kulturamt,Andrea Vogel,Mo 8-12\n")
    with pytest.raises(ValidationError) as refused:
        world.as_user(world.steward).action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=finding["id"], reason="öffentlich")
    assert "changed since it was checked" in str(refused.value)
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED


def test_other_blocking_problems_are_not_lifted_by_dismissals(world):
    broken = OFFICE_HEADS_CSV + b"Kulturamt,Andrea Vogel\n"  # a missing cell
    dataset = _new(world, "aemter", csv=broken, license_id="")
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    world.as_user(world.steward).action.governance_finding_dismiss(
        package_id=dataset["id"], finding_id=finding["id"], reason="öffentlich")
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED
    report = _report(world, dataset["id"])["report"]
    assert report["metadata"]["errors"] and report["resources"][0]["report"]["error_count"]
    assert report["open"]["blocking"] == report["summary"]["blocking"] >= 2


# Acknowledgement ---------------------------------------------------------------------------

def test_review_findings_need_acknowledgement_before_approval(world):
    dataset = world.new_dataset(
        "kontakt", notes="Rückfragen an Frau Jolanta Wiśniewska, Tel. 06131 4711023.")
    world.submit_and_check(dataset["id"])
    report = _report(world, dataset["id"])
    ids = report["report"]["open"]["needs_acknowledgement"]
    assert len(ids) == 2
    steward = world.as_user(world.steward)
    seen = world.review(dataset["id"])["content_hash"]
    for acknowledged in ([], ids[:1], ["0" * 32]):
        with pytest.raises(ValidationError) as refused:
            steward.action.governance_review_approve(
                package_id=dataset["id"], content_hash=seen, acknowledged=acknowledged)
        assert "acknowledged" in refused.value.error_dict
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW

    steward.action.governance_review_approve(package_id=dataset["id"], content_hash=seen,
                                             acknowledged=ids)
    assert world.review(dataset["id"])["state"] == workflow.APPROVED
    approval = next(e for e in steward.action.governance_audit_list(package_id=dataset["id"])
                    if e["event"] == workflow.APPROVE)
    assert {a["finding_id"] for a in approval["details"]["acknowledged"]} == set(ids)
    assert {a["field"] for a in approval["details"]["acknowledged"]} == {"notes"}


def test_a_dismissed_review_finding_needs_no_acknowledgement(world):
    dataset = world.new_dataset(
        "kontakt", notes="Rückfragen an Frau Jolanta Wiśniewska, Tel. 06131 4711023.")
    world.submit_and_check(dataset["id"])
    steward = world.as_user(world.steward)
    for finding_id in _report(world, dataset["id"])["report"]["open"]["needs_acknowledgement"]:
        steward.action.governance_finding_dismiss(package_id=dataset["id"],
                                                  finding_id=finding_id,
                                                  reason="Dienstliche Kontaktdaten.")
    world.approve(dataset["id"])
    assert world.review(dataset["id"])["state"] == workflow.APPROVED


def test_the_decision_form_asks_for_acknowledgement_next_to_the_findings(app, world):
    dataset = world.new_dataset(
        "kontakt", notes="Rückfragen an Frau Jolanta Wiśniewska, Tel. 06131 4711023.")
    world.submit_and_check(dataset["id"])
    review = world.review(dataset["id"])
    ids = _report(world, dataset["id"])["report"]["open"]["needs_acknowledgement"]
    headers = _auth(world.steward)
    body = app.get("/dataset/kontakt/governance", headers=headers).body
    for finding_id in ids:
        assert f'name="acknowledged" value="{finding_id}"' in body

    refused = app.post("/dataset/kontakt/governance", headers=headers, data={
        "decision": "approve", "content_hash": review["content_hash"],
        "acknowledged": ids[:1], "comment": "Sieht gut aus."}).body
    assert 'id="field-acknowledged-error"' in refused
    assert "1 privacy finding needs your acknowledgement" in refused
    assert "Sieht gut aus." in refused  # nothing typed is lost
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW

    app.post("/dataset/kontakt/governance", headers=headers, data={
        "decision": "approve", "content_hash": review["content_hash"], "acknowledged": ids},
        follow_redirects=True)
    assert world.review(dataset["id"])["state"] == workflow.APPROVED


# Reveal ------------------------------------------------------------------------------------

def test_stewards_reveal_a_handful_of_raw_values_audited_without_them(world):
    rows = "".join(f"{i},Person {i},{name},x\n" for i, (name, _, _) in
                   enumerate(PEOPLE * 2, start=1))
    csv = ("id,kennung,name,notiz\n" + rows).encode()
    dataset = _new(world, "meldungen", csv=csv)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    assert finding["column"] == "name"

    revealed = world.as_user(world.steward).action.governance_finding_reveal(
        package_id=dataset["id"], finding_id=finding["id"])
    assert revealed["columns"] == ["name"]
    assert len(revealed["rows"]) == 5
    assert revealed["rows"][0] == {"row": 2, "values": [PEOPLE[0][0]]}

    with pytest.raises(NotAuthorized):
        world.as_user(world.publisher).action.governance_finding_reveal(
            package_id=dataset["id"], finding_id=finding["id"])
    for user in (world.other_steward, world.other_member):
        with pytest.raises(ValidationError, match="Not found: Dataset"):
            world.as_user(user).action.governance_finding_reveal(
                package_id=dataset["id"], finding_id=finding["id"])

    trail = world.as_user(world.steward).action.governance_audit_list(package_id=dataset["id"])
    entry = next(e for e in trail if e["event"] == "finding_revealed")
    assert entry["actor"] == "steward"
    assert entry["details"]["columns"] == ["name"] and entry["details"]["rows"] == 5
    assert entry["details"]["check"] == "pii.person_name"
    assert not [value for value in RAW_VALUES if value in str(trail)]


def test_nothing_is_revealed_from_a_file_changed_since_the_checks(world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    _replace_file(world, dataset, OFFICE_HEADS_CSV.replace(b"Stefan", b"Markus"))
    with pytest.raises(ValidationError) as refused:
        world.as_user(world.steward).action.governance_finding_reveal(
            package_id=dataset["id"], finding_id=finding["id"])
    assert "nothing is revealed" in str(refused.value)


def test_the_reveal_page_shows_values_only_after_a_post_and_is_not_cached(app, world):
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    url = f"/dataset/aemter/governance/finding/{finding['id']}/reveal"
    headers = _auth(world.steward)

    page = app.get(url, headers=headers)
    assert "Katharina Lehmann" not in page.body and "K•••••••• L••••••" in page.body
    shown = app.post(url, headers=headers)
    assert "no-store" in shown.headers["Cache-Control"]
    assert "Katharina Lehmann" in shown.body and "Stefan Krüger" in shown.body
    assert "Thomas Wagner" in shown.body  # five rows at most: all five here

    app.get(url, headers=_auth(world.publisher), status=403)
    app.post(url, headers=_auth(world.publisher), status=403)
    app.get(url, headers=_auth(world.other_steward), status=404)
    app.get(url, status=404)


# Pages -------------------------------------------------------------------------------------

def test_review_and_report_pages_show_findings_with_dismiss_and_reveal_for_stewards(app, world):
    dataset = _new(world, "meldungen", csv=PERSONAL_CSV)
    world.submit_and_check(dataset["id"])
    report = _report(world, dataset["id"])
    email = _finding(report, "pii.email")
    run_id, resource_id = report["id"], dataset["resources"][0]["id"]
    pages = ("/dataset/meldungen/governance",
             f"/dataset/meldungen/governance/report/{run_id}/{resource_id}")
    for url in pages:
        body = app.get(url, headers=_auth(world.steward)).body
        assert "personal e-mail addresses" in body and "<code>email</code>" in body
        assert email["examples"][0] in body
        assert f"/governance/finding/{email['id']}/dismiss" in body
        assert f"/governance/finding/{email['id']}/reveal" in body
        assert "Needs acknowledgement" in body and "Blocking" in body
        assert not [value for value in RAW_VALUES if value in body]
        publisher_page = app.get(url, headers=_auth(world.publisher)).body
        assert "personal e-mail addresses" in publisher_page
        assert "/dismiss" not in publisher_page and "/reveal" not in publisher_page

    german = app.get("/de" + pages[1], headers=_auth(world.steward)).body
    assert "persönliche E-Mail-Adressen" in german and "Als Fehlalarm verwerfen" in german
    assert "personal e-mail addresses" not in german

    # The form's dismissal, from the report page, returns there.
    answer = app.post(f"/dataset/meldungen/governance/finding/{email['id']}/dismiss",
                      headers=_auth(world.steward),
                      data={"reason": "Testdaten", "return_to": "report",
                            "resource_id": resource_id}, follow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(pages[1])
    body = app.get(pages[1], headers=_auth(world.steward)).body
    assert "Dismissed as a false positive by steward" in body and "Testdaten" in body


def test_a_table_not_checked_for_privacy_never_reads_as_clean(app, world):
    dataset = world.new_dataset("pegel")
    world.submit_and_check(dataset["id"])
    run = model.Session.get(CheckRun, world.review(dataset["id"])["latest_check_run"]["id"])
    report = copy.deepcopy(run.report)
    report["resources"][0]["report"]["privacy_status"] = "not_run"
    run.report = report
    model.repo.commit()
    url = f"/dataset/pegel/governance/report/{run.id}/{dataset['resources'][0]['id']}"
    body = app.get(url, headers=_auth(world.steward)).body
    assert "The privacy checks did not run." in body
    assert "no personal data" not in body


def test_dismissals_are_kept_per_finding_once(world):
    dataset = _new(world, "meldungen", csv=PERSONAL_CSV)
    world.submit_and_check(dataset["id"])
    steward = world.as_user(world.steward)
    report = _report(world, dataset["id"])
    for check in ("pii.person_name", "pii.email"):
        steward.action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=_finding(report, check)["id"], reason="Test")
    with pytest.raises(ValidationError) as refused:
        steward.action.governance_finding_dismiss(
            package_id=dataset["id"], finding_id=_finding(report, "pii.email")["id"],
            reason="noch einmal")
    assert "dismissed already" in str(refused.value)
    # One blocker left: still failed.
    assert world.review(dataset["id"])["state"] == workflow.CHECKS_FAILED
    count = model.Session.scalar(sa.text("SELECT count(*) FROM governance_finding_dismissal"))
    assert count == 2


# Forged form posts ---------------------------------------------------------------------------

def _csrf_token(body):
    import re
    return re.search(r'name="_csrf_token" value="([^"]+)"', body).group(1)


def test_forged_form_posts_fail_even_after_an_api_token_exempted_the_view(app, world,
                                                                          monkeypatch):
    """CKAN exempts a view from CSRF checks for good once a request with an API token reached
    it; the extension's forms check the token themselves."""
    dataset = _new(world, "aemter", csv=OFFICE_HEADS_CSV)
    world.submit_and_check(dataset["id"])
    finding = _finding(_report(world, dataset["id"]), "pii.person_name")
    dismiss = f"/dataset/aemter/governance/finding/{finding['id']}/dismiss"
    monkeypatch.setitem(app.flask_app.config, "WTF_CSRF_ENABLED", True)
    # Any token holder (here the publisher, refused) makes CKAN exempt both views ...
    app.post(dismiss, headers=_auth(world.publisher), data={"reason": "x"})
    app.post("/dataset/aemter/governance", headers=_auth(world.publisher),
             data={"decision": "approve"})
    # ... then a page elsewhere makes the steward's browser post without the form's token.
    # (The test client keeps the session cookie for localhost.)
    app.set_session_user(world.steward["id"])
    browser = {"base_url": "http://localhost", "follow_redirects": False}
    forged = app.post(dismiss, data={"reason": "gefälscht"}, **browser)
    assert forged.status_code in (400, 403)
    assert _finding(_report(world, dataset["id"]), "pii.person_name")["dismissed"] is None

    # The steward's own form, with its token, works.
    page = app.get("/dataset/aemter/governance", **browser).body
    app.post(dismiss, data={"reason": "Amtsleitungen sind öffentlich.",
                            "_csrf_token": _csrf_token(page)}, **browser)
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW

    review = world.review(dataset["id"])
    forged = app.post("/dataset/aemter/governance", **browser,
                      data={"decision": "approve", "content_hash": review["content_hash"]})
    assert forged.status_code in (400, 403)
    assert world.review(dataset["id"])["state"] == workflow.IN_REVIEW
