"""``validate_table``: one file, one Table Schema, one report."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Full, Queue
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

import numpy as np
import pyarrow as pa
from frictionless import Detector, Schema
from frictionless.system import system

from .privacy import PrivacyConfig, TablePrivacy
from .integrity import DuplicateFinder, combine_keys
from .readers import ArrowGaveUp, Batch, Table, open_table
from .report import DEFAULT_ERROR_LIMIT, ROW_ORDER, CheckError, Report
from .schema import SchemaSource, load_schema
from .structure import check_header, missing_cells
from .table_schema import FieldCheck, KEY_NONE

# Columns are checked in parallel when there are cores to spare: one core parses ahead.
WORKERS = max(1, min(4, (os.cpu_count() or 1) - 1))


def validate_table(
    path: Union[str, Path],
    schema: Union[None, Dict[str, Any], str, Path] = None,
    *,
    format: Optional[str] = None,
    registry_dir: Union[str, Path, None] = None,
    allow_private_urls: bool = False,
    privacy: Union[bool, PrivacyConfig] = True,
    progress: Optional[Callable[[int, int], None]] = None,
    error_limit: int = DEFAULT_ERROR_LIMIT,
) -> Report:
    """Check a CSV, TSV, XLSX or JSON table against a Table Schema.

    :param schema: None (infer one and suggest it), a dict, JSON text, an
        http(s) URL, a JSON file path or a registry name.
    :param privacy: run the privacy checks (True: with the default config, or with this
        PrivacyConfig) or skip them (False); ``report.privacy_status`` says which happened.
    :param progress: called with (bytes read, total bytes) on long files.
    :param error_limit: how many error objects the report keeps; counts are
        always complete.
    :raises ChecksError: unreadable input, or a schema that cannot be used.
    """
    started = time.perf_counter()
    source: Optional[SchemaSource] = None
    if schema is not None:
        source = load_schema(schema, registry_dir=registry_dir, allow_private_urls=allow_private_urls)
    try:
        report = _validate(str(path), source, format, privacy, progress, error_limit, allow_arrow=True)
    except ArrowGaveUp:  # e.g. a cell longer than pyarrow's block: the csv module reads it
        report = _validate(str(path), source, format, privacy, progress, error_limit, allow_arrow=False)
    report.seconds = time.perf_counter() - started
    return report


def _validate(path, source, format, privacy, progress, error_limit, *, allow_arrow: bool) -> Report:
    with open_table(path, format=format, progress=progress) as table:
        report = Report(
            error_limit=error_limit,
            format=table.format,
            encoding=table.encoding,
            dialect=table.dialect,
        )
        if table.empty:
            report.errors.append(CheckError("source-error", "the source is empty"))
            report.error_counts["source-error"] += 1
            return report
        if source is None:
            inferred = Detector().detect_schema(
                table.fragment,
                labels=table.labels,
                field_candidates=system.detect_field_candidates(),
                header_case=True,
            )
            report.suggested_schema = inferred.to_descriptor()
            fl_schema = inferred
        else:
            fl_schema = source.schema
            report.schema_source = {"kind": source.kind, "location": source.location}
        report.schema = fl_schema.to_descriptor()
        _TableRun(table, fl_schema, report, privacy, allow_arrow).run()
    return report


class _TableRun:
    def __init__(self, table: Table, schema: Schema, report: Report, privacy: Union[bool, PrivacyConfig], allow_arrow: bool):
        self.table = table
        self.schema = schema
        self.report = report
        self.stored: List[CheckError] = []
        header_errors, self.fields = check_header(table.labels, schema.fields)
        for error in header_errors:
            self._count(error.code)
        self.stored.extend(header_errors)
        names = [field.name for field in self.fields]
        self.unique_fields = [i for i, f in enumerate(self.fields) if f.constraints.get("unique")]
        primary = list(schema.primary_key)
        # frictionless skips the primary key check when a key field has no column
        self.primary = [names.index(name) for name in primary] if primary and set(primary) <= set(names) else []
        keyed = set(self.unique_fields) | set(self.primary)
        self.checks = [FieldCheck(field, want_key=index in keyed) for index, field in enumerate(self.fields)]
        self.finders: Dict[Tuple[int, ...], DuplicateFinder] = {}
        for i in self.unique_fields:
            self.finders.setdefault((i,), DuplicateFinder())
        if self.primary:
            self.finders.setdefault(tuple(self.primary), DuplicateFinder())
        self.privacy: Optional[TablePrivacy] = None
        if privacy is not False:
            config = privacy if isinstance(privacy, PrivacyConfig) else PrivacyConfig()
            fields = [(f.name, f.type, f.custom) for f in self.fields]
            self.privacy = self._guarded(lambda: TablePrivacy(fields, config))
        else:
            report.privacy_status = "skipped"
        # pyarrow turns an empty line into a row of "" where csv gives []: same only if "" is missing
        self.use_arrow = allow_arrow and all("" in check.missing_values for check in self.checks)
        report.reader = "pyarrow" if self.use_arrow and table.arrow_compatible() else "python"

    def _count(self, code: str, count: int = 1) -> None:
        if count:
            self.report.error_counts[code] += count

    def run(self) -> None:
        width = len(self.fields)
        with ThreadPoolExecutor(max_workers=WORKERS) as self.pool:
            for batch in _read_ahead(self.table.batches(width, use_arrow=self.use_arrow)):
                if len(batch):
                    self._check_batch(batch)
        self._integrity_errors()
        self.stored.sort(key=CheckError.sort_key)
        self.report.errors = self.stored[: self.report.error_limit]
        if self.privacy is not None:
            findings = self._guarded(self.privacy.findings)
            if findings is not None:
                self.report.privacy = findings
                self.report.privacy_status = "ran"

    def _guarded(self, work: Callable[[], Any]) -> Any:
        """Run a privacy step; if it fails, the report says so (never a silent pass).

        The exception's text may quote a cell, so only its class is kept.
        """
        try:
            return work()
        except Exception as error:  # noqa: BLE001 - any failure means "did not run"
            self.privacy = None
            self.report.privacy = []
            self.report.privacy_status = "error"
            self.report.privacy_error = f"the privacy checks failed ({error.__class__.__name__})"
            return None

    def _check_batch(self, batch: Batch) -> None:
        n = len(batch)
        width = len(self.fields)
        self.report.rows += n
        if WORKERS > 1:  # pyarrow and numpy release the GIL: columns side by side
            results = list(self.pool.map(FieldCheck.run, self.checks, batch.columns))
        else:
            results = [check.run(column) for check, column in zip(self.checks, batch.columns)]
        if self.privacy is not None:
            privacy = self.privacy
            self._guarded(lambda: privacy.observe(batch.columns))
        blank_row = np.logical_and.reduce([r.blank for r in results]) if results else np.ones(n, bool)
        kept = ~blank_row

        # (row index, field index, code, note, rank) groups, blank rows dropped
        groups: List[Tuple[np.ndarray, int, str, str, int]] = []
        for field_index, result in enumerate(results):
            for cell_errors in result.errors:
                idx = cell_errors.indices[kept[cell_errors.indices]]
                if len(idx):
                    groups.append((idx, field_index, cell_errors.code, cell_errors.note, cell_errors.rank))
        if batch.widths is not None:
            rows, field_indices = missing_cells(batch.widths, width)
            mask = kept[rows]
            for field_index in np.unique(field_indices[mask]):
                groups.append((rows[mask & (field_indices == field_index)], int(field_index), "missing-cell", "", 0))
        blank_idx = np.flatnonzero(blank_row)
        blank_numbers = set(batch.row_numbers[blank_idx].tolist()) if batch.extra_cells else set()
        extra = [(row, number, cell) for row, number, cell in batch.extra_cells if row not in blank_numbers]

        primary_none = self._collect_keys(batch, results)
        for idx, _, code, _, _ in groups:
            self._count(code, len(idx))
        self._count("extra-cell", len(extra))
        self._count("blank-row", len(blank_idx))
        self._count("primary-key", len(primary_none))
        self._store_batch(batch, groups, extra, blank_idx, primary_none)

    def _store_batch(self, batch: Batch, groups, extra, blank_idx, primary_none) -> None:
        """Materialise error objects only while under the limit (batches ascend by row)."""
        room = self.report.error_limit - len(self.stored)
        if room <= 0:
            return
        numbers = batch.row_numbers
        candidates: List[Tuple[Tuple[int, int, int, int], Tuple[Any, ...]]] = []
        for idx, field_index, code, note, rank in groups:
            for index in _first_by_row(idx, numbers, room):
                candidates.append(((int(numbers[index]), ROW_ORDER[code], field_index, rank), (code, index, field_index, note)))
        for row, number, cell in extra:
            candidates.append(((row, ROW_ORDER["extra-cell"], number - 1, 0), ("extra-cell", row, number, cell)))
        for index in _first_by_row(blank_idx, numbers, room):
            candidates.append(((int(numbers[index]), ROW_ORDER["blank-row"], 0, 0), ("blank-row", index)))
        for index in _first_by_row(primary_none, numbers, room):
            candidates.append(((int(numbers[index]), ROW_ORDER["primary-key"], 0, 0), ("primary-key", index)))
        candidates.sort(key=lambda item: item[0])
        for _, item in candidates[:room]:
            self.stored.append(self._error_object(batch, item))

    def _error_object(self, batch: Batch, item: Tuple[Any, ...]) -> CheckError:
        code = item[0]
        if code == "extra-cell":
            _, row, number, cell = item
            return CheckError(code, row=row, field_number=number, cell=str(cell))
        row = int(batch.row_numbers[item[1]])
        if code == "blank-row":
            return CheckError(code, row=row)
        if code == "primary-key":
            return CheckError(code, 'cells composing the primary keys are all "None"', row=row)
        _, index, field_index, note = item
        field = self.fields[field_index]
        if code == "missing-cell":
            return CheckError(code, row=row, field=field.name, field_number=field_index + 1, cell="")
        column = batch.columns[field_index]
        value = column[index].as_py() if isinstance(column, pa.Array) else column[index]
        return CheckError(code, note, row=row, field=field.name, field_number=field_index + 1, cell=str(value))

    def _collect_keys(self, batch: Batch, results) -> np.ndarray:
        """Feed the duplicate finders; return the rows whose primary key is all None."""
        rows = batch.row_numbers
        for index in self.unique_fields:
            self.finders[(index,)].add(results[index].key, rows)
        if not self.primary:
            return np.array([], np.int64)
        keys = [results[index].key for index in self.primary]
        if len(keys) == 1:
            combined, all_none = keys[0], keys[0] == KEY_NONE
        else:
            combined, all_none = combine_keys(keys)
        primary = tuple(self.primary)
        if not (len(primary) == 1 and primary[0] in self.unique_fields):  # else fed above
            self.finders[primary].add(combined, rows)
        return np.flatnonzero(all_none)

    def _integrity_errors(self) -> None:
        for key, finder in self.finders.items():
            rows, earlier = finder.duplicates()
            codes = []
            if len(key) == 1 and key[0] in self.unique_fields:
                codes.append("unique-error")
            if list(key) == self.primary:
                codes.append("primary-key")
            for code in codes:
                self._count(code, len(rows))
                for row, previous in zip(rows[: self.report.error_limit].tolist(), earlier.tolist()):
                    note = "the same as in the row at position %s" % previous
                    if code == "unique-error":
                        field = self.fields[key[0]]
                        self.stored.append(CheckError(code, note, row=row, field=field.name, field_number=key[0] + 1))
                    else:
                        self.stored.append(CheckError(code, note, row=row))


def _first_by_row(idx: np.ndarray, numbers: np.ndarray, room: int) -> List[int]:
    """At most ``room`` of the indices, those with the smallest row numbers."""
    if len(idx) <= room:
        return idx.tolist()
    return idx[np.argsort(numbers[idx], kind="stable")[:room]].tolist()


_DONE = object()


def _read_ahead(batches: Iterator[Batch], depth: int = 2) -> Iterator[Batch]:
    """Parse the next batches in a thread while this one is checked (parsing releases the GIL)."""
    queue: "Queue[Any]" = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)
        finally:
            close = getattr(batches, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="governance-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
