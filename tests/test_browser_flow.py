"""The whole governance flow in a real browser, through the forms only, once in German and
once in English (Playwright with Debian's chromium against a live CKAN with CSRF on; the jobs
run by `Worker().work(burst=True)` between the steps, as a worker would run them):

1. A publisher creates a dataset with the new-dataset form, uploads a CSV with a schema error
   and personal data, submits it and watches the status change by itself to "checks failed".
2. A steward finds it in the queue, reads the check report and the masked privacy findings;
   there is nothing to decide while blocking problems are open (the workflow allows no
   decision on failed checks).
3. The publisher uploads a clean file and submits again; the steward finds the dataset
   through the header's count, reads the findings left (personal data in the description,
   masked) and requests changes with a coded reason and a comment; the publisher reads the
   request on the dashboard and the review page, fixes the description, answers and
   resubmits.
4. The steward approves, acknowledging the review-severity finding left.
5. An anonymous visitor finds the dataset in the search and downloads the file.
6. The publisher edits the released dataset twice with the form and replaces the file; the
   anonymous visitor still sees the released text and downloads the released bytes.
7. The steward reads the readable diff and the data diff, previews the pending file and
   approves; the public sees the new version.

Screenshots of each step's key page: docs/screenshots/flow-<lang>-NN-*.png. On the German run
every key page is scanned for English (tests/english.py).

Needs /usr/bin/chromium: without it the test fails, it does not skip.
"""
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ckan.lib import jobs

from english import english_on
from test_browser import SCREENSHOTS, browser, live_server  # noqa: F401 (fixtures)
from test_browser_ui import _login, js_translations  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("with_plugins")

NAME = "fuellstaende-altstadt"
TITLE = "Füllstände der Abfallbehälter Altstadt"
NEW_TITLE = "Füllstände der Abfallbehälter Altstadt und Neustadt"
CONTACT = "Rückfragen an Frau Monika Schulz, Tel. 06131 4711023."
NOTES = "Füllstände der Abfallbehälter in der Mainzer Altstadt, alle 15 Minuten gemessen. "
FIXED_NOTES = NOTES + "Rückfragen an Frau Monika Schulz, Amt für Abfallwirtschaft."
NEW_NOTES = "Füllstände der Abfallbehälter in Altstadt und Neustadt, jetzt mit Batteriestand. " \
    "Rückfragen an Frau Monika Schulz, Amt für Abfallwirtschaft."
HEADER = "id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
# Row 2 is over the schema's maximum; the notes name callers with their e-mail addresses.
PEOPLE = [("Jolanta Wiśniewska", "jolanta.wisniewska@posteo.de"),
          ("Emre Karagöz", "emre.karagoez@web.de"),
          ("Ilse Brandstätter", "ilse.brandstaetter@gmx.de"),
          ("Waldemar Kowalczyk", "w.kowalczyk@t-online.de")]
BROKEN_CSV = (HEADER + "".join(
    f"{n},MZ-WB-0000{n},2026-11-01T0{5 + n}:15:00Z,{level},88,ok,false,Altstadt,"
    f"Anruf von {name} {mail}\n"
    for n, ((name, mail), level) in enumerate(zip(PEOPLE, (63.5, 140, 12.5, 55)), start=1)
)).encode()
RAW_VALUES = [part for name, mail in PEOPLE for part in (name, name.split()[-1], mail)]
CLEAN_CSV = (HEADER +
             "1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n"
             "2,MZ-WB-00002,2026-11-01T07:15:00Z,97.0,71,full,true,Altstadt,Deckel klemmt\n"
             "3,MZ-WB-00003,2026-11-01T08:15:00Z,12.5,90,ok,false,Altstadt,\n"
             "4,MZ-WB-00004,2026-11-01T09:15:00Z,55.0,64,ok,false,Altstadt,\n").encode()
