"""The steward's queue: filters by state ("open" for all), organization and age in SQL, the
reviews waiting for the signed-in steward (the header's count), sort by waiting time, counts
and pages."""
import datetime
import importlib

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories

from ckanext.governance.model import Review, utcnow
queue_view = importlib.import_module("ckanext.governance.views.queue")

pytestmark = pytest.mark.usefixtures("with_plugins")


def _auth(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _review(organization, name, state="in_review", days=0, submitted_by=None):
    """A dataset with a review waiting `days` days, written directly: the queue only reads."""
    dataset = factories.Dataset(name=name, title=f"Titel {name}", owner_org=organization["id"],
                                private=True)
    review = model.Session.scalars(sa.select(Review).where(
        Review.package_id == dataset["id"])).first()  # the draft review creating it opened
    if review is None:
        review = Review(package_id=dataset["id"], organization_id=organization["id"],
                        kind="release", staged_files={})
        model.Session.add(review)
    review.state, review.submitted_by = state, submitted_by
    review.submitted_at = utcnow() - datetime.timedelta(days=days, minutes=1)
    model.repo.commit()
    return dataset


def _names(result):
    return [item["package_name"] for item in result["results"]]


def test_queue_list_filters_in_sql_and_counts_everything(world):
    _review(world.org, "alt", days=10)
    _review(world.org, "mittel", days=4)
    _review(world.org, "neu", days=0)
    _review(world.org, "geprueft", state="checks_failed", days=20)
    _review(world.org, "fertig", state="approved", days=30)
    _review(world.other_org, "fremd", days=50)
    queue = world.as_user(world.steward).action.governance_queue_list

    assert _names(queue()) == ["alt", "mittel", "neu"]  # in review, longest waiting first
    assert _names(queue(sort="newest")) == ["neu", "mittel", "alt"]
    assert _names(queue(state="open")) == ["geprueft", "alt", "mittel", "neu"]
    assert _names(queue(state="checks_failed")) == ["geprueft"]
    older = queue(min_days=3, limit=1)
    assert (older["count"], _names(older)) == (2, ["alt"])  # the count is not one page's
    assert _names(queue(min_days=3, limit=1, offset=1)) == ["mittel"]
    assert queue(state="open", min_days=15)["count"] == 1
    assert _names(world.as_user(world.sysadmin).action.governance_queue_list(
        organization_id=world.other_org["name"])) == ["fremd"]
    assert queue(limit=0)["count"] == 3
    item = queue(limit=1)["results"][0]
    assert item["waiting_since"] == item["submitted_at"]
    with pytest.raises(Exception):
        queue(state="nonsense")
    with pytest.raises(Exception):
        queue(sort="random")


def test_waiting_for_me_leaves_out_what_the_steward_submitted_or_changed(world):
    _review(world.org, "fremdes", days=2)
    _review(world.org, "eigenes", days=3, submitted_by=world.steward["id"])
    queue = world.as_user(world.steward).action.governance_queue_list
    assert _names(queue(waiting_for_me=True)) == ["fremdes"]
    assert _names(world.as_user(world.second_steward).action.governance_queue_list(
        waiting_for_me=True)) == ["eigenes", "fremdes"]


def test_header_counts_the_reviews_waiting_for_the_signed_in_steward(app, world):
    _review(world.org, "eins", days=1)
    _review(world.org, "zwei", days=2)
    _review(world.org, "selbst", days=3, submitted_by=world.steward["id"])
    _review(world.org, "fehler", state="checks_failed")
    body = app.get("/dataset", headers=_auth(world.steward)).body
    assert 'aria-label="Review queue: 2 reviews wait for your decision"' in body
    assert 'href="/governance/queue?show=waiting"' in body
    assert '<span class="badge">2</span>' in body
    german = app.get("/de/dataset", headers=_auth(world.steward)).body
    assert 'aria-label="Prüfliste: 2 Prüfungen warten auf Ihre Entscheidung"' in german
    assert "/governance/queue" not in app.get("/dataset", headers=_auth(world.publisher)).body
    assert "/governance/queue" not in app.get("/dataset").body
    waiting = app.get("/governance/queue?show=waiting", headers=_auth(world.steward)).body
    assert "Titel eins" in waiting and "Titel zwei" in waiting
    assert "Titel selbst" not in waiting and "Titel fehler" not in waiting


def test_queue_page_shows_all_open_reviews_by_default_a_page_at_a_time(app, world,
                                                                       monkeypatch):
    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    for days, name in enumerate(("a", "b", "c", "d")):
        _review(world.org, f"seite-{name}", days=10 - days)
    _review(world.org, "seite-fehler", state="checks_failed", days=20)
    headers = _auth(world.steward)
    first = app.get("/governance/queue", headers=headers).body
    assert "reviews 1 to 2 of 5" in first
    assert first.index("Titel seite-fehler") < first.index("Titel seite-a")
    assert "Titel seite-b" not in first
    assert "page=2" in first and "page=3" in first
    third = app.get("/governance/queue?page=3", headers=headers).body
    assert "reviews 5 to 5 of 5" in third and "Titel seite-d" in third
    newest = app.get("/governance/queue?sort=newest&show=in_review", headers=headers).body
    assert "reviews 1 to 2 of 4" in newest
    assert newest.index("Titel seite-d") < newest.index("Titel seite-c")
    aged = app.get("/governance/queue?min_days=8", headers=headers).body
    assert "reviews 1 to 2 of 4" in aged and "Titel seite-d" not in aged
    german = app.get("/de/governance/queue?page=2", headers=headers).body
    assert "Prüfungen 3 bis 4 von 5" in german


def test_queue_names_a_change_by_its_title_under_review(app, world):
    released = world.release("strassenzustand", title="Straßenzustand 2025")
    publisher = world.as_user(world.publisher)
    publisher.action.package_patch(id=released["id"], title="Straßenzustand 2026")
    world.submit_and_check(released["id"])

    item = world.as_user(world.steward).action.governance_queue_list()["results"][0]
    assert (item["kind"], item["package_title"]) == ("change", "Straßenzustand 2026")
    page = app.get("/governance/queue", headers=_auth(world.steward)).body
    assert "Straßenzustand 2026" in page and "Straßenzustand 2025" not in page
    # The public still reads the released title.
    assert world.as_user(None).action.package_show(id=released["id"])["title"] \
        == "Straßenzustand 2025"
