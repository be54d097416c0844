"""The engine's API: report shape, bad input, formats, memory bounds, no CKAN."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from ckanext.governance.checks import ChecksError, validate_table
from ckanext.governance.checks import readers
from ckanext.governance.checks.integrity import DuplicateFinder
from ckanext.governance.checks.table_schema import string_hashes

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = {"fields": [{"name": "id", "type": "integer", "constraints": {"unique": True}}, {"name": "name", "type": "string"}]}


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_report_dict_shape(tmp_path: Path):
    path = write(tmp_path, "a.csv", b"id;name\n1;Anna\n1;Bernd\nx;Clara\n")
    result = validate_table(path, SCHEMA).to_dict()
    json.dumps(result)  # JSON-serialisable
    assert result["valid"] is False
    assert [(e["code"], e["row"], e["field"]) for e in result["errors"]] == [
        ("unique-error", 3, "id"),
        ("type-error", 4, "id"),
    ]
    assert result["errors"][0]["message"] == (
        'Row at position "3" has unique constraint violation in field "id" at position "1": '
        "the same as in the row at position 2"
    )
    assert result["stats"]["rows"] == 3 and result["stats"]["errors"] == {"type-error": 1, "unique-error": 1}
    assert result["format"] == "csv" and result["encoding"] == "utf-8"
    assert result["dialect"]["delimiter"] == ";" and result["dialect"]["header_row"] == 1
    assert result["schema"]["fields"][0]["name"] == "id"
    assert "suggested_schema" not in result and result["privacy_status"] == "ran"
    assert [(f["check"], f["column"]) for f in result["privacy"]] == [("pii.person_name", "name")]  # first names
    assert result["error_count"] == 2 and result["truncated"] is False


def test_valid_file_and_suggested_schema(tmp_path: Path):
    path = write(tmp_path, "a.csv", b"id,name\n1,Anna\n2,Bernd\n")
    report = validate_table(path)
    assert report.valid
    assert [f["type"] for f in report.to_dict()["suggested_schema"]["fields"]] == ["integer", "string"]


def test_error_limit_keeps_counts(tmp_path: Path):
    path = write(tmp_path, "a.csv", b"id,name\n" + b"x,a\n" * 50)
    report = validate_table(path, SCHEMA, error_limit=10)
    assert report.error_counts["type-error"] == 50 and len(report.errors) == 10
    assert [e.row for e in report.errors] == list(range(2, 12))
    assert report.to_dict()["truncated"] is True


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "PNG image, not CSV"),
        ("data.csv", b"PK\x03\x04" + b"\x00" * 100, "zip archive"),
        ("blob.csv", b"abc\x00def\x00" * 100, "binary file"),
        ("blob.tsv", b"\x00\x01\x02" * 100, "binary file"),
        ("data.parquet", b"PAR1", "unsupported format"),
        ("broken.xlsx", b"not a zip", "not a valid XLSX"),
        ("broken.json", b"{not json", "not valid JSON"),
        ("scalar.json", b"[1, 2]", "array of objects or an array of arrays"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path: Path, name: str, content: bytes, message: str):
    path = write(tmp_path, name, content)
    with pytest.raises(ChecksError, match=message):
        validate_table(path, SCHEMA)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ChecksError, match="no such file"):
        validate_table(tmp_path / "nope.csv")


def make_zip_bomb(path: Path) -> Path:
    """A small XLSX-named zip whose sheet expands 20 MB from a few kB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(20):
                member.write(b"0" * (1 << 20))
    return path


