"""Webhooks against a real local receiver (a thread with http.server): signed deliveries of
every review transition, retries with backoff while the receiver is down, the delivery log,
the URL guard, who may manage hooks, and the organization's webhooks page."""
import http.server
import json
import threading
import time

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib import jobs
from ckan.tests import factories

from conftest import _free_port as free_port
from doc_examples import code_blocks
from ckanext.governance import webhooks
from ckanext.governance.model import AuditEntry
from ckanext.governance.model.webhook import Webhook, WebhookDelivery

pytestmark = pytest.mark.usefixtures("with_plugins")

FAST_RETRIES = [
    pytest.mark.ckan_config("ckanext.governance.webhooks.allow_private", True),
    pytest.mark.ckan_config("ckanext.governance.webhooks.retry_delay", 1),
    pytest.mark.ckan_config("ckanext.governance.webhooks.max_retry_delay", 2),
    pytest.mark.ckan_config("ckanext.governance.webhooks.timeout", 3),
]


def _verify_function():
    """`verify` exactly as docs/webhooks.md tells receivers to write it."""
    [snippet] = [block for block in code_blocks("webhooks.md", "python") if "def verify(" in block]
    namespace = {}
    exec(snippet, namespace)
    return namespace["verify"]


class Receiver:
    """An HTTP receiver on a fixed loopback port that can be down (nothing listens), up, or
    answer with a chosen status."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.requests = []
        self.status = 204
        self._server = None

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers), body))
                self.send_response(receiver.status)
                if receiver.status in (301, 302):
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self):
        return [json.loads(body) for _path, _headers, body in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def org_admin(world):
    admin = factories.User(name="org_admin")
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.org["id"], username="org_admin", role="admin")
    return admin


def _work():
    """One burst of the jobs worker, with RQ's scheduler moving due retries to the queue."""
    jobs.Worker().work(burst=True, with_scheduler=True)


def _deliveries():
    model.Session.expire_all()
    return model.Session.scalars(sa.select(WebhookDelivery).order_by(
        WebhookDelivery.created)).all()


def _all_in(state):
    def check():
        deliveries = _deliveries()
        return bool(deliveries) and all(d.state == state for d in deliveries)
    return check


def _work_until(condition, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        _work()
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("the deliveries did not arrive in time: "
                         f"{[(d.state, d.attempts, d.attempt_log) for d in _deliveries()]}")


def _fast(test):
    for mark in FAST_RETRIES:
        test = mark(test)
    return test


@_fast
def test_every_event_arrives_signed_after_the_receiver_comes_back(world, org_admin, receiver):
    hook = world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["name"], url=receiver.url)
    assert len(hook["secret"]) == 64

    # The receiver is down (nothing listens on its port) for the whole review.
    dataset = world.new_dataset("hooked")
    world.submit_and_check(dataset["id"])
    world.approve(dataset["id"])
    _work()
    time.sleep(1.2)
    _work()
    deliveries = _deliveries()
    assert [d.payload["review"]["event"] for d in deliveries] == \
        ["submit", "checks_passed", "approve"]
    for delivery in deliveries:
        assert delivery.state == "pending" and delivery.attempts >= 1
        assert delivery.next_attempt_at is not None
        assert "Connection refused" in delivery.attempt_log[-1]["error"]
    assert receiver.requests == []

    receiver.start()
    _work_until(_all_in("delivered"))

    verify = _verify_function()
    events = receiver.events()
    assert sorted(e["review"]["event"] for e in events) == ["approve", "checks_passed", "submit"]
    assert len({e["id"] for e in events}) == 3, "every event once"
    for path, headers, body in receiver.requests:
        assert path == "/hook"
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert headers["X-Governance-Event"] == "review.transitioned"
        assert verify(hook["secret"], headers["X-Governance-Signature"], body)
        assert not verify(hook["secret"], headers["X-Governance-Signature"], body + b" ")
        assert not verify("another secret", headers["X-Governance-Signature"], body)
    approve = next(e for e in events if e["review"]["event"] == "approve")
    assert approve["dataset"] == {"id": dataset["id"], "name": "hooked", "released": True,
                                  "url": f"{tk.config['ckan.site_url']}/dataset/hooked"}
    assert approve["organization"] == {"id": world.org["id"], "name": "stadt-mainz"}
    assert approve["review"]["from_state"] == "in_review"
    assert approve["review"]["to_state"] == "approved"
    checked = next(e for e in events if e["review"]["event"] == "checks_passed")
    assert checked["review"]["check_run"]["blocking"] == 0

    log = world.as_user(org_admin).action.governance_webhook_delivery_list(webhook_id=hook["id"])
    assert log["count"] == 3
    assert all(d["state"] == "delivered" and d["attempts"] >= 2 for d in log["results"])
    assert log["results"][0]["attempt_log"][-1]["status"] == 204


