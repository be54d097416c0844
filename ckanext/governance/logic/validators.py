"""Validators of the governance actions' parameters."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model as _model

from .. import webhooks as _webhooks
from .. import workflow
from ..checks import ChecksError as _ChecksError
from ..checks import SchemaReferenceError, check_reference
from .existence import look_up as _look_up


def governance_dataset_id(value: Any, context) -> str:
    """A dataset's id from its id or name, as core's ``convert_package_name_or_id_to_id`` (with
    its message); a dataset the request has looked up already costs no query."""
    package = _look_up(_model.Package, value) if isinstance(value, str) and value else None
    if package is None:
        raise tk.Invalid("%s: %s" % (tk._("Not found"), tk._("Dataset")))
    return package.id


def governance_reason_codes(value: Any, context) -> list[str]:
    """A list of the workflow's coded reasons (a comma-separated string is accepted too)."""
    if isinstance(value, str):
        value = [code.strip() for code in value.split(",") if code.strip()]
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise tk.Invalid(tk._("Reasons must be a list of reason codes"))
    unknown = sorted(set(value) - set(workflow.REASON_CODES))
    if unknown:
        raise tk.Invalid(tk._("Unknown reason codes: {codes}. Known: {known}").format(
            codes=", ".join(unknown), known=", ".join(workflow.REASON_CODES)))
    return value


def governance_review_state(value: Any, context) -> str:
    if value not in workflow.STATES:
        raise tk.Invalid(tk._("Unknown state: {state}").format(state=value))
    return value


def governance_finding_ids(value: Any, context) -> list[str]:
    """A list of privacy finding ids (a comma-separated string is accepted too)."""
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) and len(item) <= 64
                                              for item in value):
        raise tk.Invalid(tk._("Acknowledged findings must be a list of finding ids"))
    return value


def governance_table_schema(value: Any, context) -> Any:
    """A resource's Table Schema: a name from the schema registry, an http(s) URL or the schema
    itself as JSON; never a file on the server (the check run would read it)."""
    if not value:
        return value
    try:
        check_reference(value, registry_dir=tk.config.get("ckanext.governance.schema_registry")
                        or None)
    except SchemaReferenceError as error:
        if error.reason == "unknown-name":
            raise tk.Invalid(tk._("There is no Table Schema named \"{name}\" in the schema "
                                  "registry. Known names: {known}").format(
                name=error.value, known=", ".join(error.known) or "-"))
        raise tk.Invalid(tk._("Give the name of a Table Schema from the schema registry, an "
                              "http(s) URL or the Table Schema itself as JSON; files on the "
                              "server cannot be used."))
    return value


def governance_webhook_url(value: Any, context) -> str:
    """An http(s) URL without credentials whose host resolves to public addresses only
    (unless the operator allows private ones); at most 2000 characters."""
    value = value.strip() if isinstance(value, str) else value
    if not isinstance(value, str) or len(value) > 2000:
        raise tk.Invalid(tk._("Please give an http(s) URL of at most 2000 characters"))
    try:
        _webhooks.check_url(value)
    except _ChecksError as error:
        raise tk.Invalid(tk._("This URL cannot receive webhooks: {reason}").format(
            reason=error))
    return value


def governance_delivery_state(value: Any, context) -> str:
    if value not in _webhooks.DELIVERY_STATES:
        raise tk.Invalid(tk._("Unknown state: {state}").format(state=value))
    return value


def governance_queue_state(value: Any, context) -> str:
    """A review state, or ``open`` for all states that wait for somebody."""
    return value if value == "open" else governance_review_state(value, context)
