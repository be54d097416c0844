"""Reading tables in batches: CSV/TSV, XLSX and JSON.

Detection follows frictionless-py step by step, so both engines see the same
table: the encoding comes from frictionless's own detector on the first
100 kB, the CSV dialect from ``csv.Sniffer`` on the first 100 lines, and the
header row from the width of the first 100 rows.

CSV is parsed by pyarrow's streaming reader when the dialect is one pyarrow
reads exactly like Python's ``csv`` module; rows of the wrong width come back
through pyarrow's invalid-row handler with their row number and are re-parsed
by ``csv``. Everything else goes through ``csv``/openpyxl/ijson in batches.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from frictionless import Detector
from frictionless.helpers import stringify_label

from .defaults import FORMATS
from .errors import ChecksError

BUFFER_SIZE = 100_000  # frictionless Detector.buffer_size
SAMPLE_LINES = 100  # frictionless CsvParser sample
SAMPLE_ROWS = 100  # frictionless Detector.sample_size
ARROW_BLOCK_SIZE = 1 << 20  # pyarrow reads ~20 blocks ahead: this bounds memory
PYTHON_BATCH_ROWS = 20_000
PROGRESS_STEP = 16 << 20

# Zip bomb guard for XLSX: limits on what the zip directory declares.
XLSX_MAX_UNCOMPRESSED = 1 << 30
XLSX_MAX_RATIO = 200
XLSX_MAX_MEMBERS = 10_000
JSON_MAX_DEPTH = 64  # nesting levels of a JSON table (rows are at level 2)

BINARY_MAGIC = {
    b"PK\x03\x04": "a zip archive (maybe XLSX)",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an OLE document (maybe XLS)",
}
TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")

ProgressCallback = Callable[[int, int], None]


class ArrowGaveUp(ChecksError):
    """pyarrow could not read this CSV (e.g. a cell longer than a block): use the csv module."""


@dataclass
class Batch:
    """Consecutive content rows, as columns.

    ``columns`` hold one pyarrow string array or one sequence of cells per expected
    field; absent cells (short rows) are null/None. ``widths`` is the number
    of cells each row really had (None: all had the expected width) and
    ``extra_cells`` lists (row number, field number, cell) beyond it.
    """

    row_numbers: np.ndarray
    columns: List[Union[pa.Array, Sequence[Any]]]
    widths: Optional[np.ndarray] = None
    extra_cells: List[Tuple[int, int, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.row_numbers)


@dataclass
class Table:
    """An opened tabular file: what was detected, and its content in batches."""

    path: str
    format: str
    encoding: Optional[str]
    labels: List[str]
    header_row: Optional[int]
    fragment: List[List[Any]]
    dialect: Dict[str, Any] = field(default_factory=dict)
    csv_dialect: Optional[Any] = None
    raw_header: List[str] = field(default_factory=list)  # header cells before stripping
    _rows: Optional[Iterator[List[Any]]] = None
    _close: Optional[Callable[[], None]] = None
    _position: Optional[Callable[[], int]] = None  # bytes read so far, for progress
    progress: Optional[ProgressCallback] = None
    size: int = 0

    @property
    def empty(self) -> bool:
        return not (self.labels or self.fragment)

    def close(self) -> None:
        if self._close:
            self._close()
            self._close = None

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def arrow_compatible(self) -> bool:
        """Whether pyarrow parses this CSV exactly as Python's csv module would."""
        d = self.csv_dialect
        return (
            self.format == "csv"  # frictionless reads TSV with newline translation
            and d is not None
            and self.header_row == 1
            and bool(self.labels)
            and not any("\n" in label or "\r" in label for label in self.raw_header)
            and d.doublequote
            and not d.skipinitialspace
            and d.escapechar is None
            and d.quoting != csv.QUOTE_NONE
            and len(d.delimiter) == 1
        )

    def batches(self, width: int, *, use_arrow: bool) -> Iterator[Batch]:
        """Content rows after the header, ``width`` cells expected per row."""
        if use_arrow and self.arrow_compatible():
            self.close()  # the sample reader is not needed: pyarrow reopens the file
            yield from _arrow_batches(self, width)
            return
        assert self._rows is not None
        first = (self.header_row or 0) + 1
        next_report = PROGRESS_STEP
        while True:
            rows = list(islice(self._rows, PYTHON_BATCH_ROWS))
            if not rows:
                return
            numbers = np.arange(first, first + len(rows), dtype=np.int64)
            first += len(rows)
            yield rows_to_batch(rows, numbers, width)
            if self.progress and self._position and self._position() >= next_report:
                self.progress(self._position(), self.size)
                next_report = self._position() + PROGRESS_STEP


