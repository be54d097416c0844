"""governance-check --format json: one JSON document on every outcome, valid against the
documented JSON Schema (docs/governance-check.schema.json), with stable codes and exit codes."""

from __future__ import annotations

import http.server
import json
import resource
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from ckanext.governance.checks import engine
from ckanext.governance.checks.cli import check_command
from ckanext.governance.checks.errors import ERROR_CODES
from ckanext.governance.checks.report import _ERROR_CLASSES

ROOT = Path(__file__).resolve().parents[2]
OUTPUT_SCHEMA = json.loads((ROOT / "docs/governance-check.schema.json").read_text())
VALIDATOR = Draft202012Validator(OUTPUT_SCHEMA)
DEMO_CSV = ROOT / "demo/waste-bin-fill-levels.csv"
GOOD = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n1,MZ-WB-00001,2024-01-01T00:00:30Z,79.2,33,ok,false,Altstadt,\n"
BAD = GOOD + b"1,MZ-XX-1,2024-02-30T00:00:00Z,120,33,broken,maybe,X,\n"
MEMORY_CAP = 2 << 30  # address space of the child: an attack that needs more fails fast, not the machine


def _capped_child():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a CI shell may start us with SIGINT ignored


def start_cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ckanext.governance.checks.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_capped_child,
    )


def run_json(*args: str, timeout: float = 120):
    """Run the real command; return (exit code, the one JSON document on stdout, stderr)."""
    process = start_cli(*args, "--format", "json")
    stdout, stderr = process.communicate(timeout=timeout)
    document = json.loads(stdout)  # raises on anything but exactly one JSON document
    VALIDATOR.validate(document)
    return process.returncode, document, stderr


class _Answer(http.server.BaseHTTPRequestHandler):
    """A schema server on 127.0.0.1: 404 for /missing.json, and /slow.json never answers."""

    asked = threading.Event()

    def do_GET(self):
        _Answer.asked.set()
        if self.path == "/slow.json":
            threading.Event().wait(30)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def schema_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    _Answer.asked.clear()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(20):
                member.write(b"0" * (1 << 20))


def test_output_schema_is_a_schema_and_lists_every_code():
    Draft202012Validator.check_schema(OUTPUT_SCHEMA)
    failure_codes = OUTPUT_SCHEMA["$defs"]["failure"]["properties"]["error"]["properties"]["code"]["oneOf"]
    assert {c["const"]: c["description"] for c in failure_codes} == ERROR_CODES
    table_codes = OUTPUT_SCHEMA["$defs"]["tableErrorCode"]["oneOf"]
    assert {c["const"] for c in table_codes} == set(_ERROR_CLASSES)


def test_output_schema_rejects_what_is_not_an_answer():
    """The schema can fail: a report that calls itself valid with errors, an unknown code."""
    returncode, report, _ = run_json(str(DEMO_CSV), "--schema", "waste-bin-sensors")
    assert returncode == 0
    lying = dict(report, error_count=3)
    assert not VALIDATOR.is_valid(lying)
    assert not VALIDATOR.is_valid({"valid": False, "error": {"code": "oops", "message": "x"}})
    assert not VALIDATOR.is_valid({"valid": True, "error": {"code": "usage-error", "message": "x"}})
    assert not VALIDATOR.is_valid(dict(report, surprise=1))


def test_reports_valid_invalid_and_inferred(tmp_path: Path):
    (tmp_path / "bad.csv").write_bytes(BAD)
    returncode, report, _ = run_json(str(DEMO_CSV), "--schema", "waste-bin-sensors")
    assert returncode == 0 and report["valid"] is True and report["stats"]["rows"] == 300
    assert report["schema_source"] == {"kind": "registry", "location": "waste-bin-sensors"}

    returncode, report, _ = run_json(str(tmp_path / "bad.csv"), "--schema", "waste-bin-sensors", "--max-errors", "2")
    assert returncode == 1 and report["valid"] is False
    assert len(report["errors"]) == 2 and report["truncated"] is True and report["error_count"] > 2

    returncode, report, _ = run_json(str(DEMO_CSV))
    assert returncode == 0 and report["schema_source"] is None
    assert report["suggested_schema"]["fields"][0]["name"] == "id"


