"""Forged form posts and active downloads (PRODUCT.md 1.6: a steward's browser may be sent a
forged form post). CSRF protection is on here, as in production."""
import io
import re

import pytest

from ckan.config.middleware.flask_app import csrf
from ckan.tests import factories

from ckanext.governance import http_guard
from conftest import _named_file

pytestmark = pytest.mark.usefixtures("with_plugins")
csrf_on = pytest.mark.ckan_config("WTF_CSRF_ENABLED", True)  # as in production

PASSWORD = "csrf-test-2026"
REVIEW_VIEW = "ckanext.governance.views.review.read"
FOLLOW_VIEW = "ckan.views.dataset.follow"


def _token(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _browser(app, world, user):
    """A browser logged in through the login form: the session cookie authenticates it."""
    world.as_user(world.sysadmin).action.user_patch(id=user["id"], password=PASSWORD)
    browser = app.test_client()
    response = browser.post("/user/login", follow_redirects=False, data={
        "login": user["name"], "password": PASSWORD,
        "_csrf_token": _form_token(browser, "/user/login")})
    assert response.status_code == 302, "logged in"
    return browser


def _form_token(browser, url):
    page = browser.get(url).get_data(as_text=True)
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


def _in_review(world, name):
    dataset = world.new_dataset(name)
    world.submit_and_check(dataset["id"])
    return dataset, world.review(dataset["id"])["content_hash"]


@pytest.fixture
def startup_exemption(make_app):
    """A portal started with `view` exempt from CSRF, as another extension may do."""
    made = []

    def start(view):
        http_guard._exempted_for_tokens.discard(view)  # a fresh process has seen no token yet
        csrf.exempt(view)
        made.append(view)
        return make_app()
    yield start
    for view in made:
        csrf._exempt_views.discard(view)


@csrf_on
def test_a_token_request_does_not_open_the_review_form_to_forged_posts(app, world):
    dataset, seen = _in_review(world, "pegel")
    # Any token request makes core exempt the view from CSRF checks for the process's life.
    app.get("/dataset/pegel/governance", headers=_token(world.publisher))

    forged = _browser(app, world, world.steward).post(
        "/dataset/pegel/governance", follow_redirects=False,
        data={"decision": "approve", "content_hash": seen})
    assert forged.status_code == 400
    assert "CSRF" in forged.get_data(as_text=True)
    assert world.review(dataset["id"])["state"] == "in_review"


@csrf_on
def test_an_anonymous_visit_does_not_open_the_review_form_to_forged_posts(app, world):
    dataset, seen = _in_review(world, "pegel")
    app.get("/dataset/pegel/governance")  # core exempts views that visitors reach, too

    forged = _browser(app, world, world.steward).post(
        "/dataset/pegel/governance", follow_redirects=False,
        data={"decision": "approve", "content_hash": seen})
    assert forged.status_code == 400
    assert world.review(dataset["id"])["state"] == "in_review"


@csrf_on
def test_a_token_request_does_not_open_the_submit_button_to_forged_posts(app, world):
    dataset = world.new_dataset("pegel")
    app.post("/dataset/pegel/governance/submit", headers=_token(world.steward))  # refused

    forged = _browser(app, world, world.publisher).post(
        "/dataset/pegel/governance/submit", follow_redirects=False)
    assert forged.status_code == 400
    assert world.review(dataset["id"])["state"] == "draft"


@csrf_on
def test_a_token_request_does_not_open_core_forms_to_forged_posts(app, world):
    dataset = world.new_dataset("pegel")
    app.get("/dataset/edit/pegel", headers=_token(world.publisher))

    forged = _browser(app, world, world.publisher).post(
        "/dataset/edit/pegel", follow_redirects=False,
        data={"title": "FORGED", "name": "pegel", "save": ""})
    assert forged.status_code == 400
    public = world.as_user(world.sysadmin).action.package_show(id=dataset["id"])
    assert public["title"] == dataset["title"]


@csrf_on
def test_the_stewards_own_post_with_its_token_approves(app, world):
    dataset, seen = _in_review(world, "pegel")
    app.get("/dataset/pegel/governance", headers=_token(world.publisher))
    steward = _browser(app, world, world.steward)
    token = _form_token(steward, "/dataset/pegel/governance")

    response = steward.post("/dataset/pegel/governance", follow_redirects=False, data={
        "decision": "approve", "content_hash": seen, "_csrf_token": token})
    assert response.status_code == 302
    assert world.review(dataset["id"])["state"] == "approved"


@csrf_on
def test_token_requests_need_no_csrf_token(app, world):
    dataset, seen = _in_review(world, "pegel")
    response = app.post("/dataset/pegel/governance", headers=_token(world.steward),
                        data={"decision": "approve", "content_hash": seen},
                        follow_redirects=False)
    assert response.status_code == 302
    assert world.review(dataset["id"])["state"] == "approved"


@csrf_on
def test_views_exempt_at_start_up_stay_exempt(world, startup_exemption):
    app = startup_exemption(FOLLOW_VIEW)
    dataset = world.release("pegel")
    response = _browser(app, world, world.other_member).post(
        "/dataset/follow/pegel", follow_redirects=False)
    assert response.status_code < 400
    admin = world.as_user(world.sysadmin)
    assert admin.action.dataset_follower_count(id=dataset["id"]) == 1


@csrf_on
def test_our_forms_check_the_token_even_when_exempt_at_start_up(world, startup_exemption):
    app = startup_exemption(REVIEW_VIEW)
    dataset, seen = _in_review(world, "pegel")
    forged = _browser(app, world, world.steward).post(
        "/dataset/pegel/governance", follow_redirects=False,
        data={"decision": "approve", "content_hash": seen})
    assert forged.status_code == 400
    assert world.review(dataset["id"])["state"] == "in_review"


@pytest.mark.ckan_config("WTF_CSRF_ENABLED", False)
def test_csrf_switched_off_is_off(app, world):
    assert app.flask_app.config["WTF_CSRF_ENABLED"] is False
    dataset, seen = _in_review(world, "pegel")
    response = _browser(app, world, world.steward).post(
        "/dataset/pegel/governance", follow_redirects=False,
        data={"decision": "approve", "content_hash": seen})
    assert response.status_code == 302
    assert world.review(dataset["id"])["state"] == "approved"


# Downloads --------------------------------------------------------------------------------

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>fetch("/api/3/action/governance_queue_list")</script></svg>')
HTML = b"<html><body><script>document.cookie</script></body></html>"


def _upload(world, dataset, name, content, **fields):
    return world.as_user(world.publisher).action.resource_create(
        package_id=dataset["id"], name=name, upload=_named_file(io.BytesIO(content), name),
        **fields)


def _download(app, world, dataset, resource, name):
    return app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download/{name}",
                   headers=_token(world.publisher))