def rows_to_batch(rows: List[List[Any]], numbers: np.ndarray, width: int) -> Batch:
    """Transpose rows to columns; short rows are padded with None, long ones cut."""
    widths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    extra: List[Tuple[int, int, Any]] = []
    ragged = np.flatnonzero(widths != width)
    if len(ragged):
        rows = list(rows)
        for index in ragged:
            cells = rows[index]
            for position, cell in enumerate(cells[width:], start=width + 1):
                extra.append((int(numbers[index]), position, cell))
            rows[index] = list(cells[:width]) + [None] * (width - len(cells))
    columns = list(zip(*rows)) if rows else [() for _ in range(width)]
    return Batch(numbers, [_as_arrow_if_text(c) for c in columns], widths if len(ragged) else None, extra)


def _as_arrow_if_text(values: Sequence[Any]) -> Union[pa.Array, Sequence[Any]]:
    """Text-only columns become pyarrow arrays (fast checks); typed cells (XLSX, JSON) stay."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return values


# Opening


def open_table(
    path: str,
    *,
    format: Optional[str] = None,
    progress: Optional[ProgressCallback] = None,
    encoding: Optional[str] = None,
) -> Table:
    """Open a table; ``encoding`` (CSV/TSV) overrides frictionless's detection."""
    if not os.path.isfile(path):
        raise ChecksError(f"{path}: no such file", "file-not-found")
    fmt = (format or _format_from_name(path) or _format_from_content(path)).lower()
    if fmt not in FORMATS:
        raise ChecksError(f"{path}: unsupported format {fmt!r} (supported: {', '.join(FORMATS)})", "unsupported-format")
    try:
        if fmt in ("csv", "tsv"):
            table = _open_csv(path, fmt, encoding)
        elif fmt == "xlsx":
            table = _open_xlsx(path)
        else:
            table = _open_json(path)
    except OSError as error:
        raise ChecksError(f"{path}: cannot read: {error.strerror or error}") from None
    table.progress = progress
    table.size = os.path.getsize(path)
    return table


def _format_from_name(path: str) -> Optional[str]:
    extension = os.path.splitext(path)[1].lower().lstrip(".")
    return {"tab": "tsv", "xlsm": "xlsx"}.get(extension, extension) or None


def _format_from_content(path: str) -> str:
    with open(path, "rb") as file:
        head = file.read(64).lstrip()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"["):
        return "json"
    return "csv"


def _sniff(sample: str, fmt: str) -> Any:
    """The csv dialect frictionless's CsvParser reads with (CsvControl.to_python)."""
    try:
        sniffed = csv.Sniffer().sniff(sample, "\t" if fmt == "tsv" else ",\t;|")
    except csv.Error:
        sniffed = csv.excel()
    dialect = csv.excel()
    dialect.delimiter = "\t" if fmt == "tsv" else sniffed.delimiter
    dialect.doublequote = True  # frictionless keeps its default, whatever was sniffed
    dialect.escapechar = sniffed.escapechar
    dialect.lineterminator = sniffed.lineterminator
    # a sniffed ' is "confused with embedded JSON" (frictionless-py#493)
    dialect.quotechar = '"' if sniffed.quotechar == "'" else sniffed.quotechar
    dialect.quoting = csv.QUOTE_MINIMAL
    dialect.skipinitialspace = sniffed.skipinitialspace
    return dialect


