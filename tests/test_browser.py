"""The steward's way through the web UI in a real browser (Playwright with Debian's chromium),
against a live CKAN served from the test configuration. Saves screenshots to docs/screenshots/.

Needs /usr/bin/chromium: without it the test fails, it does not skip.
"""
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import CLEAN_CSV, COMPLETE_METADATA, _named_file, serve

pytestmark = pytest.mark.usefixtures("with_plugins")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "steward-browser-2026"
BROKEN_CSV = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
              b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n"
              b"2,MZ-WB-2,gestern,140,71,voll,true,Neustadt,\n"
              b"2,MZ-WB-00003,2026-11-01T07:00:00Z,12,90,ok,false,Oberstadt,\n")


@pytest.fixture
def live_server(ckan_config, make_app, monkeypatch):
    """CKAN on 127.0.0.1 in a thread, with CSRF protection on as in production."""
    yield from serve(ckan_config, make_app, monkeypatch, WTF_CSRF_ENABLED=True)


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _dataset(world, name, title, csv):
    publisher = world.as_user(world.publisher)
    dataset = publisher.action.package_create(name=name, title=title, owner_org=world.org["id"],
                                              **COMPLETE_METADATA)
    publisher.action.resource_create(
        package_id=dataset["id"], name=f"{name}.csv", format="CSV", schema="waste-bin-sensors",
        upload=_named_file(io.BytesIO(csv), f"{name}.csv"))
    world.submit_and_check(dataset["id"])
    return dataset


def _steward_page(world, live_server, browser):
    """A browser page with the steward logged in through the login form."""
    world.as_user(world.sysadmin).action.user_patch(id="steward", password=PASSWORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en")
    page.goto(f"{live_server}/en/user/login")
    page.fill("#field-login", "steward")
    page.fill("#field-password", PASSWORD)
    page.get_by_role("button", name="Login").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Review queue")).to_have_count(1)
    return page


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_steward_reviews_and_approves_in_the_browser(world, live_server, browser):
    clean = _dataset(world, "abfall-altstadt", "Füllstände der Abfallbehälter Altstadt",
                     CLEAN_CSV)
    _dataset(world, "abfall-neustadt", "Füllstände der Abfallbehälter Neustadt", CLEAN_CSV)
    broken = _dataset(world, "abfall-oberstadt", "Füllstände der Abfallbehälter Oberstadt",
                      BROKEN_CSV)
    assert world.review(broken["id"])["state"] == "checks_failed"

    page = _steward_page(world, live_server, browser)

    page.get_by_role("link", name="Review queue").first.click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    queue = page.locator("table.governance-queue")
    # The header's count leads to what waits for the steward's decision.
    expect(queue.get_by_role("link", name=clean["title"])).to_be_visible()
    expect(queue.get_by_role("link", name=broken["title"])).to_have_count(0)
    _shot(page, "queue")

    page.select_option("#field-show", "checks_failed")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=broken["title"]).click()
    expect(page.get_by_text("blocking problem")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    _shot(page, "review-checks-failed")

    page.get_by_role("link", name="Check report of abfall-oberstadt.csv").click()
    expect(page.get_by_role("heading", name="Errors", exact=True)).to_be_visible()
    expect(page.locator("table.governance-error-table")).to_contain_text("type-error")
    _shot(page, "resource-report")

    page.goto(f"{live_server}/de/dataset/abfall-oberstadt/governance")
    expect(page.get_by_role("heading", name="Automatische Prüfungen")).to_be_visible()
    _shot(page, "review-de")

    page.goto(f"{live_server}/en/governance/queue")
    page.get_by_role("link", name=clean["title"]).click()
    page.get_by_label("Comment for the publisher").fill("Sauber, danke!")
    _shot(page, "review-decision-form")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Approved: the dataset is now public in this version.")).to_be_visible()
    expect(page.locator(".governance-timeline")).to_contain_text("Approved and released")

    anonymous = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en")
    anonymous.goto(f"{live_server}/en/dataset/abfall-altstadt")
    expect(anonymous.locator(".governance-review-note")).to_contain_text("checks passed")
    expect(anonymous.get_by_role("link", name="Review", exact=True)).to_have_count(0)
    _shot(anonymous, "public-dataset")
    status = world.as_user(None).action.governance_status_show(package_id=clean["id"])
    assert status["released"] is True


def test_steward_sees_the_diff_of_a_change(world, live_server, browser):
    released = world.release("abfall-mitte")
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], title="Füllstände Mitte (mit Batteriestand)",
                                   notes="Messwerte der Füllstandssensoren, jetzt mit Batteriestand.")
    publisher.action.resource_create(
        package_id=released["id"], name="november.csv", format="CSV",
        schema="waste-bin-sensors", upload=_named_file(io.BytesIO(CLEAN_CSV), "november.csv"))
    # The released file again, one reading corrected, one dropped, one added.
    replaced = CLEAN_CSV.replace(b",63.5,", b",65.0,").splitlines()[:2] + [
        b"3,MZ-WB-00003,2026-11-01T06:45:00Z,12.5,90,ok,false,Oberstadt,Deckel klemmt"]
    publisher.action.resource_patch(id=released["resources"][0]["id"], upload=_named_file(
        io.BytesIO(b"\n".join(replaced) + b"\n"), "readings.csv"))
    world.submit_and_check(released["id"])

    page = _steward_page(world, live_server, browser)
    page.goto(f"{live_server}/en/dataset/abfall-mitte/governance")
    diff = page.locator("section", has=page.get_by_role(
        "heading", name="Changes against the released version"))
    expect(diff).to_contain_text("jetzt mit Batteriestand")
    expect(diff).to_contain_text("november.csv")
    expect(diff.get_by_role("rowheader", name="Description")).to_have_count(1)
    expect(diff).to_contain_text("1 row changed")
    expect(diff).to_contain_text("Deckel klemmt")
    _shot(page, "review-change-diff")
    page.goto(f"{live_server}/de/dataset/abfall-mitte/governance")
    diff = page.locator("section", has=page.get_by_role(
        "heading", name="Änderungen gegenüber der freigegebenen Fassung"))
    expect(diff.get_by_role("rowheader", name="Beschreibung")).to_have_count(1)
    expect(diff).to_contain_text("1 Zeile geändert")
    _shot(page, "review-change-diff-de")
