"""Template helpers (``h.governance_*``)."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any, Optional, Union

import flask
import flask_babel
from babel.dates import get_datetime_format
from markupsafe import Markup

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.helpers import _datestamp_to_datetime

from . import dataset_diff, public, report_text, workflow
from .checks.schema import registry_names, resolve_registry_dir
from .workflow import N_

# Bootstrap classes of each review state's badge.
_STATE_BADGE_CLASSES = {
    workflow.DRAFT: "bg-secondary",
    workflow.CHECKING: "bg-info text-dark",
    workflow.CHECKS_FAILED: "bg-danger",
    workflow.IN_REVIEW: "bg-primary",
    workflow.CHANGES_REQUESTED: "bg-warning text-dark",
    workflow.APPROVED: "bg-success",
    workflow.REJECTED: "bg-dark",
    workflow.WITHDRAWN: "bg-light text-dark",
}


def governance_state_label(state: str) -> str:
    """The human name of a review state, translated."""
    labels = {
        workflow.DRAFT: tk._("Draft"),
        workflow.CHECKING: tk._("Checks running"),
        workflow.CHECKS_FAILED: tk._("Checks failed"),
        workflow.IN_REVIEW: tk._("In review"),
        workflow.CHANGES_REQUESTED: tk._("Changes requested"),
        workflow.APPROVED: tk._("Approved"),
        workflow.REJECTED: tk._("Rejected"),
        workflow.WITHDRAWN: tk._("Withdrawn"),
    }
    return labels.get(state, state)


def governance_state_badge_class(state: str) -> str:
    """The Bootstrap classes of a review state's badge."""
    return _STATE_BADGE_CLASSES.get(state, "bg-secondary")


def governance_is_open(state: str) -> bool:
    """Whether a review in this state still waits for somebody (not approved, rejected or
    withdrawn)."""
    return state not in workflow.CLOSED_STATES


def governance_event_label(event: str) -> str:
    """The human name of an audit event, translated."""
    labels = {
        "open": tk._("Review opened"),
        workflow.SUBMIT: tk._("Submitted for review"),
        workflow.CHECKS_PASSED: tk._("Checks passed"),
        workflow.CHECKS_FAILED_EVENT: tk._("Checks failed"),
        workflow.EDIT: tk._("Content changed"),
        workflow.APPROVE: tk._("Approved and released"),
        workflow.REQUEST_CHANGES: tk._("Changes requested"),
        workflow.REJECT: tk._("Rejected"),
        workflow.WITHDRAW: tk._("Withdrawn"),
        workflow.FINDINGS_DISMISSED: tk._("Blocking findings dismissed"),
        "finding_dismissed": tk._("Privacy finding dismissed as a false positive"),
        "finding_revealed": tk._("Raw values of a privacy finding revealed"),
        "delete": tk._("Dataset deleted"),
    }
    return labels.get(event, event)


def governance_reason_label(code: str) -> str:
    """The translated description of a reason code (see ``workflow.REASON_CODES``)."""
    return tk._(workflow.REASON_CODES.get(code, code))


def governance_kind_label(kind: str) -> str:
    """What a review is about: the first release or a change to a released dataset."""
    return tk._("Change to the released version") if kind == "change" else tk._("First release")


def governance_status(package_id: str) -> Optional[dict[str, Any]]:
    """The dataset's governance status as the current user may see it, or None.

    Everybody who can see the dataset learns when it was released; members and stewards
    also get the open review (``status.review``). A dataset page asks twice (sidebar and
    banner): the answer is kept for the rest of the request.
    """
    user = tk.current_user.name if tk.current_user else ""
    answers = flask.request.environ.setdefault("governance.status", {}) \
        if flask.has_request_context() else {}
    if (package_id, user) not in answers:
        try:
            answers[package_id, user] = tk.get_action("governance_status_show")(
                {"user": user}, {"package_id": package_id})
        except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
            answers[package_id, user] = None
    return answers[package_id, user]


def governance_json(value: Any) -> str:
    """Pretty JSON for schemas and dialects shown in reports."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


# What each privacy check finds, by its code: the engine's own messages are English only.
_PRIVACY_CHECKS = {
    "pii.email": N_("personal e-mail addresses"),
    "pii.phone": N_("phone numbers of people"),
    "pii.iban": N_("IBANs (bank accounts)"),
    "pii.tax_id": N_("German tax identification numbers (Steuer-IdNr)"),
    "pii.tax_number": N_("German tax numbers (Steuernummer)"),
    "pii.vat_id": N_("VAT identification numbers"),
    "pii.id_card": N_("German identity card numbers"),
    "pii.passport": N_("German passport numbers"),
    "pii.pension_insurance": N_("pension insurance numbers"),
    "pii.health_insurance": N_("health insurance numbers"),
    "pii.licence_plate": N_("German licence plates"),
    "pii.credit_card": N_("credit card numbers"),
    "pii.ip_address": N_("public IP addresses"),
    "pii.date_of_birth": N_("dates of birth"),
    "pii.person_name": N_("names of people"),
    "pii.address": N_("street addresses with house numbers"),
    "pii.special_category": N_("special categories of personal data (GDPR Art. 9: health, "
                               "religion and the like)"),
    "pii.pseudonym": N_("pseudonyms (hashes or ids per person) that may be linked back"),
    "disclosure.k_anonymity": N_("quasi-identifiers that single out people (k-anonymity)"),
    "disclosure.small_counts": N_("small counts that single out people"),
    "geo.precision": N_("coordinates of people precise to about 10 m"),
}


def governance_privacy_check_label(check: str) -> str:
    """What a privacy check finds, translated (``pii.email``: personal e-mail addresses)."""
    return tk._(_PRIVACY_CHECKS[check]) if check in _PRIVACY_CHECKS else check


def governance_metadata_field_label(field: str) -> str:
    """The name of a metadata field a privacy finding names (``tags[0]``: Tag 1)."""
    match = re.fullmatch(r"(tags|resources)\[(\d+)\](?:\.(name|description))?", field)
    if match:
        number = int(match.group(2)) + 1
        if match.group(1) == "tags":
            return tk._("Tag {number}").format(number=number)
        if match.group(3) == "name":
            return tk._("Name of resource {number}").format(number=number)
        return tk._("Description of resource {number}").format(number=number)
    return {"title": tk._("Title"), "notes": tk._("Description")}.get(field, field)


def governance_finding_text(finding: dict[str, Any]) -> Markup:
    """A privacy finding as a sentence in the user's language; column names, which come from
    the file, are escaped."""
    what = governance_privacy_check_label(finding.get("check", ""))
    code = Markup("<code>{}</code>")
    if finding.get("field"):
        return Markup(tk._("The field {field} contains {what}.")).format(
            field=code.format(governance_metadata_field_label(finding["field"])), what=what)
    check = finding.get("check")
    share = governance_percent(finding.get("share"))
    if check == "disclosure.k_anonymity":
        columns = Markup(", ").join(code.format(c) for c in finding.get("columns") or [])
        k = finding.get("k") if isinstance(finding.get("k"), int) else 0
        return Markup(tk.ungettext(
            "Only {k} row shares some combination of the quasi-identifiers {columns}: "
            "{share} of the rows are in groups too small to hide a person.",
            "Only {k} rows share some combination of the quasi-identifiers {columns}: "
            "{share} of the rows are in groups too small to hide a person.", k)).format(
            k=k, columns=columns, share=share)
    column = code.format(finding.get("column") or ", ".join(finding.get("columns") or []))
    if check == "disclosure.small_counts":
        return Markup(tk._(
            "Column {column} holds small counts that single out people ({share} of its "
            "cells).")).format(column=column, share=share)
    if check == "geo.precision":
        return Markup(tk._(
            "Column {column} locates people to about 10 m: round the coordinates.")).format(
            column=column)
    return Markup(tk._("Column {column} holds {what}.")).format(column=column, what=what)


def governance_severity_label(severity: str) -> str:
    """Blocking, or needs the steward's acknowledgement."""
    return tk._("Blocking") if severity == "block" else tk._("Needs acknowledgement")


def governance_delivery_state_label(state: str) -> str:
    """The human name of a webhook delivery's state, translated."""
    labels = {"pending": tk._("Waiting"), "delivered": tk._("Delivered"),
              "failed": tk._("Failed")}
    return labels.get(state, state)


def governance_review_record(package_id: str) -> Optional[dict[str, Any]]:
    """The public review record of a released dataset as ``review-record.json`` has it, but
    without the files' sha256 (computing them reads every file); None for a dataset without a
    release in force or that the user may not see."""
    status = governance_status(package_id)
    package = model.Package.get(package_id) if status and status["release_id"] else None
    if package is None or not public.is_public(package):
        return None
    return public.page_review_record(status["release_id"])


def governance_labelled_diff(diff: dict[str, Any], dataset_type: str = "dataset") -> dict[str, Any]:
    """A review's diff with its fields' labels in the reader's language."""
    return dataset_diff.labelled(diff, dataset_type)


# Dates and numbers in the page's language -----------------------------------------------------

def governance_datetime(value: Union[str, datetime.datetime, None]) -> str:
    """Date and time in the page's language and the portal's display time zone:
    "Nov 29, 2026, 11:30 AM UTC", "29.11.2026, 11:30 UTC"."""
    value = _datestamp_to_datetime(value)
    if value is None:
        return ""
    pattern = get_datetime_format("medium", locale=flask_babel.get_locale())
    return pattern.format(flask_babel.format_time(value, "short"),
                          flask_babel.format_date(value, "medium")) \
        + " " + flask_babel.format_datetime(value, "z")


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False,
                    with_seconds=False):
    """Core writes dates with hours in an English pattern ("November 29, 2026, 11:30 (UTC)")
    whatever the language; they are written as the page's language writes them instead."""
    if with_hours and not date_format and not with_seconds:
        return governance_datetime(datetime_)
    return next_helper(datetime_, date_format, with_hours, with_seconds)