def _header(sample: List[List[Any]]) -> Tuple[Optional[int], List[str], List[List[Any]]]:
    """frictionless Detector.detect_dialect: the first row close to the average width."""
    header_row = 1
    if sample:
        widths = [len(cells) for cells in sample]
        width = round(sum(widths) / len(widths))
        drift = max(round(width * 0.1), 1)
        for number, cells in enumerate(sample, start=1):
            if width - drift <= len(cells) <= width + drift:
                header_row = number
                break
    labels = stringify_label(sample[header_row - 1]) if len(sample) >= header_row else []
    return header_row, labels, sample[header_row:]


def _check_text(path: str, buffer: bytes, fmt: str) -> None:
    for magic, kind in BINARY_MAGIC.items():
        if buffer.startswith(magic):
            raise ChecksError(f"{path} looks like {kind}, not {fmt.upper()} text")
    if b"\x00" in buffer and not buffer.startswith(TEXT_BOMS):
        raise ChecksError(f"{path} looks like a binary file (it contains NUL bytes), not {fmt.upper()} text")


def _open_csv(path: str, fmt: str, encoding: Optional[str] = None) -> Table:
    with open(path, "rb") as file:
        buffer = file.read(BUFFER_SIZE)
    _check_text(path, buffer, fmt)
    encoding = encoding or Detector().detect_encoding(buffer)
    raw = open(path, "rb")
    # frictionless reads CSV with newline="" and other text with universal newlines
    text = io.TextIOWrapper(raw, encoding, newline="" if fmt == "csv" else None)
    try:
        lines = list(islice(text, SAMPLE_LINES))
        dialect = _sniff("".join(lines), fmt)
        reader = csv.reader(chain(lines, text), dialect=dialect)
        sample = list(islice(reader, SAMPLE_ROWS))
    except UnicodeDecodeError as error:
        text.close()
        raise ChecksError(f"{path}: cannot decode the text as {encoding}: {error.reason}") from None
    except csv.Error as error:
        text.close()
        raise ChecksError(f"{path}: cannot parse as {fmt.upper()}: {error}") from None
    header_row, labels, fragment = _header(sample)
    rows = _guarded_csv_rows(path, encoding, fmt, chain(sample[header_row:], reader))
    return Table(
        path=path,
        format=fmt,
        encoding=encoding,
        labels=labels,
        header_row=header_row,
        fragment=fragment,
        dialect={
            "delimiter": dialect.delimiter,
            "quotechar": dialect.quotechar,
            "doublequote": dialect.doublequote,
            "escapechar": dialect.escapechar,
            "skipinitialspace": dialect.skipinitialspace,
            "header": True,
            "header_row": header_row,
        },
        csv_dialect=dialect,
        raw_header=[str(cell) for cell in sample[header_row - 1]] if len(sample) >= header_row else [],
        _rows=rows,
        _close=text.close,
        _position=raw.tell,
    )


def _guarded_csv_rows(path: str, encoding: str, fmt: str, rows: Iterator[List[str]]) -> Iterator[List[str]]:
    try:
        yield from rows
    except UnicodeDecodeError as error:
        raise ChecksError(f"{path}: cannot decode the text as {encoding}: {error.reason}") from None
    except csv.Error as error:
        raise ChecksError(f"{path}: cannot parse as {fmt.upper()}: {error}") from None


