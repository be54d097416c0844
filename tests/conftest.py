"""Shared fixtures. The suite runs against the real services of scripts/services.sh: a missing
service makes the tests fail, never skip."""
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest

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
    """The SMTP sink's folder; `new_mails()` returns the mails that arrived since the fixture."""
    folder = Path(tk.config["__file__"]).parent / "var" / "mail"
    seen = set(folder.glob("*.eml"))

    class Mailbox:
        def new_mails(self):
            return [p.read_text() for p in sorted(set(folder.glob("*.eml")) - seen)]

    return Mailbox()