@pytest.mark.parametrize(
    "case, code",
    [
        ("binary", "unreadable-input"),
        ("missing-file", "file-not-found"),
        ("unsupported-format", "unsupported-format"),
        ("truncated-xlsx", "unreadable-input"),
        ("zip-bomb", "input-refused"),
        ("deeply-nested-json", "input-refused"),
        ("schema-not-json", "schema-invalid"),
        ("schema-not-a-table-schema", "schema-invalid"),
        ("schema-unknown-name", "schema-not-found"),
        ("schema-url-loopback", "schema-url-refused"),
        ("schema-url-file-scheme", "schema-url-refused"),
        ("schema-url-404", "schema-url-unavailable"),
    ],
)
def test_not_checked_is_one_coded_json_error(tmp_path: Path, schema_server: str, case: str, code: str):
    target, schema, extra = tmp_path / "good.csv", "waste-bin-sensors", []
    target.write_bytes(GOOD)
    if case == "binary":
        target = tmp_path / "picture.csv"
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    elif case == "missing-file":
        target = tmp_path / "nope.csv"
    elif case == "unsupported-format":
        target = tmp_path / "report.pdf"
        target.write_bytes(GOOD)
    elif case == "truncated-xlsx":  # breaks after the rows openpyxl reads first
        import openpyxl

        book = openpyxl.Workbook()
        for number in range(3000):
            book.active.append([number, f"name {number}"])
        book.save(tmp_path / "whole.xlsx")
        target = tmp_path / "truncated.xlsx"
        with zipfile.ZipFile(tmp_path / "whole.xlsx") as whole, zipfile.ZipFile(target, "w") as cut:
            for member in whole.infolist():
                data = whole.read(member)
                cut.writestr(member, data[: len(data) // 2] if member.filename.endswith("sheet1.xml") else data)
        schema = None
    elif case == "zip-bomb":
        target = tmp_path / "bomb.xlsx"
        _zip_bomb(target)
    elif case == "deeply-nested-json":  # 100 kB: ijson's prefixed parser needed > 20 GB for this
        target = tmp_path / "deep.json"
        target.write_bytes(b"[" * 100_000)
        schema = None
    elif case == "schema-not-json":
        schema = "{this is not json"
    elif case == "schema-not-a-table-schema":
        (tmp_path / "schema.json").write_text('{"fields": [{"name": "id", "type": "bigint"}]}')
        schema = str(tmp_path / "schema.json")
    elif case == "schema-unknown-name":
        schema = "no-such-schema"
    elif case == "schema-url-loopback":
        schema = f"{schema_server}/schema.json"
    elif case == "schema-url-file-scheme":
        schema = "file:///etc/passwd"
    elif case == "schema-url-404":
        schema, extra = f"{schema_server}/missing.json", ["--allow-private-urls"]
    args = [str(target), *(["--schema", schema] if schema else []), *extra]
    returncode, document, stderr = run_json(*args)
    assert returncode == 2, document
    assert document["valid"] is False and document["error"]["code"] == code, document
    assert "Traceback" not in stderr and stderr.strip() == ""
    if case == "schema-url-loopback":
        assert not _Answer.asked.is_set()  # refused before any connection


@pytest.mark.parametrize(
    "args",
    [
        ["a.csv", "--bogus", "--format", "json"],
        ["--format", "json"],  # missing PATH
        ["a.csv", "--format=json", "--table-format", "xls"],
        ["a.csv", "--format", "json", "--max-errors", "-1"],
        [str(ROOT), "--format", "json"],  # a directory
    ],
)
def test_usage_errors_are_json_when_json_was_asked(args):
    process = start_cli(*args)
    stdout, stderr = process.communicate(timeout=60)
    document = json.loads(stdout)
    VALIDATOR.validate(document)
    assert process.returncode == 2 and document["error"]["code"] == "usage-error"
    assert document["error"]["message"] and stderr == ""


def test_usage_errors_stay_text_without_json():
    process = start_cli("a.csv", "--bogus")
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and stdout == ""
    assert "Usage: " in stderr and "No such option '--bogus'" in stderr


def test_interrupted_check_is_a_json_error(schema_server: str):
    process = start_cli(str(DEMO_CSV), "--schema", f"{schema_server}/slow.json", "--allow-private-urls", "--format", "json")
    try:
        assert _Answer.asked.wait(60), "the command never asked for its schema"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    document = json.loads(stdout)
    VALIDATOR.validate(document)
    assert process.returncode == 2 and document["error"]["code"] == "interrupted"


def test_unexpected_error_is_a_json_error(monkeypatch, tmp_path: Path):
    """A bug in the engine (simulated here) reads neither as a result nor as broken output."""

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(engine, "validate_table", broken)
    (tmp_path / "good.csv").write_bytes(GOOD)
    result = CliRunner().invoke(check_command, [str(tmp_path / "good.csv"), "--format", "json"])
    document = json.loads(result.stdout)
    VALIDATOR.validate(document)
    assert result.exit_code == 2 and document["error"]["code"] == "internal-error"
    assert "ZeroDivisionError" in document["error"]["message"] and "Traceback" in result.stderr
