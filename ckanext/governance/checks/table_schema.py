"""Vectorised Table Schema cell checks, one column of one batch at a time.

Every field type has a *canonical* spelling (ASCII digits in a fixed layout)
that pyarrow and numpy parse exactly as frictionless-py would; that is the hot
path. Cells outside it (errors, and unusual but valid spellings such as
``" 1_000"`` for an integer) go through frictionless's own cell reader, once
per distinct value, so the two engines agree cell by cell.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from frictionless import Field

KEY_NONE = np.uint64(0)  # key of a None value (blank cell or type error)
MEMO_LIMIT = 200_000
MAX_FLOAT_DIGITS = 15  # decimals up to 15 significant digits survive float64 exactly, in order
_U64 = np.uint64
_NAN_KEYS = itertools.count(1)

# pyarrow imports pandas on its first conversion from Python (~0.15 s): let that
# happen at import time, with the other imports, not inside the first validation.
pa.scalar(0)


@dataclass
class CellErrors:
    code: str  # "type-error" or "constraint-error"
    note: str
    rank: int  # order inside the cell: type first, then constraints in frictionless order
    indices: np.ndarray


@dataclass
class ColumnResult:
    blank: np.ndarray  # bool per row: absent or a missing value (no type error)
    errors: List[CellErrors]
    key: Optional[np.ndarray]  # uint64 per row for unique/primary key checks; KEY_NONE = None


# Hashing for unique and primary key checks


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads integer bit patterns over 64 bits."""
    with np.errstate(over="ignore"):
        z = values.astype(_U64, copy=True) + _U64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        return z ^ (z >> _U64(31))


