"""Table Schemas: inline, JSON text, file, registry, URL (with a real local server)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from ckanext.governance.checks import ChecksError, SchemaSource, load_schema
from ckanext.governance.checks.netguard import check_public_address
from ckanext.governance.checks.schema import DEFAULT_REGISTRY_DIR, REGISTRY_ENV, registry_names

VALID = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]}


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {
        "/schema.json": (200, json.dumps(VALID).encode()),
        "/not-json": (200, b"<html>no</html>"),
        "/not-a-schema": (200, json.dumps({"fields": [{"name": "a", "type": "nonsense"}]}).encode()),
        "/big.json": (200, b" " * 1_200_000 + json.dumps(VALID).encode()),
        "/missing": (404, b"nope"),
    }

    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/schema.json")
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1.5)
        status, body = self.routes.get(self.path, (200, json.dumps(VALID).encode()))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_inline_dict():
    source = load_schema(VALID)
    assert isinstance(source, SchemaSource) and source.kind == "inline"
    assert source.schema.field_names == ["id", "name"]


def test_json_text():
    assert load_schema(json.dumps(VALID)).kind == "json"


def test_file_only_when_local_files_are_allowed(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(VALID))
    source = load_schema(str(path), allow_local_files=True)
    assert (source.kind, source.location) == ("file", str(path))
    for reference in (str(path), path):
        with pytest.raises(ChecksError, match="not allowed") as refused:
            load_schema(reference)
        assert "registry" in str(refused.value)


def test_registry_names_and_default_folder():
    assert DEFAULT_REGISTRY_DIR.name == "table" and DEFAULT_REGISTRY_DIR.parent.name == "schemas"
    names = registry_names()
    assert {"waste-bin-sensors", "road-conditions", "citizen-office-visits"} <= set(names)
    for name in names:  # every registry schema is a valid Table Schema
        assert load_schema(name).kind == "registry"


def test_registry_override_by_argument_and_environment(tmp_path: Path, monkeypatch):
    (tmp_path / "mine.json").write_text(json.dumps(VALID))
    assert load_schema("mine", registry_dir=tmp_path).location == "mine"
    monkeypatch.setenv(REGISTRY_ENV, str(tmp_path))
    assert load_schema("mine").kind == "registry"
    with pytest.raises(ChecksError, match="known names: mine"):
        load_schema("unknown-name")


@pytest.mark.parametrize(
    "value, message",
    [
        ("{not json", "not valid JSON"),
        ('{"fields": [{"name": "a", "type": "nonsense"}]}', "not a valid Table Schema"),
        ('{"fields": "x"}', "not a valid Table Schema"),
        ("[1, 2]", "expected a JSON object"),
        ('{"fields": []}', "no fields"),
        ("ftp://example.org/schema.json", "not allowed"),
        ('{"fields": [{"name": "a"}], "fieldsMatch": "subset"}', "fieldsMatch"),
    ],
)
def test_bad_schemas(value: str, message: str):
    with pytest.raises(ChecksError, match=message):
        load_schema(value)


def test_bad_schema_file(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_bytes(b"\x89PNG garbage")
    with pytest.raises(ChecksError, match="not valid JSON"):
        load_schema(str(path), allow_local_files=True)


def test_url_is_refused_on_loopback_by_default(server: str):
    with pytest.raises(ChecksError, match="non-public address 127.0.0.1"):
        load_schema(f"{server}/schema.json")


def test_url_allowed_when_private_urls_are_allowed(server: str):
    source = load_schema(f"{server}/schema.json", allow_private_urls=True)
    assert source.kind == "url" and source.schema.field_names == ["id", "name"]


def test_url_redirect_is_followed_and_checked(server: str):
    assert load_schema(f"{server}/redirect", allow_private_urls=True).schema.field_names == ["id", "name"]
    with pytest.raises(ChecksError, match="redirects"):
        load_schema(f"{server}/loop", allow_private_urls=True)


@pytest.mark.parametrize(
    "path, options, message",
    [
        ("/not-json", {}, "not valid JSON"),
        ("/not-a-schema", {}, "not a valid Table Schema"),
        ("/big.json", {}, "larger than 1000000 bytes"),
        ("/missing", {}, "HTTP 404"),
        ("/slow", {"timeout": 0.5}, "timed out|cannot fetch"),
    ],
)
def test_url_failures(server: str, path: str, options: dict, message: str):
    with pytest.raises(ChecksError, match=message):
        load_schema(f"{server}{path}", allow_private_urls=True, **options)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "224.0.0.1",
     "240.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1"],
)
def test_non_public_addresses_are_refused(address: str):
    with pytest.raises(ChecksError, match="non-public"):
        check_public_address(address, "example.test")


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str):
    check_public_address(address, "example.test")