def make_size_liar(path: Path) -> Path:
    """A zip whose directory claims a 4 GB member (patched central directory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<x/>")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 0xFFFFFFF0)
    path.write_bytes(bytes(data))
    return path


def test_xlsx_zip_bombs_are_refused_before_opening(tmp_path: Path):
    bomb = make_zip_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ChecksError, match="zip bomb"):
        validate_table(bomb)
    with pytest.raises(ChecksError, match="zip bomb"):
        validate_table(make_size_liar(tmp_path / "liar.xlsx"))


def test_format_from_content_and_override(tmp_path: Path):
    path = write(tmp_path, "upload", b"id,name\n1,a\n")
    assert validate_table(path, SCHEMA).format == "csv"
    path = write(tmp_path, "upload.txt", b"id\tname\n1\ta\n")
    report = validate_table(path, SCHEMA, format="tsv")
    assert report.format == "tsv" and report.valid


def test_progress_reports_bytes(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(readers, "PROGRESS_STEP", 10_000)
    path = write(tmp_path, "a.csv", b"id,name\n" + b"".join(b"%d,name %d\n" % (i, i) for i in range(200_000)))
    for table_schema, reader, reports in ((SCHEMA, "pyarrow", 1), ({**SCHEMA, "missingValues": ["NA"]}, "python", 5)):
        seen = []
        report = validate_table(path, table_schema, progress=lambda done, total: seen.append((done, total)))
        assert report.reader == reader
        assert len(seen) >= reports  # pyarrow reads ~20 MB ahead: one report for this small file
        assert all(0 < done <= total == path.stat().st_size for done, total in seen)
        assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_duplicate_finder_spills_to_disk_with_the_same_answer():
    rng = np.random.default_rng(1)
    keys = rng.integers(1, 5000, 30_000).astype(np.uint64)
    keys[::7] = 0  # None
    answers = []
    for spill in (10**9, 1_000):
        finder = DuplicateFinder(spill_entries=spill)
        for start in range(0, len(keys), 4_000):
            chunk = keys[start : start + 4_000]
            finder.add(chunk, np.arange(start + 2, start + 2 + len(chunk)))
        answers.append(finder.duplicates())
    assert np.array_equal(answers[0][0], answers[1][0]) and np.array_equal(answers[0][1], answers[1][1])
    # every repeat points at the previous row with the same key
    seen = {}
    expected = []
    for row, key in enumerate(keys.tolist(), start=2):
        if key and key in seen:
            expected.append((row, seen[key]))
        if key:
            seen[key] = row
    assert list(zip(answers[0][0].tolist(), answers[0][1].tolist())) == expected


def test_string_hashes_depend_on_content_only():
    import pyarrow as pa

    values = pa.array(["", "a", "ab", "ba", "Straße", "a", "", "x" * 5000])
    hashes = string_hashes(values)
    assert hashes[1] == hashes[5] and hashes[0] == hashes[6]
    assert len(set(hashes.tolist())) == 6
    assert np.array_equal(string_hashes(values.slice(2, 3)), hashes[2:5])


def test_no_ckan_import(tmp_path: Path):
    path = write(tmp_path, "a.csv", b"id,name\n1,a\n")
    code = (
        "import sys\n"
        "from ckanext.governance.checks import validate_table, cli\n"
        f"validate_table({str(path)!r}, 'waste-bin-sensors')\n"
        "bad = sorted(m for m in sys.modules if m == 'ckan' or m.startswith('ckan.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_string_hashes_use_every_byte_of_a_value_before_trailing_empty_ones():
    # The last non-empty value of a batch lost its last byte to the empty values after it.
    assert string_hashes(pa.array(["ab", "xb", "", ""]))[1] != string_hashes(pa.array(["ab", "xc", "", ""]))[1]
    assert string_hashes(pa.array(["xb", "", ""]))[0] == string_hashes(pa.array(["xb"]))[0]


def test_unique_values_ending_two_batches_are_no_duplicates(tmp_path: Path):
    """Two batches, each ending in a value followed by empty cells (values here, not missing):
    'xb' and 'xc' differ; only the repeated empty cells are duplicates."""
    rows = readers.PYTHON_BATCH_ROWS
    lines = ["v,w"] + [f"a{i},1" for i in range(rows - 3)] + ["xb,1", ",1", ",1"] \
        + [f"c{i},1" for i in range(rows - 3)] + ["xc,1", ",1", ",1"]
    path = write(tmp_path, "a.csv", ("\n".join(lines) + "\n").encode())
    schema = {"fields": [{"name": "v", "type": "string", "constraints": {"unique": True}},
                         {"name": "w", "type": "integer"}], "missingValues": ["NA"]}
    report = validate_table(path, schema, format="csv")
    assert report.reader == "python" and report.rows == 2 * rows
    assert report.error_counts["unique-error"] == 3
