"""Shared fixtures. The suite runs against the real services of scripts/services.sh: a missing
service makes the tests fail, never skip."""
import email
import email.policy
import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
import pytest
import requests
from werkzeug.serving import make_server

import ckan.plugins.toolkit as tk


def _service_addresses():
    yield "PostgreSQL", tk.config["sqlalchemy.url"]
    yield "Redis", tk.config["ckan.redis.url"]
    yield "Solr", tk.config["solr_url"]
    yield "SMTP", "smtp://" + tk.config["smtp.server"]


@pytest.fixture(scope="session", autouse=True)
def services_are_running():
    """Fail every test with one clear message when a service is down."""
    down = []
    for name, url in _service_addresses():
        address = urlparse(url)
        try:
            socket.create_connection((address.hostname, address.port), timeout=2).close()
        except OSError as error:
            down.append(f"{name} at {address.hostname}:{address.port} ({error})")
    if down:
        pytest.fail("services not running (start them with `make services`): " + "; ".join(down),
                    pytrace=False)


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("governance")


@pytest.fixture
def maildir():
    """The SMTP sink's folder. `new_mails()` returns the mails that arrived since the fixture
    as (envelope recipient, subject, decoded body) tuples."""
    folder = Path(os.environ.get("GOVERNANCE_MAILDIR")
                  or Path(tk.config["__file__"]).parent / "var" / "mail")
    seen = set(folder.glob("*.eml"))

    class Mailbox:
        def new_mails(self):
            mails = []
            for path in sorted(set(folder.glob("*.eml")) - seen):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                mails.append((message["X-Envelope-To"], message["Subject"],
                              message.get_content()))
            return mails

    return Mailbox()


# The governance world: an organization with a publisher and a steward, a second
# organization with its own member and steward, and helpers to move datasets along.

COMPLETE_METADATA = {
    "notes": "Füllstände der Abfallbehälter in der Mainzer Altstadt.",
    "license_id": "dl-de-by-2.0", "publisher_name": "Landeshauptstadt Mainz",
    "contact_name": "Open-Data-Team", "contact_email": "opendata@mainz.example",
    "frequency": "daily", "temporal_start": "2026-11-01", "spatial_text": "Mainz",
    "tag_string": "abfall,sensoren",
}
CLEAN_CSV = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
             b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n"
             b"2,MZ-WB-00002,2026-11-01T06:30:00Z,97.0,71,full,true,Neustadt,\n")


class World:
    def __init__(self):
        from ckan.tests import factories

        self.sysadmin = factories.Sysadmin()
        self.publisher = factories.User(name="publisher")
        self.steward = factories.User(name="steward")
        self.second_steward = factories.User(name="second_steward")
        self.other_member = factories.User(name="other_member")
        self.other_steward = factories.User(name="other_steward")
        self.org = factories.Organization(
            name="stadt-mainz", users=[{"name": "publisher", "capacity": "editor"}])
        self.other_org = factories.Organization(
            name="stadt-wiesbaden", users=[{"name": "other_member", "capacity": "editor"}])
        admin = self.as_user(self.sysadmin)
        for org, user in ((self.org, self.steward), (self.org, self.second_steward),
                          (self.other_org, self.other_steward)):
            admin.action.governance_steward_create(organization_id=org["id"], user_id=user["id"])

    @staticmethod
    def as_user(user):
        from ckanapi import LocalCKAN
        return LocalCKAN(username=user["name"] if user else "")

    def new_dataset(self, name, csv=CLEAN_CSV, publisher=None, org=None, **fields):
        import io
        publisher = self.as_user(publisher or self.publisher)
        dataset = publisher.action.package_create(
            name=name, owner_org=(org or self.org)["id"],
            **{"title": f"Dataset {name}", **COMPLETE_METADATA, **fields})
        if csv is not None:
            publisher.action.resource_create(
                package_id=dataset["id"], name="readings.csv", format="CSV",
                schema="waste-bin-sensors", upload=_named_file(io.BytesIO(csv), "readings.csv"))
        return publisher.action.package_show(id=dataset["id"])

    def submit_and_check(self, dataset_id, user=None):
        from ckan.lib import jobs
        status = self.as_user(user or self.publisher).action.governance_review_submit(
            package_id=dataset_id)
        jobs.Worker().work(burst=True)
        return status

    def review(self, dataset_id, steward=None):
        return self.as_user(steward or self.steward).action.governance_review_show(
            package_id=dataset_id)

    def approve(self, dataset_id, steward=None):
        seen = self.review(dataset_id, steward)["content_hash"]
        return self.as_user(steward or self.steward).action.governance_review_approve(
            package_id=dataset_id, content_hash=seen)

    def release(self, name, publisher=None, org=None, steward=None, **fields):
        dataset = self.new_dataset(name, publisher=publisher, org=org, **fields)
        self.submit_and_check(dataset["id"], user=publisher)
        self.approve(dataset["id"], steward)
        return self.as_user(None).action.package_show(id=dataset["id"])


