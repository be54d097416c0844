"""The codes of what the checks find: a stable contract that pipelines act on.

- Table codes are frictionless-py's error types, with its titles and descriptions (the engine
  reports exactly these; see report.py).
- Metadata codes come from the CKAN side's metadata check (check_run.py).
- Privacy codes: the privacy checks add theirs to `PRIVACY_CODES`, the one place they are
  listed (code -> (title, description)).

Codes are never renamed or reused for something else; new ones may be added.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from .report import _ERROR_CLASSES

TABLE = "table"
METADATA = "metadata"
PRIVACY = "privacy"

METADATA_CODES: Dict[str, Tuple[str, str]] = {
    "missing-field": ("Missing Field",
                      "A field the dataset schema requires for release is empty."),
    "closed-license": ("Closed Licence", "The dataset's licence is not an open licence."),
    "no-resources": ("No Resources", "The dataset has no resource."),
}

PRIVACY_CODES: Dict[str, Tuple[str, str]] = {}


def finding_codes() -> List[Dict[str, str]]:
    """Every code with its group, title and description, table codes first."""
    table = [(TABLE, code, cls.title, cls.description) for code, cls in _ERROR_CLASSES.items()]
    metadata = [(METADATA, code, *text) for code, text in METADATA_CODES.items()]
    privacy = [(PRIVACY, code, *text) for code, text in sorted(PRIVACY_CODES.items())]
    return [{"group": group, "code": code, "title": title, "description": description}
            for group, code, title, description in table + metadata + privacy]
