"""The review page of a dataset (check summary, reports, diff, audit timeline, decision form),
its per-resource check reports, and the publisher's submit and withdraw buttons."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint
from flask.views import MethodView

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request

from .. import findings, notify, workflow

review = Blueprint("governance_review", __name__, url_prefix="/dataset/<id>/governance")

DECISION_ACTIONS = {
    workflow.APPROVE: "governance_review_approve",
    workflow.REQUEST_CHANGES: "governance_review_request_changes",
    workflow.REJECT: "governance_review_reject",
}


def _context() -> dict[str, Any]:
    return {"user": current_user.name, "auth_user_obj": current_user}


def _dataset_or_404(id: str) -> dict[str, Any]:
    """The dataset, if the user may see it; unreleased datasets of others stay unknown."""
    try:
        return tk.get_action("package_show")(_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


def _reviewable_dataset(id: str) -> dict[str, Any]:
    """The dataset, if the user is a member or steward of its organization."""
    pkg_dict = _dataset_or_404(id)
    try:
        tk.check_access("governance_review_show", _context(), {"package_id": pkg_dict["id"]})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only members and stewards of the organization can see this"))
    return pkg_dict


# Errors shown next to their field of the decision form; the others above the form.
_DECISION_FORM_FIELDS = ("decision", "reasons", "comment", "acknowledged")


def _error_messages(error: tk.ValidationError) -> list[str]:
    labels = {"reasons": tk._("Reasons"), "comment": tk._("Comment"),
              "content_hash": tk._("Content"), "state": tk._("State"),
              "package_id": tk._("Dataset"), "reason": tk._("Reason"),
              "finding": tk._("Finding"), "privacy": tk._("Privacy findings"),
              "acknowledged": tk._("Acknowledgement")}
    messages = []
    for field, errors in (error.error_dict or {}).items():
        for message in errors if isinstance(errors, list) else [errors]:
            messages.append(f"{labels.get(field, field)}: {message}")
    return messages or [str(error)]


def _form_errors(error: tk.ValidationError) -> dict[str, list[str]]:
    """The errors of a refused decision by form field; ``form`` holds the rest."""
    errors: dict[str, list[str]] = {}
    for field, messages in (error.error_dict or {}).items():
        messages = messages if isinstance(messages, list) else [messages]
        key = field if field in _DECISION_FORM_FIELDS else "form"
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return errors or {"form": [str(error)]}


def _redirect_to_review(pkg_dict: dict[str, Any]):
    return tk.redirect_to("governance_review.read", id=pkg_dict["name"])


def _page_vars(pkg_dict: dict[str, Any], form: Optional[dict[str, Any]] = None,
               errors: Optional[dict[str, list[str]]] = None) -> dict[str, Any]:
    context, package_id = _context(), pkg_dict["id"]
    status = tk.get_action("governance_status_show")(context, {"package_id": package_id})
    try:
        current = tk.get_action("governance_review_show")(context, {"package_id": package_id})
    except tk.ObjectNotFound:
        current = None
    run = current and current["latest_check_run"]
    report = None
    if run and run["state"] not in ("queued", "running"):
        report = tk.get_action("governance_report_show")(context, {"run_id": run["id"]})
    may_steward = current is not None and tk.h.check_access(
        "governance_finding_dismiss", {"package_id": package_id})
    events = current["allowed_events"] if current else [workflow.SUBMIT]
    may_submit = workflow.SUBMIT in events and not (current is None and status["released"]) \
        and tk.h.check_access("governance_review_submit", {"package_id": package_id})
    return {
        "pkg_dict": pkg_dict,
        "status": status,
        "review": current,
        "report": report,
        "audit": tk.get_action("governance_audit_list")(context, {"package_id": package_id}),
        "reasons": tk.get_action("governance_reason_list")(context, {}),
        "may_submit": may_submit,
        "may_withdraw": workflow.WITHDRAW in events and current is not None
        and tk.h.check_access("governance_review_withdraw", {"package_id": package_id}),
        "may_decide": current is not None and current["state"] == workflow.IN_REVIEW
        and tk.h.check_access("governance_review_approve", {"package_id": package_id}),
        **finding_permissions(current, report, may_steward),
        "acknowledge": [
            {"resource": resource, "finding": finding}
            for resource, finding in findings.iter_findings((report or {}).get("report") or {})
            if finding["severity"] == "review" and not finding.get("dismissed")],
        "form": form or {},
        "errors": errors or {},
    }


def finding_permissions(current: Optional[dict[str, Any]], report: Optional[dict[str, Any]],
                        may_steward: bool) -> dict[str, bool]:
    """Stewards work on the findings of the open review's latest finished run."""
    latest = bool(report and current and report["content_hash"] == current["content_hash"])
    return {
        "may_dismiss": may_steward and latest and current["state"] in findings.DISMISSABLE_STATES,
        "may_reveal": may_steward and latest and current["state"] not in workflow.CLOSED_STATES,
    }


