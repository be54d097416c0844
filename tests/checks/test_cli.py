"""governance-check: exit codes, JSON output, clear errors without tracebacks."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ckanext.governance.checks.cli import check_command

ROOT = Path(__file__).resolve().parents[2]
GOOD = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n1,MZ-WB-00001,2024-01-01T00:00:30Z,79.2,33,ok,false,Altstadt,\n"
BAD = GOOD + b"1,MZ-XX-1,2024-02-30T00:00:00Z,120,33,broken,maybe,X,\n"


def run_cli(*args: str):
    """The real thing: a child process, as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ckanext.governance.checks.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def files(tmp_path: Path):
    (tmp_path / "good.csv").write_bytes(GOOD)
    (tmp_path / "bad.csv").write_bytes(BAD)
    return tmp_path


def test_exit_codes_and_json_output(files: Path):
    good = run_cli(str(files / "good.csv"), "--schema", "waste-bin-sensors", "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["valid"] is True

    bad = run_cli(str(files / "bad.csv"), "--schema", "waste-bin-sensors", "--format", "json", "--no-privacy")
    assert bad.returncode == 1, bad.stderr
    report = json.loads(bad.stdout)  # exactly one JSON object on stdout
    assert report["valid"] is False and report["privacy"] == []
    assert {(e["code"], e["row"], e["field"]) for e in report["errors"]} >= {
        ("type-error", 3, "measured_at"),
        ("unique-error", 3, "id"),
        ("primary-key", 3, None),
        ("constraint-error", 3, "sensor_id"),
        ("constraint-error", 3, "status"),
    }
    assert all(set(e) >= {"code", "row", "field", "message"} for e in report["errors"])


def test_text_output(files: Path):
    runner = CliRunner()
    result = runner.invoke(check_command, [str(files / "bad.csv"), "--schema", "waste-bin-sensors"])
    assert result.exit_code == 1
    assert result.output.startswith("invalid (csv, utf-8, 2 rows)")
    assert '[type-error] Type error in the cell "2024-02-30T00:00:00Z" in row "3"' in result.output
    result = runner.invoke(check_command, [str(files / "good.csv")])
    assert result.exit_code == 0 and "inferred schema (suggestion)" in result.output


class _SchemaHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write((ROOT / "schemas/table/waste-bin-sensors.json").read_bytes())

    def log_message(self, *args):
        pass


def test_schema_url_refused_unless_allowed(files: Path):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SchemaHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/schema.json"
    try:
        refused = run_cli(str(files / "good.csv"), "--schema", url)
        assert refused.returncode == 2
        assert "non-public address 127.0.0.1" in refused.stderr and "Traceback" not in refused.stderr
        allowed = CliRunner().invoke(check_command, [str(files / "good.csv"), "--schema", url, "--allow-private-urls"])
        assert allowed.exit_code == 0, allowed.output
    finally:
        httpd.shutdown()
        httpd.server_close()


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(20):
                member.write(b"0" * (1 << 20))


@pytest.mark.parametrize(
    "case, message",
    [
        ("binary", "looks like a PNG image"),
        ("zip-bomb", "possible zip bomb"),
        ("schema-not-json", "not valid JSON"),
        ("schema-not-table-schema", "not a valid Table Schema"),
        ("schema-url-loopback", "non-public address 127.0.0.1"),
        ("missing-file", "no such file"),
        ("unknown-registry-name", "schema registry"),
    ],
)
def test_bad_input_exit_2_without_traceback(files: Path, case: str, message: str):
    target = files / "good.csv"
    schema = "waste-bin-sensors"
    if case == "binary":
        target = files / "picture.csv"
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    elif case == "zip-bomb":
        target = files / "bomb.xlsx"
        _zip_bomb(target)
    elif case == "schema-not-json":
        schema = "{this is not json"
    elif case == "schema-not-table-schema":
        (files / "schema.json").write_text('{"fields": [{"name": "id", "type": "bigint"}]}')
        schema = str(files / "schema.json")
    elif case == "schema-url-loopback":
        schema = "http://127.0.0.1:9/schema.json"
    elif case == "missing-file":
        target = files / "nope.csv"
    elif case == "unknown-registry-name":
        schema = "no-such-schema"
    if case in ("binary", "zip-bomb", "missing-file"):  # one real process per kind of input
        result = run_cli(str(target), "--schema", schema)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    else:
        result = CliRunner().invoke(check_command, [str(target), "--schema", schema, "--format", "json"])
        assert result.exit_code == 2
        assert message in result.output and "Traceback" not in result.output


def test_usage_error_exit_2():
    result = CliRunner().invoke(check_command, ["a.csv", "--format", "xml"])
    assert result.exit_code == 2