@_fast
def test_a_replayed_delivery_fails_verification(world, org_admin, receiver):
    receiver.start()
    hook = world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["id"], url=receiver.url)
    world.as_user(world.publisher).action.governance_review_submit(
        package_id=world.new_dataset("replayed")["id"])
    _work_until(lambda: receiver.requests)
    _path, headers, body = receiver.requests[0]
    verify = _verify_function()
    assert verify(hook["secret"], headers["X-Governance-Signature"], body)
    # The same request an hour later: the signature is right, the timestamp too old.
    old = int(time.time()) - 3600
    assert not verify(hook["secret"], webhooks.sign(hook["secret"], body, old), body)
    assert not verify(hook["secret"], "v1=" + headers["X-Governance-Signature"].split("v1=")[1],
                      body)


@_fast
def test_the_payload_has_no_personal_data_and_no_content(world, org_admin, receiver):
    receiver.start()
    world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["id"], url=receiver.url)
    dataset = world.new_dataset("private-matters", title="Secret Title SECRETMARK",
                                notes="SECRETMARK notes")
    world.submit_and_check(dataset["id"])
    steward = world.as_user(world.steward)
    steward.action.governance_review_request_changes(
        package_id=dataset["id"], content_hash=world.review(dataset["id"])["content_hash"],
        reasons=["personal-data"], comment="Max Mustermann, max@example.org SECRETMARK")
    _work_until(lambda: len(receiver.requests) == 3)
    bodies = b"".join(body for _path, _headers, body in receiver.requests).decode()
    for secret in ("SECRETMARK", "Mustermann", "max@example.org", world.steward["id"],
                   world.publisher["id"], "steward", "publisher"):
        assert secret not in bodies
    requested = next(e for e in receiver.events() if e["review"]["event"] == "request_changes")
    assert requested["review"]["reasons"] == ["personal-data"]
    assert requested["dataset"]["released"] is False


@_fast
def test_other_organizations_hear_nothing(world, receiver):
    receiver.start()
    world.as_user(world.sysadmin).action.governance_webhook_create(
        organization_id=world.other_org["id"], url=receiver.url)
    world.submit_and_check(world.new_dataset("not-theirs")["id"])
    _work()
    assert receiver.requests == [] and _deliveries() == []


@_fast
@pytest.mark.ckan_config("ckanext.governance.webhooks.max_attempts", 2)
def test_failed_after_the_last_attempt_and_sent_again_on_request(world, org_admin, receiver):
    receiver.status = 500
    receiver.start()
    admin = world.as_user(org_admin)
    hook = admin.action.governance_webhook_create(organization_id=world.org["id"],
                                                  url=receiver.url)
    world.as_user(world.publisher).action.governance_review_submit(
        package_id=world.new_dataset("flaky")["id"])
    _work_until(_all_in("failed"))
    submitted, checked = _deliveries()
    assert len(receiver.requests) == 4
    for delivery in (submitted, checked):
        assert delivery.attempts == 2 and delivery.webhook_id == hook["id"]
        assert [a["status"] for a in delivery.attempt_log] == [500, 500]
        assert delivery.attempt_log[-1]["error"] == "HTTP 500"

    receiver.status = 200
    admin.action.governance_webhook_redeliver(id=submitted.id)
    with pytest.raises(tk.ValidationError, match="still being attempted"):
        admin.action.governance_webhook_redeliver(id=submitted.id)
    _work_until(lambda: _deliveries()[0].state == "delivered")
    assert len(receiver.requests) == 5
    assert receiver.events()[-1]["review"]["event"] == "submit"
    assert admin.action.governance_webhook_list(organization_id=world.org["id"])[0][
        "deliveries"] == {"pending": 0, "delivered": 1, "failed": 1}


