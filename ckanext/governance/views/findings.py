"""A steward's work on the privacy findings of a review: dismissing a false positive (with a
reason) and revealing a handful of raw values on a page of their own."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response
from flask.views import MethodView

import ckan.plugins.toolkit as tk
from ckan.common import request

from .. import findings as finding_rules
from .review import _context, _error_messages, _redirect_to_review, _reviewable_dataset

findings = Blueprint("governance_findings", __name__,
                     url_prefix="/dataset/<id>/governance/finding/<finding_id>")


def _latest_report(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    try:
        return tk.get_action("governance_report_show")(_context(), {"package_id": pkg_dict["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("No such finding in the latest check run"))


def dismiss(id: str, finding_id: str):
    pkg_dict = _reviewable_dataset(id)
    try:
        tk.get_action("governance_finding_dismiss")(_context(), {
            "package_id": pkg_dict["id"], "finding_id": finding_id,
            "reason": request.form.get("reason", "").strip()})
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("You are not allowed to do this."))
    except tk.ObjectNotFound as error:
        tk.h.flash_error(str(error))
    except tk.ValidationError as error:
        for message in _error_messages(error):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("The finding was dismissed as a false positive."))
    if request.form.get("return_to") == "report" and request.form.get("resource_id"):
        run = _latest_report(pkg_dict)
        return tk.redirect_to("governance_review.resource_report", id=pkg_dict["name"],
                              run_id=run["id"], resource_id=request.form["resource_id"])
    return _redirect_to_review(pkg_dict)


class RevealView(MethodView):
    """The finding, and a button that reveals up to five raw values behind it (audited); the
    values appear only in the answer to that post, which no cache keeps."""

    def _page(self, id: str, finding_id: str, revealed=None):
        pkg_dict = _reviewable_dataset(id)
        if not tk.h.check_access("governance_finding_reveal", {"package_id": pkg_dict["id"]}):
            return tk.abort(403, tk._("Only the organization's stewards can see raw values"))
        run = _latest_report(pkg_dict)
        try:
            resource, finding = finding_rules.find(run.get("report") or {}, finding_id)
        except tk.ObjectNotFound as error:
            return tk.abort(404, str(error))
        response = make_response(tk.render("governance/finding_reveal.html", {
            "pkg_dict": pkg_dict, "run": run, "resource": resource, "finding": finding,
            "revealed": revealed, "limit": finding_rules.REVEAL_ROWS}))
        response.headers["Cache-Control"] = "no-store"
        return response

    def get(self, id: str, finding_id: str):
        return self._page(id, finding_id)

    def post(self, id: str, finding_id: str):
        pkg_dict = _reviewable_dataset(id)
        try:
            revealed = tk.get_action("governance_finding_reveal")(
                _context(), {"package_id": pkg_dict["id"], "finding_id": finding_id})
        except tk.NotAuthorized:
            return tk.abort(403, tk._("Only the organization's stewards can see raw values"))
        except tk.ObjectNotFound as error:
            return tk.abort(404, str(error))
        except tk.ValidationError as error:
            for message in _error_messages(error):
                tk.h.flash_error(message)
            return self._page(id, finding_id)
        return self._page(id, finding_id, revealed)


findings.add_url_rule("/dismiss", view_func=dismiss, methods=["POST"])
findings.add_url_rule("/reveal", view_func=RevealView.as_view("reveal"))
