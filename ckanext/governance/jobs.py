"""Background jobs (CKAN's RQ queue): check runs (mails: see notify.py). Jobs get ids, never
objects, and load what they need themselves."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan import model

from . import check_run, progress, review, workflow
from .model import CheckRun, Review, utcnow

log = logging.getLogger(__name__)


def enqueue_check_run(run_id: str) -> None:
    tk.enqueue_job(run_checks, [run_id], title=f"governance check run {run_id}",
                   rq_kwargs={"job_id": f"governance-check-{run_id}"})


def run_checks(run_id: str) -> None:
    """Check the content a run was made for and move its review on: in review or failed.

    A run whose content was edited meanwhile is marked stale; the edit sent the review back
    to draft, and the next submission makes a new run.
    """
    run = model.Session.get(CheckRun, run_id)
    current = model.Session.get(Review, run.review_id, with_for_update=True)
    content = review.content_under_review(current) \
        if current.state == workflow.CHECKING else None
    if content is None or review.fingerprint(current, content) != run.content_hash:
        run.state, run.finished = "stale", utcnow()
        model.repo.commit()
        return
    try:
        report = check_run.build_report(current, content, progress.Tracker(
            run.id, len(content.get("resources", []))))
    except Exception:
        log.exception("check run %s failed", run_id)
        run.state, run.finished = "error", utcnow()
        run.report = {"valid": False, "error": "The checks could not run; see the worker log",
                      "summary": {"blocking": 1}}
        report = run.report
    else:
        run.state, run.finished, run.report = (
            "passed" if report["valid"] else "failed"), utcnow(), report
    event = workflow.CHECKS_PASSED if report["valid"] else workflow.CHECKS_FAILED_EVENT
    review.transition(current, event, None, check_run=run.id,
                      blocking=report.get("summary", {}).get("blocking", 0))
    model.repo.commit()
