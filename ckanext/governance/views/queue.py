"""The steward's review queue: open reviews of the organizations they steward, filtered by
state, organization and age, longest waiting first, a page at a time."""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import current_user, request
from ckan.lib.pagination import Page

from .. import helpers, workflow
from ..logic.action import QUEUE_STATES
from ..stewards import steward_organization_ids

queue = Blueprint("governance_queue", __name__)

PAGE_SIZE = 50
# What the "show" filter offers besides the single states; "open" is the page's default so
# that a steward sees everything in motion, "waiting" is what the header's count counts.
ALL_OPEN, WAITING_FOR_ME = "open", "waiting"
AGE_CHOICES = (0, 1, 3, 7, 14, 30)


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _organizations() -> list[tuple[str, str]]:
    """(id, display name) of the organizations whose reviews the user sees: all for sysadmins,
    else those they steward."""
    query = sa.select(model.Group.id, model.Group.title, model.Group.name).where(
        model.Group.is_organization.is_(True), model.Group.state == "active")
    if not current_user.sysadmin:
        query = query.where(model.Group.id.in_(steward_organization_ids(current_user.id)))
    return sorted(((id, title or name) for id, title, name in model.Session.execute(query)),
                  key=lambda organization: organization[1].lower())


def _int_arg(name: str, default: int) -> int:
    try:
        return max(int(request.args.get(name, default)), 0)
    except ValueError:
        return default


def index():
    context = _context()
    try:
        tk.check_access("governance_queue_list", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only stewards have a review queue"))
    filters = {
        "show": request.args.get("show") or ALL_OPEN,
        "organization": request.args.get("organization", ""),
        "min_days": _int_arg("min_days", 0),
        "sort": "newest" if request.args.get("sort") == "newest" else "oldest",
    }
    page_number = max(_int_arg("page", 1), 1)
    data_dict = {"limit": PAGE_SIZE, "offset": (page_number - 1) * PAGE_SIZE,
                 "sort": filters["sort"], "min_days": filters["min_days"]}
    if filters["show"] == WAITING_FOR_ME:
        data_dict["waiting_for_me"] = True
    else:
        data_dict["state"] = filters["show"]
    if filters["organization"]:
        data_dict["organization_id"] = filters["organization"]
    try:
        result = tk.get_action("governance_queue_list")(context, data_dict)
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown organization or state"))
    now = datetime.datetime.utcnow()
    reviews = [{**item, "waiting_days": (
        now - datetime.datetime.fromisoformat(item["waiting_since"])).days}
        for item in result["results"]]
    organizations = _organizations()
    url_args = {key: value for key, value in filters.items() if value}

    def pager_url(q=None, page=None):
        return tk.h.url_for("governance_queue.index", page=page, **url_args)

    return tk.render("governance/queue.html", {
        "reviews": reviews,
        "count": result["count"],
        "first": data_dict["offset"] + 1,
        "last": data_dict["offset"] + len(reviews),
        "page": Page(collection=reviews, page=page_number, url=pager_url,
                     item_count=result["count"], items_per_page=PAGE_SIZE, presliced_list=True),
        "organizations": organizations,
        "organization_names": dict(organizations),
        "filters": filters,
        "show_choices": [ALL_OPEN, WAITING_FOR_ME, *QUEUE_STATES],
        # Labels once per page rather than once per row.
        "state_labels": {state: helpers.governance_state_label(state)
                         for state in workflow.STATES},
        "kind_labels": {kind: helpers.governance_kind_label(kind)
                        for kind in ("release", "change")},
        "age_choices": sorted(set(AGE_CHOICES) | {filters["min_days"]}),
    })


queue.add_url_rule("/governance/queue", view_func=index)