@pytest.mark.parametrize("name, content, fields", [
    ("karte.svg", SVG, {}),
    ("seite.html", HTML, {}),
    ("seite.xhtml", HTML, {}),
    ("daten.xml", b"<?xml-stylesheet href='x.xsl'?><a/>", {}),
    ("skript.js", b"alert(1)", {}),
    ("tarnung.csv", HTML, {"mimetype": "text/html"}),
])
def test_active_content_is_downloaded_not_rendered(app, world, name, content, fields):
    dataset = world.new_dataset("karten", csv=None)
    resource = _upload(world, dataset, name, content, **fields)
    response = _download(app, world, dataset, resource, name)
    assert response.status_code == 200
    assert response.get_data() == content
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert name in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_plain_downloads_stay_inline_without_sniffing(app, world):
    dataset = world.new_dataset("tabellen", csv=None)
    resource = _upload(world, dataset, "werte.csv", b"a,b\n1,2\n")
    response = _download(app, world, dataset, resource, "werte.csv")
    assert response.status_code == 200
    assert not response.headers.get("Content-Disposition", "").startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("mimetype, active", [
    ("text/html", True), ("image/svg+xml", True), ("application/xhtml+xml", True),
    ("text/xml", True), ("application/rss+xml", True), ("text/javascript", True),
    ("application/x-javascript", True), ("multipart/x-mixed-replace", True),
    ("text/csv", False), ("image/png", False), ("application/json", False),
    ("text/plain", False), ("application/pdf", False),
])
def test_which_types_are_active(mimetype, active):
    assert http_guard.is_active(mimetype) is active
