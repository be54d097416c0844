"""Hook for per-column privacy checks (filled by the privacy issue).

A privacy check sees every batch of every column and returns findings at the
end: dicts with at least ``code``, ``severity`` ("block" or "review"),
``field``, ``share`` and ``examples`` (masked). The registry is empty today:
``validate_table(privacy=True)`` runs whatever is registered here and, for
now, reports no findings.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Protocol


class ColumnCheck(Protocol):
    def observe(self, field_name: str, column: Any) -> None:
        """Look at one batch of one column (a pyarrow array or a list)."""

    def findings(self) -> List[Dict[str, Any]]:
        """Findings after the last batch."""


# Factories of column checks; one fresh instance per validated table.
PRIVACY_CHECKS: List[Callable[[], ColumnCheck]] = []


def start_checks() -> List[ColumnCheck]:
    return [factory() for factory in PRIVACY_CHECKS]