def _named_file(stream, name):
    stream.name = name
    return stream


@pytest.fixture
def world(clean_db, clean_index, clean_queues):
    return World()


# Attacks over HTTP against a live, threaded CKAN, and tools to make races deterministic.

def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(ckan_config, make_app, monkeypatch, **config):
    """CKAN on 127.0.0.1 in a thread that serves requests concurrently; yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setitem(ckan_config, "ckan.site_url", url)
    for key, value in config.items():
        monkeypatch.setitem(ckan_config, key, value)
    server = make_server("127.0.0.1", port, make_app().app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join()


@pytest.fixture
def live_server(ckan_config, make_app, monkeypatch):
    yield from serve(ckan_config, make_app, monkeypatch)


class Client:
    """The Action API over HTTP as one user, with an API token."""

    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def call(self, action, files=None, **data):
        headers = {"Authorization": self.token} if self.token else {}
        if files:
            response = requests.post(f"{self.base}/api/3/action/{action}", data=data,
                                     files=files, headers=headers, timeout=120)
        else:
            response = requests.post(f"{self.base}/api/3/action/{action}", json=data,
                                     headers=headers, timeout=120)
        return response.status_code, response.json() if response.content.startswith(b"{") \
            else response.text


@pytest.fixture
def client(world, live_server):
    """`client(user)`: an API client acting as that user (None: anonymous)."""
    def make(user):
        if user is None:
            return Client(live_server)
        token = world.as_user(world.sysadmin).action.api_token_create(
            user=user["name"], name="attack")["token"]
        return Client(live_server, token)
    return make


class HeldAuditLock:
    """Holds the audit log's append lock from a connection of its own, so that every
    transition (an approval, an edit that reopens a review) stops just before it commits:
    a race that needs milliseconds of luck becomes certain."""

    def __init__(self):
        self.connection = psycopg2.connect(tk.config["sqlalchemy.url"])
        self.connection.autocommit = False
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_audit_lock(),))

    def waiting(self):
        """How many other connections are waiting for a lock."""
        with psycopg2.connect(tk.config["sqlalchemy.url"]) as probe, probe.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND datname = current_database()")
            return cursor.fetchone()[0]

    def wait_until_waiting(self, count, threads=(), seconds=60):
        """Until `count` connections wait for a lock, or the given threads have ended."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.waiting() >= count or all(not t.is_alive() for t in threads if t):
                return
            time.sleep(0.05)
        raise AssertionError(f"fewer than {count} requests waited for a lock")

    def release(self):
        self.connection.rollback()
        self.connection.close()


@pytest.fixture
def held_audit_lock():
    held = []

    def hold():
        held.append(HeldAuditLock())
        return held[-1]
    yield hold
    for lock in held:
        if not lock.connection.closed:
            lock.release()


def in_thread(function, *args, **kwargs):
    """Run `function` in a thread; `.result` holds its answer when the thread has ended."""
    box = {}

    def run():
        box["result"] = function(*args, **kwargs)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.box = box
    return thread


def _audit_lock():
    from ckanext.governance import audit
    return audit._APPEND_LOCK
