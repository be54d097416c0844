"""No raw value of a file with personal data leaves it, except to the steward who reveals it:
a CSV goes through upload, checks, reveal, dismissal, acknowledgement, approval and mails over
the web and the Action API, with CKAN's and the worker's logs at DEBUG (SQL included), and
none of its names, e-mail addresses or phone numbers turns up in logs, mails, activities, audit
entries, stored reports or dismissals."""
import io
import json
import logging
import re

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import jobs
from ckan.tests import factories

from ckanext.activity.model import Activity
from ckanext.governance.model import AuditEntry, CheckRun, FindingDismissal

from conftest import COMPLETE_METADATA
from test_privacy_findings import PERSONAL_CSV, PEOPLE, RAW_VALUES

pytestmark = pytest.mark.usefixtures("with_plugins")

LOGGERS = ("ckan", "ckanext", "rq", "sqlalchemy", "werkzeug")


@pytest.fixture
def debug_log(tmp_path):
    """Every log record of this process and of the worker processes it forks, at DEBUG."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level
              for name in ("", *LOGGERS, "sqlalchemy.engine")}
    # Loading the ini's logging config disabled the module loggers created before it.
    disabled = [logger for name, logger in logging.root.manager.loggerDict.items()
                if isinstance(logger, logging.Logger) and logger.disabled
                and name.split(".")[0] in LOGGERS]
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for logger in disabled:
        logger.disabled = False
    yield path
    root.removeHandler(handler)
    handler.close()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for logger in disabled:
        logger.disabled = True


def _api(app, action, user, **data):
    headers = {"Authorization": factories.APIToken(user=user["id"])["token"]}
    files = {k: v for k, v in data.items() if isinstance(v, tuple)}
    if files:
        response = app.post(f"/api/3/action/{action}", data=data, headers=headers)
    else:
        response = app.post(f"/api/3/action/{action}", json=data, headers=headers)
    answer = response.json
    assert answer["success"], answer
    return answer["result"]


def _web(app, url, user, **form):
    headers = {"Authorization": factories.APIToken(user=user["id"])["token"]}
    return app.post(url, data=form, headers=headers, follow_redirects=True).body


def _leaks(text):
    return [value for value in RAW_VALUES if value in text]


def test_raw_values_reach_the_revealing_steward_and_nobody_else(app, world, debug_log, maildir):
    publisher, steward = world.publisher, world.steward
    dataset = _api(app, "package_create", publisher, name="meldungen",
                   owner_org=world.org["id"], title="Meldungen an den Bürgerservice",
                   **COMPLETE_METADATA)
    _api(app, "resource_create", publisher, package_id=dataset["id"], name="meldungen.csv",
         format="CSV", upload=(io.BytesIO(PERSONAL_CSV), "meldungen.csv"))
    _api(app, "governance_review_submit", publisher, package_id=dataset["id"])
    jobs.Worker().work(burst=True)  # the check run and the stewards' mail

    status = _api(app, "governance_status_show", publisher, package_id=dataset["id"])
    assert status["review"]["state"] == "checks_failed"
    report = _api(app, "governance_report_show", publisher, package_id=dataset["id"])
    findings = {f["check"]: f for f in report["report"]["resources"][0]["report"]["privacy"]}
    assert {"pii.person_name", "pii.email", "pii.phone", "pii.pseudonym"} <= set(findings)

    # The steward reveals: on the page and through the API, the values are there.
    page = _web(app, f"/dataset/meldungen/governance/finding/{findings['pii.email']['id']}"
                     "/reveal", steward)
    assert PEOPLE[0][1] in page
    revealed = _api(app, "governance_finding_reveal", steward, package_id=dataset["id"],
                    finding_id=findings["pii.phone"]["id"])
    assert [row["values"] for row in revealed["rows"]] == [[p[2]] for p in PEOPLE[:5]]

    for check in ("pii.person_name", "pii.email", "pii.phone"):
        _web(app, f"/dataset/meldungen/governance/finding/{findings[check]['id']}/dismiss",
             steward, reason="Testdaten des Bürgerservice, im Test freigegeben")
    review = _api(app, "governance_review_show", steward, package_id=dataset["id"])
    assert review["state"] == "in_review"
    _web(app, "/dataset/meldungen/governance", steward, decision="approve",
         content_hash=review["content_hash"], acknowledged=findings["pii.pseudonym"]["id"],
         comment="Freigegeben nach Prüfung der Befunde.")
    jobs.Worker().work(burst=True)  # the submitter's mail
    assert _api(app, "governance_status_show", steward,
                package_id=dataset["id"])["review"]["state"] == "approved"

    log = debug_log.read_text(encoding="utf-8")
    assert re.search(r"check run \S+: failed, 3 blocking", log)  # the worker's output is here
    assert "INSERT INTO governance_finding_dismissal" in log  # and the SQL with its values
    mails = ["\n".join(mail) for mail in maildir.new_mails()]
    subjects = [subject for _to, subject, _body in maildir.new_mails()]
    assert any(s.endswith("submitted for review") for s in subjects), subjects
    assert any(s.endswith("approved and released") for s in subjects), subjects
    activities = [json.dumps(a.data, ensure_ascii=False) for a in model.Session.scalars(
        sa.select(Activity).where(Activity.object_id == dataset["id"]))]
    assert any("reviewed package" in a or "review" in a for a in activities)
    audit = [json.dumps([e.event, e.details], ensure_ascii=False)
             for e in model.Session.scalars(sa.select(AuditEntry))]
    assert any("finding_revealed" in a for a in audit)
    assert any("finding_dismissed" in a for a in audit)
    stored = [json.dumps(run.report, ensure_ascii=False)
              for run in model.Session.scalars(sa.select(CheckRun))]
    dismissals = [json.dumps([d.check, d.columns, d.reason], ensure_ascii=False)
                  for d in model.Session.scalars(sa.select(FindingDismissal))]
    assert len(dismissals) == 3

    assert _leaks(log) == []
    assert _leaks("\n".join(mails)) == []
    assert _leaks("\n".join(activities)) == []
    assert _leaks("\n".join(audit)) == []
    assert _leaks("\n".join(stored)) == []
    assert _leaks("\n".join(dismissals)) == []

