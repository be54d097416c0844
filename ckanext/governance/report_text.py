"""The check report in the reader's language.

Reports keep frictionless-py's error codes and English messages (the API and pipelines read
them unchanged); the web UI renders each error again from its code and position through these
texts. The English texts are frictionless's own templates, with the same placeholders, so the
English UI reads exactly as ``frictionless validate`` does.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

from .workflow import N_

# code -> (title, message template); frictionless-py 5's wording (a test keeps them equal).
ERROR_TEXTS: dict[str, tuple[str, str]] = {
    "blank-header": (N_("Blank Header"), N_("Header is completely blank")),
    "blank-label": (N_("Blank Label"), N_(
        'Label in the header in field at position "{fieldNumber}" is blank')),
    "duplicate-label": (N_("Duplicate Label"), N_(
        'Label "{label}" in the header at position "{fieldNumber}" is duplicated to a label: '
        '{note}')),
    "extra-label": (N_("Extra Label"), N_(
        'There is an extra label "{label}" in header at position "{fieldNumber}"')),
    "missing-label": (N_("Missing Label"), N_(
        'There is a missing label in the header\'s field "{fieldName}" at position '
        '"{fieldNumber}"')),
    "incorrect-label": (N_("Incorrect Label"), N_(
        'Label "{label}" in field {fieldName} at position "{fieldNumber}" does not match the '
        'field name in the schema')),
    "blank-row": (N_("Blank Row"), N_('Row at position "{rowNumber}" is completely blank')),
    "extra-cell": (N_("Extra Cell"), N_(
        'Row at position "{rowNumber}" has an extra value in field at position '
        '"{fieldNumber}"')),
    "missing-cell": (N_("Missing Cell"), N_(
        'Row at position "{rowNumber}" has a missing cell in field "{fieldName}" at position '
        '"{fieldNumber}"')),
    "type-error": (N_("Type Error"), N_(
        'Type error in the cell "{cell}" in row "{rowNumber}" and field "{fieldName}" at '
        'position "{fieldNumber}": {note}')),
    "constraint-error": (N_("Constraint Error"), N_(
        'The cell "{cell}" in row at position "{rowNumber}" and field "{fieldName}" at '
        'position "{fieldNumber}" does not conform to a constraint: {note}')),
    "unique-error": (N_("Unique Error"), N_(
        'Row at position "{rowNumber}" has unique constraint violation in field "{fieldName}" '
        'at position "{fieldNumber}": {note}')),
    "primary-key": (N_("PrimaryKey Error"), N_(
        'Row at position "{rowNumber}" violates the primary key: {note}')),
    "source-error": (N_("Source Error"), N_(
        "The data source has not supported or has inconsistent contents: {note}")),
    "encoding-error": (N_("Encoding Error"), N_(
        "The data source could not be successfully decoded: {note}")),
}

# The notes the checks engine writes (frictionless's wording), as patterns with named parts.
NOTE_TEXTS: list[tuple[re.Pattern, str]] = [
    (re.compile(r'^type is "(?P<type>[^"]*)"$'), N_('type is "{type}"')),
    (re.compile(r'^constraint "(?P<name>[^"]*)" is "(?P<value>.*)" \(cannot compare naive and '
                r'aware datetimes\)$', re.S),
     N_('constraint "{name}" is "{value}" (cannot compare naive and aware datetimes)')),
    (re.compile(r'^constraint "(?P<name>[^"]*)" is "(?P<value>.*)"$', re.S),
     N_('constraint "{name}" is "{value}"')),
    (re.compile(r"^the same as in the row at position (?P<row>\d+)$"),
     N_("the same as in the row at position {row}")),
    (re.compile(r'^cells composing the primary keys are all "None"$'),
     N_('cells composing the primary keys are all "None"')),
    (re.compile(r'^at position "(?P<positions>[^"]*)"$'), N_('at position "{positions}"')),
    (re.compile(r"^the source is empty$"), N_("the source is empty")),
    (re.compile(r"^constraints cannot be checked: (?P<reason>.*)$", re.S),
     N_("constraints cannot be checked: {reason}")),
]

# What a check run says about a resource it did not validate as a table.
RESOURCE_MESSAGES = {
    "Linked file: not checked, the steward has to confirm it":
        N_("Linked file: not checked, the steward has to confirm it"),
    "Not a table: the steward has to confirm it":
        N_("Not a table: the steward has to confirm it"),
}

def translated_note(note: Optional[str], gettext: Callable[[str], str] = tk._) -> str:
    for pattern, template in NOTE_TEXTS:
        match = pattern.match(note or "")
        if match:
            return gettext(template).format(**match.groupdict())
    return note or ""


def error_message(error: dict[str, Any], gettext: Callable[[str], str] = tk._) -> str:
    """An error of a table report, worded in the UI's language; unknown codes keep the
    report's message."""
    texts = ERROR_TEXTS.get(error.get("code") or "")
    if texts is None:
        return error.get("message") or error.get("code") or ""
    field = error.get("field")
    return gettext(texts[1]).format(
        note=translated_note(error.get("note"), gettext), rowNumber=error.get("row"),
        fieldName=field if field is not None else "", fieldNumber=error.get("field_number"),
        cell=error.get("cell"), label=error.get("label"))


def error_title(code: str, gettext: Callable[[str], str] = tk._) -> str:
    texts = ERROR_TEXTS.get(code)
    return gettext(texts[0]) if texts else code
