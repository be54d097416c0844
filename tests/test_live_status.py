"""Live status: the check-run job reports how far it has got (file n of m, about x of about y
rows) and governance_status_show passes it on while the run is going."""
import pytest

from ckan.lib import jobs

from ckanext.governance import progress

pytestmark = pytest.mark.usefixtures("with_plugins")

HEADER = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"


def _rows(count):
    return HEADER + b"".join(
        b"%d,MZ-WB-%05d,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,\n" % (n, n % 99999)
        for n in range(1, count + 1))


def test_the_tracker_estimates_rows_from_bytes_read(tmp_path, clean_redis):
    path = tmp_path / "readings.csv"
    path.write_bytes(_rows(20_000))
    tracker = progress.Tracker("run-1", resource_count=2)
    assert progress.read("run-1")["resource_index"] == 0
    report = tracker.resource(1, "readings.csv", str(path), "csv")
    size = path.stat().st_size
    report(size // 2, size)
    state = progress.read("run-1")
    assert (state["resource_index"], state["resource_count"]) == (1, 2)
    assert state["resource_name"] == "readings.csv"
    # An estimate from the first 64 KiB (whose ids are shorter than the later ones): within 5%.
    assert abs(state["rows_total"] - 20_000) < 1_000
    assert abs(state["rows_checked"] - 10_000) < 500
    tracker.resource_done(20_000)
    state = progress.read("run-1")
    assert state["rows_checked"] == state["rows_total"] == 20_000
    assert state["bytes_read"] == size
    assert tracker.resource(2, "notes.pdf", None, None) is None
    assert progress.read("run-1")["rows_total"] == 0
    assert progress.read("no-such-run") is None


def test_status_shows_progress_while_the_run_is_going_and_the_job_reports_it(world):
    dataset = world.new_dataset("gross", csv=_rows(5_000))
    status = world.as_user(world.publisher).action.governance_review_submit(
        package_id=dataset["id"])
    run = status["review"]["latest_check_run"]
    assert run["progress"] is None  # queued: no worker has it yet
    jobs.Worker().work(burst=True)
    finished = world.as_user(world.publisher).action.governance_status_show(
        package_id=dataset["id"])["review"]["latest_check_run"]
    assert "progress" not in finished and finished["summary"]["blocking"] == 0
    # What the job left behind: every file checked, with its exact row count.
    state = progress.read(run["id"])
    assert (state["resource_index"], state["resource_count"]) == (1, 1)
    assert state["rows_checked"] == state["rows_total"] == 5_000
