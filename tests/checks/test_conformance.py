"""Conformance: this engine and frictionless-py 5.21 report the same errors.

Every case writes a small file, validates it with both engines (frictionless
with its error limit lifted) and compares the sets of (code, row, field).
Frictionless reports ``""`` as the field of an extra cell; we report None,
which the comparison normalises. Deliberate differences are tested at the end.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Optional, Set, Tuple

import frictionless
import pytest
from frictionless.resources import TableResource

from ckanext.governance.checks import ChecksError, validate_table

LIMIT = 10**9
ROOT = Path(__file__).resolve().parents[2]
SENSOR_SCHEMA = ROOT / "schemas" / "table" / "waste-bin-sensors.json"
Key = Tuple[str, Optional[int], Optional[str]]


def frictionless_report(path: Path, schema: Optional[Dict[str, Any]], limit: int = LIMIT):
    options: Dict[str, Any] = {}
    if schema is not None:
        options["schema"] = frictionless.Schema.from_descriptor(schema)
    # frictionless refuses absolute paths as unsafe: give it the folder as basepath
    # TableResource: frictionless would otherwise read a .json file as metadata, not a table
    resource = TableResource(path=path.name, basepath=str(path.parent), **options)
    return resource.validate(limit_errors=limit)


def frictionless_keys(path: Path, schema: Optional[Dict[str, Any]]) -> Set[Key]:
    report = frictionless_report(path, schema)
    keys: Set[Key] = {(error.type, None, None) for error in report.errors}
    for task in report.tasks:
        for error in task.errors:
            keys.add((error.type, getattr(error, "row_number", None), getattr(error, "field_name", None) or None))
    return keys


def engine_keys(path: Path, schema: Optional[Dict[str, Any]]) -> Set[Key]:
    report = validate_table(path, schema, error_limit=LIMIT)
    return {(error.code, error.row, error.field) for error in report.errors}


def assert_same(path: Path, schema: Optional[Dict[str, Any]], expect_errors: bool = True) -> Set[Key]:
    expected = frictionless_keys(path, schema)
    actual = engine_keys(path, schema)
    assert actual == expected, f"only frictionless: {sorted(expected - actual, key=str)}; only engine: {sorted(actual - expected, key=str)}"
    assert bool(expected) == expect_errors, expected  # the case really exercises what it says
    return actual


def write(tmp_path: Path, name: str, content: Any, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding, newline="")
    return path


def schema(*fields: Dict[str, Any], **extra: Any) -> Dict[str, Any]:
    return {"fields": list(fields), **extra}


def f(name: str, type_: str = "string", **extra: Any) -> Dict[str, Any]:
    return {"name": name, "type": type_, **extra}


# Each case: (file name, content, schema, errors expected)
CASES: Dict[str, Tuple[str, Any, Optional[Dict[str, Any]], bool]] = {
    "valid-simple": (
        "a.csv",
        "id,name,price,day,at,ok\n1,Anna,1.5,2024-01-31,2024-01-31T10:00:00Z,true\n2,Bernd,2,2024-02-29,2024-02-29T23:59:59+01:00,false\n",
        schema(f("id", "integer"), f("name"), f("price", "number"), f("day", "date"), f("at", "datetime"), f("ok", "boolean")),
        False,
    ),
    "header-labels": (
        "a.csv",
        "id,,name,name,Price,extra1,extra2\n1,2,3,4,5,6,7\n",
        schema(f("id", "integer"), f("blank"), f("name"), f("name2"), f("price"), f("x"), f("y")),
        True,
    ),
    "extra-label": (
        "a.csv",
        "a,b,c,d\n1,2,3,4\n5,6,7\n",
        schema(f("a", "integer"), f("b", "integer")),
        True,
    ),
    "missing-label": (
        "a.csv",
        "a,b\n1,2\n3,4,5\n",
        schema(f("a", "integer"), f("b", "integer"), f("c", "integer", constraints={"required": True}), f("d")),
        True,
    ),
    "ragged-and-blank-rows": (
        "a.csv",
        "a,b,c\n1,2,3\n4,5\n6,7,8,9,10\n,,\n\n11,,\n,,,\n12,13,14\n, ,\n",
        schema(f("a", "integer", constraints={"required": True}), f("b", "integer"), f("c")),
        True,
    ),
    "integer-spellings": (
        "a.csv",
        "v\n1\n007\n-3\n+5\n 7 \n1_000\n1.5\nabc\n\u0663\n12345678901234567890\n-0\n1e3\n",
        schema(f("v", "integer")),
        True,
    ),
    "integer-bare-number-false": (
        "a.csv",
        "v\n$1\n1 EUR\n-5\n12abc3\nabc\n",
        schema(f("v", "integer", bareNumber=False)),
        True,
    ),
    "number-spellings": (
        "a.csv",
        "v\n1.5\n-0\n1.\n.5\n1e3\nNaN\ninf\n 2 \n1_0\n1,5\nabc\n123456789012345678\n0.1000000000000000055511151231257827\n",
        schema(f("v", "number", constraints={"minimum": 0, "maximum": 1000})),
        True,
    ),
    "number-german": (
        "a.csv",
        'v\n"1.234,5"\n"12,75"\n1.5\n"1.2.3,4"\n-0,5\n"1.000"\n',
        schema(f("v", "number", decimalChar=",", groupChar=".", constraints={"minimum": 0})),
        True,
    ),
    "number-bare-false": (
        "a.csv",
        "v\n\u20ac 1.5\n12 %\n-3.5\n$\n",
        schema(f("v", "number", bareNumber=False)),
        True,
    ),
    "boolean-values": (
        "a.csv",
        "v\nja\nnein\ntrue\nJa\n1\n",
        schema(f("v", "boolean", trueValues=["ja", "1"], falseValues=["nein", "0"])),
        True,
    ),
    "boolean-default": ("a.csv", "v\ntrue\nFalse\nTRUE\n0\n1\nyes\n", schema(f("v", "boolean")), True),
    "date-default": (
        "a.csv",
        "v\n2024-02-29\n2023-02-29\n2024-2-3\n20240203\n0000-01-01\n0999-12-31\n2024-13-01\n2024-04-31\n 2024-01-01\n",
        schema(f("v", "date", constraints={"minimum": "1000-01-01"})),
        True,
    ),
    "date-custom-format": (
        "a.csv",
        "v\n31.12.2024\n1.2.2024\n30.02.2024\n2024-12-31\n01.01.1999\n",
        schema(f("v", "date", format="%d.%m.%Y", constraints={"maximum": "31.12.2024", "minimum": "01.01.2000"})),
        True,
    ),
    "datetime-default": (
        "a.csv",
        "v\n2024-01-01T10:00:00\n2024-01-01T10:00:00Z\n2024-01-01T10:00:00+01:00\n2024-01-01T10:00:00-05:30\n"
        "2024-01-01 10:00:00\n2024-01-01T10:00:00.123Z\n2024-01-01T24:00:00\n2024-01-01T10:00:00+24:00\n"
        "2024-01-01T10:00Z\n2024-02-30T10:00:00Z\n2024-01-01T10:00:60\n2024-01-01T10:00:00+0100\n",
        schema(f("v", "datetime")),
        True,
    ),
    "datetime-bounds": (
        "a.csv",
        "v\n2024-01-01T10:00:00\n2023-12-31T23:59:59\n2025-01-01T00:00:01\n2024-06-01T12:00:00.5\n",
        schema(f("v", "datetime", constraints={"minimum": "2024-01-01T00:00:00", "maximum": "2025-01-01T00:00:00"})),
        True,
    ),
    "datetime-custom-format": (
        "a.csv",
        "v\n2024/01/31 10:00\n2024/1/31 10:00\n2024/02/30 10:00\n2024/01/31 25:00\n",
        schema(f("v", "datetime", format="%Y/%m/%d %H:%M")),
        True,
    ),
    "time-default": (
        "a.csv",
        "v\n10:00:00\n23:59:59\n24:00:00\n10:00\n10:00:00Z\n10:00:00+01:00\n9:00:00\n10:00:00.5\n",
        schema(f("v", "time")),
        True,
    ),
    # aware times are left out: frictionless itself raises comparing them with a naive bound
    "time-bounds": (
        "a.csv",
        "v\n10:00:00\n08:59:59\n9:00:00\n10:00:00.5\n23:59:59\n",
        schema(f("v", "time", constraints={"minimum": "09:00:00", "maximum": "23:00:00"})),
        True,
    ),
    "year": ("a.csv", "v\n2024\n0000\n12345\n 999\n-001\n1_00\nabcd\n", schema(f("v", "year", constraints={"maximum": 2030})), True),
    "any-format-date": ("a.csv", "v\n2024-01-01\nJan 5 2024\nnot a date\n", schema(f("v", "date", format="any")), True),
    "string-formats": (
        "a.csv",
        "mail,link,id\nanna@example.org,https://example.org/a?b=1,6fa459ea-ee8a-3ca4-894e-db77e160355e\n"
        "not-an-email,example.org,6FA459EA-EE8A-3CA4-894E-DB77E160355E\nb@x,ftp://x/y,6fa459eaee8a3ca4894edb77e160355e\n"
        "anna@@example.org,mailto:a@b.de,not-a-uuid\n",
        schema(f("mail", format="email"), f("link", format="uri"), f("id", format="uuid")),
        True,
    ),
    "string-constraints": (
        "a.csv",
        'code,label,kind\nAB-1,Ähre,a\nab-1,Ä,b\nAB-12345,Straße am Rhein,c\nXY-9,x,d\n"AB-2\n",ok,a\n',
        schema(
            f("code", constraints={"pattern": "[A-Z]{2}-[0-9]{1,4}", "required": True}),
            f("label", constraints={"minLength": 2, "maxLength": 10}),
            f("kind", constraints={"enum": ["a", "b", "c"]}),
        ),
        True,
    ),
    "pattern-alternation-and-unicode": (
        "a.csv",
        "v\na\nxb\nb\nab\nx\n-b\n!\n\u00e4\u00f6\n\u00e4\n12\n\u0661\u0662\n\u0661\n",
        schema(f("v", constraints={"pattern": "a|b|\\w\\w|\\d+"})),
        True,
    ),
    "enum-typed": (
        "a.csv",
        "n,x,d\n1,1.0,2024-01-01\n01,1.50,2024-01-02\n3,2,2024-01-03\n",
        schema(
            f("n", "integer", constraints={"enum": [1, 2]}),
            f("x", "number", constraints={"enum": [1, 1.5]}),
            f("d", "date", constraints={"enum": ["2024-01-01", "2024-01-02"]}),
        ),
        True,
    ),
    "required-and-missing-values": (
        "a.csv",
        "a,b,c\n1,NA,x\nNA,2,-\n,3,\n4,,y\n",
        schema(
            f("a", "integer", constraints={"required": True}),
            f("b", "integer", constraints={"required": True}),
            f("c", constraints={"required": True, "minLength": 2}),
            missingValues=["", "NA", "-"],
        ),
        True,
    ),
    "missing-values-without-empty": (
        "a.csv",
        "a,b\n1,x\n,y\nNA,\n\n3,z\n",
        schema(f("a", "integer"), f("b", constraints={"required": True}), missingValues=["NA"]),
        True,
    ),
    "unique-values": (
        "a.csv",
        "i,x,s,t\n1,1.0,a,2024-01-01T10:00:00+01:00\n01,1,A,2024-01-01T09:00:00Z\n2,1.00,a,2024-01-01T10:00:00\n,2,,2024-01-01T10:00:00\n,2,b,2024-01-01T09:00:00+00:00\nx,-0,b,\n3,0,,\n",
        schema(
            f("i", "integer", constraints={"unique": True}),
            f("x", "number", constraints={"unique": True}),
            f("s", constraints={"unique": True}),
            f("t", "datetime", constraints={"unique": True}),
        ),
        True,
    ),
    "primary-key-composite": (
        "a.csv",
        "a,b,c\n1,x,1\n1,y,2\n1,x,3\n,,4\n,,5\n2,,6\n2,,7\nq,x,8\n\n",
        schema(f("a", "integer"), f("b"), f("c", "integer"), primaryKey=["a", "b"]),
        True,
    ),
    "primary-key-single-and-unique": (
        "a.csv",
        "id,v\n1,a\n2,b\n2,c\nx,d\n,e\n1,f\n",
        schema(f("id", "integer", constraints={"unique": True}), f("v"), primaryKey=["id"]),
        True,
    ),
    "quoted-newlines-and-delimiters": (
        "a.csv",
        'id,text,n\n1,"line one\nline two",5\n2,"a, b and ""c""",x\n3,"ends with\r\nCRLF",7\n4,plain,8,extra\n',
        schema(f("id", "integer"), f("text", constraints={"maxLength": 12}), f("n", "integer")),
        True,
    ),
    "crlf-line-ends": ("a.csv", "a,b\r\n1,2\r\nx,3\r\n4\r\n", schema(f("a", "integer"), f("b", "integer")), True),
    "semicolon-dialect": ("a.csv", "a;b;c\n1;2,5;x\n2;3;y\nz;4\n", schema(f("a", "integer"), f("b"), f("c")), True),
    "tsv": ("a.tsv", "a\tb\n1\tx\ny\t2\n3\n", schema(f("a", "integer"), f("b")), True),
    "title-line-before-header": (
        "a.csv",
        "Messwerte Mainz 2024\na,b,c\n1,2,3\n4,x,6\n",
        schema(f("a", "integer"), f("b", "integer"), f("c", "integer")),
        True,
    ),
    "blank-header-row": ("a.csv", ",,\n1,2,3\n4,5,6\n", schema(f("a", "integer"), f("b"), f("c")), True),
    "labels-with-spaces": ("a.csv", " a , b\n1,2\n", schema(f("a", "integer"), f("b", "integer")), False),
    "no-schema-odd-labels": ("a.csv", "a,,a,b\n1,2,3,4\n5,6,7\n", None, True),
    "stray-quotes": (
        "a.csv",
        'a,b,c\n1,x"y,3\n2,"ab"cd,4\n3,12" pipe,5\n4,"q,r",6\n5,"",7\n',
        schema(f("a", "integer"), f("b", constraints={"maxLength": 3}), f("c", "integer")),
        True,
    ),
    "unclosed-quote-at-end": ("a.csv", 'a,b\n1,2\n3,"open\n4,5\n', schema(f("a", "integer"), f("b", "integer")), True),
    "header-with-line-break": (
        "a.csv",
        'id,"long\nname"\n1,x\ny,2\n',
        schema(f("id", "integer"), f("long\nname", constraints={"maxLength": 1})),
        True,
    ),
    "cell-larger-than-a-block": (  # pyarrow gives up on it: the csv module takes over
        "a.csv",
        "a,b\n1,x\nz," + "y" * 3_000_000 + "\n3,w\n",
        schema(f("a", "integer"), f("b", constraints={"maxLength": 10})),
        True,
    ),
    "header-only": ("a.csv", "a,b\n", schema(f("a", "integer"), f("b")), False),
    "empty-file": ("a.csv", "", schema(f("a")), True),
    "utf8-bom": (
        "a.csv",
        "\ufeffstadt,wert\nMünchen,1\nKöln,x\nDüsseldorf,3\n",
        schema(f("stadt", constraints={"maxLength": 6}), f("wert", "integer")),
        True,
    ),
    "bom-without-schema": ("a.csv", "\ufeffa,b\n1,2\n3,x\n", None, False),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_errors_as_frictionless(tmp_path: Path, case: str):
    name, content, table_schema, expect_errors = CASES[case]
    path = write(tmp_path, name, content)
    assert_same(path, table_schema, expect_errors)