# One reading corrected, one added.
NEW_CSV = CLEAN_CSV.replace(b",63.5,88,", b",65.0,88,") + \
    b"5,MZ-WB-00005,2026-11-01T10:15:00Z,31.0,77,ok,false,Neustadt,Neuer Sensor\n"
REQUEST = "Bitte die Telefonnummer aus der Beschreibung entfernen."
ANSWER = "Telefonnummer entfernt, das Amt nimmt Rückfragen an."
ROOT = Path(__file__).resolve().parent.parent
# Content, not UI text: licence titles ("Open Database License", "Version 2.0"), the
# registry schema's own English title and descriptions, and error codes.
LICENCES = [licence["title"] for licence in json.loads(
    (ROOT / "schemas" / "licenses.json").read_text("utf-8"))]
_SCHEMA = json.loads((ROOT / "schemas" / "table" / "waste-bin-sensors.json").read_text("utf-8"))
SCHEMA_TEXTS = [_SCHEMA["title"], _SCHEMA["description"]] + [
    field["title"] for field in _SCHEMA["fields"] if "title" in field]

TEXTS = {
    "de": {
        "next": "Als nächstes: Daten hinzufügen", "save_draft": "Entwurf speichern",
        "not_public": "Dieser Datensatz ist noch nicht öffentlich.",
        "open_review": "Zur Prüfung", "submit": "Zur Prüfung einreichen",
        "submitted": "Eingereicht: Die Prüfungen laufen",
        "running": "Die Prüfungen laufen.",
        "checks_failed": "Prüfungen fehlgeschlagen", "in_review": "In Prüfung",
        "changes_requested": "Änderungen angefordert", "approved": "Freigegeben",
        "blocking": re.compile(r"\d+ blockierende Probleme? müssen? behoben werden"),
        "queue": "Prüfliste", "waiting_one": "Prüfliste: 1 Prüfung wartet",
        "report_of": "Prüfbericht zu messwerte.csv",
        "findings_in": "Datenschutz-Befunde in messwerte.csv",
        "approve": "Freigeben und veröffentlichen", "request_changes": "Änderungen anfordern",
        "reason": "Die Daten enthalten personenbezogene Daten",
        "comment": "Kommentar für die veröffentlichende Stelle",
        "requested": "Änderungen angefordert: Die veröffentlichende Stelle wurde benachrichtigt.",
        "notice": "hat Änderungen an",
        "answer": "Ihre Antwort an die Datenverantwortlichen (optional)",
        "submit_again": "Erneut einreichen",
        "acknowledge": "Ich habe mir diesen Befund angesehen:",
        "approved_flash": "Freigegeben: Der Datensatz ist jetzt in dieser Fassung öffentlich.",
        "reviewed": "Prüfungen bestanden",
        "change_pending": "Eine Änderung an diesem Datensatz wird geprüft.",
        "diff": "Änderungen gegenüber der freigegebenen Fassung",
        "label_title": "Titel", "label_notes": "Beschreibung",
        "data_diff": "Datenabgleich mit der freigegebenen Datei",
        "row_changed": "1 Zeile geändert", "row_added": "1 Zeile hinzugefügt",
        "preview": "Datei in Prüfung ansehen", "first_rows": "Erste Zeilen",
    },
    "en": {
        "next": "Next: Add Data", "save_draft": "Save draft",
        "not_public": "This dataset is not public yet.",
        "open_review": "Open the review", "submit": "Submit for review",
        "submitted": "Submitted: the checks are running",
        "running": "The checks are running.",
        "checks_failed": "Checks failed", "in_review": "In review",
        "changes_requested": "Changes requested", "approved": "Approved",
        "blocking": re.compile(r"\d+ blocking problems? must be fixed"),
        "queue": "Review queue", "waiting_one": "Review queue: 1 review waits",
        "report_of": "Check report of messwerte.csv",
        "findings_in": "Privacy findings in messwerte.csv",
        "approve": "Approve and publish", "request_changes": "Request changes",
        "reason": "The data contains personal data",
        "comment": "Comment for the publisher",
        "requested": "Changes requested: the publisher has been told.",
        "notice": "requested changes to",
        "answer": "Your answer to the steward (optional)",
        "submit_again": "Submit again",
        "acknowledge": "I have looked at this finding:",
        "approved_flash": "Approved: the dataset is now public in this version.",
        "reviewed": "checks passed",
        "change_pending": "A change to this dataset is under review.",
        "diff": "Changes against the released version",
        "label_title": "Title", "label_notes": "Description",
        "data_diff": "Data diff against the released file",
        "row_changed": "1 row changed", "row_added": "1 row added",
        "preview": "Preview the pending file", "first_rows": "First rows",
    },
}


