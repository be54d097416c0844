"""Structure checks: header labels against the schema, and row shapes.

Follows frictionless-py's ``Header`` and ``Row`` in the default
``"fieldsMatch": "exact"`` mode: labels pair with fields by position.
"""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
from frictionless import Field
from frictionless.table.label_matching import deduplicate_names

from .report import CheckError


def check_header(labels: List[str], fields: List[Field]) -> Tuple[List[CheckError], List[Field]]:
    """Label errors, and the fields the data columns pair with (one per label).

    A label beyond the schema gets an ``any`` field named after it, so its
    cells are not reported again per row; schema fields beyond the labels are
    dropped (their missing-label error says it once).
    """
    if not labels:  # no header row at all: the schema alone describes the rows
        return [], list(fields)
    errors: List[CheckError] = []
    for number, label in enumerate(labels[len(fields):], start=len(fields) + 1):
        errors.append(CheckError("extra-label", field_number=number, label=label))
    for number, field in enumerate(fields[len(labels):], start=len(labels) + 1):
        errors.append(CheckError("missing-label", field=field.name, field_number=number, label=""))
    for number, (field, label) in enumerate(zip(fields, labels), start=1):
        if not label:
            errors.append(CheckError("blank-label", field=field.name, field_number=number, label=""))
            continue
        earlier = [str(position) for position, seen in enumerate(labels[: number - 1], start=1) if seen == label]
        if earlier:
            note = 'at position "%s"' % ", ".join(earlier)
            errors.append(CheckError("duplicate-label", note, field=field.name, field_number=number, label=label))
        elif label != field.name:
            errors.append(CheckError("incorrect-label", field=field.name, field_number=number, label=label))
    names = deduplicate_names([fields[i].name if i < len(fields) else label for i, label in enumerate(labels)])
    expected = [
        fields[i] if i < len(fields) else Field.from_descriptor({"name": name, "type": "any"})
        for i, name in enumerate(names)
    ]
    return errors, expected


def missing_cells(widths: np.ndarray, width: int) -> Tuple[np.ndarray, np.ndarray]:
    """(row index, 0-based field index) of every cell a short row lacks."""
    short = np.flatnonzero(widths < width)
    if not len(short):
        return np.array([], np.int64), np.array([], np.int64)
    lacking = width - widths[short]
    rows = np.repeat(short, lacking)
    # per short row: fields widths[row] .. width-1
    starts = np.repeat(widths[short], lacking)
    steps = np.arange(len(rows)) - np.repeat(np.cumsum(lacking) - lacking, lacking)
    return rows, starts + steps
