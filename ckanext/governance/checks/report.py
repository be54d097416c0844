"""Check report: errors with frictionless's codes and positions, JSON-serialisable.

Error codes, titles and message templates are frictionless-py's own, so a
message reads exactly as ``frictionless validate`` would print it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from frictionless import errors as fl_errors

from .defaults import DEFAULT_ERROR_LIMIT

_ERROR_CLASSES = {
    cls.type: cls
    for cls in (
        fl_errors.BlankHeaderError,
        fl_errors.BlankLabelError,
        fl_errors.DuplicateLabelError,
        fl_errors.ExtraLabelError,
        fl_errors.MissingLabelError,
        fl_errors.IncorrectLabelError,
        fl_errors.BlankRowError,
        fl_errors.ExtraCellError,
        fl_errors.MissingCellError,
        fl_errors.TypeError,
        fl_errors.ConstraintError,
        fl_errors.UniqueError,
        fl_errors.PrimaryKeyError,
        fl_errors.SourceError,
        fl_errors.EncodingError,
    )
}

# Position of each code inside one row, as frictionless emits them.
ROW_ORDER = {
    "type-error": 0,
    "constraint-error": 1,
    "extra-cell": 2,
    "missing-cell": 3,
    "blank-row": 4,
    "unique-error": 5,
    "primary-key": 6,
}


@dataclass
class CheckError:
    """One finding of the table checks, located like a frictionless error."""

    code: str
    note: str = ""
    row: Optional[int] = None
    field: Optional[str] = None
    field_number: Optional[int] = None
    cell: Optional[str] = None
    label: Optional[str] = None

    @property
    def title(self) -> str:
        return _ERROR_CLASSES[self.code].title

    @property
    def message(self) -> str:
        template = _ERROR_CLASSES[self.code].template
        return template.format(
            note=self.note,
            rowNumber=self.row,
            fieldName=self.field if self.field is not None else "",
            fieldNumber=self.field_number,
            cell=self.cell,
            label=self.label,
        )

    def sort_key(self):
        if self.row is None:
            return (0, 0, 0, 0)
        return (1, self.row, ROW_ORDER.get(self.code, 9), self.field_number or 0)

    def to_dict(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {
            "code": self.code,
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }
        if self.field_number is not None:
            result["field_number"] = self.field_number
        if self.cell is not None:
            result["cell"] = self.cell
        if self.label is not None:
            result["label"] = self.label
        if self.note:
            result["note"] = self.note
        return result


@dataclass
class Report:
    """Outcome of ``validate_table``: every count, and the first errors in row order."""

    errors: List[CheckError] = field(default_factory=list)
    error_counts: Counter = field(default_factory=Counter)
    error_limit: int = DEFAULT_ERROR_LIMIT
    privacy: List[Dict[str, Any]] = field(default_factory=list)
    # "ran", "skipped" (asked not to), "error" (failed: not a pass) or "not_run" (no table)
    privacy_status: str = "not_run"
    privacy_error: Optional[str] = None
    rows: int = 0
    seconds: float = 0.0
    format: Optional[str] = None
    encoding: Optional[str] = None
    dialect: Dict[str, Any] = field(default_factory=dict)
    schema: Optional[Dict[str, Any]] = None
    suggested_schema: Optional[Dict[str, Any]] = None
    reader: str = ""  # "pyarrow" (fast CSV path) or "python" (csv module, openpyxl, ijson)
    schema_source: Optional[Dict[str, Any]] = None

    @property
    def error_total(self) -> int:
        return sum(self.error_counts.values())

    @property
    def valid(self) -> bool:
        """No blocking finding: no table error, no blocking privacy finding, and no privacy
        check that failed to run (that is no pass)."""
        blocking_privacy = any(f.get("severity") == "block" for f in self.privacy)
        return self.error_total == 0 and not blocking_privacy and self.privacy_status != "error"

    @property
    def truncated(self) -> bool:
        return self.error_total > len(self.errors)

    def to_dict(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {
            "valid": self.valid,
            "errors": [error.to_dict() for error in self.errors],
            "error_count": self.error_total,
            "error_limit": self.error_limit,
            "truncated": self.truncated,
            "privacy": list(self.privacy),
            "privacy_status": self.privacy_status,
            "stats": {
                "rows": self.rows,
                "errors": dict(sorted(self.error_counts.items())),
                "seconds": round(self.seconds, 3),
            },
            "format": self.format,
            "encoding": self.encoding,
            "dialect": dict(self.dialect),
            "schema": self.schema,
            "schema_source": self.schema_source,
            "reader": self.reader,
        }
        if self.privacy_error is not None:
            result["privacy_error"] = self.privacy_error
        if self.suggested_schema is not None:
            result["suggested_schema"] = self.suggested_schema
        return result
