"""Background jobs (CKAN's RQ queue): check runs (mails: see notify.py). Jobs get ids, never
objects, and load what they need themselves."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan import model

from . import findings, progress, review, workflow
from .model import CheckRun, Review, utcnow

log = logging.getLogger(__name__)


def enqueue_check_run(run_id: str) -> None:
    tk.enqueue_job(run_checks, [run_id], title=f"governance check run {run_id}",
                   rq_kwargs={"job_id": f"governance-check-{run_id}"})


def run_checks(run_id: str) -> None:
    """Check the content a run was made for and move its review on: in review or failed.

    No lock is held while the checks read files (that may take minutes, and would block every
    write to the dataset): the result is recorded only if, under the dataset's lock afterwards,
    the review is still checking exactly that content. A run whose content was edited
    meanwhile is marked stale; the edit sent the review back to draft, and the next submission
    makes a new run.
    """
    from . import check_run  # the checks engine: loaded by the worker, not the web process

    run = model.Session.get(CheckRun, run_id)
    current = model.Session.get(Review, run.review_id)
    content = review.content_under_review(current) \
        if current.state == workflow.CHECKING else None
    if content is None or review.fingerprint(current, content) != run.content_hash:
        _finish_stale(run)
        return
    run.state = "running"
    model.repo.commit()
    try:
        report = check_run.build_report(current, content, progress.Tracker(
            run.id, len(content.get("resources", []))))
    except Exception as error:  # noqa: BLE001 - recorded as a run that could not check
        check_run.log_failure("check run %s failed", run_id, error=error)
        report = {"valid": False, "error": "The checks could not run; see the worker log",
                  "summary": {"blocking": 1}}
        state = "error"
    else:
        state = "passed" if report["valid"] else "failed"
    current = review.open_review(current.package_id, lock=True)
    run = model.Session.get(CheckRun, run_id, populate_existing=True)
    if current is None or current.id != run.review_id or current.state != workflow.CHECKING \
            or review.fingerprint(current) != run.content_hash:
        _finish_stale(run)
        return
    run.state, run.finished, run.report = state, utcnow(), report
    # Findings a steward dismissed for exactly this content (an unchanged file submitted
    # again) block no more.
    blocking = findings.open_blockers(current.package_id, report)
    event = workflow.CHECKS_PASSED if blocking == 0 else workflow.CHECKS_FAILED_EVENT
    review.transition(current, event, None, check_run=run.id, blocking=blocking)
    model.repo.commit()
    log.debug("check run %s: %s, %d blocking", run_id, state, blocking)


def _finish_stale(run: CheckRun) -> None:
    run.state, run.finished = "stale", utcnow()
    model.repo.commit()
