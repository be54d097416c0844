"""The public-reads benchmark's catalogue builder (benchmarks/catalogue.py), at a tiny size:
it makes the planned catalogue, its bulk writer leaves what the workflow leaves, and the
public sees exactly the released datasets. No timing here: the benchmark itself is
`make bench-reads`."""
import importlib.util
import sys
from pathlib import Path

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckanapi import LocalCKAN

from ckanext.governance import audit


def _load_catalogue():
    """Loaded by path: benchmarks/ need not be importable."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "catalogue.py"
    spec = importlib.util.spec_from_file_location("bench_catalogue", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


catalogue = _load_catalogue()

# 24 datasets: two thirds released (one of them with a pending change), the rest in every
# open state; three organizations.
PLAN = catalogue.Plan(datasets=24, released=16, organizations=3, keywords=40, seed=11)

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues",
                                     "with_request_context")


def _quiet(line):
    pass


def test_every_kind_of_dataset_is_planned():
    fates = [spec["fate"] for spec in catalogue.datasets(PLAN)]
    assert sum(f in (catalogue.RELEASED, catalogue.RELEASED_WITH_CHANGE) for f in fates) == 16
    assert set(fates) == {catalogue.RELEASED, catalogue.RELEASED_WITH_CHANGE, catalogue.DRAFT,
                          catalogue.CHECKS_FAILED, catalogue.IN_REVIEW,
                          catalogue.CHANGES_REQUESTED}


def test_build_makes_the_planned_catalogue_the_public_sees_released_datasets_only():
    assert catalogue.build(PLAN, chunk=5, log=_quiet) is True
    census = catalogue.census()
    assert (census["datasets"], census["public"], census["private"]) == (24, 16, 8)
    assert census["releases"] == 16
    assert (census["indexed"], census["public_search_count"]) == (24, 16)
    assert census["reviews"] == {"release/approved": 16, "release/in_review": 3,
                                 "release/draft": 2, "release/changes_requested": 2,
                                 "release/checks_failed": 1, "change/in_review": 1}
    assert list(audit.verify(audit.all_entries())) == []
    # a second build of the same plan finds it done
    assert catalogue.build(PLAN, log=_quiet) is False

    # the public sees the released datasets (in their approved version) and nothing else;
    # stewards see their organization's unreleased ones
    public, members = LocalCKAN(username=""), catalogue.people(PLAN)
    for spec in catalogue.datasets(PLAN):
        steward = LocalCKAN(username=members[spec["owner_org"]]["steward"])
        if spec["fate"] in (catalogue.RELEASED, catalogue.RELEASED_WITH_CHANGE):
            shown = public.action.package_show(id=spec["name"])
            assert shown["private"] is False
            assert shown["notes"] == spec["notes"]  # a pending change stays unpublished
        else:
            with pytest.raises(tk.ObjectNotFound):  # to the public as if it did not exist
                public.action.package_show(id=spec["name"])
            assert steward.action.package_show(id=spec["name"])["private"] is True
    names = {d["name"] for d in public.action.package_search(q="*:*", rows=100)["results"]}
    assert names == {spec["name"] for spec in catalogue.datasets(PLAN)
                     if spec["fate"] in (catalogue.RELEASED, catalogue.RELEASED_WITH_CHANGE)}


def test_a_writer_that_strays_from_the_workflow_stops_the_build(monkeypatch):
    """The comparison with the workflow can fail: a writer that leaves a different decision
    comment than the real approval is caught before it writes the catalogue."""
    real_decide = catalogue.BulkWriter._decide

    def decide(self, current, decision, actor, reasons, comment):
        return real_decide(self, current, decision, actor, reasons, comment + " (bulk)")
    monkeypatch.setattr(catalogue.BulkWriter, "_decide", decide)
    with pytest.raises(SystemExit, match="does not leave what the workflow leaves"):
        catalogue.build(PLAN, log=_quiet)
    search.clear_all()
