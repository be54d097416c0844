"""What members and stewards see and edit of a released dataset with an open change: the
pending version, so that every edit builds on the edits before it and nobody loses work.

- Core's read-then-write actions (``package_patch``, ``package_revise``,
  ``package_resource_reorder``, ``resource_patch``...) read the dataset with ``for_update``,
  the edit forms with ``for_edit``: both get the pending content, if the caller may edit.
- The dataset and resource pages (``for_view``) show members and stewards the pending version,
  marked, unless they ask for the public one (``?version=public``).
- Everyone else, and every plain API read, gets the released version.
"""
from __future__ import annotations

import copy
from typing import Any, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import auth_audit_exempt

from .. import review, workflow
from ..model import Review

PUBLIC_VERSION_ARG = "version"


def open_change(package_id: str) -> Optional[Review]:
    """The open change review of a released dataset, if any."""
    return model.Session.scalars(sa.select(Review).where(
        Review.package_id == package_id, Review.kind == "change",
        Review.state.notin_(workflow.CLOSED_STATES))).first()


def _user_context(context) -> Optional[dict[str, Any]]:
    user = context.get("auth_user_obj")
    if user is None or getattr(user, "is_anonymous", False):
        user = model.User.get(context.get("user") or "")
    return {"user": user.name, "auth_user_obj": user} if user else None


def _may(action: str, context, data_dict) -> bool:
    if context.get("ignore_auth"):
        return True
    user_context = _user_context(context)
    return user_context is not None and authz.is_authorized_boolean(
        action, user_context, data_dict)


def pending_marker(change: Review) -> dict[str, Any]:
    return {"pending_review": True, "review_id": change.id, "state": change.state}


def _pending_for_update(context, package_id: str) -> Optional[dict[str, Any]]:
    if not (context.get("for_update") or context.get("for_edit")) or \
            review.is_release_context(context):
        return None
    change = open_change(package_id)
    if change is None or not _may("package_update", context, {"id": package_id}):
        return None
    return copy.deepcopy(change.content)


@tk.chained_action
@tk.side_effect_free
def package_show(up_func, context, data_dict):
    """The pending version for a caller about to edit a released dataset."""
    result = up_func(context, data_dict)
    pending = _pending_for_update(context, result["id"])
    if pending is None:
        return result
    if context.get("for_edit"):
        pending["governance"] = pending_marker(open_change(result["id"]))
    return pending


@tk.chained_action
@tk.side_effect_free
def resource_show(up_func, context, data_dict):
    """The pending version of a resource, for a caller about to edit it."""
    result = up_func(context, data_dict)
    pending = _pending_for_update(context, result["package_id"])
    if pending is None:
        return result
    resource = next((r for r in pending.get("resources", []) if r.get("id") == result["id"]),
                    None)
    return {**resource, "package_id": result["package_id"]} if resource else result


def view_version(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The version of a dataset page to show the signed-in user (IPackageController
    ``before_dataset_view``): the pending one for members and stewards of a released dataset
    with an open change, with files served from the pending-file view."""
    from flask import has_request_context, request
    from ckan.common import current_user

    if not has_request_context() or not current_user.is_authenticated \
            or request.args.get(PUBLIC_VERSION_ARG) == "public":
        return pkg_dict
    change = open_change(pkg_dict["id"])
    if change is None or not _may("governance_review_show", {"auth_user_obj": current_user},
                                  {"package_id": pkg_dict["id"]}):
        return pkg_dict
    pending = copy.deepcopy(change.content)
    if isinstance(pending.get("tag_string"), str):  # as the web form sends the keywords
        pending["tags"] = [{"name": name, "display_name": name} for name in
                           (t.strip() for t in pending["tag_string"].split(",")) if name]
    license_ = model.Package.get_license_register().get(pending.get("license_id"))
    pending.update(license_title=license_.title if license_ else pending.get("license_id"),
                   license_url=license_.url if license_ else None,
                   num_resources=len(pending.get("resources", [])),
                   num_tags=len(pending.get("tags", [])))
    for key, value in pkg_dict.items():  # what is not content: from the dataset as it is
        pending.setdefault(key, value)
    for resource in pending.get("resources", []):
        resource["package_id"] = pkg_dict["id"]
        if resource.get("id") in (change.staged_files or {}):
            resource["url"] = tk.url_for("governance_pending.download", id=pkg_dict["name"],
                                         resource_id=resource["id"], _external=True)
    pending["governance"] = pending_marker(change)
    return pending


@tk.chained_action
@tk.side_effect_free
@auth_audit_exempt  # a pending resource: governance_review_show decides, through _may
def resource_view_list(up_func, context, data_dict):
    """A resource that exists only in a pending change has no views yet (the dataset page
    that members see lists it)."""
    resource_id = data_dict.get("id")
    if resource_id and model.Resource.get(resource_id) is None:
        change = model.Session.scalars(sa.select(Review).where(
            Review.kind == "change", Review.state.notin_(workflow.CLOSED_STATES),
            Review.content["resources"].contains([{"id": resource_id}]))).first()
        if change is not None and _may("governance_review_show", context,
                                       {"package_id": change.package_id}):
            return []
    return up_func(context, data_dict)


CHAINED_ACTIONS = {"package_show": package_show, "resource_show": resource_show,
                   "resource_view_list": resource_view_list}
