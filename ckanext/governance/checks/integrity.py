"""Unique and primary key checks across all batches, in bounded memory.

Each checked key costs one 64-bit hash per row. Hashes stay in memory up to
SPILL_ENTRIES; beyond that they are spilled to temporary files partitioned by
the top hash bits, and duplicates are then found one partition at a time. So
memory stays flat whatever the file size (disk use is 16 bytes a row).
Two different values share a hash with probability about rows² / 2⁶⁵
(3e-8 for a million rows); such a collision would show as a false duplicate.
"""

from __future__ import annotations

import os
import tempfile
from typing import List, Optional, Tuple

import numpy as np

from .table_schema import KEY_NONE, mix64

PARTITION_BITS = 4
SPILL_ENTRIES = 2_000_000  # 16 MB of hashes
_U64 = np.uint64


class DuplicateFinder:
    """Collects key hashes by row; reports every repeat after the first."""

    def __init__(self, spill_entries: int = SPILL_ENTRIES) -> None:
        # Batches cover consecutive row ranges: in memory, keys are kept in row
        # order with the first row number, so row numbers cost nothing.
        self._batches: List[Tuple[int, np.ndarray]] = []
        self._entries = 0
        self._spill_entries = spill_entries
        self._spill_dir: Optional[tempfile.TemporaryDirectory] = None

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add one batch's keys (KEY_NONE for None) for the given row numbers."""
        if not len(rows):
            return
        order = np.argsort(rows, kind="stable")
        rows = rows[order]
        if rows[-1] - rows[0] != len(rows) - 1:
            raise ValueError("a batch must cover consecutive rows")
        self._batches.append((int(rows[0]), keys[order]))
        self._entries += len(rows)
        if self._entries >= self._spill_entries:
            self._spill()

    def _present(self):
        """(hashes, row numbers) of the buffered non-None keys."""
        for first, keys in self._batches:
            idx = np.flatnonzero(keys != KEY_NONE)
            yield keys[idx], idx + first

    def _partition_path(self, partition: int, kind: str) -> str:
        return os.path.join(self._spill_dir.name, f"{partition}.{kind}")

    def _spill(self) -> None:
        if self._spill_dir is None:
            self._spill_dir = tempfile.TemporaryDirectory(prefix="governance-keys-")
        shift = _U64(64 - PARTITION_BITS)
        files = {
            (p, kind): open(self._partition_path(p, kind), "ab")
            for p in range(1 << PARTITION_BITS)
            for kind in ("hash", "row")
        }
        try:
            for hashes, rows in self._present():
                partitions = hashes >> shift
                for p in np.unique(partitions).tolist():
                    mask = partitions == p
                    files[p, "hash"].write(hashes[mask].tobytes())
                    files[p, "row"].write(rows[mask].astype(np.int64).tobytes())
        finally:
            for file in files.values():
                file.close()
        self._batches = []
        self._entries = 0

    def duplicates(self) -> Tuple[np.ndarray, np.ndarray]:
        """(row, earlier row with the same key) for every repeat, ordered by row."""
        if self._spill_dir is None:
            parts = list(self._present())
            found = [_repeats(np.concatenate([h for h, _ in parts]), np.concatenate([r for _, r in parts]))] if parts else []
        else:
            self._spill()
            found = []
            for p in range(1 << PARTITION_BITS):
                hashes = np.fromfile(self._partition_path(p, "hash"), dtype=_U64)
                rows = np.fromfile(self._partition_path(p, "row"), dtype=np.int64)
                found.append(_repeats(hashes, rows))
            self._spill_dir.cleanup()
            self._spill_dir = None
        if not found:
            return np.array([], np.int64), np.array([], np.int64)
        row = np.concatenate([r for r, _ in found])
        previous = np.concatenate([e for _, e in found])
        order = np.argsort(row, kind="stable")
        return row[order], previous[order]


def _repeats(hashes: np.ndarray, rows: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Repeated hashes: a plain sort finds the few repeated values, only those get ordered."""
    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not len(repeated):
        return np.array([], np.int64), np.array([], np.int64)
    position = np.minimum(np.searchsorted(repeated, hashes), len(repeated) - 1)
    idx = np.flatnonzero(repeated[position] == hashes)
    hashes, rows = hashes[idx], rows[idx]
    order = np.lexsort((rows, hashes))
    hashes, rows = hashes[order], rows[order]
    same = hashes[1:] == hashes[:-1]
    return rows[1:][same], rows[:-1][same]


def combine_keys(keys: List[np.ndarray]) -> Tuple[np.ndarray, np.ndarray]:
    """Composite key of several fields; also whether every part is None."""
    all_none = np.ones(len(keys[0]), bool)
    combined = np.zeros(len(keys[0]), _U64)
    with np.errstate(over="ignore"):
        for position, key in enumerate(keys):
            all_none &= key == KEY_NONE
            combined = mix64(combined * _U64(31) + key + _U64(position))
    combined[combined == KEY_NONE] = 1
    combined[all_none] = KEY_NONE
    return combined, all_none
