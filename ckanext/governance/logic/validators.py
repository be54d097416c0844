"""Validators of the governance actions' parameters."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import webhooks as _webhooks
from .. import workflow
from ..checks import ChecksError as _ChecksError


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
