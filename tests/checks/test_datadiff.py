"""The data diff of a tabular resource on small hand-made files: rows added, removed and
changed with and without a primary key, columns added, removed and retyped, and what must
not read as a change (encoding, BOM, quoting, line endings, column order)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ckanext.governance.checks import ChecksError
from ckanext.governance.checks.datadiff import CELL_CHARS, diff_tables, mask

KEYED = {
    "fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
               {"name": "amount", "type": "number"}],
    "primaryKey": ["id"],
}
RELEASED = b"id,name,amount\n1,Anna,10\n2,Bernd,20\n3,Clara,30\n4,Dieter,40\n"


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def both(tmp_path: Path, released: bytes, pending: bytes, suffix: str = "csv"):
    return write(tmp_path, f"released.{suffix}", released), write(tmp_path, f"pending.{suffix}", pending)


def test_rows_added_removed_and_changed_on_the_primary_key(tmp_path: Path):
    released, pending = both(tmp_path, RELEASED,
                             b"id,name,amount\n1,Anna,10\n3,Clara,31\n2,Bernd,20\n5,Emil,50\n")
    diff = diff_tables(released, pending, released_schema=KEYED, pending_schema=KEYED)
    json.dumps(diff)
    assert diff["match"] == "primary_key" and diff["primary_key"] == ["id"]
    assert diff["rows"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    assert diff["examples"]["added"] == [{"row": 5, "more_columns": 0, "cells": [
        {"column": "id", "value": "5"}, {"column": "name", "value": "Emil"},
        {"column": "amount", "value": "50"}]}]
    assert [e["row"] for e in diff["examples"]["removed"]] == [5]
    assert diff["examples"]["removed"][0]["cells"][1] == {"column": "name", "value": "Dieter"}
    assert diff["examples"]["changed"] == [{
        "released_row": 4, "pending_row": 3, "more_columns": 0,
        "key": [{"column": "id", "value": "3"}],
        "cells": [{"column": "amount", "released": "30", "pending": "31"}]}]
    assert diff["columns"] == {"added": [], "removed": [], "retyped": [], "reordered": False,
                               "types_from": "schema"}
    assert diff["released"]["rows"] == 4 and diff["pending"]["rows"] == 4


def test_without_a_primary_key_rows_match_on_their_content(tmp_path: Path):
    released, pending = both(tmp_path, RELEASED,
                             b"id,name,amount\n4,Dieter,40\n1,Anna,10\n3,Clara,31\n2,Bernd,20\n")
    diff = diff_tables(released, pending)
    assert diff["match"] == "content" and diff["primary_key"] is None
    # the edited row is one removed and one added: without a key nothing says it is the same
    assert diff["rows"] == {"added": 1, "removed": 1, "changed": 0, "unchanged": 3}
    assert diff["examples"]["added"][0]["row"] == 4
    assert diff["examples"]["removed"][0]["row"] == 4
    assert diff["columns"]["types_from"] == "inferred"


def test_repeated_rows_count_as_a_multiset(tmp_path: Path):
    released, pending = both(tmp_path, b"a,b\nx,1\nx,1\ny,2\n", b"a,b\nx,1\nx,1\nx,1\ny,2\n")
    diff = diff_tables(released, pending)
    assert diff["rows"] == {"added": 1, "removed": 0, "changed": 0, "unchanged": 3}
    assert diff["examples"]["added"][0]["row"] == 4


def test_duplicate_keys_match_in_file_order(tmp_path: Path):
    released, pending = both(tmp_path, b"id,v\n1,a\n1,b\n2,c\n", b"id,v\n1,a\n1,B\n2,c\n")
    diff = diff_tables(released, pending, pending_schema=KEYED | {
        "fields": [{"name": "id", "type": "integer"}, {"name": "v", "type": "string"}]})
    assert diff["match"] == "primary_key"
    assert diff["rows"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2}
    assert diff["examples"]["changed"][0]["cells"] == [{"column": "v", "released": "b", "pending": "B"}]


def test_columns_added_removed_and_retyped(tmp_path: Path):
    released_schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                                  {"name": "amount", "type": "integer"}, {"name": "old", "type": "string"}],
                       "primaryKey": ["id"]}
    pending_schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                                 {"name": "amount", "type": "number"}, {"name": "new", "type": "date"}],
                      "primaryKey": ["id"]}
    released, pending = both(tmp_path, b"id,name,amount,old\n1,Anna,10,x\n2,Bernd,20,y\n",
                             b"id,name,amount,new\n1,Anna,10,2026-01-01\n2,Bernd,20.5,2026-01-02\n")
    diff = diff_tables(released, pending, released_schema=released_schema, pending_schema=pending_schema)
    assert diff["columns"]["added"] == ["new"] and diff["columns"]["removed"] == ["old"]
    assert diff["columns"]["retyped"] == [{"column": "amount", "released": "integer", "pending": "number"}]
    # rows are compared on the columns both files have: a new column alone changes no row
    assert diff["rows"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}


def test_retyped_columns_are_inferred_without_schemas(tmp_path: Path):
    released, pending = both(tmp_path, b"id,when\n1,2026-01-01\n2,2026-01-02\n", b"id,when\n1,soon\n2,later\n")
    diff = diff_tables(released, pending)
    assert diff["columns"]["types_from"] == "inferred"
    assert diff["columns"]["retyped"] == [{"column": "when", "released": "date", "pending": "string"}]


def test_a_schema_on_one_side_only_compares_inferred_types(tmp_path: Path):
    released, pending = both(tmp_path, RELEASED, RELEASED)
    diff = diff_tables(released, pending, pending_schema={
        "fields": [{"name": "id", "type": "string"}, {"name": "name", "type": "string"},
                   {"name": "amount", "type": "string"}]})
    assert diff["columns"]["types_from"] == "inferred" and diff["columns"]["retyped"] == []


def test_encoding_bom_quoting_line_endings_and_column_order_are_no_changes(tmp_path: Path):
    text = "id,name,amount\n1,Jürgen Müßig,10\n2,\"Straße, Nord\",20\n3,Ölmühle,30\n"
    released = write(tmp_path, "released.csv", text.encode("utf-8"))
    reordered = ("name;id;amount\r\nJürgen Müßig;1;10\r\n\"Straße, Nord\";2;20\r\n\"Ölmühle\";3;30\r\n")
    variants = {
        "bom.csv": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "latin1.csv": text.encode("cp1252"),
        "utf16.csv": text.encode("utf-16"),
        "crlf-quoted.csv": text.replace("\n", "\r\n").replace("1,", "\"1\",").encode("utf-8"),
        "reordered.csv": reordered.encode("utf-8"),
    }
    for name, content in variants.items():
        diff = diff_tables(released, write(tmp_path, name, content), released_schema=KEYED, pending_schema=KEYED)
        assert diff["rows"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 3}, name
        assert diff["columns"]["added"] == [] and diff["columns"]["removed"] == [], name
        assert diff["columns"]["reordered"] is (name == "reordered.csv"), name


def test_line_breaks_inside_cells_compare_equal_whatever_their_style(tmp_path: Path):
    released, pending = both(tmp_path, b'id,note\n1,"two\nlines"\n', b'id,note\r\n1,"two\r\nlines"\r\n')
    assert diff_tables(released, pending)["rows"]["unchanged"] == 1


def test_blank_rows_are_not_rows(tmp_path: Path):
    released, pending = both(tmp_path, b"a,b\nx,1\n", b"a,b\n\nx,1\n,\n\n")
    assert diff_tables(released, pending)["rows"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 1}


def test_short_rows_read_their_missing_cells_as_empty(tmp_path: Path):
    released, pending = both(tmp_path, b"a,b,c\nx,1,\n", b"a,b,c\nx,1\n")
    assert diff_tables(released, pending)["rows"]["unchanged"] == 1


def test_examples_are_bounded_truncated_and_masked(tmp_path: Path):
    header = ",".join(f"c{i}" for i in range(20)).encode() + b",email\n"
    rows = b"".join(",".join(["v"] * 20).encode() + f",person{i}@example.org\n".encode() for i in range(30))
    released, pending = both(tmp_path, header, header + rows + b",".join([b"x" * 100] * 21) + b"\n")
    diff = diff_tables(released, pending, mask_columns=["email"])
    assert diff["rows"]["added"] == 31
    examples = diff["examples"]["added"]
    assert len(examples) == 5 and [e["row"] for e in examples] == [2, 3, 4, 5, 6]
    assert len(examples[0]["cells"]) == 12 and examples[0]["more_columns"] == 9
    assert diff["masked_columns"] == ["email"]

    diff = diff_tables(pending, released, mask_columns=["c0", "email"], examples=40)
    long_row = diff["examples"]["removed"][-1]
    assert long_row["cells"][1]["value"] == "x" * (CELL_CHARS - 1) + "…"
    assert long_row["cells"][0]["value"].startswith("x•••")
    assert "x" * 10 not in json.dumps(long_row["cells"][0])


def test_mask_keeps_the_shape_not_the_value():
    assert mask("Anna Schmidt") == "A••• S••••••"
    assert mask("anna.schmidt@example.org") == "a•••.s••••••@e••••••.o••"
    assert mask("DE89 3704 0044") == "D••• •••• ••••"


def test_changed_examples_show_only_the_changed_cells_masked(tmp_path: Path):
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"},
                         {"name": "phone", "type": "string"}], "primaryKey": ["id"]}
    released, pending = both(tmp_path, b"id,name,phone\n1,Anna,0171 1234567\n",
                             b"id,name,phone\n1,Anna,0171 7654321\n")
    diff = diff_tables(released, pending, released_schema=schema, pending_schema=schema,
                       mask_columns=["phone"])
    assert diff["examples"]["changed"][0]["cells"] == [
        {"column": "phone", "released": "•••• •••••••", "pending": "•••• •••••••"}]


def test_registry_schemas_and_their_primary_key(tmp_path: Path):
    header = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"
    row = b"%d,MZ-WB-00001,2026-11-01T06:15:00Z,%s,88,ok,false,Altstadt,\n"
    released, pending = both(tmp_path, header + row % (1, b"63.5") + row % (2, b"10.0"),
                             header + row % (2, b"11.0") + row % (1, b"63.5"))
    diff = diff_tables(released, pending, released_schema="waste-bin-sensors",
                       pending_schema="waste-bin-sensors")
    assert diff["primary_key"] == ["id"]
    assert diff["rows"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 1}


def test_xlsx_against_xlsx(tmp_path: Path):
    paths = []
    for name, rows in (("released.xlsx", [[1, "Anna", 10], [2, "Bernd", 20]]),
                       ("pending.xlsx", [[1, "Anna", 11], [3, "Clara", 30]])):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["id", "name", "amount"])
        for row in rows:
            sheet.append(row)
        book.save(tmp_path / name)
        paths.append(str(tmp_path / name))
    diff = diff_tables(*paths, released_schema=KEYED, pending_schema=KEYED)
    assert diff["rows"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}
    assert diff["released"]["format"] == "xlsx"


def test_spilled_partitions_give_the_same_answer(tmp_path: Path):
    released_rows = [f"{i},name{i},{i * 10}" for i in range(1, 3001)]
    pending_rows = [r for i, r in enumerate(released_rows, 1) if i % 100 != 0]  # 30 removed
    pending_rows = [r.replace(",name7,", ",NAME7,") for r in pending_rows]  # 1 changed
    pending_rows += [f"{i},new{i},0" for i in range(5001, 5011)]  # 10 added
    released, pending = both(tmp_path, ("id,name,amount\n" + "\n".join(released_rows) + "\n").encode(),
                             ("id,name,amount\n" + "\n".join(pending_rows[::-1]) + "\n").encode())
    expected = {"added": 10, "removed": 30, "changed": 1, "unchanged": 3000 - 31}
    for spill_rows in (10**9, 2990, 500, 7):  # 2990: only the released file spills
        diff = diff_tables(released, pending, released_schema=KEYED, pending_schema=KEYED, spill_rows=spill_rows)
        assert diff["rows"] == expected, spill_rows
        assert [e["row"] for e in diff["examples"]["removed"]] == [101, 201, 301, 401, 501]
        assert diff["examples"]["changed"][0]["key"] == [{"column": "id", "value": "7"}]
    content = diff_tables(released, pending, spill_rows=100)
    assert content["rows"] == {"added": 11, "removed": 31, "changed": 0, "unchanged": 2969}


def test_a_cell_longer_than_pyarrows_block_falls_back_to_the_csv_module(tmp_path: Path):
    rows = b"".join(b"x,%d\n" % i for i in range(200))  # the huge cell lies past the sniffed sample
    huge = b"y" * (3 << 20)
    released, pending = both(tmp_path, b"a,b\n" + rows, b"a,b\n" + rows + huge + b",2\n")
    diff = diff_tables(released, pending)
    assert diff["rows"] == {"added": 1, "removed": 0, "changed": 0, "unchanged": 200}
    assert diff["examples"]["added"][0]["row"] == 202
    assert diff["examples"]["added"][0]["cells"][0]["value"] == "y" * (CELL_CHARS - 1) + "…"


def test_unreadable_files_raise_a_checks_error(tmp_path: Path):
    released = write(tmp_path, "released.csv", RELEASED)
    with pytest.raises(ChecksError):
        diff_tables(released, str(tmp_path / "missing.csv"))
    with pytest.raises(ChecksError):
        diff_tables(released, write(tmp_path, "pending.csv", b"%PDF-1.4 not a table"))
    bomb = tmp_path / "pending.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"\0" * (4 << 20))
    with pytest.raises(ChecksError):
        diff_tables(released, str(bomb))


def test_empty_files_diff_to_every_row(tmp_path: Path):
    released, pending = both(tmp_path, b"", RELEASED)
    diff = diff_tables(released, pending)
    assert diff["rows"]["added"] == 4 and diff["columns"]["added"] == ["id", "name", "amount"]


def test_the_data_diff_imports_no_ckan():
    code = "import sys, ckanext.governance.checks.datadiff; print(any(m == 'ckan' or m.startswith('ckan.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
