"""Validators of the governance actions' parameters."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import workflow


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


def governance_queue_state(value: Any, context) -> str:
    """A review state, or ``open`` for all states that wait for somebody."""
    return value if value == "open" else governance_review_state(value, context)
