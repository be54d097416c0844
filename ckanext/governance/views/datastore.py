"""Core's DataStore dump (``/datastore/dump/<resource_id>``) answers 404 when the table does
not exist, and only then asks whether the user may read it, letting the "not found" of the
hiding layer (logic/existence.py) through as a server error: an outsider could tell an
unreleased dataset's table from a missing one. A table the user may not see gets the answer
of a missing one before core looks."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request

from ..logic import existence

datastore = Blueprint("governance_datastore", __name__)


@datastore.before_app_request
def hide_unseen_table():
    if request.endpoint != "datastore.dump":
        return None
    context = {"user": current_user.name, "auth_user_obj": current_user}
    if existence.table_hidden(context, (request.view_args or {}).get("resource_id")):
        return tk.abort(404, tk._("DataStore resource not found"))
    return None
