"""Data diff of a tabular resource: the released file against the pending one.

    from ckanext.governance.checks.datadiff import diff_tables
    diff = diff_tables("released.csv", "pending.csv", pending_schema="waste-bin-sensors")

Both files are read with the checks' readers (encoding, BOM and CSV dialect detected per
file, so a file saved again in another encoding or with other quoting or line endings shows
no change; see ``text_encoding``), streamed in batches with pyarrow. Columns are matched by
name: added, removed, retyped (types from the Table Schemas when both files have one, else
inferred from each file's first rows). Rows are matched on the Table Schema's primary key when both files have
its columns, so a row whose key stays and whose other cells change is *changed*; without one,
rows are matched on their content and can only be added or removed (a multiset: a row
repeated twice in one file and three times in the other is one added row). Cells are
compared as text after decoding and parsing; line breaks inside cells compare equal
whatever their style.

Memory is bounded whatever the file size: each row costs two 64-bit hashes and its row
number (24 bytes), spilled to temporary files partitioned by hash beyond SPILL_ROWS rows,
and matched one partition at a time. Rows are hashed with the interpreter's keyed SipHash
(a new key in every process), so two different rows share a hash only by chance (about
2**-64 per comparison), never by a publisher's design. A second pass reads only the few
example rows.

Examples are bounded (EXAMPLES rows per kind, EXAMPLE_COLUMNS cells per row, CELL_CHARS
characters per cell), and cells of the columns named in ``mask_columns`` (those the privacy
checks flagged) are masked: whoever reads the diff sees the shape of a value, not the value.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, TypeVar, Union

import chardet
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import Detector, Schema
from frictionless.formats.csv.settings import FIELD_SIZE_LIMIT
from frictionless.system import system

from .errors import ChecksError
from .readers import BUFFER_SIZE, ArrowGaveUp, Batch, Table, open_table
from .schema import load_schema
from .table_schema import mix64

EXAMPLES = 5
EXAMPLE_COLUMNS = 12
CELL_CHARS = 40
SPILL_ROWS = 2_000_000  # per file: 48 MB of hashes and row numbers
PARTITION_BITS = 4
CHARDET_CONFIDENCE = 0.5

# The csv module stops at cells over 128 kB; frictionless lifts that limit when it loads its
# CSV parser, and so do we, or a table frictionless reads would be unreadable here.
csv.field_size_limit(FIELD_SIZE_LIMIT)

_U64 = np.uint64
_WORD = re.compile(r"\w+")

SchemaArgument = Union[None, Dict[str, Any], str]
T = TypeVar("T")


def diff_tables(
    released: str,
    pending: str,
    *,
    released_schema: SchemaArgument = None,
    pending_schema: SchemaArgument = None,
    released_format: Optional[str] = None,
    pending_format: Optional[str] = None,
    registry_dir: Optional[str] = None,
    allow_private_urls: bool = False,
    mask_columns: Iterable[str] = (),
    examples: int = EXAMPLES,
    spill_rows: int = SPILL_ROWS,
) -> Dict[str, Any]:
    """What changed in the data from the ``released`` file to the ``pending`` one.

    :param released_schema: the released file's Table Schema (a descriptor, or anything
        ``load_schema`` takes: registry name, URL, JSON text); None: none.
    :param pending_schema: the pending file's Table Schema, likewise.
    :param mask_columns: names of columns whose example cells are masked.
    :returns: a JSON-serialisable dict: ``columns`` (added, removed, retyped, reordered),
        ``rows`` (counts: added, removed, changed, unchanged), ``examples`` (the first rows of
        each kind), ``match`` (``primary_key`` or ``content``) and ``primary_key``, the two
        files' ``released``/``pending`` row counts, formats and encodings, ``seconds``.
    :raises ChecksError: a file cannot be read.
    """
    started = time.perf_counter()
    schemas = {
        "released": _loaded(released_schema, registry_dir, allow_private_urls),
        "pending": _loaded(pending_schema, registry_dir, allow_private_urls),
    }
    with _Source(released, released_format) as before, _Source(pending, pending_format) as after:
        common = [name for name in after.labels if name in before.index]
        types_from = "schema" if all(schemas.values()) else "inferred"
        types = {"released": _column_types(schemas["released"], before, types_from),
                 "pending": _column_types(schemas["pending"], after, types_from)}
        key = _primary_key(schemas, common)
        tally = _match(before.fingerprint(key or common, common, spill_rows),
                       after.fingerprint(key or common, common, spill_rows), examples)
        released_cells = before.fetch(set(tally.removed) | {r for r, _ in tally.changed})
        pending_cells = after.fetch(set(tally.added) | {p for _, p in tally.changed})

    masked = set(mask_columns)
    result = {
        "match": "primary_key" if key else "content",
        "primary_key": key,
        "columns": {
            "added": [name for name in after.labels if name not in before.index],
            "removed": [name for name in before.labels if name not in after.index],
            "retyped": [
                {"column": name, "released": types["released"][name], "pending": types["pending"][name]}
                for name in common
                if types["released"].get(name) and types["pending"].get(name)
                and types["released"][name] != types["pending"][name]
            ],
            "reordered": [name for name in before.labels if name in after.index] != common,
            "types_from": types_from,
        },
        "rows": {
            "added": tally.added_count,
            "removed": tally.removed_count,
            "changed": tally.changed_count,
            "unchanged": tally.matched_count - tally.changed_count,
        },
        "examples": {
            "added": [_row_example(row, pending_cells.get(row, {}), after.labels, masked) for row in tally.added],
            "removed": [_row_example(row, released_cells.get(row, {}), before.labels, masked) for row in tally.removed],
            "changed": [
                _changed_example(r, p, released_cells.get(r, {}), pending_cells.get(p, {}), key or [], common, masked)
                for r, p in tally.changed
            ],
        },
        "released": before.facts(),
        "pending": after.facts(),
        "limits": {"examples": examples, "columns": EXAMPLE_COLUMNS, "cell_chars": CELL_CHARS},
        "masked_columns": sorted(masked & (set(before.labels) | set(after.labels))),
    }
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


# Reading


def _loaded(schema: SchemaArgument, registry_dir: Optional[str], allow_private_urls: bool) -> Optional[Schema]:
    if schema is None or schema == "":
        return None
    return load_schema(schema, registry_dir=registry_dir, allow_private_urls=allow_private_urls).schema


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def text_encoding(path: str) -> str:
    """The encoding of a text table, from its first bytes: a byte order mark, else UTF-8 if
    they decode as such, else what chardet is confident of, else Windows-1252 (how
    spreadsheets in Germany and Western Europe save 8-bit text). chardet alone, as
    frictionless uses it, takes short German Windows-1252 text for MacTurkish."""
    with open(path, "rb") as file:
        buffer = file.read(BUFFER_SIZE)
    for bom, encoding in _BOMS:
        if buffer.startswith(bom):
            return encoding
    try:
        codecs.getincrementaldecoder("utf-8")().decode(buffer, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = chardet.detect(buffer)
    if guess.get("encoding") and (guess.get("confidence") or 0) >= CHARDET_CONFIDENCE:
        return guess["encoding"].lower()
    return "cp1252"


def _open(path: str, fmt: Optional[str]) -> Table:
    try:
        encoding = text_encoding(path)
    except OSError as error:
        raise ChecksError(f"{path}: cannot read: {error.strerror or error}") from None
    return open_table(path, format=fmt, encoding=encoding)


class _Source:
    """One of the two files: opened once for its header and first pass, read again for the
    example rows."""

    def __init__(self, path: str, fmt: Optional[str]) -> None:
        self.path, self._format = path, fmt
        self._table: Optional[Table] = _open(path, fmt)
        self.labels = [str(label) for label in self._table.labels]
        if self.labels:  # a byte order mark the detection left in is no part of the name
            self.labels[0] = self.labels[0].lstrip("\ufeff")
        self.index: Dict[str, int] = {}
        for position, name in enumerate(self.labels):
            self.index.setdefault(name, position)  # a repeated name: its first column counts
        self.fragment, self.format, self.encoding = self._table.fragment, self._table.format, self._table.encoding
        self.use_arrow = True
        self.rows = 0

    def __enter__(self) -> "_Source":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._table is not None:
            self._table.close()

    def _batches(self) -> Iterator[Batch]:
        table, self._table = self._table or _open(self.path, self._format), None
        with table:
            if self.labels:
                yield from table.batches(len(self.labels), use_arrow=self.use_arrow)

    def _read(self, reader: Callable[[Iterator[Batch]], T]) -> T:
        """``reader`` over the batches, with pyarrow; again from the start with the csv module
        if pyarrow gives up on this file (e.g. a cell longer than its block)."""
        try:
            with contextlib.closing(self._batches()) as batches:
                return reader(batches)
        except ArrowGaveUp:
            self.use_arrow = False
            with contextlib.closing(self._batches()) as batches:
                return reader(batches)

    def fingerprint(self, key: List[str], content: List[str], spill_rows: int) -> "_Spool":
        """(key hash, content hash, row number) of every non-blank row."""
        spool = self._read(lambda batches: self._spool(batches, key, content, _Spool(spill_rows)))
        self.rows = spool.rows
        return spool

    def _spool(self, batches: Iterator[Batch], key: List[str], content: List[str], spool: "_Spool") -> "_Spool":
        for batch in batches:
            if not len(batch):
                continue
            texts = [_text(column) for column in batch.columns]
            keep = np.logical_or.reduce([np.diff(_offsets(text)) > 0 for text in texts])  # blank rows are no rows
            contents = self._row_hashes(texts, content)
            keys = contents if key == content else self._row_hashes(texts, key)
            spool.add(keys[keep], contents[keep], batch.row_numbers[keep])
        return spool

    def _row_hashes(self, texts: List[pa.Array], names: List[str]) -> np.ndarray:
        """One hash per row of the named columns' cells, joined by the byte 0xFF, which UTF-8
        text never contains: the joined bytes stand for exactly one row of cells."""
        columns = [texts[self.index[name]].cast(pa.binary()) for name in names]
        if not columns:
            return np.zeros(len(texts[0]) if texts else 0, _U64)
        joined = columns[0] if len(columns) == 1 else pc.binary_join_element_wise(*columns, pa.scalar(b"\xff", pa.binary()))
        return _hashes(joined)

    def fetch(self, wanted: Set[int]) -> Dict[int, Dict[str, str]]:
        """The cells of the given rows, by row number: a second pass that stops at the last
        wanted row."""
        return self._read(lambda batches: self._cells(batches, wanted)) if wanted else {}

    def _cells(self, batches: Iterator[Batch], wanted: Set[int]) -> Dict[int, Dict[str, str]]:
        found: Dict[int, Dict[str, str]] = {}
        last = max(wanted)
        rows = np.fromiter(wanted, np.int64, len(wanted))
        for batch in batches:
            hits = np.flatnonzero(np.isin(batch.row_numbers, rows))
            if len(hits):
                texts = [_text(column).take(pa.array(hits)).to_pylist() for column in batch.columns]
                for position, hit in enumerate(hits.tolist()):
                    found[int(batch.row_numbers[hit])] = {
                        name: texts[index][position] for name, index in self.index.items()}
            if len(found) == len(wanted) or (len(batch) and batch.row_numbers.min() > last):
                break
        return found

    def facts(self) -> Dict[str, Any]:
        return {"rows": self.rows, "columns": len(self.labels), "format": self.format, "encoding": self.encoding}


def _column_types(schema: Optional[Schema], source: _Source, types_from: str) -> Dict[str, str]:
    if types_from == "schema" and schema is not None:
        return {f.name: f.type for f in schema.fields}
    if not source.labels:
        return {}
    inferred = Detector().detect_schema(
        source.fragment, labels=source.labels, field_candidates=system.detect_field_candidates(), header_case=True
    )
    return {f.name: f.type for f in inferred.fields}


def _primary_key(schemas: Dict[str, Optional[Schema]], common: List[str]) -> Optional[List[str]]:
    """The pending schema's primary key, else the released one's, if both files have its columns."""
    for side in ("pending", "released"):
        schema = schemas[side]
        key = list(schema.primary_key) if schema is not None else []
        if key and set(key) <= set(common):
            return key
    return None


def _cell_text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _text(column: Union[pa.Array, Sequence[Any]]) -> pa.Array:
    """A column as strings without nulls (an absent cell reads as empty); CRLF read as LF."""
    if not isinstance(column, pa.Array):
        column = pa.array([_cell_text(value) for value in column], pa.string())
    elif not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    if column.null_count:
        column = column.fill_null("")
    offsets, data = _offsets(column), column.buffers()[2]
    if data is not None and (np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]] == 13).any():
        column = pc.replace_substring(column, "\r\n", "\n")
    return column


def _offsets(column: pa.Array) -> np.ndarray:
    return np.frombuffer(column.buffers()[1], np.int32)[column.offset : column.offset + len(column) + 1]


def _hashes(cells: pa.Array) -> np.ndarray:
    """The interpreter's keyed SipHash of each cell's bytes: a publisher cannot make two
    different values collide without the key, which is new in every process."""
    return np.fromiter(map(hash, cells.to_numpy(zero_copy_only=False)), np.int64, len(cells)).view(_U64)


# Matching


class _Spool:
    """(key hash, content hash, row number) of one file's rows: in memory up to
    ``spill_rows``, then in temporary files partitioned by the top bits of the key hash."""

    def __init__(self, spill_rows: int) -> None:
        self.rows = 0
        self._parts: List[Tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._buffered = 0
        self._spill_rows = spill_rows
        self._folder: Optional[tempfile.TemporaryDirectory] = None

    def add(self, keys: np.ndarray, contents: np.ndarray, rows: np.ndarray) -> None:
        self._parts.append((keys, contents, rows.astype(np.int64, copy=False)))
        self.rows += len(rows)
        self._buffered += len(rows)
        if self._buffered >= self._spill_rows:
            self.spill()

    def _path(self, partition: int) -> str:
        return os.path.join(self._folder.name, str(partition))

    def spill(self) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="governance-datadiff-")
        keys, contents, rows = self._buffer()
        partitions = keys >> _U64(64 - PARTITION_BITS)
        order = np.argsort(partitions, kind="stable")
        bounds = np.searchsorted(partitions[order], np.arange((1 << PARTITION_BITS) + 1, dtype=_U64))
        for partition in range(1 << PARTITION_BITS):
            chosen = order[bounds[partition] : bounds[partition + 1]]
            if len(chosen):
                records = np.empty((len(chosen), 3), np.uint64)
                records[:, 0], records[:, 1], records[:, 2] = keys[chosen], contents[chosen], rows[chosen].view(_U64)
                with open(self._path(partition), "ab") as file:
                    file.write(records.tobytes())
        self._parts, self._buffered = [], 0

    def _buffer(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self._parts:
            return np.array([], _U64), np.array([], _U64), np.array([], np.int64)
        return tuple(np.concatenate([part[i] for part in self._parts]) for i in range(3))  # type: ignore

    def partitions(self) -> Iterator[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The spooled rows, one partition (by the top bits of the key hash) after the other."""
        if self._folder is None:
            keys, contents, rows = self._buffer()
            self._parts = []  # the concatenation holds them now
            # Partitioned in memory too: matching needs a few times a partition's size.
            partitions = (keys >> _U64(64 - PARTITION_BITS)).astype(np.uint8)
            order = np.argsort(partitions, kind="stable")
            bounds = np.searchsorted(partitions[order], np.arange((1 << PARTITION_BITS) + 1))
            for partition in range(1 << PARTITION_BITS):
                chosen = order[bounds[partition] : bounds[partition + 1]]
                yield keys[chosen], contents[chosen], rows[chosen]
            return
        self.spill()
        try:
            for partition in range(1 << PARTITION_BITS):
                path = self._path(partition)
                records = np.fromfile(path, np.uint64).reshape(-1, 3) if os.path.exists(path) else np.zeros((0, 3), _U64)
                yield records[:, 0].copy(), records[:, 1].copy(), records[:, 2].view(np.int64).copy()
        finally:
            self._folder.cleanup()
            self._folder = None