@_fast
def test_redirects_are_not_followed(world, org_admin, receiver):
    receiver.status = 302
    receiver.start()
    world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["id"], url=receiver.url)
    world.as_user(world.publisher).action.governance_review_submit(
        package_id=world.new_dataset("redirected")["id"])
    _work_until(lambda: _deliveries() and _deliveries()[0].attempts >= 1)
    delivery = _deliveries()[0]
    assert delivery.state == "pending" and delivery.attempt_log[0]["error"] == "HTTP 302"
    assert [path for path, _headers, _body in receiver.requests] == ["/hook"] * len(
        receiver.requests), "the redirect target was never asked"


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:8080/hook", "non-public address 127.0.0.1"),
    ("http://localhost/hook", "non-public address"),
    ("http://169.254.169.254/latest/meta-data", "non-public address 169.254.169.254"),
    ("http://10.0.0.5/hook", "non-public address 10.0.0.5"),
    ("http://[::1]/hook", "non-public address ::1"),
    ("http://0x7f000001/hook", "non-public address 127.0.0.1"),
    ("file:///etc/passwd", "not an http(s) URL"),
    ("gopher://example.org/", "not an http(s) URL"),
    ("https://user:password@example.org/hook", "must not contain a user name or password"),
    ("http://example.org:99999/hook", "invalid port"),
])
def test_urls_into_the_portals_network_are_refused(world, url, message):
    with pytest.raises(tk.ValidationError) as refused:
        world.as_user(world.sysadmin).action.governance_webhook_create(
            organization_id=world.org["id"], url=url)
    assert message in str(refused.value.error_dict["url"])


@_fast
def test_a_host_that_turns_private_later_gets_nothing(world, org_admin, receiver, monkeypatch,
                                                      ckan_config):
    """Registered while allowed (or while its DNS said public): every delivery checks the
    address again, pinned to what it checked."""
    receiver.start()
    world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["id"], url=receiver.url)
    monkeypatch.setitem(ckan_config, "ckanext.governance.webhooks.allow_private", False)
    world.as_user(world.publisher).action.governance_review_submit(
        package_id=world.new_dataset("rebound")["id"])
    _work_until(lambda: _deliveries() and _deliveries()[0].attempts >= 1)
    assert "non-public address 127.0.0.1" in _deliveries()[0].attempt_log[0]["error"]
    assert receiver.requests == []


@_fast
def test_who_may_manage_webhooks(world, org_admin, receiver):
    admin = world.as_user(org_admin)
    hook = admin.action.governance_webhook_create(organization_id=world.org["id"],
                                                  url=receiver.url)
    other_admin = factories.User()
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.other_org["id"], username=other_admin["name"], role="admin")
    outsiders = [world.as_user(world.publisher), world.as_user(world.steward),
                 world.as_user(other_admin), world.as_user(None)]
    for outsider in outsiders:
        for call, data in ((outsider.action.governance_webhook_create,
                            {"organization_id": world.org["id"], "url": receiver.url + "2"}),
                           (outsider.action.governance_webhook_list,
                            {"organization_id": world.org["id"]}),
                           (outsider.action.governance_webhook_delivery_list,
                            {"webhook_id": hook["id"]}),
                           (outsider.action.governance_webhook_delete, {"id": hook["id"]})):
            with pytest.raises(tk.NotAuthorized):
                call(**data)
    listed = admin.action.governance_webhook_list(organization_id=world.org["id"])
    assert [h["id"] for h in listed] == [hook["id"]]
    assert "secret" not in listed[0] and hook["secret"] not in json.dumps(listed)
    with pytest.raises(tk.ValidationError, match="registered already"):
        admin.action.governance_webhook_create(organization_id=world.org["id"], url=receiver.url)
    admin.action.governance_webhook_delete(id=hook["id"])
    assert admin.action.governance_webhook_list(organization_id=world.org["id"]) == []
    audited = model.Session.scalars(sa.select(AuditEntry).where(
        AuditEntry.event.like("webhook_%")).order_by(AuditEntry.seq)).all()
    where = webhooks.audited_url(receiver.url)
    assert [(e.event, e.actor_id, e.details["url"], e.details["url_sha256"])
            for e in audited] == [
        ("webhook_created", org_admin["id"], where["url"], where["url_sha256"]),
        ("webhook_deleted", org_admin["id"], where["url"], where["url_sha256"])]


