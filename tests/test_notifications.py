"""Notifications where people are: a notice on the CKAN dashboard and a mail, in the
recipient's language, for submissions (stewards) and for failed checks and decisions (the
submitter); the publisher's answer to a request for changes travels with the resubmission."""
import pytest

from ckan import model
from ckan.lib import jobs
from ckan.tests import factories

from english import english_on

pytestmark = pytest.mark.usefixtures("with_plugins")

BROKEN_CSV = b"id,sensor_id\n1,XX\nx,MZ-WB-00002\n"


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _speaks(user, locale):
    account = model.User.get(user["id"])
    account.plugin_extras = {**(account.plugin_extras or {}), "governance": {"locale": locale}}
    model.repo.commit()


def _mails_to(maildir, user, about=""):
    """Mails to `user` since the test began whose subject names `about`."""
    return [(subject, body) for to, subject, body in maildir.new_mails()
            if to == user["email"] and about in subject]


def _notices(world, user):
    """The notices on `user`'s dashboard addressed to them."""
    activities = world.as_user(user).action.dashboard_activity_list()
    return [a for a in activities if a["activity_type"] == "governance notice package"
            and a["object_id"] == user["id"]]


def test_stewards_hear_of_a_submission_each_in_their_language(world, maildir):
    _speaks(world.steward, "de")
    dataset = world.new_dataset("meldung", title="Füllstände Meldung")
    world.submit_and_check(dataset["id"])
    mails = maildir.new_mails()
    german = [(s, b) for to, s, b in mails if to == world.steward["email"]]
    english = [(s, b) for to, s, b in mails if to == world.second_steward["email"]]
    assert [s for s, _ in german] == ["[Prüfung] Füllstände Meldung: zur Prüfung eingereicht"]
    assert "hat den Datensatz „Füllstände Meldung“ zur Prüfung eingereicht." in german[0][1]
    assert "/de/dataset/meldung/governance" in german[0][1]
    assert not english_on(german[0][1], {"Füllstände Meldung", world.publisher["display_name"]})
    assert [s for s, _ in english] == ["[Review] Füllstände Meldung: submitted for review"]
    assert all(to != world.other_steward["email"] for to, _s, _b in mails)
    notices = _notices(world, world.steward)
    assert [n["data"]["notice"]["event"] for n in notices] == ["submit"]
    assert notices[0]["user_id"] == world.publisher["id"]  # from the submitter: new for them
    assert world.as_user(world.steward).action.dashboard_new_activities_count() >= 1


def test_submitter_hears_of_failed_checks_with_the_count(world, maildir, app):
    _speaks(world.publisher, "de")
    # A broken file and a missing description: two blocking problems.
    dataset = world.new_dataset("kaputt", title="Kaputte Daten", csv=BROKEN_CSV, notes="")
    world.submit_and_check(dataset["id"])
    [(subject, body)] = _mails_to(maildir, world.publisher)
    assert subject == "[Prüfung] Kaputte Daten: die automatischen Prüfungen sind fehlgeschlagen"
    blocking = world.review(dataset["id"])["latest_check_run"]["summary"]["blocking"]
    assert blocking == 2
    assert "haben 2 blockierende Probleme in „Kaputte Daten“ gefunden" in body
    [notice] = _notices(world, world.publisher)
    assert notice["data"]["notice"]["event"] == "checks_failed"
    assert notice["user_id"] != world.publisher["id"]  # counts as new on their dashboard
    assert world.as_user(world.publisher).action.dashboard_new_activities_count() == 1
    page = app.get("/de/dashboard/", headers=_auth(world.publisher)).body
    assert f"{blocking} blockierende Probleme in" in page
    assert 'href="/de/dataset/kaputt/governance"' in page


