"""The webhooks page of an organization: its admins register and delete URLs, see the latest
deliveries of each and send a failed delivery again."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, make_response
from flask.views import MethodView

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request

webhooks = Blueprint("governance_webhooks", __name__)

RECENT_DELIVERIES = 10


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _managed_organization(id: str) -> dict[str, Any]:
    """The organization, if the user may manage its webhooks."""
    context = _context()
    try:
        organization = tk.get_action("organization_show")(
            context, {"id": id, "include_datasets": False, "include_users": False})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))
    try:
        tk.check_access("governance_webhook_list", context,
                        {"organization_id": organization["id"]})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only organization admins can manage webhooks"))
    return organization


class WebhooksView(MethodView):
    """List the hooks with their latest deliveries; the forms add, delete and redeliver."""

    def get(self, id: str, new_hook: Optional[dict[str, Any]] = None,
            form_url: str = "", errors: Optional[list[str]] = None):
        organization = _managed_organization(id)
        context = _context()
        hooks = tk.get_action("governance_webhook_list")(
            context, {"organization_id": organization["id"]})
        for hook in hooks:
            hook["recent"] = tk.get_action("governance_webhook_delivery_list")(
                context, {"webhook_id": hook["id"], "limit": RECENT_DELIVERIES})["results"]
        return tk.render("governance/webhooks.html", {
            "group_dict": organization, "group_type": organization["type"],
            "hooks": hooks, "new_hook": new_hook, "form_url": form_url,
            "errors": errors or [],
        })

    def post(self, id: str):
        organization = _managed_organization(id)
        action = request.form.get("action")
        context = _context()
        if action == "add":
            url = request.form.get("url", "").strip()
            try:
                hook = tk.get_action("governance_webhook_create")(
                    context, {"organization_id": organization["id"], "url": url})
            except tk.ValidationError as error:
                messages = [message for messages in (error.error_dict or {}).values()
                            for message in messages]
                return self.get(id, form_url=url, errors=messages or [str(error)])
            # The secret is shown on this answer only: never in a redirect or a flash message,
            # which the session cookie would carry, and never from a cache.
            response = make_response(self.get(id, new_hook=hook))
            response.headers["Cache-Control"] = "no-store"
            return response
        try:
            if action == "delete":
                tk.get_action("governance_webhook_delete")(
                    context, {"id": request.form.get("webhook_id", "")})
                tk.h.flash_success(tk._("The webhook was deleted."))
            elif action == "redeliver":
                tk.get_action("governance_webhook_redeliver")(
                    context, {"id": request.form.get("delivery_id", "")})
                tk.h.flash_success(tk._("The delivery will be sent again."))
        except (tk.ObjectNotFound, tk.NotAuthorized):
            tk.h.flash_error(tk._("Webhook not found"))
        except tk.ValidationError as error:
            tk.h.flash_error(error.error_summary)
        return tk.redirect_to("governance_webhooks.manage", id=organization["name"])


webhooks.add_url_rule("/organization/webhooks/<id>", view_func=WebhooksView.as_view("manage"))