LATIN_TEXT = (
    "ort,bemerkung,wert\n"
    + "".join(f"Mainz-Gonsenheim,Straße Nr. {i} geprüft,{i}\n" for i in range(40))
    + "Weißenau,Überlauf am Fußweg,x\nBretzenheim,zu groß für die Prüfung,3\n"
)


@pytest.mark.parametrize("encoding", ["latin-1", "windows-1252"])
def test_single_byte_encodings(tmp_path: Path, encoding: str):
    text = LATIN_TEXT
    if encoding == "windows-1252":
        text = text.replace("Überlauf", "„Überlauf“ – 5 €")
    path = write(tmp_path, "a.csv", text, encoding=encoding)
    table_schema = schema(f("ort", constraints={"maxLength": 12}), f("bemerkung", constraints={"pattern": "[\\w .„“–€-]+"}), f("wert", "integer"))
    assert_same(path, table_schema)
    reference = TableResource(path=path.name, basepath=str(path.parent))
    reference.infer()
    assert validate_table(path, table_schema).encoding == reference.encoding


def test_inferred_schema_applies_to_rows_after_the_sample(tmp_path: Path):
    rows = "".join(f"{i},{i * 0.5},2024-01-{1 + i % 28:02d}\n" for i in range(150))
    path = write(tmp_path, "a.csv", "n,x,d\n" + rows + "oops,1.5,2024-13-01\n151,abc,2024-01-01\n")
    assert_same(path, None)
    report = validate_table(path)
    suggested = report.to_dict()["suggested_schema"]
    assert [field["type"] for field in suggested["fields"]] == ["integer", "number", "date"]