@pytest.fixture(autouse=True)
def patient_expect():
    """Uploads and check runs take seconds on a loaded machine: conditions get 20 s."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


class Flow:
    """What the test needs at every step: the base URL, the language, the texts, the data
    that appears on the pages (not UI text), and the screenshot counter."""

    def __init__(self, world, base, browser, locale):
        self.world, self.base, self.browser, self.locale = world, base, browser, locale
        self.text = TEXTS[locale]
        self.shots = 0
        self.data = {TITLE, NEW_TITLE, NOTES.strip(), FIXED_NOTES, NEW_NOTES, REQUEST, ANSWER,
                     "messwerte.csv", "messwerte-neu.csv", NAME, world.org["title"],
                     world.org["name"], world.org["description"], *HEADER.strip().split(","),
                     "Landeshauptstadt Mainz", "Open-Data-Team", "opendata@mainz.example",
                     "Mainz", "abfall", "sensoren", "Open Database License", "constraint-error",
                     "review-record.json", *LICENCES, *SCHEMA_TEXTS}
        for user in (world.publisher, world.steward, world.sysadmin):
            self.data |= {user["name"], user["display_name"]}

    def url(self, path):
        return f"{self.base}/{self.locale}{path}"

    def login(self, user):
        return _login(self.world, self.base, self.browser, user, self.locale)

    def anonymous(self):
        return self.browser.new_page(viewport={"width": 1280, "height": 900},
                                     locale=self.locale, accept_downloads=True)

    def shot(self, page, name):
        """Saves the page; on the German run, asserts that it has no English on it."""
        self.shots += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"flow-{self.locale}-{self.shots:02d}-{name}.png"),
                        full_page=True)
        if self.locale == "de":
            found = english_on(page.content(), self.data)
            assert not found, f"English on the German page {page.url}: {sorted(found)}"


def _run_jobs():
    jobs.Worker().work(burst=True)


def _download(page, link):
    with page.expect_download() as download:
        link.click()
    return open(download.value.path(), "rb").read()


def _submit(flow, page, again=False, answer=None):
    """Submits from the review page and follows the running checks without a reload."""
    if answer:
        page.get_by_label(flow.text["answer"]).fill(answer)
    page.get_by_role("button", name=flow.text["submit_again" if again else "submit"]).click()
    expect(page.locator(".flash-messages")).to_contain_text(flow.text["submitted"])
    expect(page.locator("#governance-review")).to_contain_text(flow.text["running"])
    page.evaluate("window.governanceNoReload = true")
    _run_jobs()


def _badge(page):
    return page.locator("#governance-review h1 .governance-badge")


def _checks_end_in(page, state):
    """The review page shows the checks' outcome by itself: updated, not reloaded."""
    expect(_badge(page)).to_have_text(state, timeout=60_000)
    assert page.evaluate("window.governanceNoReload") is True
    # "Submitted: the checks are running" is not left standing next to their outcome.
    expect(page.locator(".flash-messages")).to_have_text("")


