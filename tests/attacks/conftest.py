"""Attacks over HTTP against a live, threaded CKAN, and tools to make races deterministic."""
import socket
import threading
import time

import psycopg2
import pytest
import requests
from werkzeug.serving import make_server

import ckan.plugins.toolkit as tk

from ckanext.governance import audit


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(ckan_config, make_app, monkeypatch):
    """CKAN on 127.0.0.1 in a thread that serves requests concurrently."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setitem(ckan_config, "ckan.site_url", url)
    server = make_server("127.0.0.1", port, make_app().app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    thread.join()


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
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (audit._APPEND_LOCK,))

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
