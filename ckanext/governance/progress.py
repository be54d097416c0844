"""How far a running check run has got, for the live status of the review and dataset pages.

The check-run job writes it to Redis (a hash per run, kept an hour after the last write):
which file of how many it checks and about how many rows it has read of about how many.
Rows are estimated from the bytes read and the mean row length of the file's first 64 KiB:
the reader reports bytes, and counting rows first would read a large file twice.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Optional

from ckan.lib.redis import connect_to_redis

_KEY = "governance:check-progress:{}"
_KEEP_SECONDS = 3600
_SAMPLE_BYTES = 64 << 10
# Formats whose rows are lines, so that bytes say how many rows there are.
_LINE_FORMATS = {"csv", "tsv"}
_NUMBERS = ("resource_index", "resource_count", "bytes_read", "bytes_total", "rows_checked",
            "rows_total")


def _key(run_id: str) -> str:
    return _KEY.format(run_id)


def read(run_id: str) -> Optional[dict[str, Any]]:
    """The run's progress, or None if it has not started (or finished over an hour ago)."""
    found = {key.decode(): value.decode()
             for key, value in connect_to_redis().hgetall(_key(run_id)).items()}
    if not found:
        return None
    return {key: int(value or 0) if key in _NUMBERS else value
            for key, value in found.items()}


def _write(run_id: str, **fields: Any) -> None:
    redis = connect_to_redis()
    redis.hset(_key(run_id), mapping={key: "" if value is None else value
                                      for key, value in fields.items()})
    redis.expire(_key(run_id), _KEEP_SECONDS)


def _bytes_per_row(path: str) -> Optional[float]:
    with open(path, "rb") as stream:
        sample = stream.read(_SAMPLE_BYTES)
    lines = sample.count(b"\n")
    return len(sample) / lines if lines else None


class Tracker:
    """Progress of one check run, file by file."""

    def __init__(self, run_id: str, resource_count: int):
        self.run_id = run_id
        _write(run_id, resource_index=0, resource_count=resource_count, resource_name="",
               bytes_read=0, bytes_total=0, rows_checked=0, rows_total=0)

    def resource(self, index: int, name: Optional[str], path: Optional[str],
                 table_format: Optional[str]) -> Optional[Callable[[int, int], None]]:
        """Announce the `index`-th file (from 1); returns the callback for the reader's
        (bytes read, total bytes) reports, or None for a file that is not read here."""
        size = os.path.getsize(path) if path and os.path.isfile(path) else 0
        per_row = _bytes_per_row(path) if size and table_format in _LINE_FORMATS else None
        rows_total = round(size / per_row) if per_row else 0
        _write(self.run_id, resource_index=index, resource_name=name or "",
               bytes_read=0, bytes_total=size, rows_checked=0, rows_total=rows_total)
        if not size:
            return None

        def report(done: int, total: int) -> None:
            _write(self.run_id, bytes_read=done, bytes_total=total,
                   rows_checked=min(round(done / per_row), rows_total) if per_row else 0)

        return report

    def resource_done(self, rows: Optional[int]) -> None:
        """The current file is checked; `rows` is the exact count when the check knows it."""
        current = read(self.run_id) or {}
        fields: dict[str, Any] = {"bytes_read": current.get("bytes_total", 0)}
        if rows is not None:
            fields.update(rows_checked=rows, rows_total=rows)
        _write(self.run_id, **fields)
