"""governance-check answers --help and usage errors without loading the engine's libraries
(its start-up time is measured in benchmarks/startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"pyarrow", "numpy", "pandas", "frictionless", "openpyxl", "ijson"}
PROBE = """
import json, sys
from ckanext.governance.checks.cli import main
sys.argv = ["governance-check", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
finally:
    loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(%r)))
    sys.stderr.write("\\nLOADED " + json.dumps(loaded) + "\\n")
""" % json.dumps(sorted(HEAVY))


def loaded_libraries(*args: str) -> set:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    marker = [line for line in result.stderr.splitlines() if line.startswith("LOADED ")]
    assert marker, result.stderr
    return set(json.loads(marker[-1][len("LOADED "):]))


@pytest.mark.parametrize("args", [["--help"], ["--bogus", "--format", "json"], ["--format", "json"]])
def test_help_and_usage_errors_load_no_heavy_library(args):
    assert loaded_libraries(*args) == set()


def test_a_real_check_loads_the_engine():
    """The probe sees what a check imports: it is not blind."""
    assert {"pyarrow", "frictionless", "numpy"} <= loaded_libraries(str(ROOT / "demo/road-conditions.csv"), "--format", "json")


def test_package_import_is_light_and_names_resolve_on_use():
    code = (
        "import sys, ckanext.governance.checks as checks\n"
        "assert 'pyarrow' not in sys.modules and 'frictionless' not in sys.modules\n"
        "from ckanext.governance.checks.errors import ChecksError\n"
        "assert checks.ChecksError is ChecksError\n"
        "from ckanext.governance.checks import validate_table, load_schema, Report\n"
        "assert 'pyarrow' in sys.modules and validate_table.__module__.endswith('.engine')\n"
        "try:\n"
        "    checks.no_such_name\n"
        "except AttributeError:\n"
        "    print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr
