"""The release gate: core write actions wrapped so that nothing unapproved goes public.

- A dataset that was never released is kept private, whatever the caller sends; every write
  records its author on the dataset's open review (four eyes).
- A write to a released dataset never touches the live dataset: it is staged as the pending
  content of a ``change`` review (files into private staging storage) and only the approval
  applies it, all at once, with the public ids and download URLs unchanged.
- Only `review._release` sets the context marker that lets writes through unchanged.

``governance`` comes first in ``ckan.plugins``, so these wrappers run outermost, before core
touches any file.
"""
from __future__ import annotations

import copy
import re
import uuid
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import plugins as lib_plugins
from ckan.logic import auth_audit_exempt

from .. import audit, guard, review, staging
from ..model import Review
from ..workflow import N_

NO_CHANGE_MESSAGE = "This dataset is released and the content sent is the released content."
PENDING_MESSAGE = ("This dataset is released: the change is pending review. The public keeps "
                   "seeing the approved version until a steward approves the change.")
# Fields of the dataset that are not its content: kept from the version a change starts from.
_DATASET_FRAME = ("name", "state", "owner_org", "organization", "private", "creator_user_id",
                  "metadata_created", "metadata_modified")
# Ids a caller may give a new resource: they name files and URLs, so no dots, no slashes.
_NEW_RESOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{6,99}")


def _package(name_or_id: str | None) -> model.Package:
    pkg = model.Package.get(name_or_id or "")
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return pkg


def _is_released(pkg: model.Package) -> bool:
    """Whether the dataset is released, decided under its lock: a write that asks this cannot
    land after an approval that is being applied (the approval holds the lock)."""
    guard.lock_dataset(pkg.id)
    return review.latest_release(pkg.id) is not None


def _pending_review_with_resource(resource_id: str) -> Review | None:
    return model.Session.scalars(sa.select(Review).where(
        Review.kind == "change", Review.state.notin_(review.workflow.CLOSED_STATES),
        Review.content["resources"].contains([{"id": resource_id}]))).first()


def _package_of_resource(resource_id: str | None) -> model.Package:
    resource = model.Resource.get(resource_id or "")
    if resource is not None:
        return _package(resource.package_id)
    pending = _pending_review_with_resource(resource_id or "")
    if pending is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return _package(pending.package_id)


def _commit(context) -> None:
    if not context.get("defer_commit"):
        model.repo.commit()


def _write_unreleased(up_func, context, data_dict, pkg: model.Package | None, what: str):
    """Let core write a never-released dataset, after recording the author of the edit."""
    if pkg is not None:
        review.record_edit(review.ensure_open_review(pkg, review.actor_id(context)),
                           review.actor_id(context), what)
    try:
        result = up_func(context, data_dict)
    except Exception:
        model.Session.rollback()
        raise
    _commit(context)
    return result


def _validate(context, pkg: model.Package, content: dict[str, Any]) -> None:
    """Validate pending content as package_update would, without saving anything."""
    plugin = lib_plugins.lookup_package_plugin(pkg.type)
    validation_context = {"model": model, "session": model.Session, "package": pkg,
                          "user": context.get("user"),
                          "auth_user_obj": context.get("auth_user_obj")}
    _data, errors = lib_plugins.plugin_validate(
        plugin, validation_context, copy.deepcopy(content), plugin.update_package_schema(),
        "package_update")
    if errors:
        raise tk.ValidationError(errors)


def _refuse_unsafe_ids(resources: Iterable[dict[str, Any]], known: set[str]) -> None:
    """Ids a caller gives new resources must be plain: letters, digits, '-' and '_'."""
    for resource in resources:
        resource_id = resource.get("id")
        if resource_id is not None and resource_id not in known and (
                not isinstance(resource_id, str) or not _NEW_RESOURCE_ID.fullmatch(resource_id)):
            raise tk.ValidationError({"id": [tk._(
                "A new resource's id may contain only letters, digits, '-' and '_' "
                "(7 to 100 characters); leave it out to get one.")]})


def _claim_resource_ids(pkg: model.Package, content: dict[str, Any], known: set[str]) -> None:
    """Give new resources their final ids now, refusing unsafe ids and ids of other datasets'
    resources."""
    _refuse_unsafe_ids(content.get("resources", []), known)
    for resource in content.get("resources", []):
        resource_id = resource.setdefault("id", str(uuid.uuid4()))
        existing = model.Resource.get(resource_id)
        owner = _pending_review_with_resource(resource_id)
        if (existing and existing.package_id != pkg.id) or (owner and owner.package_id != pkg.id):
            raise tk.ValidationError({"resources": [
                tk._("Resource id {id} belongs to another dataset").format(id=resource_id)]})


def _resource_ids(pkg: model.Package) -> set[str]:
    return {r.id for r in pkg.resources_all}


def _stage(context, pkg: model.Package, build: Callable[[dict], dict], what: str) -> dict:
    """Apply `build` to the dataset's pending content (a copy of the live version when no
    change is open yet) and keep the result on the change review.

    The caller holds the dataset's lock. Nothing is written before the pending content is
    valid; files go to the review's staging folder under names of our own."""
    tk.check_access("package_update", context, {"id": pkg.id})
    actor = review.actor_id(context)
    already_open = review.open_review(pkg.id, lock=True) is not None
    change = review.ensure_open_review(pkg, actor)
    known = {r.get("id") for r in (change.content or {}).get("resources", [])}
    base = copy.deepcopy(change.content)
    pending = build(copy.deepcopy(base))
    pending.update(id=pkg.id, type=pkg.type)
    for key in _DATASET_FRAME:  # a form or a full update does not send these
        if key in base:
            pending.setdefault(key, base[key])
    for key in ("relationships_as_subject", "relationships_as_object", "governance"):
        pending.pop(key, None)  # relationships change through their own actions only
    if pending.get("state", "active") != "active":
        raise tk.ValidationError({"state": [tk._(
            "A released dataset cannot be unpublished or deleted by an edit. Ask a sysadmin "
            "to revoke the release if it must go offline.")]})
    if tk.asbool(pending.get("private")):  # e.g. the organization page's bulk "Make private"
        raise tk.ValidationError({"private": [tk._(
            "A released dataset cannot be made private by an edit. Ask a sysadmin to revoke "
            "the release if it must go offline.")]})
    _claim_resource_ids(pkg, pending, known | _resource_ids(pkg))
    uploads = {}
    for resource in pending.get("resources", []):
        upload = resource.pop("upload", None)
        resource.pop("clear_upload", None)
        if isinstance(upload, FileStorage) and upload.filename:
            uploads[resource["id"]] = upload
            resource.update(staging.upload_fields(upload, resource["id"]))
    _validate(context, pkg, pending)
    for resource in pending.get("resources", []):
        if resource["id"] in uploads:
            resource.update(staging.stage_upload(change, resource["id"], uploads[resource["id"]]))
    if not already_open and not change.staged_files and \
            review.fingerprint(change, pending) == review.fingerprint(change, change.content):
        # A pipeline re-sending the released content changes nothing: no review for it.
        model.Session.rollback()
        return {**review.live_dataset(pkg.id),
                "governance": {"pending_review": False, "message": NO_CHANGE_MESSAGE}}
    staging.forget_unused(change, pending)
    change.content = pending
    review.record_edit(change, actor, what)
    model.repo.commit()
    staging.remove_unreferenced(change)
    return {**pending, "governance": _pending_info(change)}


def _pending_info(change: Review) -> dict[str, Any]:
    return {"pending_review": True, "review_id": change.id, "state": change.state,
            "message": PENDING_MESSAGE}


def _pending_resource(staged: dict, resource_id: str) -> dict:
    resource = next(r for r in staged["resources"] if r["id"] == resource_id)
    return {**resource, "package_id": staged["id"], "governance": staged["governance"]}


