"""docs/pipelines.md is true: its Python example and its ckanapi command-line example run, as
printed, against a live portal (CKAN served in a thread) over HTTP with an API token, while
this test plays the jobs worker and the steward."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs

from conftest import CLEAN_CSV
from doc_examples import code_blocks

pytestmark = pytest.mark.usefixtures("with_plugins")

BIN = Path(sys.executable).parent
TIMEOUT = 300


class Steward:
    """Decides like the guide's steward: asks for more metadata once, then approves."""

    def __init__(self, world, name):
        self.world, self.name, self.decisions = world, name, []

    def act(self):
        model.Session.remove()  # see what the portal's threads committed
        steward = self.world.as_user(self.world.steward)
        try:
            status = steward.action.governance_status_show(package_id=self.name)
        except (tk.ObjectNotFound, tk.ValidationError):  # not created yet
            return
        review = status.get("review")
        if not review or review["state"] != "in_review":
            return
        if not self.decisions:
            steward.action.governance_review_request_changes(
                package_id=self.name, content_hash=review["content_hash"],
                reasons=["metadata-incomplete"],
                comment="Bitte das Ende des Zeitraums angeben.")
            self.decisions.append("request_changes")
        else:
            dataset = steward.action.package_show(id=self.name)
            assert dataset["temporal_end"] == "2026-11-30", "the pipeline completed the metadata"
            self.world.approve(dataset["id"])
            self.decisions.append("approve")


def _run(world, command, cwd, env, name):
    """Run the example while working the jobs queue and deciding as the steward."""
    steward = Steward(world, name)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    while process.poll() is None and time.monotonic() < deadline:
        jobs.Worker().work(burst=True)
        steward.act()
        time.sleep(0.3)
    if process.poll() is None:
        process.kill()
    stdout, stderr = process.communicate()
    assert process.returncode == 0, f"exit {process.returncode}\n{stdout}\n{stderr[-3000:]}"
    assert steward.decisions == ["request_changes", "approve"]
    return stdout


def _environment(world, live_server, name):
    token = world.as_user(world.sysadmin).action.api_token_create(
        user=world.publisher["name"], name="pipeline")["token"]
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "CKAN_URL": live_server, "CKAN_TOKEN": token, "CKAN_ORGANIZATION": "stadt-mainz",
            "DATASET_NAME": name}


def test_the_python_example(world, live_server, tmp_path):
    [example] = code_blocks("pipelines.md", "python pipeline")
    (tmp_path / "pipeline.py").write_text(example, encoding="utf-8")
    env = _environment(world, live_server, "fuellstaende-altstadt")
    output = _run(world, [sys.executable, "pipeline.py"], tmp_path, env, "fuellstaende-altstadt")

    [printed] = [block for block in code_blocks("pipelines.md", "")
                 if block.startswith("submitted")]
    expected = printed.replace("http://127.0.0.1:...", live_server)
    assert output == expected
    public = world.as_user(None).action.package_show(id="fuellstaende-altstadt")
    assert public["temporal_end"] == "2026-11-30"
    [resource] = public["resources"]
    assert resource["name"] == "readings.csv"
    record = world.as_user(None).action.governance_review_record_show(id="fuellstaende-altstadt")
    assert record["resources"][0]["checks"][0]["rows"] == 2, "the bad reading was dropped"


def test_the_command_line_example(world, live_server, tmp_path):
    [script] = code_blocks("pipelines.md", "bash pipeline")
    (tmp_path / "pipeline.sh").write_text(script, encoding="utf-8")
    (tmp_path / "readings.csv").write_bytes(CLEAN_CSV)
    env = _environment(world, live_server, "baustellen-altstadt")
    output = _run(world, ["bash", "pipeline.sh"], tmp_path, env, "baustellen-altstadt")

    assert output.splitlines() == [
        "state: changes_requested", "blocking: 0", 'reasons: ["metadata-incomplete"]',
        "state: approved", "blocking: 0", f"released: {live_server}/dataset/baustellen-altstadt"]
    public = world.as_user(None).action.package_show(id="baustellen-altstadt")
    assert public["temporal_end"] == "2026-11-30"
    assert [r["name"] for r in public["resources"]] == ["readings.csv"]