class ReviewView(MethodView):
    """The review page; its form posts a steward's decision on the content the page showed."""

    def get(self, id: str, form: Optional[dict[str, Any]] = None,
            errors: Optional[dict[str, list[str]]] = None):
        pkg_dict = _reviewable_dataset(id)
        return tk.render("governance/review.html", _page_vars(pkg_dict, form, errors))

    def post(self, id: str):
        pkg_dict = _reviewable_dataset(id)
        decision = request.form.get("decision", "")
        form = {"decision": decision, "comment": request.form.get("comment", "").strip(),
                "reasons": request.form.getlist("reasons"),
                "acknowledged": request.form.getlist("acknowledged")}
        if decision not in DECISION_ACTIONS:
            return self.get(id, form, {"decision": [tk._("Please choose a decision.")]})
        data_dict = {"package_id": pkg_dict["id"],
                     "content_hash": request.form.get("content_hash", "")}
        if form["comment"]:
            data_dict["comment"] = form["comment"]
        if decision == workflow.APPROVE:
            data_dict["acknowledged"] = form["acknowledged"]
        else:
            data_dict["reasons"] = form["reasons"]
        try:
            tk.get_action(DECISION_ACTIONS[decision])(_context(), data_dict)
        except tk.NotAuthorized as error:
            return self.get(id, form, {"form": [
                str(error) or tk._("You are not allowed to decide on this review.")]})
        except tk.ValidationError as error:
            if "content_hash" in (error.error_dict or {}):
                # The content changed: show the fresh version rather than the stale form.
                for message in _error_messages(error):
                    tk.h.flash_error(message)
                return _redirect_to_review(pkg_dict)
            return self.get(id, form, _form_errors(error))
        notify.remember_locale(current_user, tk.h.lang())
        tk.h.flash_success({
            workflow.APPROVE: tk._("Approved: the dataset is now public in this version."),
            workflow.REQUEST_CHANGES: tk._("Changes requested: the publisher has been told."),
            workflow.REJECT: tk._("Rejected: this content will not be published."),
        }[decision])
        return _redirect_to_review(pkg_dict)


def _publisher_action(id: str, action: str, success: str, **params):
    pkg_dict = _reviewable_dataset(id)
    try:
        tk.get_action(action)(_context(), {"package_id": pkg_dict["id"], **params})
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("You are not allowed to do this."))
    except tk.ValidationError as error:
        for message in _error_messages(error):
            tk.h.flash_error(message)
    else:
        notify.remember_locale(current_user, tk.h.lang())
        tk.h.flash_success(success)
    return _redirect_to_review(pkg_dict)


def submit(id: str):
    comment = request.form.get("comment", "").strip()
    return _publisher_action(id, "governance_review_submit", tk._(
        "Submitted: the checks are running; the stewards will review the dataset once they "
        "pass."), **({"comment": comment} if comment else {}))


def withdraw(id: str):
    return _publisher_action(id, "governance_review_withdraw",
                             tk._("The submission was withdrawn."))


def resource_report(id: str, run_id: str, resource_id: str):
    """One resource's check report of one check run: errors, encoding, dialect, schema."""
    pkg_dict = _reviewable_dataset(id)
    try:
        run = tk.get_action("governance_report_show")(_context(), {"run_id": run_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Check run not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only members and stewards of the organization can see this"))
    if run["package_id"] != pkg_dict["id"] or not run.get("report"):
        return tk.abort(404, tk._("Check run not found"))
    resource = next((r for r in run["report"].get("resources", []) if r["id"] == resource_id),
                    None)
    if resource is None:
        return tk.abort(404, tk._("Resource not found"))
    table_report = resource.get("report") or {}
    code = request.args.get("code", "")
    errors = [error for error in table_report.get("errors", [])
              if not code or error.get("code") == code]
    try:
        current = tk.get_action("governance_review_show")(_context(),
                                                          {"package_id": pkg_dict["id"]})
    except tk.ObjectNotFound:
        current = None
    may_steward = tk.h.check_access("governance_finding_dismiss", {"package_id": pkg_dict["id"]})
    latest = current is not None and (current["latest_check_run"] or {}).get("id") == run["id"]
    return tk.render("governance/resource_report.html", {
        "pkg_dict": pkg_dict, "run": run, "resource": resource, "table_report": table_report,
        "errors": errors, "code": code,
        **finding_permissions(current if latest else None, run, may_steward),
    })


review.add_url_rule("", view_func=ReviewView.as_view("read"))
review.add_url_rule("/submit", view_func=submit, methods=["POST"])
review.add_url_rule("/withdraw", view_func=withdraw, methods=["POST"])
review.add_url_rule("/report/<run_id>/<resource_id>", view_func=resource_report)