def write_sensor_csv(path: Path, rows: int, error_share: float) -> None:
    """The benchmark's generator, loaded by path (benchmarks/ need not be importable)."""
    spec = importlib.util.spec_from_file_location("benchmark_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_csv(path, rows, invalid=True, error_share=error_share)


def test_many_batches_with_every_error_kind(tmp_path: Path):
    """Crosses pyarrow block boundaries: row numbers, ragged rows, duplicates across batches."""
    path = tmp_path / "sensors.csv"
    write_sensor_csv(path, 60_000, error_share=0.02)
    table_schema = json.loads(SENSOR_SCHEMA.read_text())
    keys = assert_same(path, table_schema)
    codes = {code for code, _, _ in keys}
    assert codes >= {"incorrect-label", "type-error", "constraint-error", "unique-error", "primary-key", "blank-row", "missing-cell", "extra-cell"}
    report = validate_table(path, table_schema)
    assert report.reader == "pyarrow"
    reference = frictionless_report(path, table_schema)
    assert Counter(report.error_counts) == Counter(error.type for error in reference.tasks[0].errors)


def test_python_reader_across_batches(tmp_path: Path):
    """Without "" as a missing value the csv module reads; its batches must number rows right."""
    path = tmp_path / "sensors.csv"
    write_sensor_csv(path, 45_000, error_share=0.01)
    table_schema = json.loads(SENSOR_SCHEMA.read_text())
    table_schema["missingValues"] = ["NA"]
    assert_same(path, table_schema)
    assert validate_table(path, table_schema).reader == "python"


def test_xlsx(tmp_path: Path):
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "day", "amount"])
    sheet.append([1, "Anna", datetime.date(2024, 1, 31), 10.5])
    sheet.append([2, "Bernd", "2024-02-30", "zehn"])
    sheet.append([2, None, datetime.datetime(2024, 3, 1, 12, 30), 7])
    sheet.append(["3", "Clara", "2024-03-02", -1])
    sheet.append([None, None, None, None])
    sheet.append([4, "Dora"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    table_schema = schema(
        f("id", "integer", constraints={"unique": True}),
        f("name", constraints={"required": True}),
        f("day", "date"),
        f("amount", "number", constraints={"minimum": 0}),
    )
    assert_same(path, table_schema)


@pytest.mark.parametrize(
    "content",
    [
        '[{"id": 1, "name": "a", "v": 1.5}, {"id": "x", "name": null, "v": -1}, {"id": 1, "v": "2"}, {"name": "c", "id": 3, "v": true}]',
        '[["id", "name", "v"], [1, "a", 1.5], ["x", null, -1], [1, "b"], [3, "c", 2, 4]]',
    ],
    ids=["objects", "arrays"],
)
def test_json_tables(tmp_path: Path, content: str):
    path = write(tmp_path, "a.json", content)
    table_schema = schema(
        f("id", "integer", constraints={"unique": True}),
        f("name", constraints={"required": True}),
        f("v", "number", constraints={"minimum": 0}),
    )
    assert_same(path, table_schema)


def test_exclusive_bounds_match_frictionless_cell_reader(tmp_path: Path):
    # frictionless 5.21 validates exclusiveMinimum/Maximum only inside a v2 data
    # package, so compare cell by cell with its own Field.read_cell instead
    descriptor = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json", "fields": [
        f("n", "integer", constraints={"exclusiveMinimum": 0, "exclusiveMaximum": 10}),
        f("x", "number", constraints={"exclusiveMaximum": 1}),
    ]}
    rows = [("0", "0"), ("1", "0.5"), ("10", "1"), ("5", "0.9999")]
    path = write(tmp_path, "a.csv", "n,x\n" + "".join(f"{n},{x}\n" for n, x in rows))
    fields = frictionless.Schema.from_descriptor(descriptor).fields
    expected = {
        ("constraint-error", number, field.name)
        for number, cells in enumerate(rows, start=2)
        for field, cell in zip(fields, cells)
        if field.read_cell(cell)[1]
    }
    assert expected == {("constraint-error", 2, "n"), ("constraint-error", 4, "n"), ("constraint-error", 4, "x")}
    assert engine_keys(path, descriptor) == expected