@dataclass
class _Tally:
    examples: int
    added_count: int = 0
    removed_count: int = 0
    changed_count: int = 0
    matched_count: int = 0
    added: List[int] = field(default_factory=list)  # pending row numbers
    removed: List[int] = field(default_factory=list)  # released row numbers
    changed: List[Tuple[int, int]] = field(default_factory=list)  # (released, pending) rows

    def keep_first(self) -> None:
        self.added = sorted(self.added)[: self.examples]
        self.removed = sorted(self.removed)[: self.examples]
        self.changed = sorted(self.changed, key=lambda pair: pair[1])[: self.examples]


def _unique_by_occurrence(keys: np.ndarray) -> np.ndarray:
    """Keys made unique by their occurrence: the n-th row with a key (in file order) matches
    the n-th row with that key in the other file."""
    ordered = np.sort(keys)
    if not (ordered[1:] == ordered[:-1]).any():
        return keys
    order = np.argsort(keys, kind="stable")  # equal keys stay in file order
    ordered = keys[order]
    first = np.ones(len(ordered), bool)
    first[1:] = ordered[1:] != ordered[:-1]
    positions = np.arange(len(ordered))
    occurrence = positions - np.maximum.accumulate(np.where(first, positions, 0))
    with np.errstate(over="ignore"):
        unique = np.where(occurrence == 0, ordered, mix64(ordered ^ mix64(occurrence.astype(_U64))))
    result = np.empty_like(keys)
    result[order] = unique
    return result


