"""The pending files of a change to a released dataset, for those who review it: members of
the organization and its stewards download them and preview their first rows. Nobody else
learns that they exist."""
from __future__ import annotations

import mimetypes

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import current_user

from .. import staging
from ..checks import ChecksError
from ..logic.pending import open_change

pending = Blueprint("governance_pending", __name__,
                    url_prefix="/dataset/<id>/governance/pending/<resource_id>")

PREVIEW_ROWS = 20


def _staged_file(id: str, resource_id: str):
    """The change review, the pending resource and its staged file; 404 for anybody who may
    not review the dataset, and for anything that is not a pending file."""
    package = model.Package.get(id)
    change = open_change(package.id) if package else None
    try:
        if change is None:
            raise tk.ObjectNotFound()
        tk.check_access("governance_review_show",
                        {"user": current_user.name, "auth_user_obj": current_user},
                        {"package_id": package.id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Resource not found"))
    path = staging.staged_path(change, resource_id)
    resource = next((r for r in change.content.get("resources", [])
                     if r.get("id") == resource_id), None)
    if path is None or resource is None:
        return tk.abort(404, tk._("Resource not found"))
    return package, change, resource, path


@pending.route("/download")
def download(id: str, resource_id: str):
    _package, change, _resource, path = _staged_file(id, resource_id)
    filename = change.staged_files[resource_id]["filename"]
    response = send_file(path, as_attachment=True, download_name=filename,
                         mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@pending.route("/preview")
def preview(id: str, resource_id: str):
    # the checks engine's reader (pyarrow): loaded on the first preview, not at start-up
    from ..check_run import table_format
    from ..checks.readers import open_table

    package, change, resource, path = _staged_file(id, resource_id)
    labels, rows, error = [], [], None
    try:
        with open_table(path, format=table_format(resource)) as table:
            labels, rows = table.labels, table.fragment[:PREVIEW_ROWS]
    except ChecksError as problem:
        error = str(problem)
    pkg_dict = tk.get_action("package_show")(
        {"user": current_user.name, "auth_user_obj": current_user}, {"id": package.id})
    return tk.render("governance/pending_preview.html", {
        "pkg_dict": pkg_dict,
        "resource": resource, "labels": labels, "rows": rows, "error": error,
        "review": change, "size": change.staged_files[resource_id]["size"]})