def _numeric_bits(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return (values + 0.0).view(_U64)  # -0.0 == 0.0
    return values.astype(np.int64).view(_U64)


def _python_hash(value: Any) -> int:
    return hash(value) & 0xFFFFFFFFFFFFFFFF


_POWERS: Dict[int, np.ndarray] = {}


def _powers(multiplier: int, count: int) -> np.ndarray:
    """multiplier**k modulo 2**64 for k < count (numpy integer products wrap around)."""
    table = _POWERS.get(multiplier)
    if table is None or len(table) < count:
        size = max(count, 1024)
        with np.errstate(over="ignore"):
            table = np.concatenate([[_U64(1)], np.cumprod(np.full(size - 1, multiplier, dtype=_U64))])
        _POWERS[multiplier] = table
    return table


def string_hashes(column: pa.Array) -> np.ndarray:
    """64-bit hashes of the UTF-8 bytes of each string (no nulls), vectorised.

    Two polynomial hashes modulo 2**64 over the bytes, with the length, mixed.
    """
    column = pa.concat_arrays([column]) if column.offset else column  # offset 0
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[: len(column) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    data = data[offsets[0] : offsets[-1]].astype(_U64)
    offsets = offsets - offsets[0]
    lengths = np.diff(offsets)
    result = mix64(lengths.astype(_U64))
    if not len(data):
        return result
    position = np.arange(len(data), dtype=np.int64) - np.repeat(offsets[:-1], lengths)
    # Sums over the non-empty strings only: each then ends where the next one starts (an
    # empty string's start, clamped into the data, would cut the last byte off the string
    # before it).
    filled = lengths > 0
    starts = offsets[:-1][filled]
    with np.errstate(over="ignore"):
        for multiplier in (0x100000001B3, 0x9E3779B97F4A7C15 | 1):
            terms = data * _powers(multiplier, int(lengths.max()))[position]
            sums = np.zeros(len(lengths), _U64)
            sums[filled] = np.add.reduceat(terms, starts)
            result = mix64(result ^ sums)
    return result


# Canonical parsers


def _filled(column: pa.Array, mask: np.ndarray, dummy: str) -> pa.Array:
    """Column with every cell outside ``mask`` replaced by ``dummy`` (no nulls)."""
    return pc.if_else(pa.array(mask, pa.bool_()), column, pa.scalar(dummy, pa.string()))


def _digits(column: pa.Array, positions: List[int]) -> np.ndarray:
    """Decimal digits at fixed byte positions of every cell (all cells long enough)."""
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[column.offset : column.offset + len(column) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    return data[offsets[:-1, None] + np.asarray(positions)].astype(np.int64) - 48


def _number(digits: np.ndarray, start: int, width: int) -> np.ndarray:
    result = np.zeros(len(digits), dtype=np.int64)
    for offset in range(width):
        result = result * 10 + digits[:, start + offset]
    return result


def _lengths(column: pa.Array) -> np.ndarray:
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset : column.offset + len(column) + 1]
    return np.diff(offsets)


def _fixed_width_view(column: pa.Array, present: np.ndarray) -> Optional[np.ndarray]:
    """The cells as an (n, width) byte matrix, if every present cell has one width."""
    if not present.any() or column.null_count:
        return None
    lengths = _lengths(column)
    width = int(lengths[present][0])
    if width == 0 or np.any(lengths[present] != width):
        return None
    if not present.all():  # missing values of other widths: put a same-width placeholder
        column = _filled(column, present, "0" * width)
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset : column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(len(column), width)


def equals_any(column: pa.Array, values: List[str], lengths: Optional[np.ndarray] = None) -> np.ndarray:
    """Cells equal to one of ``values`` (nulls: False), by lengths and byte gathers."""
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset : column.offset + len(column) + 1]
    if lengths is None:
        lengths = np.diff(offsets)
    data = column.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    result = np.zeros(len(column), bool)
    for value in set(values):
        encoded = np.frombuffer(value.encode("utf-8"), dtype=np.uint8)
        idx = np.flatnonzero(lengths == len(encoded))
        if not len(encoded):
            result[idx] = True
            continue
        same = np.ones(len(idx), bool)
        starts = offsets[idx]
        for position, byte in enumerate(encoded):
            same &= data[starts + position] == byte
        result[idx[same]] = True
    if column.null_count:
        result &= column.is_valid().to_numpy(zero_copy_only=False)
    return result


def _view_number(view: np.ndarray, start: int, width: int) -> np.ndarray:
    result = np.zeros(len(view), dtype=np.int64)
    for offset in range(start, start + width):
        result = result * 10 + (view[:, offset].astype(np.int64) - 48)
    return result


def _layout_matches(view: np.ndarray, components, literals, length: int) -> np.ndarray:
    """Digits where the layout has digits, its literal bytes elsewhere, then an optional Z/±HH:MM."""
    ok = np.ones(len(view), bool)
    for start, width in components.values():
        for offset in range(start, start + width):
            ok &= (view[:, offset] - 48) < 10  # uint8 wraps below "0"
    for offset, byte in literals.items():
        ok &= view[:, offset] == byte
    extra = view.shape[1] - length
    if extra == 1:
        ok &= view[:, length] == ord("Z")
    elif extra == 6:
        ok &= (view[:, length] == ord("+")) | (view[:, length] == ord("-"))
        ok &= view[:, length + 3] == ord(":")
        for offset in (1, 2, 4, 5):
            ok &= (view[:, length + offset] - 48) < 10
    return ok


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    table = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return table[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian)."""
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    year_of_era = year - era * 400
    day_of_year = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def to_bool(array: pa.Array, null: bool = False) -> np.ndarray:
    """A pyarrow boolean array as numpy, nulls (absent cells) as ``null``."""
    return pc.fill_null(array, null).to_numpy(zero_copy_only=False)


def _regex_mask(column: pa.Array, present: np.ndarray, regex: str) -> np.ndarray:
    return present & to_bool(pc.match_substring_regex(column, regex))


class Parser:
    """Canonical spelling of one field type: which cells, which values.

    ``parse`` returns (canonical mask, values, aware) where values are numbers
    (int64/float64) that compare and hash like frictionless's Python values,
    ``aware`` marks timezone-aware datetimes (None when the type has none).
    ``value_of`` maps a Python value from frictionless to the same numbers.
    """

    def parse(self, column: pa.Array, present: np.ndarray) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]:
        raise NotImplementedError

    def value_of(self, value: Any) -> Optional[Tuple[float, bool]]:
        raise NotImplementedError


class IntegerParser(Parser):
    CANONICAL = r"^-?[0-9]{1,18}$"

    def __init__(self) -> None:
        self.cast_first = True  # until a batch shows odd cells: then the regex goes first

    def parse(self, column, present):
        if self.cast_first and present.all():
            try:  # pyarrow reads [+-]digits into int64 exactly as int() does; anything else fails
                return present, pc.cast(column, pa.int64()).to_numpy(), None
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                self.cast_first = False
        canon = _regex_mask(column, present, self.CANONICAL)
        values = pc.cast(_filled(column, canon, "0"), pa.int64()).to_numpy()
        return canon, values, None

    def value_of(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 10**18:
            return None
        return value, False


class NumberParser(Parser):
    CANONICAL = r"^-?[0-9]+(\.[0-9]+)?$"

    def __init__(self, field: Field):
        defined = set(field.list_defined())
        self.process = bool({"group_char", "decimal_char", "bare_number"} & defined)
        self.group_char = field.group_char
        self.decimal_char = field.decimal_char
        self.bare_number = field.bare_number

    def parse(self, column, present):
        text = column
        canon = present
        if self.process:
            if not self.bare_number:  # the leading/trailing strip pattern must be a no-op
                canon = _regex_mask(column, canon, r"^[-0-9].*[0-9]$|^[0-9]$")
            if self.group_char:
                text = pc.replace_substring(text, self.group_char, "")
            if self.decimal_char != ".":
                canon = canon & ~to_bool(pc.match_substring(text, "."))
                text = pc.replace_substring(text, self.decimal_char, ".")
        canon = _regex_mask(text, canon, self.CANONICAL)
        filled = _filled(text, canon, "0")
        lengths = _lengths(filled)
        if lengths.max(initial=0) > MAX_FLOAT_DIGITS:  # else no cell can have more digits
            negative = to_bool(pc.starts_with(filled, "-"))
            dotted = to_bool(pc.match_substring(filled, "."))
            canon = canon & (lengths - negative - dotted <= MAX_FLOAT_DIGITS)
        values = pc.cast(_filled(text, canon, "0"), pa.float64()).to_numpy() + 0.0
        return canon, values, None

    def value_of(self, value):
        if isinstance(value, bool):
            return None
        if isinstance(value, Decimal):
            if not value.is_finite() or len(value.normalize().as_tuple().digits) > MAX_FLOAT_DIGITS:
                return None
            return float(value) + 0.0, False
        if isinstance(value, int):
            return (float(value), False) if abs(value) < 10**MAX_FLOAT_DIGITS else None
        if isinstance(value, float):
            return (value + 0.0, False) if value == value and abs(value) != float("inf") else None
        return None


class BooleanParser(Parser):
    def __init__(self, field: Field):
        self.true_values = list(field.true_values)
        self.false_values = list(field.false_values)

    def parse(self, column, present):
        truthy = equals_any(column, self.true_values)
        falsy = equals_any(column, self.false_values)
        return present & (truthy | falsy), truthy.astype(np.int64), None

    def value_of(self, value):
        return (int(value), False) if isinstance(value, bool) else None


# strptime directives with a fixed-width, digits-only canonical form
_DIRECTIVES = {"%Y": ("Y", 4), "%m": ("m", 2), "%d": ("d", 2), "%H": ("H", 2), "%M": ("M", 2), "%S": ("S", 2)}


class TemporalParser(Parser):
    """date, datetime and time: the default ISO forms and simple strptime formats."""

    def __init__(self, field: Field):
        self.kind = field.type
        fmt = field.format
        self.tz = False
        if fmt == "default":
            fmt = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%dT%H:%M:%S", "time": "%H:%M:%S"}[self.kind]
            self.tz = self.kind == "datetime"  # isoparse also takes Z and +HH:MM
        self.layout = self._layout(fmt)

    @staticmethod
    def _layout(fmt: str):
        """(regex, {component: (byte offset, width)}, {byte offset: literal byte}, byte length)."""
        regex, components, literals, position = "", {}, {}, 0
        for token in re.findall(r"%.|[^%]", fmt):
            if token.startswith("%"):
                if token not in _DIRECTIVES or _DIRECTIVES[token][0] in components:
                    return None  # unsupported here: frictionless decides every cell
                name, width = _DIRECTIVES[token]
                components[name] = (position, width)
                regex += "[0-9]{%d}" % width
                position += width
            else:
                regex += re.escape(token)
                for byte in token.encode("utf-8"):
                    literals[position] = byte
                    position += 1
        if not components:
            return None
        return regex, components, literals, position

    def parse(self, column, present):
        if self.layout is None:
            return np.zeros(len(column), bool), np.zeros(len(column), np.int64), None
        regex, components, literals, length = self.layout
        view = _fixed_width_view(column, present)
        if view is not None and view.shape[1] in ((length, length + 1, length + 6) if self.tz else (length,)):
            # every present cell has one same width: check the layout on bytes, no regex
            canon = present & _layout_matches(view, components, literals, length)
            parts = {name: _view_number(view, start, width) for name, (start, width) in components.items()}
        else:
            suffix = "(Z|[+-][0-9]{2}:[0-9]{2})?" if self.tz else ""
            canon = _regex_mask(column, present, "^" + regex + suffix + "$")
            filled = _filled(column, canon, "0" * (length + 6))
            digits = _digits(filled, [start + i for start, width in components.values() for i in range(width)])
            parts = {}
            column_index = 0
            for name, (_, width) in components.items():
                parts[name] = _number(digits, column_index, width)
                column_index += width
        n = len(column)
        year = parts.get("Y", np.full(n, 1900))
        month = parts.get("m", np.ones(n, np.int64))
        day = parts.get("d", np.ones(n, np.int64))
        hour = parts.get("H", np.zeros(n, np.int64))
        minute = parts.get("M", np.zeros(n, np.int64))
        second = parts.get("S", np.zeros(n, np.int64))
        valid = (
            (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= _days_in_month(year, month))
            & (hour <= 23) & (minute <= 59) & (second <= 59)
        )
        aware = None
        offset = np.zeros(n, np.int64)
        if self.tz:
            lengths = _lengths(column)
            aware = lengths > length
            with_offset = canon & (lengths == length + 6)
            if with_offset.any():
                padded = _filled(column, with_offset, "0" * length + "+00:00")
                tz = _digits(padded, [length, length + 1, length + 2, length + 4, length + 5])
            else:
                tz = np.zeros((n, 5), np.int64)
            tz_hour, tz_minute = tz[:, 1] * 10 + tz[:, 2], tz[:, 3] * 10 + tz[:, 4]
            valid &= ~with_offset | ((tz_hour <= 23) & (tz_minute <= 59))
            sign = np.where(tz[:, 0] == ord("-") - 48, -1, 1)
            offset = np.where(with_offset, sign * (tz_hour * 60 + tz_minute), 0)
        canon = canon & valid
        if self.kind == "date":
            values = days_from_civil(year, month, day)
        elif self.kind == "time":
            values = ((hour * 60 + minute) * 60 + second) * 1_000_000
        else:
            days = days_from_civil(year, month, day)
            values = (((days * 24 + hour) * 60 + minute) * 60 + second - offset * 60) * 1_000_000
        return canon, values, aware

    def value_of(self, value):
        if self.kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
            days = days_from_civil(np.array([value.year]), np.array([value.month]), np.array([value.day]))
            return int(days[0]), False
        if self.kind == "time" and isinstance(value, time) and value.tzinfo is None:
            return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond, False
        if self.kind == "datetime" and isinstance(value, datetime):
            aware = value.utcoffset() is not None
            naive = value.replace(tzinfo=None) - (value.utcoffset() if aware else datetime.min - datetime.min)
            days = days_from_civil(np.array([naive.year]), np.array([naive.month]), np.array([naive.day]))
            seconds = ((int(days[0]) * 24 + naive.hour) * 60 + naive.minute) * 60 + naive.second
            return seconds * 1_000_000 + naive.microsecond, aware
        return None


class YearParser(Parser):
    def parse(self, column, present):
        canon = _regex_mask(column, present, r"^[0-9]{4}$")
        values = _number(_digits(_filled(column, canon, "0000"), [0, 1, 2, 3]), 0, 4)
        return canon, values, None

    def value_of(self, value):
        return (value, False) if isinstance(value, int) and not isinstance(value, bool) else None


def make_parser(field: Field) -> Optional[Parser]:
    if field.type == "integer":
        return IntegerParser()
    if field.type == "number":
        return NumberParser(field)
    if field.type == "boolean":
        return BooleanParser(field)
    if field.type in ("date", "datetime", "time") and field.format != "any":
        return TemporalParser(field)
    if field.type == "year":
        return YearParser()
    return None


# The column check


UUID_CANONICAL = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
RE2_UNSAFE = ("[:", "{,", "\\Z", "(?<", "(?=", "(?!", "\\1", "\\2")


class FieldCheck:
    """Type and constraint checks of one schema field, frictionless's semantics."""

    def __init__(self, field: Field, *, want_key: bool = False):
        self.field = field
        self.name = field.name
        self.want_key = want_key
        missing = field.missing_values
        if not field.has_defined("missing_values") and field.schema:
            missing = field.schema.missing_values
        self.missing_values = list(missing)
        self.cell_reader = field.create_cell_reader()
        value_reader = field.create_value_reader()
        self.constraints = {
            name: field.constraints[name]
            for name in field.supported_constraints
            if field.constraints.get(name) is not None
        }
        self.ranks = {name: index + 1 for index, name in enumerate(field.supported_constraints)}
        self.notes = {name: f'constraint "{name}" is "{value}"' for name, value in self.constraints.items()}
        self.type_note = f'type is "{field.type}/{field.format}"'
        self.textual = field.type in ("string", "any")
        self.parser = None if self.textual else make_parser(field)
        self.canonical_ok = self.textual or self.parser is not None
        self.bounds: Dict[str, Tuple[float, bool]] = {}
        self.enum_values: Optional[np.ndarray] = None
        self.enum_strings: Optional[pa.Array] = None
        self.pattern: Optional[str] = None
        self._prepare_constraints(value_reader)
        self.memo: Dict[Any, Tuple[Any, Dict[str, str]]] = {}

    def _prepare_constraints(self, value_reader: Any) -> None:
        """Constraint values in the canonical representation, or no canonical path."""
        for name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if name in self.constraints:
                bound = self.parser.value_of(value_reader(self.constraints[name])) if self.parser else None
                if bound is None:
                    self.canonical_ok = False
                else:
                    self.bounds[name] = bound
        if "enum" in self.constraints:
            items = [value_reader(item) for item in self.constraints["enum"]]
            if self.textual:
                self.enum_strings = pa.array([i for i in items if isinstance(i, str)], pa.string())
            else:
                mapped = [self.parser.value_of(i) if self.parser else None for i in items if i is not None]
                if any(m is None or m[1] for m in mapped) or self.field.type == "datetime":
                    self.canonical_ok = False
                else:
                    self.enum_values = np.array([m[0] for m in mapped])
        if "pattern" in self.constraints:
            self.pattern = "^{0}$".format(self.constraints["pattern"])

    # Fallback: frictionless's own cell reader

    def read_cell(self, cell: Any) -> Tuple[Any, Dict[str, str]]:
        try:
            key = (type(cell), cell)
            hash(key)
        except TypeError:
            key = None
        if key is not None and key in self.memo:
            return self.memo[key]
        try:
            target, notes = self.cell_reader(cell)
        except TypeError as error:  # e.g. an aware time against a naive bound: frictionless raises
            target, notes = None, {"constraint": f"constraints cannot be checked: {error}"}
        result = (target, notes or {})
        if key is not None:
            if len(self.memo) >= MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = result
        return result

    # Run

    def run(self, column: Any) -> ColumnResult:
        if isinstance(column, pa.Array):
            return self._run_text(column)
        return self._run_objects(column)

    def _run_objects(self, cells: List[Any]) -> ColumnResult:
        """Cells of any Python type (XLSX, JSON): all through frictionless's reader."""
        n = len(cells)
        blank = np.zeros(n, bool)
        groups: Dict[Tuple[str, str, int], List[int]] = {}
        targets: List[Any] = [None] * n
        for index, cell in enumerate(cells):
            target, notes = self.read_cell(cell)
            targets[index] = target
            if target is None and "type" not in notes:
                blank[index] = True
            self._group_notes(groups, notes, index)
        key = self._object_keys(targets) if self.want_key else None
        return ColumnResult(blank, self._errors(groups), key)

    def _group_notes(self, groups: Dict[Tuple[str, str, int], List[int]], notes: Dict[str, str], index: int) -> None:
        for name, note in notes.items():
            if name == "type":
                groups.setdefault(("type-error", note, 0), []).append(index)
            else:
                groups.setdefault(("constraint-error", note, self.ranks.get(name, 99)), []).append(index)

    @staticmethod
    def _errors(groups: Dict[Tuple[str, str, int], List[int]]) -> List[CellErrors]:
        return [CellErrors(code, note, rank, np.asarray(indices, np.int64)) for (code, note, rank), indices in groups.items()]

    def _run_text(self, column: pa.Array) -> ColumnResult:
        n = len(column)
        lengths = _lengths(column)
        blank = self._blank(column, lengths)
        present = ~blank
        errors: List[CellErrors] = []
        if "required" in self.constraints and self.constraints["required"]:
            idx = np.flatnonzero(blank)
            if len(idx):
                errors.append(CellErrors("constraint-error", self.notes["required"], self.ranks["required"], idx))

        # Canonical cells: vectorised parse and constraints
        values = aware = None
        if not self.canonical_ok:
            canon = np.zeros(n, bool)
        elif self.textual:
            canon = present
            if self.field.type == "string" and self.field.format == "uuid":
                canon = _regex_mask(column, present, UUID_CANONICAL)
            elif self.field.type == "string" and self.field.format not in ("default", None):
                canon = np.zeros(n, bool)  # email, uri, binary, wkt: frictionless decides
        else:
            canon, values, aware = self.parser.parse(column, present)
        if canon.any():
            errors.extend(self._canonical_constraints(column, canon, values, aware))

        # Other present cells: frictionless's reader, once per distinct value
        odd = np.flatnonzero(present & ~canon)
        odd_targets: List[Any] = []
        type_failed = np.zeros(n, bool)
        if len(odd):
            groups: Dict[Tuple[str, str, int], List[int]] = {}
            for index, cell in zip(odd.tolist(), column.take(pa.array(odd)).to_pylist()):
                target, notes = self.read_cell(cell)
                odd_targets.append(target)
                if "type" in notes:
                    type_failed[index] = True
                self._group_notes(groups, notes, index)
            errors.extend(self._errors(groups))

        key = None
        if self.want_key:
            key = self._text_keys(column, blank, canon, values, aware, odd, odd_targets, type_failed)
        return ColumnResult(blank, errors, key)

    def _blank(self, column: pa.Array, lengths: np.ndarray) -> np.ndarray:
        """Absent cells (short rows) and missing values."""
        blank = equals_any(column, self.missing_values, lengths)
        if column.null_count:
            blank |= column.is_null().to_numpy(zero_copy_only=False)
        return blank

    def _canonical_constraints(self, column, canon, values, aware) -> List[CellErrors]:
        found: List[CellErrors] = []

        def add(name: str, failing: np.ndarray) -> None:
            idx = np.flatnonzero(canon & failing)
            if len(idx):
                found.append(CellErrors("constraint-error", self.notes[name], self.ranks[name], idx))

        if self.textual:
            if "minLength" in self.constraints or "maxLength" in self.constraints:
                lengths = pc.fill_null(pc.utf8_length(column), 0).to_numpy()
                if "minLength" in self.constraints:
                    add("minLength", lengths < self.constraints["minLength"])
                if "maxLength" in self.constraints:
                    add("maxLength", lengths > self.constraints["maxLength"])
            if self.pattern is not None:
                add("pattern", ~self._pattern_matches(column, canon))
            if self.enum_strings is not None:
                add("enum", ~to_bool(pc.is_in(column, value_set=self.enum_strings)))
            return found
        comparisons = {
            "minimum": np.less,
            "maximum": np.greater,
            "exclusiveMinimum": np.less_equal,
            "exclusiveMaximum": np.greater_equal,
        }
        for name, (bound, bound_aware) in self.bounds.items():
            failing = comparisons[name](values, bound)
            if aware is not None:  # naive and aware datetimes do not compare in Python
                mismatch = canon & (aware != bound_aware)
                failing = failing & ~mismatch
                if mismatch.any():
                    found.append(CellErrors("constraint-error", f"{self.notes[name]} (cannot compare naive and aware datetimes)", self.ranks[name], np.flatnonzero(mismatch)))
            add(name, failing)
        if self.enum_values is not None:
            add("enum", ~np.isin(values, self.enum_values))
        return found

    def _pattern_matches(self, column: pa.Array, canon: np.ndarray) -> np.ndarray:
        """Python's ``re.match`` semantics; RE2 for plain ASCII cells, where both agree."""
        python_cells = canon
        result = np.ones(len(column), bool)
        if not any(token in self.pattern for token in RE2_UNSAFE):
            try:
                # anchored at the start like re.match, the pattern text as frictionless builds it
                result = to_bool(pc.match_substring_regex(column, "^(?:" + self.pattern + ")"), null=True)
                # RE2's \d, \w, \s, \b are ASCII-only and its $ ignores a final newline
                simple = to_bool(pc.string_is_ascii(column)) & ~to_bool(pc.match_substring(column, "\n"))
                python_cells = canon & ~simple
            except pa.ArrowInvalid:  # syntax RE2 lacks: Python for every cell
                result = np.ones(len(column), bool)
        idx = np.flatnonzero(python_cells)
        if len(idx):
            compiled = re.compile(self.pattern)
            result = result.copy()
            result[idx] = [compiled.match(cell) is not None for cell in column.take(pa.array(idx)).to_pylist()]
        return result

    # Keys for unique / primary key

    def _text_keys(self, column, blank, canon, values, aware, odd, odd_targets, type_failed) -> np.ndarray:
        n = len(column)
        key = np.zeros(n, _U64)
        if self.textual:  # the value is the text itself
            none = type_failed | blank
            idx = np.flatnonzero(~none)
            if len(idx):
                key[idx] = string_hashes(column.take(pa.array(idx)))
            return _reserve_none(key, none)
        none = ~canon
        idx = np.flatnonzero(canon)
        if len(idx):
            flags = aware[idx].astype(_U64) if aware is not None else _U64(0)
            key[idx] = mix64(_numeric_bits(values[idx]) ^ (flags * _U64(0xA5A5A5A5)))
        for index, target in zip(odd.tolist(), odd_targets):
            if target is not None:
                key[index] = self._key_of(target)
                none[index] = False
        return _reserve_none(key, none)

    def _key_of(self, value: Any) -> _U64:
        """Key of one Python value from frictionless, equal to the canonical key of an equal value."""
        if self.textual and isinstance(value, str):
            return string_hashes(pa.array([value], pa.string()))[0]
        mapped = self.parser.value_of(value) if self.parser else None
        if mapped is None:
            if value != value:  # NaN equals nothing, not even itself
                return mix64(np.array([next(_NAN_KEYS)], dtype=_U64))[0] ^ _U64(0x2545F4914F6CDD1D)
            return mix64(np.array([_python_hash(value)], dtype=_U64))[0] ^ _U64(0x5BD1E995)
        number, flag = mapped
        bits = _numeric_bits(np.array([number], dtype=np.float64 if isinstance(number, float) else np.int64))
        return mix64(bits ^ (_U64(flag) * _U64(0xA5A5A5A5)))[0]

    def _object_keys(self, targets: List[Any]) -> np.ndarray:
        key = np.zeros(len(targets), _U64)
        none = np.ones(len(targets), bool)
        for index, target in enumerate(targets):
            if target is not None:
                key[index] = self._key_of(target)
                none[index] = False
        return _reserve_none(key, none)


def _reserve_none(key: np.ndarray, none: np.ndarray) -> np.ndarray:
    """KEY_NONE only where the value is None; a real value hashing to it becomes 1."""
    key[(key == KEY_NONE) & ~none] = 1
    key[none] = KEY_NONE
    return key