@tk.chained_action
def package_create(up_func, context, data_dict):
    if review.is_release_context(context):
        return up_func(context, data_dict)
    # Whatever the caller sends, a new dataset is private until a steward approves it.
    _refuse_unsafe_ids(data_dict.get("resources") or [], set())
    data_dict["private"] = True
    result = up_func(context, data_dict)
    pkg = _package(result if isinstance(result, str) else result["id"])
    review.ensure_open_review(pkg, review.actor_id(context))
    _commit(context)
    return result


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def package_update(up_func, context, data_dict):
    if review.is_release_context(context):
        return up_func(context, data_dict)
    pkg = _package(data_dict.get("id") or data_dict.get("name"))
    if _is_released(pkg):
        def replace(base):
            return {"resources": base.get("resources", []), **data_dict}
        return _stage(context, pkg, replace, "package_update")
    _refuse_unsafe_ids(data_dict.get("resources") or [], _resource_ids(pkg))
    data_dict["private"] = True
    return _write_unreleased(up_func, context, data_dict, pkg, "package_update")


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def package_patch(up_func, context, data_dict):
    if review.is_release_context(context):
        return up_func(context, data_dict)
    pkg = _package(data_dict.get("id") or data_dict.get("name"))
    if not _is_released(pkg):
        return up_func(context, data_dict)  # core patches through our package_update

    def patch(base):
        return {**base, **data_dict}
    return _stage(context, pkg, patch, "package_patch")


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def resource_create(up_func, context, data_dict):
    if review.is_release_context(context):
        return up_func(context, data_dict)
    pkg = _package(data_dict.get("package_id"))
    if not _is_released(pkg):
        _refuse_unsafe_ids([data_dict], _resource_ids(pkg))
        return up_func(context, data_dict)
    new = {k: v for k, v in data_dict.items() if k != "package_id"}
    new.setdefault("id", str(uuid.uuid4()))

    def append(base):
        base.setdefault("resources", []).append(new)
        return base
    return _pending_resource(_stage(context, pkg, append, "resource_create"), new["id"])


def _stage_resource(context, data_dict, change: Callable[[dict, dict], Any], what: str):
    resource_id = data_dict.get("id")
    pkg = _package_of_resource(resource_id)

    def apply(base):
        resources = base.get("resources", [])
        index = next((i for i, r in enumerate(resources) if r.get("id") == resource_id), None)
        if index is None:
            raise tk.ObjectNotFound(tk._("Resource not found"))
        change(resources, index)
        return base
    return _stage(context, pkg, apply, what)


def _on_released_resource(context, data_dict) -> bool:
    if review.is_release_context(context):
        return False
    return _is_released(_package_of_resource(data_dict.get("id")))


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def resource_update(up_func, context, data_dict):
    if not _on_released_resource(context, data_dict):
        return up_func(context, data_dict)

    def replace(resources, index):
        resources[index] = dict(data_dict)
    staged = _stage_resource(context, data_dict, replace, "resource_update")
    return _pending_resource(staged, data_dict["id"])


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def resource_patch(up_func, context, data_dict):
    if not _on_released_resource(context, data_dict):
        return up_func(context, data_dict)

    def patch(resources, index):
        resources[index] = {**resources[index], **data_dict}
    staged = _stage_resource(context, data_dict, patch, "resource_patch")
    return _pending_resource(staged, data_dict["id"])


@tk.chained_action
@auth_audit_exempt  # staging checks package_update auth itself
def resource_delete(up_func, context, data_dict):
    if not _on_released_resource(context, data_dict):
        return up_func(context, data_dict)

    def remove(resources, index):
        del resources[index]
    _stage_resource(context, data_dict, remove, "resource_delete")


@tk.chained_action
def package_delete(up_func, context, data_dict):
    """A released dataset stays available in its approved form; taking it offline is a
    sysadmin's emergency revocation (with a reason), not a delete. Deleting an unreleased one
    withdraws its review; both are audited."""
    pkg = _package(data_dict.get("id"))
    if _is_released(pkg):
        raise tk.ValidationError({"id": [tk._(
            "This dataset is released and stays available in its approved form. Ask a "
            "sysadmin to revoke the release if it must go offline; then it can be deleted.")]})
    result = up_func(context, data_dict)
    audit.append("delete", actor_id=review.actor_id(context), package_id=pkg.id)
    open_review = review.open_review(pkg.id)
    if open_review:
        review.withdraw(open_review, review.actor_id(context))
    _commit(context)
    return result


