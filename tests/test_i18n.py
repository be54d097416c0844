"""German and English throughout: the governance pages, the dataset and resource forms, the
notices and mails in German carry no English (UI strings, words, date formats); dates and
numbers follow the language; check reports keep frictionless's codes and English messages in
the API while the UI words them in German."""
import io
import json
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.governance import report_text

from conftest import COMPLETE_METADATA, _named_file
from english import english_on

pytestmark = pytest.mark.usefixtures("with_plugins")

REGISTRY = Path(__file__).resolve().parent.parent / "schemas" / "table"

BROKEN_CSV = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
              b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n"
              b"x,MZ-WB-2,gestern,140,71,voll,true,Neustadt,\n")


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _german_dataset(world, name, title, csv=None, **fields):
    from conftest import CLEAN_CSV
    publisher = world.as_user(world.publisher)
    dataset = publisher.action.package_create(
        name=name, title=title, owner_org=world.org["id"], **{**COMPLETE_METADATA, **fields})
    publisher.action.resource_create(
        package_id=dataset["id"], name="messwerte.csv", format="CSV",
        schema="waste-bin-sensors",
        upload=_named_file(io.BytesIO(csv or CLEAN_CSV), "messwerte.csv"))
    return publisher.action.package_show(id=dataset["id"])


@pytest.fixture
def pages(world):
    """Datasets in the states the governance pages show, with German content, and the data
    (not UI text) the pages show of them."""
    waiting = _german_dataset(world, "pegel-wartend", "Pegelstände am Rhein")
    world.submit_and_check(waiting["id"])
    failing = _german_dataset(world, "pegel-fehler", "Pegelstände mit Fehlern", BROKEN_CSV)
    world.submit_and_check(failing["id"])
    answered = _german_dataset(world, "pegel-nachbessern", "Pegelstände zum Nachbessern")
    world.submit_and_check(answered["id"])
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=answered["id"], content_hash=world.review(answered["id"])["content_hash"],
        reasons=["metadata-incomplete", "licence"], comment="Bitte die Lizenz prüfen.")
    from ckan.lib import jobs
    jobs.Worker().work(burst=True)
    data = {"publisher", "steward", "second_steward", "stadt-mainz", "stadt-wiesbaden",
            "messwerte.csv", "Bitte die Lizenz prüfen.", "Waste bin fill sensors",
            "waste-bin-sensors", "Citizen office visits", "citizen-office-visits",
            "Road conditions", "road-conditions", world.org["title"], world.org["name"],
            world.publisher["display_name"], world.steward["display_name"],
            world.second_steward["display_name"], COMPLETE_METADATA["notes"],
            tk.config["ckan.site_title"], world.other_org["title"],
            "Open Database License", world.org["description"],
            world.other_org["description"]}
    data |= {licence.title for licence in model.Package.get_license_register().values()}
    data |= set(report_text.ERROR_TEXTS)  # error codes are shown as they are
    for name in ("waste-bin-sensors",):  # the registry's schemas are content too
        schema = json.loads((REGISTRY / f"{name}.json").read_text("utf-8"))
        data |= {schema.get("title"), schema.get("description")}
        data |= {field.get(key) for field in schema["fields"] for key in ("name", "title")}
    for dataset in (waiting, failing, answered):
        data |= {dataset["name"], dataset["title"], dataset["id"]}
    return {"waiting": waiting, "failing": failing, "answered": answered, "data": data}


def _german(app, url, user, data):
    response = app.get(url, headers=_auth(user) if user else {})
    assert response.status_code == 200, url
    assert '<html lang="de"' in response.body, url
    found = english_on(response.body, data)
    assert not found, f"English on {url}: {sorted(found)}"
    return response.body


def test_governance_pages_in_german_have_no_english(app, world, pages):
    data = pages["data"]
    failing = pages["failing"]
    run_id = world.review(failing["id"])["latest_check_run"]["id"]
    resource_id = failing["resources"][0]["id"]
    for url, user in [
        ("/de/governance/queue", world.steward),
        ("/de/governance/queue?show=waiting", world.steward),
        ("/de/governance/queue?show=checks_failed&min_days=0&sort=newest", world.sysadmin),
        ("/de/dataset/pegel-wartend/governance", world.steward),
        ("/de/dataset/pegel-wartend/governance", world.publisher),
        ("/de/dataset/pegel-fehler/governance", world.publisher),
        (f"/de/dataset/pegel-fehler/governance/report/{run_id}/{resource_id}", world.steward),
        ("/de/dataset/pegel-nachbessern/governance", world.publisher),
        ("/de/dataset/pegel-nachbessern", world.publisher),
        ("/de/organization/stewards/stadt-mainz", world.sysadmin),
        ("/de/organization/stadt-mainz", world.publisher),
        ("/de/dashboard/", world.publisher),
        ("/de/dashboard/", world.steward),
    ]:
        _german(app, url, user, data)
    # The scan finds English where there is some: the same page in English.
    english = app.get("/en/dataset/pegel-nachbessern/governance",
                      headers=_auth(world.publisher)).body
    found = " ".join(english_on(english, data))
    for string in ("Audit trail", "Changes requested"):
        assert string in found, string
    assert "Your answer to the steward" in english
    assert english_on("<p>Your answer to the steward (optional)</p>", data)
    assert any(month in found for month in ("Jan ", "Feb ", "Mar ", "Apr ", "May ", "Jun ",
                                            "Jul ", "Aug ", "Sep ", "Oct ", "Nov ", "Dec "))


def test_dataset_and_resource_forms_in_german_have_no_english(app, world, pages):
    data = pages["data"]
    body = _german(app, "/de/dataset/new", world.publisher, data)
    for german in ("Schlagwörter", "Lizenz", "Veröffentlichende Stelle", "Ansprechpartner",
                   "Aktualisierungsintervall", "Wöchentlich", "Für die Freigabe erforderlich",
                   "z. B. Abfall, Sensoren, Umwelt"):
        assert german in body
    # A dataset the form's first step saved: a draft (only sysadmins may set that by API).
    draft = world.as_user(world.sysadmin).action.package_create(
        name="entwurf", title="Baustellen", owner_org=world.org["id"], state="draft")
    body = _german(app, "/de/dataset/entwurf/resource/new", world.publisher,
                   data | {"Baustellen", "entwurf", draft["id"]})
    assert "Entwurf speichern" in body
    assert "Ein Schema dieses Portals" in body
    _german(app, "/de/dataset/edit/pegel-wartend", world.publisher, data)
    resource = pages["waiting"]["resources"][0]
    _german(app, f"/de/dataset/pegel-wartend/resource/{resource['id']}/edit", world.publisher,
            data)


def test_public_dataset_page_writes_its_days_in_the_page_language(app, world, pages):
    released = world.release("pegel-frei", title="Pegelstände frei", temporal_end="2026-11-30")
    data = pages["data"] | {released["name"], released["title"], released["id"],
                            "review-record.json", "datapackage.json"}
    german = _german(app, "/de/dataset/pegel-frei", None, data)
    assert "1. November 2026" in german and "30. November 2026" in german
    assert "2026-11-01" not in german and "2026-11-30" not in german
    english = app.get("/en/dataset/pegel-frei").body
    assert "November 1, 2026" in english and "November 30, 2026" in english