def governance_date(value: Union[str, datetime.date, None]) -> str:
    """A day in the page's language: "November 29, 2026", "29. November 2026". A calendar day
    ("2026-11-29", scheming's date fields) is that day in every time zone."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return flask_babel.format_date(datetime.date.fromisoformat(value), "long")
        except ValueError:
            pass
    value = _datestamp_to_datetime(value)
    return flask_babel.format_date(value, "long") if value else ""


def governance_number(value: Union[int, float, None]) -> str:
    """A count in the page's language: "1,250" / "1.250"."""
    return flask_babel.format_decimal(value or 0)


def governance_percent(share: Union[float, None]) -> str:
    """A share (0..1) as a percentage with one decimal: "25.0 %" / "25,0 %"."""
    return flask_babel.format_decimal((share or 0) * 100, format="#,##0.0") + "\u00a0%"


# The check report in the page's language -----------------------------------------------------

def governance_error_message(error: dict[str, Any]) -> str:
    """A table error of a check report in the page's language (by its frictionless code)."""
    return report_text.error_message(error)


def governance_error_title(code: str) -> str:
    """The name of a frictionless error code in the page's language."""
    return report_text.error_title(code)


def governance_field_label(field_name: str, dataset_type: str = "dataset",
                           resource: bool = False) -> str:
    """The label the dataset schema gives a field, in the page's language."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema, scheming_language_text

    schema = scheming_get_dataset_schema(dataset_type) or {}
    for field in schema.get("resource_fields" if resource else "dataset_fields", []):
        if field["field_name"] == field_name:
            return scheming_language_text(field.get("label")) or field_name
    return field_name


def governance_metadata_error(error: dict[str, Any], dataset_type: str = "dataset") -> str:
    """A metadata finding of a check run (``check_run.check_metadata``) in the page's
    language."""
    code = error.get("code")
    if code == "missing-field":
        return tk._("\"{field}\" is required for release").format(
            field=governance_field_label(error.get("field") or "", dataset_type))
    if code == "closed-license":
        return tk._("The licence is not an open licence; only open licences can be released")
    if code == "no-resources":
        return tk._("A dataset needs at least one resource")
    return error.get("message") or code or ""


def governance_resource_message(resource: dict[str, Any]) -> str:
    """What a check run says about one resource, in the page's language."""
    message = resource.get("message") or ""
    if message in report_text.RESOURCE_MESSAGES:
        return tk._(report_text.RESOURCE_MESSAGES[message])
    if message and resource.get("kind") == "table":
        # The engine's reason names the problem exactly; it stays as it is.
        return tk._("The file could not be checked. Technical reason: {reason}").format(
            reason=message)
    return message


# Forms -------------------------------------------------------------------------------------

def governance_schema_registry() -> list[dict[str, str]]:
    """The named Table Schemas of the registry, for the resource form: name and title."""
    folder = resolve_registry_dir(tk.config.get("ckanext.governance.schema_registry") or None)
    schemas = []
    for name in registry_names(folder):
        try:
            descriptor = json.loads((Path(folder) / f"{name}.json").read_text("utf-8"))
        except (OSError, ValueError):
            descriptor = {}
        title = descriptor.get("title") if isinstance(descriptor, dict) else None
        schemas.append({"name": name, "title": title if isinstance(title, str) else name})
    return sorted(schemas, key=lambda schema: schema["title"].lower())


def governance_schema_mode(value: Any) -> str:
    """How a resource's ``schema`` value is given: ``none``, ``registry``, ``url`` or
    ``json``."""
    if value is None or value == "":
        return "none"
    if isinstance(value, (dict, list)) or str(value).lstrip().startswith(("{", "[")):
        return "json"
    if str(value).lower().startswith(("http://", "https://")):
        return "url"
    return "registry"


def governance_schema_text(value: Any) -> str:
    """A ``schema`` value as the form's text box shows it."""
    if isinstance(value, (dict, list)):
        return governance_json(value)
    return "" if value is None else str(value)


# The queue -----------------------------------------------------------------------------------

def governance_queue_count() -> Optional[int]:
    """How many reviews wait for the signed-in user's decision (``governance_queue_list``
    with ``waiting_for_me``); None for users without a queue."""
    user = tk.current_user
    if not user or user.is_anonymous:
        return None
    try:
        return tk.get_action("governance_queue_list")(
            {"user": user.name, "auth_user_obj": user},
            {"waiting_for_me": True, "limit": 0})["count"]
    except tk.NotAuthorized:
        return None