def _pairs(released: np.ndarray, pending: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Indices (released, pending) of equal keys, each key unique on its side: one sort of
    both sides together, equal keys end up next to each other."""
    keys = np.concatenate([released, pending])
    order = np.argsort(keys)
    ordered = keys[order]
    at = np.flatnonzero(ordered[1:] == ordered[:-1])
    first, second = order[at], order[at + 1]
    return np.minimum(first, second), np.maximum(first, second) - len(released)


def _smallest(values: np.ndarray, count: int) -> np.ndarray:
    if len(values) <= count:
        return np.sort(values)
    return np.sort(np.partition(values, count - 1)[:count])


def _match(released: _Spool, pending: _Spool, examples: int) -> _Tally:
    tally = _Tally(examples)
    for (r_keys, r_contents, r_rows), (p_keys, p_contents, p_rows) in zip(released.partitions(), pending.partitions()):
        partner, found = _pairs(_unique_by_occurrence(r_keys), _unique_by_occurrence(p_keys))
        added = np.delete(p_rows, found)
        removed = np.delete(r_rows, partner)
        differs = r_contents[partner] != p_contents[found]
        tally.added_count += len(added)
        tally.removed_count += len(removed)
        tally.matched_count += len(partner)
        tally.changed_count += int(differs.sum())
        tally.added.extend(_smallest(added, examples).tolist())
        tally.removed.extend(_smallest(removed, examples).tolist())
        changed_pending = p_rows[found][differs]
        changed_released = r_rows[partner][differs]
        first = np.argsort(changed_pending, kind="stable")[:examples]
        tally.changed.extend(zip(changed_released[first].tolist(), changed_pending[first].tolist()))
        tally.keep_first()
    return tally


# Examples


def mask(text: str) -> str:
    """The shape of a value, not the value: each word keeps its first letter, every other
    letter and every digit becomes •."""
    return _WORD.sub(lambda m: (m.group()[0] if not m.group()[0].isdigit() else "•") + "•" * (len(m.group()) - 1), text)


def _shown(name: str, value: Optional[str], masked: Set[str]) -> str:
    text = value or ""
    if name in masked and text:
        text = mask(text)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _row_example(row: int, cells: Dict[str, str], labels: List[str], masked: Set[str]) -> Dict[str, Any]:
    names = list(dict.fromkeys(labels))
    return {
        "row": row,
        "cells": [{"column": name, "value": _shown(name, cells.get(name), masked)} for name in names[:EXAMPLE_COLUMNS]],
        "more_columns": max(len(names) - EXAMPLE_COLUMNS, 0),
    }


def _changed_example(
    released_row: int, pending_row: int, before: Dict[str, str], after: Dict[str, str],
    key: List[str], common: List[str], masked: Set[str],
) -> Dict[str, Any]:
    changed = [name for name in common if _same_text(before.get(name)) != _same_text(after.get(name))]
    return {
        "released_row": released_row,
        "pending_row": pending_row,
        "key": [{"column": name, "value": _shown(name, after.get(name), masked)} for name in key],
        "cells": [
            {"column": name, "released": _shown(name, before.get(name), masked), "pending": _shown(name, after.get(name), masked)}
            for name in changed[:EXAMPLE_COLUMNS]
        ],
        "more_columns": max(len(changed) - EXAMPLE_COLUMNS, 0),
    }


def _same_text(value: Optional[str]) -> str:
    return value or ""
