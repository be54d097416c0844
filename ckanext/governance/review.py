"""Reviews in CKAN: opening them, moving them through the workflow, fingerprinting the content
a steward decides on, and releasing it.

Every state change goes through `transition`, which asks the workflow table and writes the
audit entry in the same transaction.
"""
from __future__ import annotations

import contextlib
import copy
import hashlib
import json
from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

from . import activity, audit, guard, signals, staging, workflow
from .model import CheckRun, Decision, Release, Review, utcnow

# Set in the context only by `release`; API callers cannot put objects into a context, so
# nothing else can make the gate let a write through to the live dataset.
_RELEASE = object()

# Fields that change without the content changing; left out of the fingerprint.
_VOLATILE_DATASET_FIELDS = {"metadata_modified", "private", "state", "organization",
                            "num_resources", "num_tags", "tracking_summary", "governance",
                            "relationships_as_object", "relationships_as_subject"}
_RELATIONSHIP_FIELDS = ("subject_package_id", "object_package_id", "type", "comment")
_VIEW_FIELDS = ("view_type", "title", "description", "config")
_VOLATILE_RESOURCE_FIELDS = {"metadata_modified", "position", "package_id", "tracking_summary",
                             "datastore_active", "cache_last_updated", "upload"}


def is_release_context(context) -> bool:
    return context.get("governance_release") is _RELEASE


def site_context(**extra) -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True, **extra}


def actor_id(context) -> Optional[str]:
    user = context.get("auth_user_obj")
    if user is None or getattr(user, "is_anonymous", False):
        user = model.User.get(context.get("user") or "")
    return user.id if user else None


def release_in_force(package_id: str) -> sa.Select:
    """The statement selecting the release in force (add columns to ask more at once)."""
    return sa.select(Release).where(Release.package_id == package_id,
                                    Release.revoked_at.is_(None)) \
        .order_by(Release.released_at.desc()).limit(1)


def latest_release(package_id: str) -> Optional[Release]:
    """The release in force; None for a dataset never released or whose release was revoked."""
    return model.Session.scalars(release_in_force(package_id)).first()


def open_review(package_id: str, *, lock: bool = False) -> Optional[Review]:
    """The dataset's open review. With `lock`, the caller holds the dataset's lock and the row,
    and reads it fresh from the database, not from what the session loaded before."""
    query = sa.select(Review).where(
        Review.package_id == package_id,
        Review.state.notin_(workflow.CLOSED_STATES))
    if lock:
        guard.lock_dataset(package_id)
        query = query.with_for_update().execution_options(populate_existing=True)
    return model.Session.scalars(query).first()


def latest_review(package_id: str) -> Optional[Review]:
    return model.Session.scalars(
        sa.select(Review).where(Review.package_id == package_id)
        .order_by(Review.created.desc()).limit(1)).first()


def ensure_open_review(package: model.Package, actor: Optional[str]) -> Review:
    """The dataset's open review; a new draft one if there is none.

    A dataset that was never released gets a ``release`` review (its private content is what
    is reviewed); a released one gets a ``change`` review whose content starts as a copy of
    the live version.
    """
    review = open_review(package.id, lock=True)
    if review:
        return review
    release = latest_release(package.id)
    review = Review(package_id=package.id, organization_id=package.owner_org,
                    kind="change" if release else "release", state=workflow.DRAFT,
                    staged_files={}, last_editor=actor,
                    editors=[] if release else _editors_since_release(package.id))
    if release:
        review.content = live_dataset(package.id)
    model.Session.add(review)
    model.Session.flush()
    audit.append("open", actor_id=actor, package_id=package.id, review_id=review.id,
                 to_state=workflow.DRAFT, details={"kind": review.kind})
    return review


def _editors_since_release(package_id: str) -> list[str]:
    """Who changed the unreleased content before this review opened (in reviews that were
    withdrawn or rejected since the last release): their work is under review again."""
    last = model.Session.scalar(sa.select(sa.func.max(Release.released_at))
                                .where(Release.package_id == package_id))
    query = sa.select(Review.editors).where(Review.package_id == package_id)
    if last is not None:
        query = query.where(Review.created > last)
    return sorted({editor for editors in model.Session.scalars(query) for editor in editors})


def live_dataset(package_id: str) -> dict[str, Any]:
    return tk.get_action("package_show")(site_context(), {"id": package_id})


def transition(review: Review, event: str, actor: Optional[str], **details) -> None:
    """Move the review by `event`, or raise `workflow.TransitionError`."""
    new_state = workflow.next_state(review.state, event)
    audit.append(event, actor_id=actor, package_id=review.package_id, review_id=review.id,
                 from_state=review.state, to_state=new_state,
                 content_hash=review.content_hash, details=details)
    activity.record(review, event, actor, review.state, new_state, details)
    signals.announce_transition(
        review.id, package_id=review.package_id, organization_id=review.organization_id,
        kind=review.kind, event_name=event, from_state=review.state, to_state=new_state,
        actor_id=actor, details=details)
    review.state = new_state


