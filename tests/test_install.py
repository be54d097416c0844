"""The offline check installs anywhere: a clean virtualenv without CKAN, the project installed
from a clone and as a built wheel, and a working ``governance-check``.

Dependencies are pinned to this environment's versions (``pip freeze`` as constraints): the test
checks the declared dependencies, not today's releases.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = Draft202012Validator(json.loads((ROOT / "docs/governance-check.schema.json").read_text()))
KEPT = ROOT / "var" / "install-test"
OUTSIDE = tempfile.gettempdir()
BUILT = shutil.ignore_patterns(".git", ".venv", "var", "build", "dist", "*.egg-info", "__pycache__", "node_modules", "*.mo")


def _not_in_a_clone(folder: str, names):
    """What git does not track: virtualenvs, services' state, build output, generated benchmark data."""
    ignored = set(BUILT(folder, names))
    if Path(folder) == ROOT / "benchmarks":
        ignored.add("data")
    return ignored


def run(*command) -> subprocess.CompletedProcess:
    """Outside the checkout (``python -c`` puts the working directory on sys.path), and with no
    variable of this environment pointing the clean one back at it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    command = [str(c) for c in command]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, cwd=OUTSIDE)


def pip(venv: Path, *args) -> None:
    result = run(venv / "bin/python", "-m", "pip", "--disable-pip-version-check", *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A clone of the checkout (its files, no virtualenv or build output) and a wheel built from it."""
    base = tmp_path_factory.mktemp("install")
    clone = base / "ckanext-governance"
    shutil.copytree(ROOT, clone, ignore=_not_in_a_clone)
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", clone)
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = (base / "dist").glob("ckanext_governance-*.whl")
    return {"clone": clone, "wheel": wheel, "base": base}


@pytest.fixture(scope="module")
def venv(sources):
    """A virtualenv with the project's declared dependencies, and nothing else.

    Installing pyarrow, numpy and frictionless takes minutes here, so the virtualenv is kept
    in var/ under a key of the declared dependencies, the pinned versions and the Python:
    any change to them builds a new one from nothing (as every fresh clone, CI, does).
    """
    frozen = run(sys.executable, "-m", "pip", "freeze", "--exclude-editable").stdout.splitlines()
    pins = "\n".join(line for line in frozen if "==" in line and " @ " not in line) + "\n"
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + pins.encode() + sys.version.encode()).hexdigest()
    venv = KEPT / f"venv-{key[:16]}"
    if not (venv / "complete").is_file():
        shutil.rmtree(KEPT, ignore_errors=True)  # and the virtualenvs of older keys
        KEPT.mkdir(parents=True)
        result = run(sys.executable, "-m", "venv", venv)
        assert result.returncode == 0, result.stderr
        (KEPT / "constraints.txt").write_text(pins)
        pip(venv, "install", "-q", "-c", KEPT / "constraints.txt", sources["clone"])
        (venv / "complete").write_text(key)
    return venv


@pytest.fixture(params=["clone", "wheel"])
def installed(request, sources, venv):
    """The project installed from the clone, or from the wheel, into the clean virtualenv."""
    pip(venv, "install", "-q", "--force-reinstall", "--no-deps", sources[request.param])
    return venv


def check(venv: Path, *args: str):
    result = run(venv / "bin/governance-check", *args, "--format", "json")
    document = json.loads(result.stdout)  # exactly one JSON document
    OUTPUT.validate(document)
    return result.returncode, document


def test_wheel_declares_the_split(sources):
    with zipfile.ZipFile(sources["wheel"]) as wheel:
        (metadata,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        lines = wheel.read(metadata).decode().splitlines()
        assert any(name.endswith("ckanext/governance/checks/cli.py") for name in wheel.namelist())
    requires = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Requires-Dist:")]
    plain = {r.split(";")[0].split(">")[0].split("[")[0].strip() for r in requires if "extra ==" not in r}
    assert {"click", "frictionless", "pyarrow", "numpy", "ijson", "openpyxl"} <= plain
    assert not any(name.startswith("ckan") for name in plain)  # CKAN only with the extra
    assert "Provides-Extra: ckan" in lines
    assert any(r.startswith("ckan[requirements]") and "extra ==" in r for r in requires)


def test_governance_check_works_without_ckan(installed: Path, sources, tmp_path: Path):
    clone = sources["clone"]
    where = run(installed / "bin/python", "-c", "import ckanext.governance.checks.cli as m; print(m.__file__)")
    assert where.stdout.startswith(str(installed)), where  # the installed copy, not the checkout
    no_ckan = run(installed / "bin/python", "-c", "import ckan")
    assert no_ckan.returncode != 0 and "No module named 'ckan'" in no_ckan.stderr

    help_text = run(installed / "bin/governance-check", "--help")
    assert help_text.returncode == 0 and "Table Schema" in help_text.stdout

    schema_file = clone / "schemas/table/waste-bin-sensors.json"
    code, report = check(installed, clone / "demo/waste-bin-fill-levels.csv", "--schema", schema_file)
    assert code == 0 and report["valid"] is True and report["stats"]["rows"] == 300

    code, report = check(
        installed, clone / "demo/road-conditions.csv", "--schema", "road-conditions", "--registry", clone / "schemas/table"
    )
    assert code == 1 and report["valid"] is False and report["error_count"] > 0

    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    code, document = check(installed, binary)
    assert code == 2 and document["error"]["code"] == "unreadable-input"

    code, document = check(installed, clone / "demo/waste-bin-fill-levels.csv", "--no-such-flag")
    assert code == 2 and document["error"]["code"] == "usage-error"
