"""Review events in CKAN's activity streams, labelled so that only the organization's members
and stewards see them (the activity plugin filters streams by these labels)."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.plugins import get_permission_labels

from .model import Review
from .stewards import steward_label

# Core filters streams by labels only for types ending in "package".
ACTIVITY_TYPE = "reviewed package"


def record(review: Review, event: str, actor: Optional[str], from_state: Optional[str],
           to_state: str, details: dict[str, Any]) -> None:
    if not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    package = model.Package.get(review.package_id)
    # Events without a person (check results) go on the submitter's line: CKAN hides the site
    # user's activities from streams.
    actor = actor or review.submitted_by or \
        tk.get_action("get_site_user")({"ignore_auth": True}, {})["id"]
    model.Session.add(Activity(
        user_id=actor, object_id=review.package_id, activity_type=ACTIVITY_TYPE,
        data={"package": {"id": package.id, "name": package.name, "title": package.title,
                          "type": package.type},
              "review": {"id": review.id, "kind": review.kind, "event": event,
                         "from_state": from_state, "to_state": to_state,
                         "reasons": details.get("reasons", [])}},
        permission_labels=[f"member-{review.organization_id}",
                           steward_label(review.organization_id)]))


def relabel(package: model.Package) -> None:
    """A dataset moved to another organization: its activities (core's and ours) get the labels
    it has now, so that the old organization's members no longer see them."""
    if not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    model.Session.execute(
        sa.update(Activity).where(Activity.object_id == package.id,
                                  Activity.activity_type.like("%package"))
        .values(permission_labels=get_permission_labels().get_dataset_labels(package)),
        execution_options={"synchronize_session": False})