@_fast
def test_the_webhooks_page(app, world, org_admin, receiver):
    headers = {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user="org_admin", name="page")["token"]}
    page = app.get("/organization/webhooks/stadt-mainz", headers=headers)
    assert page.status_code == 200 and "Add webhook" in page.get_data(as_text=True)

    answer = app.post("/organization/webhooks/stadt-mainz", headers=headers,
                      data={"action": "add", "url": receiver.url})
    assert "no-store" in answer.headers["Cache-Control"]
    added = answer.get_data(as_text=True)
    [hook] = world.as_user(org_admin).action.governance_webhook_list(
        organization_id=world.org["id"])
    secret = model.Session.get(Webhook, hook["id"]).secret
    assert secret in added, "the secret is shown once, on the answer to the form"
    assert secret not in app.get("/organization/webhooks/stadt-mainz",
                                 headers=headers).get_data(as_text=True)

    refused = app.post("/organization/webhooks/stadt-mainz", headers=headers,
                       data={"action": "add", "url": "ftp://example.org/x"})
    assert "not an http(s) URL" in refused.get_data(as_text=True)

    german = app.get("/de/organization/webhooks/stadt-mainz", headers=headers)
    assert "Webhook hinzufügen" in german.get_data(as_text=True)

    app.post("/organization/webhooks/stadt-mainz", headers=headers,
             data={"action": "delete", "webhook_id": hook["id"]})
    assert world.as_user(org_admin).action.governance_webhook_list(
        organization_id=world.org["id"]) == []

    publisher = {"Authorization": world.as_user(world.sysadmin).action.api_token_create(
        user="publisher", name="page")["token"]}
    assert app.get("/organization/webhooks/stadt-mainz", headers=publisher).status_code == 403


@_fast
def test_requeue_after_redis_lost_the_queue(world, org_admin, receiver, cli):
    """The database is the record of what is owed: `ckan governance webhooks requeue` queues
    overdue deliveries again when their jobs are gone."""
    world.as_user(org_admin).action.governance_webhook_create(
        organization_id=world.org["id"], url=receiver.url)
    world.as_user(world.publisher).action.governance_review_submit(
        package_id=world.new_dataset("lost")["id"])
    _work()  # the receiver is down: the first attempt fails, a retry is scheduled
    queue = jobs.get_queue()
    for job_id in queue.scheduled_job_registry.get_job_ids():
        queue.scheduled_job_registry.remove(job_id, delete_job=True)
    queue.empty()
    model.Session.execute(sa.update(WebhookDelivery).values(
        next_attempt_at=sa.func.now() - sa.text("interval '1 hour'")))
    model.repo.commit()
    receiver.start()
    time.sleep(2.5)
    _work()
    assert receiver.requests == [], "no job was left to deliver"

    result = cli.invoke(ckan, ["governance", "webhooks", "requeue", "--grace", "60"])
    assert result.exit_code == 0, result.output
    assert "2 deliveries queued again" in result.output
    _work_until(_all_in("delivered"))
    assert sorted(e["review"]["event"] for e in receiver.events()) == ["checks_passed", "submit"]