@tk.chained_action
def bulk_update_public(up_func, context, data_dict):
    """Only datasets a steward released may be made public again in bulk."""
    packages = sorted((_package(name) for name in data_dict.get("datasets", [])),
                      key=lambda pkg: pkg.id)
    unreleased = [pkg.name for pkg in packages if not _is_released(pkg)]
    if unreleased:
        raise tk.ValidationError({"datasets": [tk._(
            "Not released by a steward, so they stay private: {ids}").format(
                ids=", ".join(unreleased))]})
    return up_func(context, data_dict)


def _datastore_guard(name: str):
    """DataStore writes skip package_update. On a released dataset they would go public
    unreviewed, so they are refused; on an unreleased one they are an edit of the content
    under review (a review being checked or decided goes back to draft)."""
    @tk.chained_action
    def guard(up_func, context, data_dict):
        if review.is_release_context(context):
            return up_func(context, data_dict)
        resource_id = data_dict.get("resource_id")
        if resource_id is None and data_dict.get("resource"):  # creates a new resource
            pkg = _package(data_dict["resource"].get("package_id"))
        else:
            pkg = _package_of_resource(resource_id)
        if _is_released(pkg):
            raise tk.ValidationError({"resource_id": [tk._(
                "This resource belongs to a released dataset: DataStore changes would go "
                "public without review. Upload the new data as a resource change instead.")]})
        return _write_unreleased(up_func, context, data_dict, pkg, name)
    guard.__name__ = name
    return guard


datastore_create = _datastore_guard("datastore_create")
datastore_upsert = _datastore_guard("datastore_upsert")
datastore_delete = _datastore_guard("datastore_delete")
datastore_records_delete = _datastore_guard("datastore_records_delete")


def _refused_on_released(name: str, packages_of: Callable[[dict], Iterable[model.Package]],
                         field: str, message: str):
    """A core action that is not staged, refused (with `message` on `field`) whenever one of
    the datasets it touches is released."""
    @tk.chained_action
    def guard(up_func, context, data_dict):
        if not review.is_release_context(context):
            packages = sorted(set(packages_of(data_dict)), key=lambda pkg: pkg.id)
            if any(_is_released(pkg) for pkg in packages):
                raise tk.ValidationError({field: [tk._(message)]})
        return up_func(context, data_dict)
    guard.__name__ = name
    return guard


def _packages_of_view(data_dict) -> Iterable[model.Package]:
    """The view's dataset, and the one it would move to."""
    view = model.ResourceView.get(data_dict.get("id") or "")
    resource_ids = {view.resource_id if view else None, data_dict.get("resource_id")}
    return [_package_of_resource(r) for r in resource_ids if r]


def _packages_of_relationship(data_dict) -> Iterable[model.Package]:
    return [_package(data_dict.get(key)) for key in ("subject", "object")]


# Views are not staged: a new or changed view of a released dataset (its title and
# description are free text) would be public at once, also a view moved onto it.
_VIEW_MESSAGE = N_("Views of a released dataset's resources change only with a reviewed "
                   "release; default views are added when the change is approved.")
resource_view_create, resource_view_update, resource_view_delete = (
    _refused_on_released(name, _packages_of_view, "resource_id", _VIEW_MESSAGE)
    for name in ("resource_view_create", "resource_view_update", "resource_view_delete"))

# Relationships are not staged: one that involves a released dataset (with its free-text
# comment) would be public at once.
_RELATIONSHIP_MESSAGE = N_("Relationships of a released dataset cannot be changed: they "
                           "would be public without review.")
package_relationship_create, package_relationship_update, package_relationship_delete = (
    _refused_on_released(name, _packages_of_relationship, "subject", _RELATIONSHIP_MESSAGE)
    for name in ("package_relationship_create", "package_relationship_update",
                 "package_relationship_delete"))


CHAINED_ACTIONS = {
    f.__name__: f for f in (
        package_create, package_update, package_patch, resource_create, resource_update,
        resource_patch, resource_delete, package_delete, bulk_update_public,
        datastore_create, datastore_upsert, datastore_delete, datastore_records_delete,
        resource_view_create, resource_view_update, resource_view_delete,
        package_relationship_create, package_relationship_update, package_relationship_delete)
}
