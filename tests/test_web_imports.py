"""The web process loads the checks engine's libraries only when a page needs them (a preview,
a reveal): a portal's web workers that never show a report carry none of their memory
(about 100 MB; see the public-reads benchmark). Check runs load them in the jobs worker."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE_LIBRARIES = {"pyarrow", "numpy", "pandas", "frictionless", "openpyxl", "ijson",
                    "phonenumbers", "stdnum"}
PROBE = """
import json, sys
import ckan.plugins.toolkit
before = {name.split(".")[0] for name in sys.modules}
import ckanext.governance.plugin, ckanext.governance.views, ckanext.governance.helpers
import ckanext.governance.logic.action, ckanext.governance.logic.auth, ckanext.governance.cli
import ckanext.governance.subscriptions, ckanext.governance.jobs
loaded = {name.split(".")[0] for name in sys.modules} - before
print(json.dumps(sorted(loaded & set(json.loads(sys.argv[1])))))
"""


def test_the_plugin_loads_no_engine_library_until_a_check_runs():
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(sorted(ENGINE_LIBRARIES))],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
