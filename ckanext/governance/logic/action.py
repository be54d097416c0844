"""The governance actions: submit, withdraw, decide, status, queue, reports, audit, stewards.

Pipelines call them through the ordinary Action API (ckanapi); every answer is
machine-readable (states, check reports, coded reasons).
"""
from __future__ import annotations

import copy
import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from .. import audit, dataset_diff, findings, guard, jobs, progress, review, workflow
from ..model import CheckRun, Decision, Release, Review, Steward, utcnow
from ..stewards import steward_organization_ids
from . import schema
from . import chained, listing, pending, public_actions, relationships, webhook_actions
from . import findings as finding_actions


def get_actions() -> dict[str, Any]:
    actions = {name: function for name, function in globals().items()
               if name.startswith("governance_") and callable(function)}
    return {**actions, **finding_actions.ACTIONS, **chained.CHAINED_ACTIONS,
            **listing.CHAINED_ACTIONS, **pending.CHAINED_ACTIONS,
            **relationships.CHAINED_ACTIONS, **webhook_actions.ACTIONS,
            **public_actions.get_actions()}


def _iso(value) -> Optional[str]:
    return value.isoformat() if value else None


def _user_name(user_id: Optional[str]) -> Optional[str]:
    user = model.Session.get(model.User, user_id) if user_id else None
    return user.name if user else None


