"""Relationships name the other dataset: a released dataset must not name an unreleased one to
anyone who may not see it (its id, and the free-text comment, are content)."""
from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

_RELATIONSHIP_KEYS = ("relationships_as_subject", "relationships_as_object")


def _visible(context, package_id: str) -> bool:
    package = model.Package.get(package_id)
    if package is None or package.state != "active":
        return False
    if not package.private:
        return True
    # Without a user (the search index, activity snapshots) only public datasets are named.
    user = model.User.get(context.get("user") or "")
    if user is None:
        return False
    return authz.is_authorized_boolean("package_show", {"user": user.name, "auth_user_obj": user},
                                       {"id": package_id})


def hide_unseen_relationships(context, pkg_dict: dict[str, Any]) -> None:
    """Drop relationships of a public dataset whose other dataset the caller may not see
    (IPackageController). Unreleased datasets keep them: only members see those at all, and
    core's read-then-update actions would delete what a read left out."""
    if pkg_dict.get("private"):
        return
    for key in _RELATIONSHIP_KEYS:
        if pkg_dict.get(key):
            pkg_dict[key] = [rel for rel in pkg_dict[key] if all(
                other == pkg_dict["id"] or _visible(context, other)
                for other in (rel.get("subject_package_id"), rel.get("object_package_id")))]


def _names_visible(context, relationship: dict[str, Any]) -> bool:
    return all(_visible(context, model.Package.get(name).id)
               for name in (relationship.get("subject"), relationship.get("object"))
               if name and model.Package.get(name))


@tk.chained_action
@tk.side_effect_free
def package_relationships_list(up_func, context, data_dict):
    """Core lists every relationship of a dataset one can see, naming the other side."""
    return [rel for rel in up_func(context, data_dict) if _names_visible(context, rel)]


CHAINED_ACTIONS = {"package_relationships_list": package_relationships_list}