def _arrow_batches(table: Table, width: int) -> Iterator[Batch]:
    dialect = table.csv_dialect
    names = [f"c{index}" for index in range(width)]
    invalid: List[Tuple[int, str]] = []

    def on_invalid_row(row: Any) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    encoding = table.encoding or "utf-8"
    arrow_encoding = "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
    source = pa.OSFile(table.path, "rb")  # native reads: no Python copy of each block
    reader = None
    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(
                use_threads=False,  # invalid rows only carry their number when single-threaded
                block_size=ARROW_BLOCK_SIZE,
                skip_rows=1,
                column_names=names,
                encoding=arrow_encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter,
                quote_char=dialect.quotechar or False,
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        next_number = 2
        next_report = PROGRESS_STEP
        while True:
            try:
                record_batch = reader.read_next_batch()
            except StopIteration:
                break
            # the handler appends in row order, possibly already for blocks read ahead
            numbers = _valid_row_numbers(next_number, record_batch.num_rows, [n for n, _ in invalid])
            last = int(numbers[-1]) if len(numbers) else next_number - 1
            mine = [(number, text) for number, text in invalid if number <= last]
            del invalid[: len(mine)]
            next_number = last + 1
            yield _with_ragged(record_batch.columns, numbers, mine, width, dialect)
            if table.progress and source.tell() >= next_report:
                table.progress(source.tell(), table.size)
                next_report = source.tell() + PROGRESS_STEP
        if invalid:
            empty = [pa.array([], pa.string())] * width
            yield _with_ragged(empty, np.array([], np.int64), list(invalid), width, dialect)
    except pa.ArrowInvalid as error:
        raise ArrowGaveUp(f"{table.path}: pyarrow cannot parse this CSV: {error}") from None
    finally:
        if reader is not None:
            reader.close()  # stops pyarrow's read-ahead thread before the file goes
        source.close()


def _valid_row_numbers(start: int, count: int, invalid_numbers: List[int]) -> np.ndarray:
    """Row numbers of ``count`` parsed rows from ``start``, skipping the invalid ones.

    With invalid row j (sorted) at number n_j, a_j = n_j - start - j valid rows
    precede it; valid row k is then start + k + #{j : a_j <= k}.
    """
    positions = np.arange(count, dtype=np.int64)
    if not invalid_numbers:
        return start + positions
    before = np.asarray(invalid_numbers, dtype=np.int64) - start - np.arange(len(invalid_numbers))
    return start + positions + np.searchsorted(before, positions, side="right")


def _with_ragged(columns: List[pa.Array], numbers: np.ndarray, ragged: List[Tuple[int, str]], width: int, dialect: Any) -> Batch:
    """Append rows pyarrow refused (wrong width), re-parsed by Python's csv module."""
    if not ragged:
        return Batch(numbers, list(columns))
    rows = [next(csv.reader(io.StringIO(text, newline=""), dialect=dialect), []) for _, text in ragged]
    extra_numbers = np.array([n for n, _ in ragged], dtype=np.int64)
    tail = rows_to_batch(rows, extra_numbers, width)
    widths = np.concatenate([np.full(len(numbers), width, dtype=np.int64), np.fromiter(map(len, rows), np.int64, len(rows))])
    merged = [pa.concat_arrays([column, pa.array(extra, pa.string()) if isinstance(extra, list) else extra]) for column, extra in zip(columns, tail.columns)]
    return Batch(np.concatenate([numbers, extra_numbers]), merged, widths, tail.extra_cells)


# XLSX


def _check_zip(path: str) -> None:
    """Refuse zip bombs by what the zip directory declares, before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ChecksError(f"{path} is not a valid XLSX file (not a zip archive)") from None
    if len(members) > XLSX_MAX_MEMBERS:
        raise ChecksError(f"{path}: refused, the XLSX archive has {len(members)} members", "input-refused")
    total = sum(member.file_size for member in members)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise ChecksError(
            f"{path}: refused, the XLSX archive would expand to {total} bytes (possible zip bomb)", "input-refused"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > (1 << 20) and ratio > XLSX_MAX_RATIO:
            raise ChecksError(
                f"{path}: refused, member {member.filename!r} expands {ratio:.0f} times (possible zip bomb)",
                "input-refused",
            )


def _open_xlsx(path: str) -> Table:
    import warnings

    import openpyxl
    from frictionless.formats.excel.parsers.xlsx import extract_row_values

    _check_zip(path)
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it skips
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for broken files
        raise ChecksError(f"{path} is not a readable XLSX file: {error}") from None

    def rows() -> Iterator[List[Any]]:
        try:
            for cells in sheet.iter_rows():
                yield extract_row_values(cells, False, False, stringified=False)
        except Exception as error:  # the sheet breaks after its first rows (openpyxl reads lazily)
            raise ChecksError(f"{path} is not a readable XLSX file: {error}") from None

    stream = rows()
    sample = list(islice(stream, SAMPLE_ROWS))
    header_row, labels, fragment = _header(sample)
    return Table(
        path=path,
        format="xlsx",
        encoding=None,
        labels=labels,
        header_row=header_row,
        fragment=fragment,
        dialect={"sheet": sheet.title, "header": True, "header_row": header_row},
        _rows=chain(sample[header_row:], stream),
        _close=book.close,
    )


# JSON


def _json_items(file: Any, path: str) -> Iterator[Any]:
    """The elements of the top-level array, as ``ijson.items(file, "item")``, refusing deep nesting.

    ijson's prefixed events cost memory quadratic in the nesting depth (a 200 kB
    file of ``[`` takes over 20 GB), so rows are built from ``basic_parse``,
    which has no prefixes, and the depth is checked as the parser goes.
    """
    import ijson
    from ijson.common import ObjectBuilder

    depth = 0
    top_is_array = False  # anything else has no rows, but is parsed to the end (it may be broken)
    builder: Optional[ObjectBuilder] = None
    for event, value in ijson.basic_parse(file):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > JSON_MAX_DEPTH:
                raise ChecksError(f"{path}: refused, JSON nested deeper than {JSON_MAX_DEPTH} levels", "input-refused")
            if depth == 1:
                top_is_array = event == "start_array"
                continue
            if depth == 2 and top_is_array:
                builder = ObjectBuilder()
        elif event in ("end_map", "end_array"):
            depth -= 1
        if builder is not None:
            builder.event(event, value)
            if depth == 1:
                yield builder.value
                builder = None
        elif depth == 1 and top_is_array:
            yield value


def _open_json(path: str) -> Table:
    import ijson

    file = open(path, "rb")
    items = _json_items(file, path)
    try:
        first = next(items, None)
    except ijson.JSONError as error:
        file.close()
        raise ChecksError(f"{path} is not valid JSON: {error}") from None
    keyed = isinstance(first, dict)

    def rows() -> Iterator[List[Any]]:
        if first is None:
            return
        header = list(first.keys()) if keyed else None
        if keyed:
            yield header
        try:
            for item in chain([first], items):
                if keyed and isinstance(item, dict):
                    yield [item.get(key) for key in header]
                elif not keyed and isinstance(item, (list, tuple)):
                    yield list(item)
                else:
                    raise ChecksError(f"{path}: a JSON table is an array of objects or an array of arrays")
        except ijson.JSONError as error:
            raise ChecksError(f"{path} is not valid JSON: {error}") from None

    if first is not None and not isinstance(first, (dict, list, tuple)):
        file.close()
        raise ChecksError(f"{path}: a JSON table is an array of objects or an array of arrays")
    stream = rows()
    sample = list(islice(stream, SAMPLE_ROWS))
    header_row, labels, fragment = _header(sample)
    return Table(
        path=path,
        format="json",
        encoding="utf-8",
        labels=labels,
        header_row=header_row,
        fragment=fragment,
        dialect={"keyed": keyed, "header": True, "header_row": header_row},
        _rows=chain(sample[header_row:], stream),
        _close=file.close,
    )