def _upload_new_dataset(flow, page):
    page.goto(flow.url("/dataset/new"))
    page.get_by_label(re.compile("^(Titel|Title)")).first.fill(TITLE)
    page.locator(".slug-preview button").click()
    page.fill("#field-name", NAME)
    page.fill("#field-notes", NOTES + CONTACT)
    page.fill("#field-tag_string", "abfall,sensoren,")  # the comma ends a keyword
    page.select_option("#field-license_id", "dl-de-by-2.0")
    page.fill("#field-publisher_name", "Landeshauptstadt Mainz")
    page.fill("#field-contact_name", "Open-Data-Team")
    page.fill("#field-contact_email", "opendata@mainz.example")
    page.select_option("#field-frequency", "daily")
    page.fill("#field-temporal_start", "2026-11-01")
    page.fill("#field-spatial_text", "Mainz")
    flow.shot(page, "new-dataset-form")
    page.get_by_role("button", name=flow.text["next"]).click()

    with page.expect_file_chooser() as chooser:
        page.locator("#resource-upload-button").click()
    chooser.value.set_files({"name": "messwerte.csv", "mimeType": "text/csv",
                             "buffer": BROKEN_CSV})
    page.fill("#field-name", "messwerte.csv")
    # The format is left to CKAN, which guesses it from the file name.
    page.select_option("#field-schema-mode", "registry")
    page.select_option("#field-schema-registry", "waste-bin-sensors")
    flow.shot(page, "upload-form")
    page.get_by_role("button", name=flow.text["save_draft"]).click()
    expect(page).to_have_url(re.compile(f"/dataset/{NAME}$"))


