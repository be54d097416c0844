"""The steward's review queue: open reviews of the organizations they steward, oldest first."""
from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request

from .. import workflow
from ..stewards import steward_organization_ids

queue = Blueprint("governance_queue", __name__)

PAGE_SIZE = 50


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _organizations() -> list[dict[str, Any]]:
    """The organizations whose reviews the user sees: all for sysadmins, else the stewarded."""
    context = _context()
    if current_user.sysadmin:
        ids = tk.get_action("organization_list")(context, {"all_fields": False})
    else:
        ids = steward_organization_ids(current_user.id)
    organizations = [tk.get_action("organization_show")(
        context, {"id": id, "include_datasets": False, "include_users": False,
                  "include_groups": False, "include_tags": False, "include_extras": False,
                  "include_followers": False})
        for id in ids]
    return sorted(organizations, key=lambda org: org["display_name"].lower())


def _int_arg(name: str, default: int) -> int:
    try:
        return max(int(request.args.get(name, default)), 0)
    except ValueError:
        return default


def _waiting_since(item: dict[str, Any]) -> datetime.datetime:
    return datetime.datetime.fromisoformat(item["submitted_at"] or item["created"])


def index():
    context = _context()
    try:
        tk.check_access("governance_queue_list", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only stewards have a review queue"))
    state = request.args.get("state") or workflow.IN_REVIEW
    organization_id = request.args.get("organization", "")
    min_days = _int_arg("min_days", 0)
    page = max(_int_arg("page", 1), 1)
    data_dict = {"state": state, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    if organization_id:
        data_dict["organization_id"] = organization_id
    try:
        result = tk.get_action("governance_queue_list")(context, data_dict)
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown organization or state"))
    now = datetime.datetime.utcnow()
    reviews = []
    for item in result["results"]:
        waiting = now - _waiting_since(item)
        # Oldest first: once one waits less than the minimum, all later ones do too.
        if waiting.days < min_days:
            break
        reviews.append({**item, "waiting_since": _waiting_since(item),
                        "waiting_days": waiting.days})
    organizations = _organizations()
    return tk.render("governance/queue.html", {
        "reviews": reviews, "page": page,
        # With the age filter the action's count would include the younger reviews.
        "count": len(reviews) if min_days else result["count"],
        "has_next": result["count"] > page * PAGE_SIZE and len(reviews) == len(result["results"]),
        "organizations": organizations,
        "organization_names": {org["id"]: org["display_name"] for org in organizations},
        "filters": {"state": state, "organization": organization_id, "min_days": min_days},
    })


queue.add_url_rule("/governance/queue", view_func=index)
