"""Check reports in the reader's language: frictionless's own English wording for every code
(the API keeps it), a German wording with the same placeholders, and notes translated."""
import re
import string
from pathlib import Path

from babel.messages.pofile import read_po
from frictionless import errors as fl_errors

from ckanext.governance import report_text
from ckanext.governance.checks import validate_table
from ckanext.governance.checks.report import _ERROR_CLASSES
from ckanext.governance.notify import Texts

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ckanext" / "governance" / "i18n" / "de" / "LC_MESSAGES" / "ckanext-governance.po"
SCHEMA = ROOT / "schemas" / "table" / "waste-bin-sensors.json"
BROKEN = (b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note,extra\n"
          b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt,,\n"
          b"x,MZ-WB-2,gestern,140,71,voll,true,Neustadt,,\n"
          b"1,MZ-WB-00003,2026-11-01T07:00:00Z,12,90,ok,false,Oberstadt,,\n"
          b",,,,,,,,,\n")


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_english_texts_are_frictionless_own_for_every_code_the_engine_reports():
    assert set(report_text.ERROR_TEXTS) == set(_ERROR_CLASSES)
    for code, (title, template) in report_text.ERROR_TEXTS.items():
        error_class = next(c for c in vars(fl_errors).values()
                           if isinstance(c, type) and getattr(c, "type", None) == code)
        assert (title, template) == (error_class.title, error_class.template), code


def test_german_texts_keep_the_placeholders():
    catalogue = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    for code, (title, template) in report_text.ERROR_TEXTS.items():
        assert catalogue.get(title) and catalogue[title] != title, code
        assert catalogue.get(template), code
        assert _fields(catalogue[template]) == _fields(template), code
    for _pattern, template in report_text.NOTE_TEXTS:
        assert _fields(catalogue[template]) == _fields(template), template


def test_every_error_of_a_real_report_reads_as_frictionless_in_english_and_german_in_german(
        tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(BROKEN)
    report = validate_table(str(path), SCHEMA.stem).to_dict()  # by its registry name
    codes = {error["code"] for error in report["errors"]}
    assert {"extra-label", "type-error", "constraint-error", "unique-error", "primary-key",
            "blank-row"} <= codes
    english, german = Texts("en"), Texts("de")
    for error in report["errors"]:
        assert report_text.error_message(error, english._) == error["message"]
        text = report_text.error_message(error, german._)
        assert text != error["message"]
        # The German text names the same row and field as the report.
        for value in (error.get("row"), error.get("field"), error.get("cell")):
            if value not in (None, ""):
                assert str(value) in text
        assert not re.search(r"\b(row|field|position|constraint|type is)\b", text), text
    type_error = next(e for e in report["errors"] if e["code"] == "type-error")
    assert report_text.error_message(type_error, german._).startswith(
        "Typfehler in der Zelle „x“ in Zeile „3“, Feld „id“ an Position „1“: "
        "erwarteter Typ ist „integer/default“")


def test_unknown_codes_and_notes_keep_the_report_text():
    error = {"code": "something-new", "message": "Something new happened"}
    assert report_text.error_message(error) == "Something new happened"
    assert report_text.translated_note("an unforeseen note", Texts("de")._) == \
        "an unforeseen note"
