"""Forms that guide: the Table Schema field offers the registry by title, a URL or inline
JSON; fields a release needs are marked; the new-dataset form's last button saves a draft;
discarding a change and removing a steward ask first; decision errors stand at their
fields; the audit export is linked from the review and the organization pages."""
import csv
import io

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins")


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _draft(world, name="entwurf"):
    # What the form's first step leaves: a draft (only sysadmins may set that by API).
    return world.as_user(world.sysadmin).action.package_create(
        name=name, title="Baustellen", owner_org=world.org["id"], state="draft")


def test_table_schema_field_offers_the_registry_by_title_a_url_or_json(app, world):
    _draft(world)
    page = BeautifulSoup(app.get("/dataset/entwurf/resource/new",
                                 headers=_auth(world.publisher)).body, "html.parser")
    field = page.select_one('[data-module="governance-schema-field"]')
    modes = [option["value"] for option in field.select("#field-schema-mode option")]
    assert modes == ["none", "registry", "url", "json"]
    registry = {option["value"]: option.text for option in
                field.select('select[name="schema"] option')}
    assert registry["waste-bin-sensors"] == "Waste bin fill sensors (waste-bin-sensors)"
    assert set(registry) == {"citizen-office-visits", "road-conditions", "waste-bin-sensors"}
    # A new resource has no schema: every input is off, so none is sent.
    for mode in ("registry", "url", "json"):
        fieldset = field.select_one(f'fieldset[data-schema-mode="{mode}"]')
        assert fieldset.has_attr("disabled") and fieldset.has_attr("hidden")
    assert page.select_one('button[value="go-metadata"]').text.strip() == "Save draft"


@pytest.mark.parametrize("value, mode, shown", [
    ("road-conditions", "registry", "road-conditions"),
    ("https://example.org/schema.json", "url", "https://example.org/schema.json"),
    ('{"fields": [{"name": "id", "type": "integer"}]}', "json", '"name": "id"'),
])
def test_table_schema_field_opens_in_the_way_the_schema_was_given(app, world, value, mode,
                                                                  shown):
    dataset = world.new_dataset("messwerte")
    resource = dataset["resources"][0]
    world.as_user(world.publisher).action.resource_patch(id=resource["id"], schema=value)
    page = BeautifulSoup(app.get(f"/dataset/messwerte/resource/{resource['id']}/edit",
                                 headers=_auth(world.publisher)).body, "html.parser")
    assert page.select_one("#field-schema-mode option[selected]")["value"] == mode
    active = page.select_one(f'fieldset[data-schema-mode="{mode}"]')
    assert not active.has_attr("disabled")
    assert shown in str(active)
    assert len(page.select('fieldset[data-schema-mode]:not([disabled]) [name="schema"]')) == 1


def test_fields_a_release_needs_are_marked_in_both_languages(app, world):
    for prefix, note in (("", "Required for release"), ("/de", "Für die Freigabe erforderlich")):
        page = BeautifulSoup(app.get(f"{prefix}/dataset/new", headers=_auth(world.publisher)).body,
                             "html.parser")
        marked = {
            note_tag.find_parent(class_="form-group").select_one("[name]")["name"]
            for note_tag in page.select(".governance-required-note")}
        assert note in page.select_one(".governance-required-note").text
        assert marked == {"title", "notes", "tag_string", "license_id", "publisher_name",
                          "contact_name", "contact_email", "frequency", "temporal_start",
                          "spatial_text"}


def test_withdrawing_and_removing_a_steward_ask_for_confirmation(app, world):
    world.release("stabil")
    world.as_user(world.publisher).action.package_patch(id="stabil", notes="neu")
    page = BeautifulSoup(app.get("/de/dataset/stabil/governance",
                                 headers=_auth(world.publisher)).body, "html.parser")
    button = page.select_one("form.governance-withdraw button")
    assert button["data-module"] == "confirm-action"
    assert button["data-module-with-data"] == "true"
    assert button["data-module-title"] == "Änderung zurückziehen und verwerfen?"
    stewards = BeautifulSoup(app.get("/organization/stewards/stadt-mainz",
                                     headers=_auth(world.sysadmin)).body, "html.parser")
    remove = stewards.select('input[value="remove"] ~ button')
    assert remove and all(b["data-module"] == "confirm-action" for b in remove)
    assert "will no longer see or review" in remove[0]["data-module-content"]


def test_confirmation_texts_carry_no_display_names(app, world):
    """ckan.confirm writes its texts into the page as HTML: a display name there would run."""
    world.as_user(world.sysadmin).action.user_patch(
        id="second_steward", fullname='<img src=x onerror="alert(1)">')
    stewards = BeautifulSoup(app.get("/organization/stewards/stadt-mainz",
                                     headers=_auth(world.sysadmin)).body, "html.parser")
    for button in stewards.select('input[value="remove"] ~ button'):
        for name in ("data-module-title", "data-module-content"):
            assert "<" not in button[name] and "onerror" not in button[name]
    assert any("second_steward" in b["data-module-title"]
               for b in stewards.select('input[value="remove"] ~ button'))


def test_decision_errors_stand_next_to_their_fields(app, world):
    dataset = world.new_dataset("pegel")
    world.submit_and_check(dataset["id"])
    seen = world.review(dataset["id"])["content_hash"]
    body = app.post("/de/dataset/pegel/governance", data={
        "decision": "reject", "content_hash": seen, "reasons": ["nonsense"]},
        headers=_auth(world.steward)).body
    page = BeautifulSoup(body, "html.parser")
    assert "Unbekannte Grund-Codes: nonsense" in page.select_one("#field-reasons-error").text
    assert page.select_one("#field-comment-error").text.strip() == "Fehlender Wert"
    assert "is-invalid" in page.select_one("#field-comment")["class"]
    assert not page.select(".alert-error, .flash-messages .alert-danger")
    body = app.post("/dataset/pegel/governance", data={"content_hash": seen},
                    headers=_auth(world.steward)).body
    assert "Please choose a decision." in body
    assert world.review(dataset["id"])["state"] == "in_review"


def test_audit_export_is_linked_from_the_review_and_organization_pages(app, world):
    world.release("stabil")
    review = app.get("/dataset/stabil/governance", headers=_auth(world.publisher)).body
    assert 'href="/dataset/stabil/governance/audit.csv"' in review
    organization = app.get("/organization/stadt-mainz", headers=_auth(world.publisher)).body
    assert 'href="/organization/stadt-mainz/governance/audit.csv"' in organization
    rows = list(csv.DictReader(io.StringIO(app.get(
        "/organization/stadt-mainz/governance/audit.csv", headers=_auth(world.steward)).body)))
    events = [row["event"] for row in rows]
    assert "steward_added" in events and "approve" in events
    assert {row["package_id"] for row in rows if row["package_id"]} == {
        world.as_user(world.publisher).action.package_show(id="stabil")["id"]}
    # Not for outsiders, and the other organization's trail stays separate.
    for outsider in (None, world.other_member, world.other_steward):
        app.get("/organization/stadt-mainz/governance/audit.csv",
                headers=_auth(outsider) if outsider else {}, status=404)
        page = app.get("/organization/stadt-mainz", headers=_auth(outsider) if outsider else {})
        assert "/governance/audit.csv" not in page.body
    other = list(csv.DictReader(io.StringIO(app.get(
        "/organization/stadt-wiesbaden/governance/audit.csv",
        headers=_auth(world.other_steward)).body)))
    assert {row["event"] for row in other} == {"steward_added"}