# Deliberate differences


def test_difference_frictionless_stops_at_its_error_limit(tmp_path: Path):
    path = write(tmp_path, "a.csv", "n\n" + "x\n" * 1500)
    table_schema = schema(f("n", "integer"))
    assert len(frictionless_report(path, table_schema, limit=1000).tasks[0].errors) == 1000
    report = validate_table(path, table_schema)
    assert report.error_counts["type-error"] == 1500  # we count every error...
    assert len(report.errors) == 1000 and report.to_dict()["truncated"] is True  # ...and keep the first 1000


def test_difference_undecodable_bytes_after_the_sample_are_an_input_error(tmp_path: Path):
    # frictionless detects utf-8 from the first 100 kB and then fails mid-stream;
    # we refuse the file with a clear message instead of reporting a partial table.
    content = b"a,b\n" + b"1,abc\n" * 30_000 + b"2,\xff\xfe\n"
    path = write(tmp_path, "a.csv", content)
    with pytest.raises(ChecksError, match="cannot"):
        validate_table(path, schema(f("a", "integer"), f("b")))


def test_difference_aware_value_against_naive_bound_is_reported_not_raised(tmp_path: Path):
    # Python cannot order aware and naive times: frictionless lets the TypeError out
    path = write(tmp_path, "a.csv", "v\n10:00:00\n10:00:00+01:00\n")
    table_schema = schema(f("v", "time", constraints={"minimum": "09:00:00"}))
    with pytest.raises(TypeError):
        frictionless_report(path, table_schema)
    report = validate_table(path, table_schema)
    assert [(e.code, e.row, e.field) for e in report.errors] == [("constraint-error", 3, "v")]
    assert "cannot be checked" in report.errors[0].note
