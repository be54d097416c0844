"""Deterministic sensor-style CSV files for the benchmark.

The rows follow ``schemas/table/waste-bin-sensors.json``. The invalid variant
injects about 1% bad rows, cycling through every error kind the engine checks,
plus one incorrect header label.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

BLOCK_ROWS = 500_000
SEED = 20240601

STATUSES = np.array(["ok", "full", "overflow", "fault", "maintenance"])
DISTRICTS = np.array(
    [
        "Altstadt", "Neustadt", "Oberstadt", "Hartenberg-Münchfeld", "Mombach",
        "Gonsenheim", "Finthen", "Drais", "Lerchenberg", "Marienborn",
        "Bretzenheim", "Hechtsheim", "Ebersheim", "Weisenau", "Laubenheim",
    ]
)
NOTES = np.array(
    [
        "", "", "", "", "Behälter geleert", "Deckel klemmt, bitte prüfen",
        "Sperrmüll daneben abgestellt", 'Sensor meldet "voll" zu früh',
        "Standort verlegt; neue Halterung", "NA",
    ]
)
HEADER = ["id", "sensor_id", "measured_at", "fill_level", "battery", "status",
          "lid_open", "district", "note"]

# One entry per injected error kind: (name, function(row dict) -> row dict | line)
LONG_NOTE = "x" * 250


def _block(start: int, count: int, rng: np.random.Generator) -> pd.DataFrame:
    ids = np.arange(start + 1, start + count + 1)
    seconds = ids.astype("int64") * 30
    times = np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "id": ids,
            "sensor_id": np.char.add("MZ-WB-", np.char.zfill((ids % 4000).astype(str), 5)),
            "measured_at": np.char.add(np.datetime_as_string(times, unit="s"), "Z"),
            "fill_level": np.round(rng.uniform(0, 100, count), 1),
            "battery": rng.integers(0, 101, count),
            "status": STATUSES[rng.integers(0, len(STATUSES), count)],
            "lid_open": np.where(rng.random(count) < 0.1, "true", "false"),
            "district": DISTRICTS[rng.integers(0, len(DISTRICTS), count)],
            "note": NOTES[rng.integers(0, len(NOTES), count)],
        }
    )


def _inject_cell_errors(df: pd.DataFrame, rows: np.ndarray, kinds: np.ndarray) -> None:
    """Overwrite cells of the chosen rows; kinds index CELL_KINDS."""
    df["id"] = df["id"].astype(str)
    df["fill_level"] = df["fill_level"].astype(str)
    df["battery"] = df["battery"].astype(str)
    for kind, (column, value) in enumerate(CELL_KINDS):
        target = rows[kinds == kind]
        if column == "id" and value is None:  # duplicate of the previous id
            df.loc[target, "id"] = (df.loc[target, "id"].astype(int) - 1).astype(str)
        else:
            df.loc[target, column] = value


CELL_KINDS = [
    ("id", "12a"),                          # type-error
    ("measured_at", "2024-02-30T10:00:00Z"),  # type-error (no such day)
    ("fill_level", "k.A."),                 # type-error
    ("lid_open", "maybe"),                  # type-error
    ("sensor_id", ""),                      # constraint-error: required
    ("sensor_id", "MZ-XX-1"),               # constraint-error: pattern
    ("fill_level", "-3.5"),                 # constraint-error: minimum
    ("fill_level", "120.5"),                # constraint-error: maximum
    ("battery", "101"),                     # constraint-error: maximum
    ("status", "broken"),                   # constraint-error: enum
    ("district", "X"),                      # constraint-error: minLength
    ("note", LONG_NOTE),                    # constraint-error: maxLength
    ("id", None),                           # unique-error + primary-key
]
LINE_KINDS = ["blank-row", "missing-cell", "extra-cell"]


def _bad_line(kind: str, line: str, row: pd.Series) -> str:
    if kind == "blank-row":
        return "," * (len(HEADER) - 1)
    if kind == "missing-cell":  # first three cells never need quoting
        return f"{row['id']},{row['sensor_id']},{row['measured_at']}"
    return line + ",surplus"


def write_csv(path: Path, rows: int, *, invalid: bool, error_share: float = 0.01) -> None:
    """Write ``rows`` data rows to ``path`` (UTF-8, comma, LF line ends)."""
    rng = np.random.default_rng(SEED)
    kinds_total = len(CELL_KINDS) + len(LINE_KINDS)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        header = list(HEADER)
        if invalid:
            header[-1] = "Note"  # incorrect-label
        out.write(",".join(header) + "\n")
        for start in range(0, rows, BLOCK_ROWS):
            count = min(BLOCK_ROWS, rows - start)
            df = _block(start, count, rng)
            bad_rows = np.array([], dtype=np.int64)
            bad_kinds = np.array([], dtype=np.int64)
            if invalid:
                # Never the first row of a block: a duplicate id needs a predecessor
                bad_rows = np.flatnonzero(rng.random(count) < error_share)
                bad_rows = bad_rows[bad_rows > 0]
                bad_kinds = rng.integers(0, kinds_total, len(bad_rows))
                cell = bad_kinds < len(CELL_KINDS)
                _inject_cell_errors(df, bad_rows[cell], bad_kinds[cell])
            buffer = io.StringIO()
            df.to_csv(buffer, index=False, header=False, lineterminator="\n")
            lines = buffer.getvalue().split("\n")[:-1]
            for row, kind in zip(bad_rows, bad_kinds):
                if kind >= len(CELL_KINDS):
                    line_kind = LINE_KINDS[kind - len(CELL_KINDS)]
                    lines[row] = _bad_line(line_kind, lines[row], df.iloc[row])
            out.write("\n".join(lines))
            out.write("\n")