def _run_dict(run: CheckRun, with_report: bool = False,
              summary: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """A check run; `summary` stands in for the report when that was not loaded."""
    result = {"id": run.id, "state": run.state, "content_hash": run.content_hash,
              "created": _iso(run.created), "finished": _iso(run.finished)}
    if with_report:
        summary = (run.report or {}).get("summary")
    if summary is not None:
        result["summary"] = summary
    if run.finished is None:
        # Files and rows checked so far; None until a worker has picked the run up.
        result["progress"] = progress.read(run.id)
    if with_report:
        result["report"] = run.report
    return result


def _latest_run(review_id: str) -> Optional[CheckRun]:
    return model.Session.scalars(
        sa.select(CheckRun).where(CheckRun.review_id == review_id)
        .order_by(CheckRun.created.desc()).limit(1)).first()


def _review_dict(item: Review) -> dict[str, Any]:
    return _review_dicts([item])[0]


def _release_dict(package_id: str) -> dict[str, Any]:
    # The release in force and the number of releases in one query: every dataset page asks.
    releases = sa.select(sa.func.count()).where(Release.package_id == package_id)
    release, count = model.Session.execute(review.release_in_force(package_id).add_columns(
        releases.scalar_subquery())).first() or (None, None)
    if release is None:  # no release in force, yet there may have been revoked ones
        count = model.Session.scalar(releases)
    return {"released": release is not None, "release_id": release.id if release else None,
            "release_count": count,
            "released_at": _iso(release.released_at) if release else None,
            "released_content_hash": release.content_hash if release else None}


def _status(context, package_id: str) -> dict[str, Any]:
    status = {"package_id": package_id, **_release_dict(package_id)}
    if authz.is_authorized_boolean("governance_review_show", dict(context),
                                   {"package_id": package_id}):
        current = review.open_review(package_id) or review.latest_review(package_id)
        status["review"] = _review_dict(current) if current else None
    return status


@validate(schema.review_submit)
def governance_review_submit(context, data_dict):
    """Submit a dataset's content (its first version, or the pending change to a released
    dataset) for checks and review. The checks run as a background job.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param comment: optional note for the stewards, e.g. the answer to their request for
        changes; it is kept in the audit trail and shown in the review's timeline
    :type comment: string
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_review_submit", context, data_dict)
    package_id = data_dict["package_id"]
    pkg = model.Package.get(package_id)
    actor = review.actor_id(context)
    current = review.open_review(package_id, lock=True)
    if current is None:
        if review.latest_release(package_id):
            raise tk.ValidationError({"package_id": [tk._(
                "The released version has no pending change to submit")]})
        current = review.ensure_open_review(pkg, actor)
    with review.rollback_on_failure():
        run = review.submit(current, actor, data_dict.get("comment"))
    model.repo.commit()
    jobs.enqueue_check_run(run.id)
    return _status(context, package_id)


@validate(schema.review_withdraw)
def governance_review_withdraw(context, data_dict):
    """Withdraw a dataset's open review; a pending change to a released dataset is discarded.

    :param package_id: id or name of the dataset
    :type package_id: string
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_review_withdraw", context, data_dict)
    current = review.open_review_or_fail(data_dict["package_id"])
    with review.rollback_on_failure():
        review.withdraw(current, review.actor_id(context))
    model.repo.commit()
    return _status(context, data_dict["package_id"])


def _decide(context, data_dict, decision: str):
    current = review.open_review_or_fail(data_dict["package_id"])
    actor = review.actor_id(context)
    with review.rollback_on_failure():
        review.decide(current, decision, actor, data_dict["content_hash"],
                      data_dict.get("reasons", []), data_dict.get("comment"),
                      data_dict.get("acknowledged", []))
    model.repo.commit()
    return _status(context, data_dict["package_id"])


@validate(schema.review_approve)
def governance_review_approve(context, data_dict):
    """Approve the content under review: it becomes the public version of the dataset.

    Four eyes: refused for the user who submitted or last changed the content.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param content_hash: the ``content_hash`` of the review as the steward saw it; the approval
        fails if the content changed since
    :type content_hash: string
    :param comment: optional note for the publisher
    :type comment: string
    :param acknowledged: ids of the privacy findings of severity ``review`` the steward has
        looked at: every one that was not dismissed must be listed
    :type acknowledged: list of strings
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_review_approve", context, data_dict)
    return _decide(context, data_dict, workflow.APPROVE)


@validate(schema.review_request_changes)
def governance_review_request_changes(context, data_dict):
    """Send the content back to the publisher with coded reasons and a comment.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param content_hash: the ``content_hash`` the steward saw
    :type content_hash: string
    :param reasons: reason codes (see ``governance_reason_list``)
    :type reasons: list of strings
    :param comment: what to change
    :type comment: string
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_review_request_changes", context, data_dict)
    return _decide(context, data_dict, workflow.REQUEST_CHANGES)


@validate(schema.review_reject)
def governance_review_reject(context, data_dict):
    """Reject the content under review; it never goes public. Parameters as for
    ``governance_review_request_changes``."""
    tk.check_access("governance_review_reject", context, data_dict)
    return _decide(context, data_dict, workflow.REJECT)


@validate(schema.release_revoke)
def governance_release_revoke(context, data_dict):
    """Emergency (sysadmins): take a released dataset out of public view at once, e.g. when
    personal data is found in it. The reason is required and goes into the audit log; the
    dataset needs a new review to go public again.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param reason: why, in words
    :type reason: string
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_release_revoke", context, data_dict)
    guard.lock_dataset(data_dict["package_id"])
    release = review.latest_release(data_dict["package_id"])
    if release is None:
        raise tk.ValidationError({"package_id": [tk._("This dataset is not released")]})
    with review.rollback_on_failure():
        review.revoke_release(release, review.actor_id(context), data_dict["reason"])
    return _status(context, data_dict["package_id"])


@tk.side_effect_free
def governance_reason_list(context, data_dict):
    """The reason codes stewards give with "request changes" and "reject".

    :returns: code → description
    :rtype: dictionary
    """
    return dict(workflow.REASON_CODES)


@tk.side_effect_free
@validate(schema.status_show)
def governance_status_show(context, data_dict):
    """A dataset's governance status. Everyone who can see the dataset learns whether and when
    it was released; members and stewards also see its open review and latest check run.

    :param package_id: id or name of the dataset
    :type package_id: string
    :rtype: dictionary
    """
    tk.check_access("governance_status_show", context, data_dict)
    return _status(context, data_dict["package_id"])


@tk.side_effect_free
@validate(schema.review_show)
def governance_review_show(context, data_dict):
    """The open (or latest) review of a dataset with what is under review: for a change to a
    released dataset, the pending content and what it changes against the live version.

    ``diff`` (changes only) has stable keys; values are as stored, and changes that are none
    (``False`` against ``"false"``, empty against missing, whitespace, ids against names,
    timestamps, derived fields) are left out:

    - ``dataset``: ``{"field", "change", "live", "pending"}`` per changed field, ``change``
      being ``added``, ``removed`` or ``changed``; lists (``tags``, ``groups``, multiple-choice
      fields) also carry ``added`` and ``removed`` items; ``extras`` one entry per ``key``.
    - ``resources``: ``{"id", "name", "change", "fields"}`` per added, removed or changed
      resource, ``fields`` like ``dataset``'s; a newly uploaded file adds ``file``
      (``change``: ``added`` or ``replaced``, ``filename``, ``size``, ``sha256`` and the
      ``live`` file's ``filename`` and ``size``) and, once the check run compared it with the
      released file, ``data``: the data diff (see ``checks.datadiff.diff_tables``: columns
      added, removed, retyped; rows added, removed, changed with examples), or ``error``.
    - ``resource_order``: ``{"live": [ids], "pending": [ids]}`` if the order changed, else null.

    :param package_id: id or name of the dataset
    :type package_id: string
    :rtype: dictionary
    """
    tk.check_access("governance_review_show", context, data_dict)
    package_id = data_dict["package_id"]
    current = review.open_review(package_id) or review.latest_review(package_id)
    if current is None:
        raise tk.ObjectNotFound(tk._("This dataset has no review"))
    result = _review_dict(current)
    result["current_content_hash"] = review.fingerprint(current) \
        if current.state not in workflow.CLOSED_STATES else current.content_hash
    if current.kind == "change":
        live = review.live_dataset(package_id)
        result["pending"] = current.content
        result["diff"] = diff_datasets(live, current.content or {}, current)
        result["staged_files"] = current.staged_files
    return result


def diff_datasets(live: dict[str, Any], pending: dict[str, Any],
                  change: Optional[Review] = None) -> dict[str, Any]:
    """What ``pending`` changes against ``live``, with the staged files of the ``change``
    review and the data diffs its latest check run computed for them."""
    data_diffs = {}
    run = _latest_run(change.id) if change is not None else None
    for resource in ((run.report or {}).get("resources") or []) if run else []:
        if resource.get("data_diff") is not None:
            data_diffs[resource["id"]] = resource["data_diff"]
    return dataset_diff.diff_datasets(live, pending, change.staged_files if change else None,
                                      data_diffs)


@tk.side_effect_free
@validate(schema.report_show)
def governance_report_show(context, data_dict):
    """The check report of a check run: by ``run_id``, or the latest run of ``package_id``.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param run_id: id of a check run
    :type run_id: string
    :returns: the run with its full report (metadata, per-resource table and privacy findings;
        each finding with its ``id`` and ``dismissed``, and ``report.open``: the blocking
        problems left and the ids of findings that still need a steward's acknowledgement)
    :rtype: dictionary
    """
    run = None
    if data_dict.get("run_id"):
        run = model.Session.get(CheckRun, data_dict["run_id"])
    elif data_dict.get("package_id"):
        latest = review.open_review(data_dict["package_id"]) \
            or review.latest_review(data_dict["package_id"])
        run = _latest_run(latest.id) if latest else None
    if run is None:
        raise tk.ObjectNotFound(tk._("No check run found"))
    package_id = model.Session.get(Review, run.review_id).package_id
    tk.check_access("governance_report_show", context, {"package_id": package_id})
    result = _run_dict(run, True)
    result["report"] = findings.annotate(package_id, copy.deepcopy(run.report))
    return {"package_id": package_id, "review_id": run.review_id, **result}


# What the queue's "open" means: submitted and not decided (a draft waits for its publisher).
QUEUE_STATES = (workflow.CHECKING, workflow.CHECKS_FAILED, workflow.IN_REVIEW,
                workflow.CHANGES_REQUESTED)


@tk.side_effect_free
@validate(schema.queue_list)
def governance_queue_list(context, data_dict):
    """The steward's review queue: open reviews of the organizations they steward (a sysadmin:
    of all), longest waiting first. Waiting time counts from the submission (from the review's
    creation for a review not submitted yet).

    :param state: a review state, or ``open`` for every review that was submitted and is not
        decided yet: ``checking``, ``checks_failed``, ``in_review``, ``changes_requested``
        (default ``in_review``)
    :type state: string
    :param waiting_for_me: only reviews the caller can decide now: in review and not submitted
        or last changed by them (overrides ``state``)
    :type waiting_for_me: bool
    :param organization_id: only this organization
    :type organization_id: string
    :param min_days: only reviews waiting at least this many days
    :type min_days: int
    :param sort: ``oldest`` (longest waiting first, default) or ``newest``
    :type sort: string
    :param limit: at most this many (default 50)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``count`` (all matching reviews) and ``results`` (each with ``waiting_since``
        and ``package_title``, the title under review: a change's pending title)
    :rtype: dictionary
    """
    tk.check_access("governance_queue_list", context, data_dict)
    user = model.User.get(context.get("user") or "")
    waiting_since = sa.func.coalesce(Review.submitted_at, Review.created)
    # Open reviews always: the partial indexes of the queue are on open reviews.
    conditions = [model.Package.state == "active",
                  Review.state.notin_(workflow.CLOSED_STATES)]
    state = data_dict.get("state", workflow.IN_REVIEW)
    if data_dict.get("waiting_for_me"):
        state = workflow.IN_REVIEW
        conditions += [
            sa.or_(Review.submitted_by.is_(None), Review.submitted_by != user.id),
            sa.or_(Review.last_editor.is_(None), Review.last_editor != user.id)]
    if state in workflow.CLOSED_STATES:
        conditions[1] = Review.state == state
    else:
        conditions.append(Review.state.in_(QUEUE_STATES) if state == "open"
                          else Review.state == state)
    if not (user and user.sysadmin):
        conditions.append(Review.organization_id.in_(steward_organization_ids(user.id)))
    if data_dict.get("organization_id"):
        conditions.append(Review.organization_id == data_dict["organization_id"])
    if data_dict.get("min_days"):
        conditions.append(waiting_since <= utcnow() - datetime.timedelta(
            days=data_dict["min_days"]))
    joined = sa.join(Review, model.Package, model.Package.id == Review.package_id)
    count = model.Session.scalar(
        sa.select(sa.func.count()).select_from(joined).where(*conditions))
    order = waiting_since.desc() if data_dict.get("sort") == "newest" else waiting_since.asc()
    # The title under review: a change's pending title, read from its content in SQL.
    title = sa.func.coalesce(Review.content["title"].astext, model.Package.title)
    rows = model.Session.execute(
        sa.select(Review, model.Package.name, title, model.Package.owner_org)
        .select_from(joined).where(*conditions)
        # A queue shows no content: the pending copy of a dataset can be large.
        .options(sa.orm.defer(Review.content), sa.orm.defer(Review.staged_files))
        .order_by(order, Review.id)
        .limit(data_dict.get("limit", 50)).offset(data_dict.get("offset", 0))).all()
    return {"count": count, "results": [
        {**item, "package_name": name, "package_title": title, "organization_id": owner_org,
         "waiting_since": item["submitted_at"] or item["created"]}
        for item, (_review, name, title, owner_org) in zip(
            _review_dicts([row[0] for row in rows]), rows)]}


def _review_dicts(items: list[Review]) -> list[dict[str, Any]]:
    """`_review_dict` of many reviews in a few queries (a queue page is 50 of them)."""
    ids = [item.id for item in items]
    if not ids:
        return []
    # The latest run of each review, with its summary but not its report (up to a thousand
    # errors per file).
    runs = {run.review_id: (run, summary) for run, summary in model.Session.execute(
        sa.select(CheckRun, CheckRun.report["summary"])
        .where(CheckRun.review_id.in_(ids)).options(sa.orm.defer(CheckRun.report))
        .order_by(CheckRun.review_id, CheckRun.created.desc())
        .distinct(CheckRun.review_id))}
    decisions: dict[str, list[Decision]] = {}
    for decision in model.Session.scalars(
            sa.select(Decision).where(Decision.review_id.in_(ids)).order_by(Decision.created)):
        decisions.setdefault(decision.review_id, []).append(decision)
    user_ids = {user_id for item in items for user_id in (item.submitted_by, item.last_editor)}
    user_ids |= {d.user_id for found in decisions.values() for d in found}
    names = {user_id: name for user_id, name in model.Session.execute(
        sa.select(model.User.id, model.User.name).where(model.User.id.in_(user_ids - {None})))}
    results = []
    for item in items:
        run, summary = runs.get(item.id, (None, None))
        results.append({
            "id": item.id, "package_id": item.package_id, "kind": item.kind,
            "state": item.state, "content_hash": item.content_hash,
            "submitted_by": names.get(item.submitted_by),
            "submitted_at": _iso(item.submitted_at),
            "last_editor": names.get(item.last_editor),
            "created": _iso(item.created), "modified": _iso(item.modified),
            "allowed_events": workflow.allowed_events(item.state),
            "latest_check_run": _run_dict(run, summary=summary) if run else None,
            "decisions": [_decision_dict(d, names.get(d.user_id))
                          for d in decisions.get(item.id, [])],
        })
    return results


def _decision_dict(decision: Decision, user_name: Optional[str]) -> dict[str, Any]:
    return {"decision": decision.decision, "reasons": decision.reasons,
            "reason_labels": [workflow.REASON_CODES[c] for c in decision.reasons],
            "comment": decision.comment, "content_hash": decision.content_hash,
            "user": user_name, "created": _iso(decision.created)}


@tk.side_effect_free
@validate(schema.audit_list)
def governance_audit_list(context, data_dict):
    """The audit trail of a dataset, oldest first: every transition and decision with who,
    when, which content version and why.

    :param package_id: id or name of the dataset
    :type package_id: string
    :rtype: list of dictionaries
    """
    tk.check_access("governance_audit_list", context, data_dict)
    entries = model.Session.scalars(
        sa.select(audit.AuditEntry).where(audit.AuditEntry.package_id == data_dict["package_id"])
        .order_by(audit.AuditEntry.seq)
        .limit(data_dict.get("limit", 1000)).offset(data_dict.get("offset", 0)))
    return [{**audit.as_dict(entry), "actor": _user_name(entry.actor_id)} for entry in entries]


@validate(schema.steward_create)
def governance_steward_create(context, data_dict):
    """Make a user a steward of an organization (org admins and sysadmins).

    :param organization_id: id or name of the organization
    :type organization_id: string
    :param user_id: id or name of the user
    :type user_id: string
    :returns: the organization's stewards
    :rtype: list of dictionaries
    """
    tk.check_access("governance_steward_create", context, data_dict)
    key = (data_dict["organization_id"], data_dict["user_id"])
    if model.Session.get(Steward, key) is None:
        model.Session.add(Steward(organization_id=key[0], user_id=key[1],
                                  created_by=review.actor_id(context)))
        audit.append("steward_added", actor_id=review.actor_id(context), package_id=None,
                     details={"organization_id": key[0], "user_id": key[1]})
        model.repo.commit()
    return governance_steward_list(context, {"organization_id": key[0]})


@validate(schema.steward_delete)
def governance_steward_delete(context, data_dict):
    """Remove a steward from an organization (org admins and sysadmins).

    :param organization_id: id or name of the organization
    :type organization_id: string
    :param user_id: id or name of the user
    :type user_id: string
    """
    tk.check_access("governance_steward_delete", context, data_dict)
    steward = model.Session.get(Steward, (data_dict["organization_id"], data_dict["user_id"]))
    if steward is None:
        raise tk.ObjectNotFound(tk._("This user is not a steward of the organization"))
    model.Session.delete(steward)
    audit.append("steward_removed", actor_id=review.actor_id(context), package_id=None,
                 details={"organization_id": steward.organization_id,
                          "user_id": steward.user_id})
    model.repo.commit()


@tk.side_effect_free
@validate(schema.steward_list)
def governance_steward_list(context, data_dict):
    """The stewards of an organization.

    :param organization_id: id or name of the organization
    :type organization_id: string
    :rtype: list of dictionaries
    """
    tk.check_access("governance_steward_list", context, data_dict)
    rows = model.Session.execute(
        sa.select(Steward, model.User).join(model.User, model.User.id == Steward.user_id)
        .where(Steward.organization_id == data_dict["organization_id"])
        .order_by(model.User.name))
    return [{"user_id": user.id, "name": user.name, "display_name": user.display_name,
             "since": _iso(steward.created)} for steward, user in rows]