def record_edit(review: Review, actor: Optional[str], what: str) -> None:
    """An edit of the content under review: remember the editor (four eyes) and send a review
    that was being checked or decided back to draft. `actor` is None for writes whose author is
    unknown (a job, or a path only the guard saw outside a request)."""
    package = model.Package.get(review.package_id)
    if package is not None and package.owner_org != review.organization_id:
        # Moved to another organization: its stewards and members review it from now on
        # (queue, mails and activity labels follow the review's organization).
        review.organization_id = package.owner_org
        activity.relabel(package)
    if actor is not None:
        review.last_editor = actor
        if actor not in (review.editors or []):
            review.editors = [*(review.editors or []), actor]
    if review.state not in workflow.EDITABLE_STATES:
        transition(review, workflow.EDIT, actor, edit=what)


def content_under_review(review: Review) -> dict[str, Any]:
    if review.kind == "change":
        return copy.deepcopy(review.content)
    return live_dataset(review.package_id)


def fingerprint(review: Review, content: Optional[dict[str, Any]] = None) -> str:
    """A hash of exactly what a steward decides on: the metadata, the relationships, every
    file's bytes and, for a dataset never released, the views of its resources."""
    content = content if content is not None else content_under_review(review)
    dataset = {k: v for k, v in content.items() if k not in _VOLATILE_DATASET_FIELDS}
    resources = content.get("resources", [])
    views = {}
    if review.kind == "release":
        # Views and relationships of a released dataset change only with a release.
        views = _views(r.get("id") for r in resources)
        dataset["relationships"] = _relationships(review.package_id)
    dataset["resources"] = [
        {k: v for k, v in resource.items() if k not in _VOLATILE_RESOURCE_FIELDS}
        | {"file": _file_fingerprint(review, resource), "views": views.get(resource.get("id"), [])}
        for resource in resources
    ]
    canonical = json.dumps(dataset, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _relationships(package_id: str) -> list[list[str]]:
    """The dataset's relationships from the database (what package_show shows of them
    depends on who asks), with their free-text comments."""
    rel = model.PackageRelationship
    rows = model.Session.scalars(sa.select(rel).where(
        sa.or_(rel.subject_package_id == package_id, rel.object_package_id == package_id),
        rel.state == "active"))
    return sorted([getattr(row, field) or "" for field in _RELATIONSHIP_FIELDS] for row in rows)


def _views(resource_ids) -> dict[str, list[dict[str, Any]]]:
    """The live views of these resources, in order. (Views of a released dataset change only
    with a release, so a change review needs none of them.)"""
    views: dict[str, list[dict[str, Any]]] = {}
    for view in model.Session.scalars(
            sa.select(model.ResourceView).where(model.ResourceView.resource_id.in_(
                [i for i in resource_ids if i])).order_by(model.ResourceView.order)):
        views.setdefault(view.resource_id, []).append(
            {field: getattr(view, field) for field in _VIEW_FIELDS})
    return views


def _file_fingerprint(review: Review, resource: dict[str, Any]) -> Optional[str]:
    """The sha256 of the bytes on disk, never a recorded value: a file changed behind the
    review's back changes the fingerprint, and the approval refuses it."""
    path = staging.staged_path(review, resource.get("id"))
    if path is None:
        if resource.get("url_type") != "upload" or not resource.get("id"):
            return None
        path = live_file_path(resource["id"])
    return (staging.file_digest(path) if path else None) or "missing"


def live_file_path(resource_id: str) -> Optional[str]:
    upload = uploader.get_resource_uploader({})
    return upload.get_path(resource_id) if hasattr(upload, "get_path") else None


def submit(review: Review, actor: Optional[str], comment: Optional[str] = None) -> CheckRun:
    # The hash first, so that the audit entry names the revision that was submitted.
    review.content_hash = fingerprint(review)
    transition(review, workflow.SUBMIT, actor, **({"comment": comment} if comment else {}))
    review.submitted_by = actor
    review.submitted_at = utcnow()
    run = CheckRun(review_id=review.id, content_hash=review.content_hash, state="queued")
    model.Session.add(run)
    model.Session.flush()
    return run


def require_four_eyes(review: Review, actor: Optional[str]) -> None:
    if actor in {review.submitted_by, review.last_editor, *(review.editors or [])}:
        raise tk.NotAuthorized(tk._(
            "Four eyes: you submitted or last changed this content, so another steward "
            "has to decide on it."))


def decide(review: Review, decision: str, actor: str, seen_hash: str,
           reasons: list[str], comment: Optional[str],
           acknowledged: Optional[list[str]] = None) -> Decision:
    """Record a steward's decision on the version they saw; approval releases it, once every
    blocking privacy finding is fixed or dismissed and every other one acknowledged."""
    require_four_eyes(review, actor)
    current = fingerprint(review)
    if seen_hash != review.content_hash or current != review.content_hash:
        raise tk.ValidationError({"content_hash": [tk._(
            "The content changed since you opened it (you saw {seen}, it is now {now}). "
            "Please look at it again.").format(seen=seen_hash[:12], now=current[:12])]})
    details: dict[str, Any] = {"reasons": reasons, "comment": comment or ""}
    if decision == workflow.APPROVE:
        from .findings import require_cleared  # findings builds on this module
        details["acknowledged"] = require_cleared(review, acknowledged or [])
    decision_row = Decision(review_id=review.id, decision=decision, reasons=reasons,
                            comment=comment, content_hash=current, user_id=actor)
    model.Session.add(decision_row)
    transition(review, decision, actor, **details)
    if decision == workflow.APPROVE:
        _release(review, actor)
    elif review.kind == "change":
        staging.discard(review)
    return decision_row


def withdraw(review: Review, actor: Optional[str]) -> None:
    transition(review, workflow.WITHDRAW, actor)
    if review.kind == "change":
        staging.discard(review)


def revoke_release(release: Release, actor: str, reason: str) -> None:
    """Emergency: take a released dataset out of public view at once. A pending change is
    withdrawn; the dataset is unreleased again and needs a new review to go public."""
    pending = open_review(release.package_id, lock=True)
    if pending is not None:
        withdraw(pending, actor)
    release.revoked_at, release.revoked_by, release.revoke_reason = utcnow(), actor, reason
    audit.append("revoke_release", actor_id=actor, package_id=release.package_id,
                 content_hash=release.content_hash, details={"reason": reason})
    model.Session.flush()
    # Through the gate like any write to an unreleased dataset: it comes out private.
    tk.get_action("package_patch")({"user": model.Session.get(model.User, actor).name},
                                   {"id": release.package_id})
    _hide_released_activities(release.package_id)


def _hide_released_activities(package_id: str) -> None:
    """Activities store whole snapshots of the dataset, labelled public while it was released:
    after a revocation they get the labels of the private dataset it is now."""
    if not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity
    from ckan.lib.plugins import get_permission_labels

    labels = get_permission_labels().get_dataset_labels(model.Package.get(package_id))
    model.Session.execute(sa.update(Activity).where(Activity.object_id == package_id)
                          .values(permission_labels=labels))
    model.repo.commit()


def _release(review: Review, actor: str) -> None:
    """Make the approved content the live, public dataset, all of it in one update.

    Core's package_update writes the metadata, the search index, the activity and (through the
    resource uploader) every staged file, and commits our review, decision, release and audit
    rows in the same transaction.
    """
    if _relationships(review.package_id):
        # CKAN 2.12's indexer reads relationship fields that its own show schema has dropped
        # (KeyError 'object_package_id'), and core's read-then-update paths drop
        # relationships they read from a stale cache: refuse rather than half-apply.
        raise tk.ValidationError({"relationships": [tk._(
            "This dataset has relationships to other datasets, which CKAN 2.12 cannot "
            "publish. Remove the relationships, then approve it.")]})
    content = content_under_review(review)
    content["private"] = False
    # Relationships are live rows of their own; what package_show lists of them depends on who
    # asks, so the approval never rewrites them from a dict.
    for key in ("relationships_as_subject", "relationships_as_object"):
        content.pop(key, None)
    user = model.User.get(actor)
    context = {"user": user.name, "ignore_auth": True, "governance_release": _RELEASE}
    model.Session.add(Release(package_id=review.package_id, review_id=review.id,
                              content_hash=review.content_hash, released_by=actor))
    with guard.releasing(review.package_id):
        with staging.uploads_for(review, content):
            tk.get_action("package_update")(context, content)
        # package_update adds no previews for new resources (resource_create would have).
        tk.get_action("package_create_default_resource_views")(
            dict(context), {"package": live_dataset(review.package_id)})
    staging.discard(review)


@contextlib.contextmanager
def rollback_on_failure():
    """Undo the request's unsaved work on any failure; a refused transition becomes a
    ValidationError naming the state."""
    try:
        yield
    except workflow.TransitionError as error:
        model.Session.rollback()
        raise tk.ValidationError({"state": [str(error)]})
    except Exception:
        model.Session.rollback()
        raise


def open_review_or_fail(package_id: str) -> Review:
    """The open review, locked against concurrent edits and decisions; a ValidationError
    when there is none."""
    found = open_review(package_id, lock=True)
    if found is None:
        raise tk.ValidationError({"package_id": [tk._("This dataset has no open review")]})
    return found
