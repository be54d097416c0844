"""The extension's pages in a real browser, in German and English (Playwright with Debian's
chromium against a live CKAN): the review page and the dataset page follow running checks by
themselves, the queue's header count, forms that guide, confirmations, notices. Saves
screenshots to docs/screenshots/ (ui-*.png).

Needs /usr/bin/chromium: without it the tests fail, they do not skip.
"""
import io
import re

import pytest
from playwright.sync_api import expect

from ckan.lib import jobs

from ckanext.governance import progress
from ckanext.governance.review import live_file_path

from conftest import CLEAN_CSV, COMPLETE_METADATA, _named_file
from test_browser import SCREENSHOTS, browser, live_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("with_plugins")

PASSWORD = "browser-ui-2026"
BROKEN_CSV = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
              b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n"
              b"2,MZ-WB-2,gestern,140,71,voll,true,Neustadt,\n"
              b"2,MZ-WB-00003,2026-11-01T07:00:00Z,12,90,ok,false,Oberstadt,\n")
ROWS = 5_000


@pytest.fixture(autouse=True)
def js_translations(with_plugins):
    """The JavaScript catalogues (/api/i18n/<lang>), built as `ckan run` builds them at start
    (production: `ckan translation js`)."""
    from ckan.lib.i18n import build_js_translations
    build_js_translations()


def _rows(count):
    header = CLEAN_CSV.split(b"\n", 1)[0] + b"\n"
    return header + b"".join(
        b"%d,MZ-WB-%05d,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n" % (n, n)
        for n in range(1, count + 1))


def _dataset(world, name, title, csv, submit=True):
    publisher = world.as_user(world.publisher)
    dataset = publisher.action.package_create(name=name, title=title, owner_org=world.org["id"],
                                              **COMPLETE_METADATA)
    publisher.action.resource_create(
        package_id=dataset["id"], name="messwerte.csv", format="CSV", schema="waste-bin-sensors",
        upload=_named_file(io.BytesIO(csv), "messwerte.csv"))
    if submit:
        world.submit_and_check(dataset["id"])
    return dataset


def _login(world, live_server, browser, user, locale):
    world.as_user(world.sysadmin).action.user_patch(id=user["name"], password=PASSWORD)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    page.goto(f"{live_server}/{locale}/user/login")
    page.fill("#field-login", user["name"])
    page.fill("#field-password", PASSWORD)
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".account .username")).to_have_count(1)
    return page


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"ui-{name}.png"), full_page=True)


@pytest.mark.parametrize("locale, texts", [
    ("de", {"queued": "warten darauf, dass ein Hintergrunddienst",
            # Rows are estimated from bytes: about half of about 5,000, in German digits.
            "progress": re.compile(r"etwa 2\.\d{3} von etwa 5\.\d{3} Zeilen geprüft"),
            "done": "Alle Prüfungen bestanden.", "badge": "In Prüfung"}),
    ("en", {"queued": "waiting for a worker to start them",
            "progress": re.compile(r"about 2,\d{3} of about 5,\d{3} rows checked"),
            "done": "All checks passed.", "badge": "In review"}),
])
def test_pages_follow_running_checks_by_themselves(world, live_server, browser, locale, texts):
    dataset = _dataset(world, "laufend", "Füllstände laufend", _rows(ROWS), submit=False)
    status = world.as_user(world.publisher).action.governance_review_submit(
        package_id=dataset["id"])
    run_id = status["review"]["latest_check_run"]["id"]

    page = _login(world, live_server, browser, world.publisher, locale)
    page.goto(f"{live_server}/{locale}/dataset/laufend/governance")
    live = page.locator("[data-module=governance-live-status]")
    expect(live).to_contain_text(texts["queued"])
    dataset_page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale,
                                    storage_state=page.context.storage_state())
    dataset_page.goto(f"{live_server}/{locale}/dataset/laufend")
    expect(dataset_page.locator("[data-module=governance-live-status]")).to_contain_text(
        texts["queued"])
    _shot(page, f"live-status-queued-{locale}")

    # The job's own progress reports, half-way through the file, as a worker writes them.
    resource_id = world.as_user(world.publisher).action.package_show(
        id=dataset["id"])["resources"][0]["id"]
    path = live_file_path(resource_id)
    report = progress.Tracker(run_id, 1).resource(1, "messwerte.csv", path, "csv")
    size = len(_rows(ROWS))
    report(size // 2, size)
    expect(live).to_contain_text(texts["progress"], timeout=10_000)
    _shot(page, f"live-status-progress-{locale}")

    for each in (page, dataset_page):
        each.evaluate("window.governanceNoReload = true")
    jobs.Worker().work(burst=True)  # the real check run
    expect(page.locator("#governance-review")).to_contain_text(texts["done"], timeout=20_000)
    expect(page.locator("h1 .governance-badge")).to_have_text(texts["badge"])
    expect(dataset_page.locator("#governance-banner .governance-badge")).to_have_text(
        texts["badge"], timeout=20_000)
    expect(dataset_page.locator("[data-module=governance-live-status]")).to_have_count(0)
    for each in (page, dataset_page):
        assert each.evaluate("window.governanceNoReload") is True  # updated, not reloaded
    _shot(page, f"live-status-done-{locale}")
    _shot(dataset_page, f"dataset-page-after-checks-{locale}")


def test_steward_pages_in_german_and_english(world, live_server, browser):
    _dataset(world, "abfall-altstadt", "Füllstände Altstadt", CLEAN_CSV)
    _dataset(world, "abfall-neustadt", "Füllstände Neustadt", CLEAN_CSV)
    broken = _dataset(world, "abfall-oberstadt", "Füllstände Oberstadt", BROKEN_CSV)
    assert world.review(broken["id"])["state"] == "checks_failed"

    for locale, count_label, queue_heading in (("de", "Prüfliste: 2 Prüfungen warten",
                                                "Prüfliste"),
                                               ("en", "Review queue: 2 reviews wait",
                                                "Review queue")):
        page = _login(world, live_server, browser, world.steward, locale)
        header = page.get_by_role("link", name=count_label)
        expect(header).to_contain_text("2")
        header.click()
        expect(page.get_by_role("heading", name=queue_heading)).to_be_visible()
        expect(page.locator("table.governance-queue tbody tr")).to_have_count(2)
        _shot(page, f"queue-waiting-{locale}")
        page.select_option("#field-show", "open")
        page.locator(".governance-queue-filter button[type=submit]").click()
        expect(page.locator("table.governance-queue tbody tr")).to_have_count(3)
        _shot(page, f"queue-all-open-{locale}")

        page.goto(f"{live_server}/{locale}/dataset/abfall-oberstadt/governance")
        report_link = page.locator("a[href*='/governance/report/']").first
        report_link.click()
        expect(page.locator("table.governance-error-table")).to_be_visible()
        _shot(page, f"resource-report-{locale}")

        page.goto(f"{live_server}/{locale}/dataset/abfall-altstadt/governance")
        page.locator("button[value=reject]").click()
        expect(page.locator("#field-reasons-error")).to_be_visible()
        expect(page.locator("#field-comment-error")).to_be_visible()
        page.locator("#field-reasons-error").scroll_into_view_if_needed()
        _shot(page, f"decision-errors-{locale}")
        page.close()

    admin = _login(world, live_server, browser, world.sysadmin, "de")
    admin.goto(f"{live_server}/de/organization/stewards/stadt-mainz")
    admin.locator("input[value=remove] ~ button").first.click()
    dialog = admin.locator(".modal.show")
    expect(dialog).to_contain_text("als datenverantwortlich entfernen?")
    _shot(admin, "stewards-confirm-de")
    dialog.locator(".btn-cancel").click()
    expect(admin.locator(".modal.show")).to_have_count(0)
    stewards = world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id="stadt-mainz")
    assert len(stewards) == 2  # cancelling removed nobody


