"""The privacy checks of one table, fed batch by batch by the engine.

Per batch, vectorised and cheap: every row's quasi-identifier combination is hashed (for
k-anonymity), count columns are scanned for small counts, non-empty cells are counted, and
an evenly spread sample of rows is kept. The personal-data checks then validate the
sample's distinct cells: a column's decision rests on the share of validated hits, and a
share estimated from a few thousand evenly spread rows is within about two percentage
points of the whole file's, while validating every cell of a million-row file would cost
seconds of Python per column.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..table_schema import mix64, string_hashes
from .columns import ColumnAnalyser, ColumnResult
from .config import PrivacyConfig
from .gazetteer import (
    COUNT_HINTS, HINT_WORDS, PERSON_QUASI, QUASI_WORDS, SEX_VALUES, fold, name_matches,
)

_U64 = np.uint64
POSTCODE_TOWN = r"^\s*[0-9]{5}\s+\p{Lu}\pL+"
KEY_COMPACT_ROWS = 2_000_000  # merge collected k-anonymity keys beyond this many rows


class TablePrivacy:
    """Privacy and disclosure checks of one table.

    :param fields: (name, type, custom properties) of each column, as the Table Schema says
        (``"quasiIdentifier": true`` or ``false`` on a field declares or excludes it).
    """

    def __init__(self, fields: Sequence[tuple], config: Optional[PrivacyConfig] = None):
        self.config = config or PrivacyConfig()
        self.names = [name for name, _, _ in fields]
        self.types = [ftype for _, ftype, _ in fields]
        self.declared = {i for i, (_, _, custom) in enumerate(fields) if (custom or {}).get("quasiIdentifier") is True}
        self.excluded = {i for i, (_, _, custom) in enumerate(fields) if (custom or {}).get("quasiIdentifier") is False}
        self.declared |= {i for i, name in enumerate(self.names) if name in self.config.quasi_identifiers}
        self.quasi: Dict[int, str] = {}  # column -> kind, fixed after the first batch
        self.counts = [i for i, name in enumerate(self.names)
                       if name in self.config.count_columns or name_matches(name, COUNT_HINTS)]
        self.small = {i: 0 for i in self.counts}
        self.count_cells = {i: 0 for i in self.counts}
        self.count_numeric = {i: True for i in self.counts}
        self.nonempty = np.zeros(len(fields), np.int64)
        self.rows = 0
        self.stride = 1
        self.sample: List[List[pa.Array]] = [[] for _ in fields]
        self.sample_rows: List[np.ndarray] = []
        self.keys: List[np.ndarray] = []
        self.key_uniques = np.zeros(0, _U64)
        self.key_counts = np.zeros(0, np.int64)
        self.pending_keys = 0

    # Batches

    def observe(self, columns: Sequence[Any]) -> None:
        arrays = [_as_text(column) for column in columns]
        n = len(arrays[0]) if arrays else 0
        if not n:
            return
        present = [_present(array) for array in arrays]
        for index, mask in enumerate(present):
            self.nonempty[index] += int(mask.sum())
        if not self.rows:
            self._choose_quasi(arrays, present)
        self._sample(arrays, n)
        self._small_counts(arrays, present)
        if len(self.quasi) and self.config.enabled("disclosure.k_anonymity"):
            self._collect_keys(arrays)
        self.rows += n

    def _choose_quasi(self, arrays: List[pa.Array], present: List[np.ndarray]) -> None:
        """Quasi-identifiers: declared, named like one, holding only sex codes, or postcode and
        town ("55116 Mainz")."""
        for index, name in enumerate(self.names):
            if index in self.excluded or index in self.counts:
                continue
            kind = quasi_kind(name)
            if kind is None and self.types[index] in ("date", "datetime"):
                kind = "date"
            if kind is None:
                unique = pc.unique(arrays[index].filter(pa.array(present[index])))
                distinct = {fold(v.strip()) for v in unique.to_pylist()} if len(unique) <= len(SEX_VALUES) else set()
                if len(distinct) >= 2 and distinct <= SEX_VALUES and not distinct <= {"m", "d"}:
                    kind = "sex"
            if kind is None and present[index].any():
                cells = arrays[index].filter(pa.array(present[index]))
                towns = pc.sum(pc.match_substring_regex(cells, POSTCODE_TOWN)).as_py() or 0
                if towns >= 0.8 * len(cells):
                    kind = "postcode"
            if kind is None and index in self.declared:
                kind = "declared"
            if kind is not None:
                self.quasi[index] = kind

    def _sample(self, arrays: List[pa.Array], n: int) -> None:
        """Every stride-th row; the stride doubles whenever twice the wanted rows are kept."""
        rows = np.arange(self.rows, self.rows + n)
        picked = np.flatnonzero(rows % self.stride == 0)
        if not len(picked):
            return
        take = pa.array(picked)
        for index, array in enumerate(arrays):
            self.sample[index].append(array.take(take))
        self.sample_rows.append(rows[picked])
        while sum(len(r) for r in self.sample_rows) > 2 * self.config.sample_rows:
            self.stride *= 2
            for chunk, rows_kept in enumerate(self.sample_rows):
                keep = np.flatnonzero(rows_kept % self.stride == 0)
                self.sample_rows[chunk] = rows_kept[keep]
                for index in range(len(arrays)):
                    self.sample[index][chunk] = self.sample[index][chunk].take(pa.array(keep))

    def _small_counts(self, arrays: List[pa.Array], present: List[np.ndarray]) -> None:
        """Counts from 1 to small_count_min - 1 in columns named like counts (all rows)."""
        for index in self.counts:
            if not self.count_numeric[index]:
                continue
            cells = pc.utf8_trim_whitespace(arrays[index].filter(pa.array(present[index])))
            try:
                values = pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                self.count_numeric[index] = False  # not a count column after all ("teilnehmer": names)
                continue
            self.small[index] += int(((values >= 1) & (values < self.config.small_count_min)).sum())
            self.count_cells[index] += len(values)

    def _collect_keys(self, arrays: List[pa.Array]) -> None:
        """Each row's quasi-identifier combination as one 64-bit key."""
        key = np.zeros(len(arrays[0]), _U64)
        with np.errstate(over="ignore"):
            for position, index in enumerate(sorted(self.quasi)):
                key = mix64(key * _U64(31) + self._value_ids(arrays[index]) + _U64(position))
        self.keys.append(key)
        self.pending_keys += len(key)
        if self.pending_keys >= KEY_COMPACT_ROWS:
            self._compact_keys()

    @staticmethod
    def _value_ids(array: pa.Array) -> np.ndarray:
        """A 64-bit hash per cell, equal for equal cells in every batch. Quasi-identifiers have
        few distinct values (ages, districts, dates): only those are hashed, then spread."""
        encoded = pc.dictionary_encode(array)
        hashes = np.concatenate([np.zeros(1, _U64), string_hashes(encoded.dictionary)])
        indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        return hashes[indices + 1]  # a missing cell: 0

    def _compact_keys(self) -> None:
        if not self.keys:
            return
        uniques, counts = np.unique(np.concatenate(self.keys), return_counts=True)
        merged = np.concatenate([self.key_uniques, uniques])
        weights = np.concatenate([self.key_counts, counts])
        self.key_uniques, inverse = np.unique(merged, return_inverse=True)
        self.key_counts = np.bincount(inverse, weights=weights, minlength=len(self.key_uniques)).astype(np.int64)
        self.keys, self.pending_keys = [], 0

    # Findings

    def findings(self) -> List[Dict[str, Any]]:
        analyser = ColumnAnalyser(self.config)
        results: List[ColumnResult] = []
        for index, name in enumerate(self.names):
            values, counts = self._distinct_sample(index)
            result = analyser.analyse(name, values, counts)
            self._add_cells(result, index)
            results.append(result)
        findings = [f for r in results for f in r.findings]
        direct = any(f["check"].startswith("pii.") and f["check"] != "pii.pseudonym" for f in findings)
        person_quasi = any(kind in PERSON_QUASI for kind in self.quasi.values())
        # a table of counts (one row per group), unless it names people row by row
        aggregate = not direct and any(self.count_numeric[i] and self.count_cells[i] for i in self.counts)
        person_related = direct or person_quasi or bool(self.declared)
        findings += self._uuid_pseudonyms(analyser, results, person_related)
        findings += self._special_categories(analyser, results, person_related and not aggregate)
        if not direct:  # beside names and e-mails a count is a person's attribute, not a group's
            findings += self._small_count_findings()
        if person_related and not aggregate:
            findings += self._k_anonymity()
        if person_related:
            findings += self._geo_precision(results)
        return findings

    def _distinct_sample(self, index: int):
        if not self.sample[index]:
            return [], []
        cells = pa.concat_arrays(self.sample[index])
        cells = pc.utf8_trim_whitespace(cells)
        cells = cells.filter(_present(cells))
        if not len(cells):
            return [], []
        counted = pc.value_counts(cells)
        return counted.field("values").to_pylist(), counted.field("counts").to_pylist()

    def _add_cells(self, result: ColumnResult, index: int) -> None:
        """Tell how many cells the share stands for: the whole column, estimated from the sample."""
        for finding in result.findings:
            finding["cells"] = int(self.nonempty[index])

    def _uuid_pseudonyms(self, analyser: ColumnAnalyser, results: List[ColumnResult], person_related: bool) -> List[Dict]:
        """UUID columns are pseudonyms where they stand for people (by name, or in a table about people)."""
        if not self.config.enabled("pii.pseudonym"):
            return []
        found = []
        for index, result in enumerate(results):
            hinted = name_matches(result.name, HINT_WORDS["pii.pseudonym"])
            if result.uuid_share >= 0.9 and (hinted or person_related):
                found.append(analyser.finding("pii.pseudonym", result.name, result.uuid_share, int(self.nonempty[index]), []))
        return found

    def _special_categories(self, analyser: ColumnAnalyser, results: List[ColumnResult], person_rows: bool) -> List[Dict]:
        if not person_rows or not self.config.enabled("pii.special_category"):
            return []
        found = []
        for index, name in enumerate(self.names):
            if name_matches(name, HINT_WORDS["pii.special_category"]) and self.nonempty[index]:
                found.append({
                    "check": "pii.special_category", "column": name,
                    "severity": self.config.severity("pii.special_category"),
                    "share": round(float(self.nonempty[index]) / max(self.rows, 1), 4), "examples": [],
                    "message": f"Column '{name}' looks like special-category data (GDPR Art. 9: health, religion, ...) about people",
                })
        return found

    def _small_count_findings(self) -> List[Dict]:
        if not self.config.enabled("disclosure.small_counts"):
            return []
        found = []
        for index in self.counts:
            if self.count_numeric[index] and self.small[index]:
                name = self.names[index]
                found.append({
                    "check": "disclosure.small_counts", "column": name,
                    "severity": self.config.severity("disclosure.small_counts"),
                    "share": round(self.small[index] / self.count_cells[index], 4), "examples": [],
                    "message": (f"Column '{name}' has {self.small[index]} counts from 1 to "
                                f"{self.config.small_count_min - 1}: small groups of people can be recognised"),
                })
        return found

    def _k_anonymity(self) -> List[Dict]:
        self._compact_keys()
        if not len(self.key_counts):
            return []
        k = int(self.key_counts.min())
        if k >= self.config.k_review:
            return []
        severity = "block" if k < self.config.k_block else "review"
        if self.config.severity("disclosure.k_anonymity") == "review":
            severity = "review"
        threshold = self.config.k_block if severity == "block" else self.config.k_review
        rows_at_risk = int(self.key_counts[self.key_counts < threshold].sum())
        columns = [self.names[i] for i in sorted(self.quasi)]
        return [{
            "check": "disclosure.k_anonymity", "columns": columns, "severity": severity,
            "share": round(rows_at_risk / max(self.rows, 1), 4), "examples": [], "k": k,
            "message": (f"k-anonymity is {k} over the quasi-identifiers {', '.join(columns)}: "
                        f"{rows_at_risk} rows are in groups of fewer than {threshold}"),
        }]

    def _geo_precision(self, results: List[ColumnResult]) -> List[Dict]:
        if not self.config.enabled("geo.precision"):
            return []
        found = []
        for index, result in enumerate(results):
            if result.coordinate is None or result.precise_share < 0.5:
                continue
            if result.distinct_share and 1 / result.distinct_share > self.config.coordinate_repeat:
                continue  # few points, each on many rows: places (offices, schools), not people
            found.append({
                "check": "geo.precision", "column": result.name, "severity": self.config.severity("geo.precision"),
                "share": round(result.precise_share, 4), "examples": [],
                "message": (f"Column '{result.name}' locates people to about 10 m: coordinates with "
                            f"{self.config.coordinate_decimals} or more decimals; round them"),
            })
        return found


@lru_cache(maxsize=4096)
def quasi_kind(name: str) -> Optional[str]:
    """The quasi-identifier a column's name says it is (age, sex, postcode, ...), if any."""
    return next((kind for kind, words in QUASI_WORDS.items() if name_matches(name, words)), None)


def _as_text(column: Any) -> pa.Array:
    """A batch column as a pyarrow string array (XLSX and JSON give Python values)."""
    if isinstance(column, pa.Array):  # int32 offsets, as _present reads them
        return column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
    return pa.array([None if cell is None else _text(cell) for cell in column], pa.string())


def _text(cell: Any) -> str:
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def _present(array: pa.Array) -> np.ndarray:
    """Non-empty cells (not null, not ""), from the offsets alone: this runs on every batch."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    present = np.diff(offsets) > 0
    if array.null_count:
        present &= array.is_valid().to_numpy(zero_copy_only=False)
    return present