def test_request_for_changes_reaches_the_publisher_with_reasons_and_comment(world, maildir,
                                                                         app):
    _speaks(world.publisher, "de")
    dataset = world.new_dataset("nachbessern", title="Nachbessern")
    world.submit_and_check(dataset["id"])
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["licence", "personal-data"], comment="Bitte {who} und Namen entfernen.")
    jobs.Worker().work(burst=True)
    [(subject, body)] = _mails_to(maildir, world.publisher)
    assert subject == "[Prüfung] Nachbessern: Änderungen angefordert"
    assert "  - Die Lizenz fehlt oder ist nicht offen (licence)" in body
    assert "  - Die Daten enthalten personenbezogene Daten (personal-data)" in body
    # People's text is kept as written, placeholders and all.
    assert "Bitte {who} und Namen entfernen." in body
    page = app.get("/de/dashboard/", headers=_auth(world.publisher)).body
    assert "hat Änderungen an" in page and "Bitte {who} und Namen entfernen." in page
    assert "Die Lizenz fehlt oder ist nicht offen" in page
    english_page = app.get("/en/dashboard/", headers=_auth(world.publisher)).body
    assert "requested changes to" in english_page


def test_the_answer_to_a_request_goes_with_the_resubmission(world, maildir, app):
    dataset = world.new_dataset("antwort", title="Antwort")
    world.submit_and_check(dataset["id"])
    world.as_user(world.steward).action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["metadata-incomplete"], comment="Beschreibung fehlt.")
    world.as_user(world.publisher).action.package_patch(id=dataset["id"], notes="Ergänzt.")
    jobs.Worker().work(burst=True)
    # Through the form, in German: the publisher's language is remembered for later mails.
    response = app.post("/de/dataset/antwort/governance/submit",
                        data={"comment": "Beschreibung ergänzt, danke."},
                        headers=_auth(world.publisher), follow_redirects=True)
    assert "Beschreibung ergänzt, danke." in response.body  # in the timeline
    assert model.User.get(world.publisher["id"]).plugin_extras["governance"]["locale"] == "de"
    trail = world.as_user(world.steward).action.governance_audit_list(package_id=dataset["id"])
    assert trail[-1]["event"] == "submit"
    assert trail[-1]["details"]["comment"] == "Beschreibung ergänzt, danke."
    jobs.Worker().work(burst=True)
    first, second = [body for _subject, body in _mails_to(maildir, world.steward, "Antwort")]
    assert "Their note:" not in first
    assert "Their note:\nBeschreibung ergänzt, danke." in second


def test_decisions_mail_the_submitter(world, maildir):
    approved = world.new_dataset("gut", title="Gut")
    world.submit_and_check(approved["id"])
    world.approve(approved["id"])
    rejected = world.new_dataset("schlecht", title="Schlecht")
    world.submit_and_check(rejected["id"])
    world.as_user(world.steward).action.governance_review_reject(
        package_id=rejected["id"], content_hash=world.review(rejected["id"])["content_hash"],
        reasons=["not-open-data"], comment="Interne Daten.")
    jobs.Worker().work(burst=True)
    subjects = sorted(subject for subject, _ in _mails_to(maildir, world.publisher))
    assert subjects == ["[Review] Gut: approved and released", "[Review] Schlecht: rejected"]
    events = sorted(n["data"]["notice"]["event"] for n in _notices(world, world.publisher))
    assert events == ["approve", "reject"]


def test_notices_are_seen_only_by_the_organization_and_its_stewards(world):
    dataset = world.new_dataset("vertraulich", title="Vertraulich", csv=BROKEN_CSV)
    world.submit_and_check(dataset["id"])
    assert _notices(world, world.publisher)
    for outsider in (world.other_member, world.other_steward):
        stream = world.as_user(outsider).action.user_activity_list(id=world.publisher["id"])
        assert not [a for a in stream if a["activity_type"] == "governance notice package"]
    member_view = world.as_user(world.steward).action.user_activity_list(
        id=world.publisher["id"])
    assert [a for a in member_view if a["activity_type"] == "governance notice package"]


def test_a_taken_checks_account_name_is_not_reused(world, maildir):
    from ckanext.governance import notify

    squatter = factories.User(name=notify.CHECKS_USER)
    dataset = world.new_dataset("besetzt", title="Besetzt", csv=BROKEN_CSV)
    world.submit_and_check(dataset["id"])
    assert not _notices(world, world.publisher)
    assert not [a for a in world.as_user(squatter).action.dashboard_activity_list()
                if a["activity_type"] == "governance notice package"]
    # The mail goes out all the same.
    assert _mails_to(maildir, world.publisher, "Besetzt")