def test_publisher_forms_and_notices(world, live_server, browser):
    draft = world.as_user(world.sysadmin).action.package_create(
        name="baustellen", title="Baustellen im Stadtgebiet", owner_org=world.org["id"],
        state="draft")
    assert draft["state"] == "draft"
    for locale, save, edit in (("de", "Entwurf speichern", "Bearbeiten"),
                               ("en", "Save draft", "Edit")):
        page = _login(world, live_server, browser, world.publisher, locale)
        page.goto(f"{live_server}/{locale}/dataset/new")
        expect(page.locator(".governance-required-note").first).to_be_visible()
        # Written by CKAN's JavaScript from its /api/i18n catalogue (see core-strings.js).
        expect(page.locator(".slug-preview button")).to_have_text(edit)
        _shot(page, f"dataset-form-{locale}")
        page.goto(f"{live_server}/{locale}/dataset/baustellen/resource/new")
        expect(page.locator("button[value=go-metadata]")).to_have_text(save)
        page.select_option("#field-schema-mode", "registry")
        expect(page.locator("#field-schema-registry")).to_be_visible()
        page.select_option("#field-schema-registry", "waste-bin-sensors")
        _shot(page, f"resource-form-schema-registry-{locale}")
        page.select_option("#field-schema-mode", "json")
        expect(page.locator("#field-schema-registry")).to_be_hidden()
        page.fill("#field-schema-json", '{"fields": [')
        page.locator("button[value=go-metadata]").click()
        expect(page.locator("#field-schema-json-error")).to_be_visible()
        assert "/resource/new" in page.url  # not sent
        expect(page.locator("button[value=go-metadata]")).to_be_enabled()
        _shot(page, f"resource-form-schema-json-error-{locale}")
        page.close()

    # Fixed, the form sends the one schema of the chosen way.
    page = _login(world, live_server, browser, world.publisher, "en")
    page.goto(f"{live_server}/en/dataset/baustellen/resource/new")
    page.locator("#resource-link-button").click()
    page.fill("#field-resource-url", "https://example.org/baustellen.csv")
    page.fill("#field-name", "baustellen.csv")
    page.select_option("#field-schema-mode", "json")
    page.fill("#field-schema-json", '{"fields": [{"name": "id", "type": "integer"}]}')
    page.locator("button[value=go-metadata]").click()
    page.wait_for_load_state()
    [resource] = world.as_user(world.publisher).action.package_show(
        id="baustellen")["resources"]
    assert resource["schema"] == '{"fields": [{"name": "id", "type": "integer"}]}'
    page.close()

    dataset = _dataset(world, "nachbessern", "Füllstände zum Nachbessern", CLEAN_CSV)
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["licence"], comment="Bitte die Lizenz prüfen.")
    jobs.Worker().work(burst=True)
    page = _login(world, live_server, browser, world.publisher, "de")
    page.goto(f"{live_server}/de/dashboard/")
    notice = page.locator("li.governance-notice").first
    expect(notice).to_contain_text("hat Änderungen an")
    expect(notice).to_contain_text("Bitte die Lizenz prüfen.")
    _shot(page, "dashboard-notice-de")
    page.goto(f"{live_server}/de/dataset/nachbessern/governance")
    page.fill("#field-submit-comment", "Lizenz geändert, danke!")
    _shot(page, "resubmit-with-answer-de")
