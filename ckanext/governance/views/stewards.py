"""The stewards page of an organization: who may name stewards (sysadmins; organization admins
if the portal allows it) adds and removes them; the organization's admins see who they are."""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.views import MethodView

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request


stewards = Blueprint("governance_stewards", __name__)


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _organization(id: str) -> dict[str, Any]:
    context = _context()
    try:
        return tk.get_action("organization_show")(
            context, {"id": id, "include_datasets": False, "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))


def _may_manage(organization: dict[str, Any]) -> bool:
    return tk.h.check_access("governance_steward_create", {"organization_id": organization["id"]})


def _managed_organization(id: str) -> dict[str, Any]:
    """The organization, if the user may name its stewards."""
    organization = _organization(id)
    if not _may_manage(organization):
        return tk.abort(403, tk._("You may not name the stewards of this organization."))
    return organization


class StewardsView(MethodView):
    """List the organization's stewards; the forms add one by user name or remove one."""

    def get(self, id: str):
        """Who may name stewards sees the forms; the organization's admins see the list."""
        organization = _organization(id)
        may_manage = _may_manage(organization)
        if not may_manage and not tk.h.check_access("organization_update",
                                                    {"id": organization["id"]}):
            return tk.abort(403, tk._("You may not name the stewards of this organization."))
        steward_list = tk.get_action("governance_steward_list")(
            _context(), {"organization_id": organization["id"]})
        return tk.render("governance/stewards.html", {
            "group_dict": organization, "group_type": organization["type"],
            "stewards": steward_list, "may_manage": may_manage,
        })

    def post(self, id: str):
        organization = _managed_organization(id)
        adding = request.form.get("action") == "add"
        user = request.form.get("username" if adding else "user_id", "").strip()
        if not user:
            tk.h.flash_error(tk._("Please enter a user name."))
            return tk.redirect_to("governance_stewards.manage", id=organization["name"])
        data_dict = {"organization_id": organization["id"], "user_id": user}
        try:
            if adding:
                tk.get_action("governance_steward_create")(_context(), data_dict)
                tk.h.flash_success(tk._("{user} is now a steward of this organization.")
                                   .format(user=user))
            else:
                tk.get_action("governance_steward_delete")(_context(), data_dict)
                tk.h.flash_success(tk._("The steward was removed."))
        except tk.ValidationError as error:
            if "user_id" in (error.error_dict or {}):
                tk.h.flash_error(tk._("There is no user named \"{user}\".").format(user=user))
            else:
                tk.h.flash_error(error.error_summary)
        except tk.ObjectNotFound as error:
            tk.h.flash_error(str(error) or tk._("This user is not a steward of the organization"))
        return tk.redirect_to("governance_stewards.manage", id=organization["name"])


stewards.add_url_rule("/organization/stewards/<id>", view_func=StewardsView.as_view("manage"))