def _replace_file(page, csv, filename):
    """On a dataset page: the first resource's edit form, a new file, saved."""
    page.locator(".resource-item a.heading").first.click()
    page.locator("a[href*='/resource/'][href$='/edit']").first.click()
    page.set_input_files("#field-resource-upload", {"name": filename, "mimeType": "text/csv",
                                                    "buffer": csv})
    page.fill("#field-name", filename)
    page.locator("form button[name=save]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("locale", ["de", "en"])
def test_the_whole_flow_through_the_forms(world, live_server, browser, locale):
    flow = Flow(world, live_server, browser, locale)
    text = flow.text

    # 1. The publisher creates the dataset, uploads a broken file and submits it.
    publisher = flow.login(world.publisher)
    _upload_new_dataset(flow, publisher)
    expect(publisher.locator("#governance-banner")).to_contain_text(text["not_public"])
    publisher.get_by_role("link", name=text["open_review"], exact=True).first.click()
    _submit(flow, publisher)
    _checks_end_in(publisher, text["checks_failed"])
    expect(publisher.locator("#governance-review")).to_contain_text(text["blocking"])
    flow.shot(publisher, "checks-failed")

    # 2. The steward reads the report and the masked findings of the failed checks.
    steward = flow.login(world.steward)
    steward.locator(".governance-queue-link a").click()
    expect(steward.get_by_role("heading", name=text["queue"])).to_be_visible()
    steward.select_option("#field-show", "checks_failed")
    steward.locator(".governance-queue-filter button[type=submit]").click()
    steward.locator("table.governance-queue").get_by_role("link", name=TITLE).click()
    expect(_badge(steward)).to_have_text(text["checks_failed"])
    expect(steward.get_by_role("button", name=text["approve"])).to_have_count(0)
    expect(steward.get_by_role("heading", name=text["findings_in"])).to_be_visible()
    expect(steward.locator("table.governance-privacy-findings").last).to_contain_text("•")
    html = steward.content()
    assert not [value for value in RAW_VALUES if value in html], "unmasked personal data"
    flow.shot(steward, "steward-reads-findings")
    steward.get_by_role("link", name=text["report_of"]).click()
    expect(steward.locator("table.governance-error-table")).to_contain_text("constraint-error")
    html = steward.content()
    assert not [value for value in RAW_VALUES if value in html], "unmasked personal data"
    flow.shot(steward, "steward-reads-report")

    # 3. The publisher uploads a clean file and submits again ...
    publisher.goto(flow.url(f"/dataset/{NAME}"))
    _replace_file(publisher, CLEAN_CSV, "messwerte.csv")
    publisher.goto(flow.url(f"/dataset/{NAME}/governance"))
    _submit(flow, publisher, again=True)
    _checks_end_in(publisher, text["in_review"])

    # ... the steward finds it through the header's count and requests changes ...
    steward.goto(flow.url("/dashboard/datasets"))
    steward.get_by_role("link", name=re.compile(re.escape(text["waiting_one"]))).click()
    steward.locator("table.governance-queue").get_by_role("link", name=TITLE).click()
    expect(_badge(steward)).to_have_text(text["in_review"])
    metadata_findings = steward.locator("table.governance-privacy-findings").first
    expect(metadata_findings).to_contain_text("•")
    steward.get_by_label(text["reason"]).check()
    steward.get_by_label(text["comment"]).fill(REQUEST)
    flow.shot(steward, "steward-requests-changes")
    steward.get_by_role("button", name=text["request_changes"]).click()
    expect(steward.get_by_text(text["requested"])).to_be_visible()
    expect(_badge(steward)).to_have_text(text["changes_requested"])
    _run_jobs()  # the notices and mails

    # ... the publisher reads the request, fixes the description, answers and resubmits.
    publisher.goto(flow.url("/dashboard/"))
    notice = publisher.locator("li.governance-notice", has_text=text["notice"]).first
    expect(notice).to_contain_text(REQUEST)
    expect(notice).to_contain_text(text["reason"])
    flow.shot(publisher, "publisher-reads-request")
    notice.get_by_role("link", name=TITLE).click()
    expect(_badge(publisher)).to_have_text(text["changes_requested"])
    expect(publisher.locator(".governance-decision-entry")).to_contain_text(REQUEST)
    publisher.goto(flow.url(f"/dataset/edit/{NAME}"))
    publisher.fill("#field-notes", FIXED_NOTES)
    publisher.locator("form#dataset-edit button.btn-primary[name=save]").click()
    publisher.wait_for_load_state()
    publisher.goto(flow.url(f"/dataset/{NAME}/governance"))
    _submit(flow, publisher, again=True, answer=ANSWER)
    _checks_end_in(publisher, text["in_review"])
    expect(publisher.locator(".governance-timeline")).to_contain_text(ANSWER)
    flow.shot(publisher, "publisher-resubmitted")

    # 4. The steward approves, acknowledging the finding left (a name in the description).
    steward.goto(flow.url("/dashboard/datasets"))
    steward.get_by_role("link", name=re.compile(re.escape(text["waiting_one"]))).click()
    steward.locator("table.governance-queue").get_by_role("link", name=TITLE).click()
    acknowledge = steward.locator(".governance-acknowledge input[type=checkbox]")
    expect(acknowledge.first).to_be_visible()
    for box in acknowledge.all():
        box.check()
    flow.shot(steward, "steward-approves")
    steward.get_by_role("button", name=text["approve"]).click()
    expect(steward.get_by_text(text["approved_flash"])).to_be_visible()
    expect(_badge(steward)).to_have_text(text["approved"])
    _run_jobs()

    # 5. An anonymous visitor finds the dataset and downloads the file.
    visitor = flow.anonymous()
    visitor.goto(flow.url("/dataset/"))
    visitor.fill("#field-giant-search", "Abfallbehälter Altstadt")
    visitor.locator("#field-giant-search").press("Enter")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.locator(".governance-review-note")).to_contain_text(text["reviewed"])
    expect(visitor.locator("body")).to_contain_text("Amt für Abfallwirtschaft")
    expect(visitor.locator(".tag-list")).to_contain_text("sensoren")
    flow.shot(visitor, "public-dataset")
    visitor.locator(".resource-item a.heading").first.click()
    assert _download(visitor, visitor.locator("a.resource-url-analytics.btn")) == CLEAN_CSV

    # 6. The publisher edits the released dataset twice with the form and replaces the file.
    publisher.goto(flow.url(f"/dataset/edit/{NAME}"))
    publisher.fill("#field-notes", NEW_NOTES)
    publisher.locator("form#dataset-edit button.btn-primary[name=save]").click()
    publisher.wait_for_load_state()
    publisher.goto(flow.url(f"/dataset/edit/{NAME}"))
    expect(publisher.locator("#field-notes")).to_have_value(NEW_NOTES)  # builds on edit one
    publisher.get_by_label(re.compile("^(Titel|Title)")).first.fill(NEW_TITLE)
    publisher.locator("form#dataset-edit button.btn-primary[name=save]").click()
    publisher.wait_for_load_state()
    expect(publisher.locator(".governance-version")).to_be_visible()
    expect(publisher.locator("h1").first).to_contain_text(NEW_TITLE)
    _replace_file(publisher, NEW_CSV, "messwerte-neu.csv")
    publisher.goto(flow.url(f"/dataset/{NAME}/governance"))
    _submit(flow, publisher)
    _checks_end_in(publisher, text["in_review"])

    visitor.goto(flow.url(f"/dataset/{NAME}"))
    expect(visitor.locator("h1").first).to_contain_text(TITLE)
    expect(visitor.locator("h1").first).not_to_contain_text(NEW_TITLE)
    expect(visitor.locator("body")).not_to_contain_text("Batteriestand")
    flow.shot(visitor, "public-keeps-released-version")
    visitor.locator(".resource-item a.heading").first.click()
    assert _download(visitor, visitor.locator("a.resource-url-analytics.btn")) == CLEAN_CSV

    # 7. The steward reads the diffs, previews the pending file and approves.
    steward.goto(flow.url("/dashboard/datasets"))
    steward.get_by_role("link", name=re.compile(re.escape(text["waiting_one"]))).click()
    steward.locator("table.governance-queue").get_by_role("link", name=TITLE).click()
    diff = steward.locator("section", has=steward.get_by_role("heading", name=text["diff"]))
    expect(diff.get_by_role("rowheader", name=text["label_title"], exact=True)).to_have_count(1)
    expect(diff.get_by_role("rowheader", name=text["label_notes"], exact=True)).to_have_count(1)
    expect(diff).to_contain_text("jetzt mit Batteriestand")
    expect(diff).to_contain_text(text["data_diff"])
    expect(diff).to_contain_text(text["row_changed"])
    expect(diff).to_contain_text(text["row_added"])
    expect(diff).to_contain_text("Neuer Sensor")
    diff.scroll_into_view_if_needed()
    flow.shot(steward, "steward-reads-diff")
    diff.get_by_role("link", name=text["preview"]).click()
    expect(steward.get_by_role("heading", name=text["first_rows"])).to_be_visible()
    expect(steward.locator("table.governance-preview")).to_contain_text("Neuer Sensor")
    flow.shot(steward, "steward-previews-pending-file")
    steward.go_back()
    for box in steward.locator(".governance-acknowledge input[type=checkbox]").all():
        box.check()
    steward.get_by_role("button", name=text["approve"]).click()
    expect(steward.get_by_text(text["approved_flash"])).to_be_visible()
    _run_jobs()

    visitor.goto(flow.url(f"/dataset/{NAME}"))
    expect(visitor.locator("h1").first).to_contain_text(NEW_TITLE)
    expect(visitor.locator("body")).to_contain_text("jetzt mit Batteriestand")
    flow.shot(visitor, "public-sees-new-version")
    visitor.locator(".resource-item a.heading").first.click()
    assert _download(visitor, visitor.locator("a.resource-url-analytics.btn")) == NEW_CSV
