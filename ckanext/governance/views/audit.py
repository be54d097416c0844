"""Audit log as CSV: the whole log for sysadmins, one dataset's trail for its members and
stewards. Streamed, so a long log never sits in memory."""
from __future__ import annotations

from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.common import current_user

from .. import audit

audit_export = Blueprint("governance_audit", __name__)


def _csv_response(entries, filename: str) -> Response:
    return Response(stream_with_context(audit.to_csv(entries)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@audit_export.route("/governance/audit.csv")
def whole_log():
    try:
        tk.check_access("governance_audit_export", {"user": current_user.name}, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins can export the audit log"))
    return _csv_response(audit.entry_dicts(), "governance-audit.csv")


@audit_export.route("/dataset/<id>/governance/audit.csv")
def dataset_trail(id: str):
    package = model.Package.get(id)
    try:
        if package is None:
            raise tk.ObjectNotFound()
        tk.check_access("governance_audit_list", {"user": current_user.name},
                        {"package_id": package.id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    return _csv_response(audit.entry_dicts(package.id), f"{package.name}-audit.csv")


@audit_export.route("/organization/<id>/governance/audit.csv")
def organization_trail(id: str):
    organization = model.Group.get(id)
    try:
        if organization is None or not organization.is_organization:
            raise tk.ObjectNotFound()
        tk.check_access("governance_audit_organization", {"user": current_user.name},
                        {"organization_id": organization.id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Organization not found"))
    return _csv_response(audit.entry_dicts(organization_id=organization.id),
                         f"{organization.name}-audit.csv")
