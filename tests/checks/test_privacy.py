"""Privacy and disclosure checks: validators, column decisions, traps, masking, config, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner

from ckanext.governance.checks import ChecksError, validate_table
from ckanext.governance.checks.cli import check_command
from ckanext.governance.checks.privacy import (
    PrivacyConfig, TablePrivacy, check_metadata, config_from_mapping, load_config,
)
from ckanext.governance.checks.privacy import identifiers as ids
from ckanext.governance.checks.privacy.masking import mask
from ckanext.governance.checks.privacy.people import NameFinder

ROOT = Path(__file__).resolve().parents[2]


def run(columns: dict, config: PrivacyConfig = None, types: dict = None, custom: dict = None):
    """Findings of TablePrivacy over in-memory columns {name: [cells]}."""
    fields = [(name, (types or {}).get(name, "string"), (custom or {}).get(name, {})) for name in columns]
    checks = TablePrivacy(fields, config)
    checks.observe([pa.array(cells, pa.string()) for cells in columns.values()])
    return checks.findings()


def checks_of(findings, column=None):
    return {f["check"] for f in findings if column is None or f.get("column") == column}


def write_csv(tmp_path: Path, name: str, header: list, rows: list) -> Path:
    path = tmp_path / name
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Validators: real valid and invalid examples; a wrong check digit never counts


@pytest.mark.parametrize("valid, invalid", [
    ("DE02370502990000684712", "DE02370502990000684713"),  # one digit changed: checksum fails
    ("AT483200000012345864", "AT483200000012345865"),
    ("DE02 1001 0010 0006 8201 01", "DE02 1001 0010 0006 8201 02"),
])
def test_iban_checksum(valid, invalid):
    assert ids.is_iban(valid)
    assert not ids.is_iban(invalid)


def test_documentation_iban_is_not_personal():
    assert ids.is_documentation_iban("DE89 3704 0044 0532 0130 00")
    assert not ids.is_iban("DE89 3704 0044 0532 0130 00")
    assert not ids.is_iban("GB29 NWBK 6016 1331 9268 19")


def test_tax_id_check_digit_and_repetition_rule():
    assert ids.is_tax_id("36574261809")
    assert not ids.is_tax_id("36574261808")  # wrong check digit
    assert not ids.is_tax_id("11111111111")  # one digit ten times breaks the repetition rule
    assert not ids.is_tax_id("1234567890")  # ten digits


def test_vat_and_tax_numbers():
    assert ids.is_vat_id("DE136695976") and not ids.is_vat_id("DE136695977")
    assert ids.is_tax_number("21/815/08150")
    assert not ids.is_tax_number("2181508150")  # bare digits only where the column says so
    assert ids.is_tax_number("2181508150", hinted=True)


def test_identity_documents_icao_check_digit():
    assert ids.document_kind("T220001293") == "id_card"  # specimen identity card (Erika Mustermann)
    assert ids.document_kind("C01X00T478") == "passport"  # specimen passport
    assert ids.document_kind("T220001294") is None  # wrong check digit
    assert ids.document_kind("C01X00T47") is None  # nine characters: only in a hinted column
    assert ids.document_kind("C01X00T47", hinted=True) == "passport"
    assert ids.document_kind("AB1234567", hinted=True) is None  # letters no German document uses


def test_pension_and_health_insurance_numbers():
    assert ids.is_pension_number("15070649C103") and ids.is_pension_number("15 070649 C 103")
    assert not ids.is_pension_number("15070649C104")
    assert not ids.is_pension_number("15073249C103")  # no 32nd day
    assert ids.is_health_insurance_number("A123456780")
    assert not ids.is_health_insurance_number("A123456781")


def test_licence_plates_against_district_prefixes():
    assert ids.is_licence_plate("MZ-AB 123") and ids.is_licence_plate("B XY 1234")
    assert not ids.is_licence_plate("XQ-AB 123")  # no such district
    assert not ids.is_licence_plate("DIN A 4")  # paper, not Dinslaken


def test_credit_cards_luhn_and_issuer():
    assert ids.is_credit_card("4111 1111 1111 1111") and ids.is_credit_card("5500 0000 0000 0004")
    assert not ids.is_credit_card("4111111111111112")  # Luhn fails
    assert not ids.is_credit_card("9111111111111111")  # Luhn holds, no card issuer starts with 9


def test_ip_addresses_public_and_private():
    assert [ids.ip_kind(v) for v in ("8.8.8.8", "2a02:810::1")] == ["public", "public"]
    assert [ids.ip_kind(v) for v in ("192.168.1.1", "10.0.0.7", "192.0.2.1", "fe80::1")] == ["private"] * 4
    assert ids.ip_kind("999.1.1.1") is None and ids.ip_kind("1.2.3") is None


def test_phone_numbers_and_their_look_alikes():
    assert ids.phone_kind("+49 6131 153480") == "personal" and ids.phone_kind("0170 1234567") == "personal"
    assert ids.phone_kind("06131 12-0") == "switchboard"
    for look_alike in ("20240115", "01.02.2024", "2024-01-15", "0.9.12", "049.99291", "169.44", "12345678901"):
        assert ids.phone_kind(look_alike) is None, look_alike


def test_role_mailboxes():
    roles = frozenset({"poststelle", "info", "presse", "buergerbuero"})
    assert ids.is_role_mailbox("poststelle", roles) and ids.is_role_mailbox("presse-stelle", roles | {"stelle"})
    assert not ids.is_role_mailbox("anna.schmidt", roles)


def test_birth_dates_need_plausible_ages():
    today = date(2026, 11, 29)
    assert ids.plausible_birth_date("1980-05-17", today, 120) and ids.plausible_birth_date("17.05.1980", today, 120)
    assert not ids.plausible_birth_date("2030-01-01", today, 120)  # in the future
    assert not ids.plausible_birth_date("1850-01-01", today, 120)  # 176 years old
    assert not ids.plausible_birth_date("31.02.1980", today, 120)


def test_names_from_gazetteers_across_origins():
    names = NameFinder()
    for full in ("Anna Schmidt", "Mehmet Yılmaz", "Agnieszka Kowalska", "Giuseppe Rossi", "Dmitri Iwanow",
                 "Fatima Haddad", "Schmidt, Anna", "Herr Yılmaz", "Frau Dr. Nowak", "Dr. Weber"):
        assert names.cell(full) in ("full", "probable"), full
    for not_a_person in ("Konrad-Adenauer-Straße", "Dr.", "Prof. Dr.", "Bürgerbüro Stadthaus", "Gutenberg-Museum",
                         "St. Martin", "Altstadt", "FSV Mainz 05", "Tilia cordata"):
        assert names.cell(not_a_person) is None, not_a_person
    assert names.cell("Konrad Adenauer") == "public"
    assert names.in_text("Herr Yılmaz rief an wegen Sperrmüll")
    assert names.in_text("Anruf von Anna Kowalczyk, bitte zurückrufen")
    assert not names.in_text("Baustelle in der Goethestraße bis Ende Mai")
    assert not names.in_text("Am Gutenbergplatz findet der Markt statt")


# Column decisions


def test_personal_columns_are_blocked():
    n = 40
    findings = run({
        "name": [f"{f} {l}" for f, l in zip(["Anna", "Jonas", "Mehmet", "Olga"] * 10, ["Schmidt", "Weber", "Yılmaz", "Nowak", "Rossi"] * 8)],
        "email": [f"person{i}.mueller@example.org" for i in range(n)],
        "telefon": [f"+49 6131 {100000 + i * 7919}" for i in range(n)],
        "iban": ["DE02370502990000684712", "AT483200000012345864"] * 20,
    })
    assert {(f["column"], f["check"], f["severity"]) for f in findings} >= {
        ("name", "pii.person_name", "block"), ("email", "pii.email", "block"),
        ("telefon", "pii.phone", "block"), ("iban", "pii.iban", "block"),
    }


def test_wrong_check_digits_do_not_count():
    bad_ibans = ["DE02370502990000684713", "AT483200000012345865"] * 20
    bad_tax_ids = ["36574261808"] * 40
    assert run({"iban": bad_ibans, "steuer_id": bad_tax_ids}) == []


def test_one_odd_cell_decides_nothing():
    codes = [f"ART-{i:05d}" for i in range(99)] + ["DE02370502990000684712"]
    assert run({"artikel": codes}) == []


@pytest.mark.parametrize("column, cells", [
    ("artikelcode", [f"DE{i:02d}ABCD{i * 7919:014d}" for i in range(50)]),  # IBAN-shaped article codes
    ("muster", ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000"] * 25),  # documentation IBAN
    ("seriennummer", [str(10**10 + i * 104729) for i in range(50)]),  # random 11-digit numbers
    ("produktcode", [f"AB{i:03d}QX{i % 10}E{i % 7}" for i in range(50)]),  # 9-character product codes
    ("plaetze", [f"bis zu {i} Personen" for i in range(2, 52)]),
    ("format", ["DIN A 4", "DIN A 3", "DIN A 5", "DIN A4"] * 12),
    ("datum", [f"2024{m:02d}{d:02d}" for m in range(1, 11) for d in range(1, 6)]),  # dates like phone numbers
    ("datum_de", [f"{d:02d}.{m:02d}.2024" for m in range(1, 11) for d in range(1, 6)]),
    ("firmware", [f"0.{i % 9 + 1}.{10 + i}" for i in range(50)]),  # versions
    ("breite", [f"0{49 + i / 997:.5f}" for i in range(50)]),  # decimal coordinates like phone numbers
    ("betrag", [f"{100 + i}.{i % 100:02d}" for i in range(50)]),  # amounts like 169.44
    ("titel", ["Dr.", "Prof.", "Prof. Dr.", "Dipl.-Ing.", "Dr. med."] * 10),  # academic titles alone
    ("strasse", ["Konrad-Adenauer-Straße", "Willy-Brandt-Platz", "Sophie-Scholl-Weg", "Goethestraße"] * 12),
    ("namensgeber", ["Johannes Gutenberg", "Konrad Adenauer", "Willy Brandt", "Sophie Scholl"] * 12),
    ("telefon_zentrale", ["06131 12-0", "+49 6131 12-0", "0611 31-0"] * 16),  # switchboards
    ("kontakt", ["poststelle@mainz.de", "info@stadtbibliothek.mainz.de", "presse@stadt.mainz.de"] * 16),
    ("fahrgaeste", [str(10000 + i * 1777) for i in range(50)]),  # 5-digit counts like postcodes
    ("intern", [f"192.168.1.{i + 1}" for i in range(50)]),  # private addresses
    ("notiz", ["Behälter geleert", "Deckel klemmt, bitte prüfen", "Am Gutenbergplatz findet der Markt statt"] * 16),
])
def test_traps_are_not_reported(column, cells):
    assert run({column: cells}) == []


def test_public_building_coordinates_repeated_are_not_flagged():
    buildings = [("49.99931", "8.27396"), ("50.00145", "8.27110"), ("49.99626", "8.26817")]
    rows = buildings * 30
    findings = run({"alter": [str(20 + i % 50) for i in range(90)], "geschlecht": ["m", "w"] * 45,
                    "lat": [r[0] for r in rows], "lon": [r[1] for r in rows]})
    assert "geo.precision" not in checks_of(findings)


def test_person_points_with_four_decimals_are_flagged():
    findings = run({"alter": [str(20 + i % 50) for i in range(90)], "geschlecht": ["m", "w"] * 45,
                    "lat": [f"{49.95 + i / 1013:.6f}" for i in range(90)],
                    "lon": [f"{8.17 + i / 997:.6f}" for i in range(90)]})
    assert {f["column"] for f in findings if f["check"] == "geo.precision"} == {"lat", "lon"}


def test_precise_coordinates_of_things_are_not_people():
    findings = run({"sensor": [f"MZ-{i}" for i in range(90)], "lat": [f"{49.95 + i / 1013:.6f}" for i in range(90)],
                    "lon": [f"{8.17 + i / 997:.6f}" for i in range(90)]})
    assert findings == []


def test_free_text_names_inside_sentences():
    notes = [f"Herr {n} rief an wegen Sperrmüll" for n in ("Yılmaz", "Kowalski", "Schmidt", "Haddad")] * 3 + ["erledigt"] * 30
    assert checks_of(run({"bemerkung": notes})) == {"pii.person_name"}


def test_names_behind_a_neutral_header():
    names = [f"{f} {l}" for f in ("Anna", "Mehmet", "Agnieszka", "Giuseppe", "Olga") for l in ("Schmidt", "Yılmaz", "Nowak", "Rossi", "Haddad")]
    assert checks_of(run({"feld_a": names * 2})) == {"pii.person_name"}


def test_hash_columns_are_pseudonyms_for_review():
    findings = run({"kennung": ["%064x" % (i * 2654435761) for i in range(1, 41)]})
    assert [(f["check"], f["severity"]) for f in findings] == [("pii.pseudonym", "review")]


def test_k_anonymity_blocks_below_3_and_asks_below_5():
    unique = run({"alter": [str(20 + i) for i in range(30)], "geschlecht": ["m", "w"] * 15})
    [finding] = [f for f in unique if f["check"] == "disclosure.k_anonymity"]
    assert finding["severity"] == "block" and finding["k"] == 1 and finding["columns"] == ["alter", "geschlecht"]
    four = run({"altersgruppe": ["18-29", "30-44"] * 8, "geschlecht": ["m"] * 8 + ["w"] * 8})
    assert [(f["severity"], f["k"]) for f in four if f["check"] == "disclosure.k_anonymity"] == [("review", 4)]
    safe = run({"altersgruppe": ["18-29", "30-44"] * 20, "geschlecht": ["m"] * 20 + ["w"] * 20})
    assert "disclosure.k_anonymity" not in checks_of(safe)


def test_postcode_and_town_is_a_quasi_identifier():
    findings = run({"wohnort": ["55116 Mainz", "55118 Mainz", "65183 Wiesbaden"] * 3 + ["55122 Mainz"],
                    "geschlecht": ["m", "w"] * 5})
    assert [(f["check"], f["columns"]) for f in findings] == [("disclosure.k_anonymity", ["wohnort", "geschlecht"])]


def test_quasi_identifiers_declared_in_the_table_schema():
    cells = {"region": ["Nord", "Süd", "Ost", "West"] * 2 + ["Mitte"], "wert": [str(i) for i in range(9)]}
    assert run(cells) == []  # nothing says these rows are people
    declared = run(cells, custom={"region": {"quasiIdentifier": True}})
    assert [(f["check"], f["k"]) for f in declared] == [("disclosure.k_anonymity", 1)]


def test_small_counts_block_and_the_threshold_is_configurable():
    table = {"stadtteil": ["Altstadt", "Neustadt", "Mombach"] * 4, "anzahl": ["12", "1", "40", "2", "7", "9"] * 2}
    [finding] = run(table)
    assert (finding["check"], finding["column"], finding["severity"]) == ("disclosure.small_counts", "anzahl", "block")
    assert finding["share"] == round(4 / 12, 4)
    assert run({"stadtteil": ["Altstadt"] * 6, "anzahl": ["2", "7", "9", "12", "40", "3"]}, PrivacyConfig(small_count_min=2)) == []
    people = {"email": [f"vorname{i}.nachname@example.org" for i in range(12)], "anzahl": ["1", "2", "3"] * 4}
    assert checks_of(run(people)) == {"pii.email"}  # a person's count of something: no table of counts


def test_allowlists_and_extra_gazetteers(tmp_path: Path):
    staff = [f"jana.weber{i}@mainz.de" for i in range(20)]
    assert checks_of(run({"email": staff})) == {"pii.email"}
    assert run({"email": staff}, PrivacyConfig(allow_emails=frozenset({"@mainz.de"}))) == []
    invented = [f"Zqxwer Blorptik{'aou'[i % 3]}" for i in range(30)]
    assert run({"feld": invented}) == []
    first, last = tmp_path / "first.txt", tmp_path / "last.txt"
    first.write_text("Zqxwer\n", encoding="utf-8")
    last.write_text("Blorptika\nBlorptiko\nBlorptiku\n", encoding="utf-8")
    config = config_from_mapping({"first_name_files": [str(first)], "surname_files": [str(last)]})
    assert checks_of(run({"feld": invented}, config)) == {"pii.person_name"}


def test_severity_can_be_changed_or_switched_off():
    emails = [f"vorname{i}.nachname@example.org" for i in range(20)]
    review = config_from_mapping({"severities": {"pii.email": "review"}})
    assert [f["severity"] for f in run({"email": emails}, review)] == ["review"]
    assert run({"email": emails}, config_from_mapping({"severities": {"pii.email": "off"}})) == []
    as_ckan_gives_it = config_from_mapping({"severities": ["pii.email:review", "pii.vat_id:block"],
                                            "allow_names": "Peter Altmeier, Rabanus Maurus"})
    assert as_ckan_gives_it.severity("pii.email") == "review" and as_ckan_gives_it.severity("pii.vat_id") == "block"
    assert as_ckan_gives_it.allow_names == frozenset({"Peter Altmeier", "Rabanus Maurus"})


def test_large_columns_are_sampled_evenly_and_still_decided():
    n = 60_000
    names = [f"{('Anna', 'Mehmet', 'Olga')[i % 3]} {('Schmidt', 'Yılmaz', 'Nowak', 'Rossi')[i % 4]}" for i in range(n)]
    checks = TablePrivacy([("kunde", "string", {}), ("wert", "string", {})])
    for start in range(0, n, 12_000):
        checks.observe([pa.array(names[start:start + 12_000]), pa.array([str(i) for i in range(start, start + 12_000)])])
    assert sum(len(r) for r in checks.sample_rows) <= 2 * checks.config.sample_rows
    [finding] = checks.findings()
    assert (finding["check"], finding["column"], finding["cells"]) == ("pii.person_name", "kunde", n)


def test_hostile_long_cells_take_linear_time():
    import time

    started = time.perf_counter()
    findings = run({"notiz": ["A" * 200_000, "Ä" * 50_000 + "straße", "Herr " * 40_000, "x@" * 50_000] * 3})
    assert time.perf_counter() - started < 10 and findings == []
    assert not NameFinder().in_text("A" * 100_000)


# Masking: raw values never in the report


def test_masking_keeps_shape_not_value():
    assert mask("Anna Schmidt") == "A••• S••••••"
    assert mask("anna.schmidt@example.org", "pii.email") == "a•••••••••••@•••.org"
    assert mask("DE89 3704 0044 0532 0130 00", "pii.iban") == "DE•• •••• •••• •••• •••• 00"


def test_report_json_holds_no_raw_value(tmp_path: Path):
    people = [("Anna", "Schmidt", "anna.schmidt@gmx.de", "+49 6131 153480", "DE02370502990000684712", "36574261809"),
              ("Mehmet", "Yılmaz", "mehmet.yilmaz@web.de", "0170 2345678", "AT483200000012345864", "86095742719"),
              ("Olga", "Iwanowa", "olga.iwanowa@posteo.de", "06131/987-654", "DE02100100100006820101", "47036892816")]
    rows = [(i, f"{f} {l}", mail, phone, iban, tax) for i, (f, l, mail, phone, iban, tax) in enumerate(people * 5)]
    path = write_csv(tmp_path, "people.csv", ["id", "name", "email", "telefon", "iban", "steuer_id"], rows)
    report = validate_table(path)
    text = json.dumps(report.to_dict(), ensure_ascii=False)
    assert report.privacy_status == "ran" and not report.valid
    assert checks_of(report.privacy) >= {"pii.person_name", "pii.email", "pii.phone", "pii.iban", "pii.tax_id"}
    cli = subprocess.run([sys.executable, "-m", "ckanext.governance.checks.cli", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert cli.returncode == 1 and "[privacy block]" in cli.stdout
    for person in people:
        for raw in person:
            assert raw not in text and raw not in cli.stdout + cli.stderr, raw
        assert person[2].split("@")[0] not in text and person[4][4:] not in text


def test_metadata_free_text():
    dataset = {
        "title": "Meldungen an den Bürgerservice",
        "notes": "Rückfragen an Herrn Yılmaz. Spenden an DE02 3705 0299 0000 6847 12.",
        "tags": [{"name": "Bürgerservice"}, {"name": "Sperrmüll"}],
        "resources": [{"name": "meldungen.csv", "description": "Kontakt: anna.schmidt@gmx.de"}],
    }
    findings = check_metadata(dataset)
    assert {(f["field"], f["check"], f["severity"]) for f in findings} == {
        ("notes", "pii.person_name", "review"), ("notes", "pii.iban", "block"),
        ("resources[0].description", "pii.email", "review"),
    }
    assert "Yılmaz" not in json.dumps(findings, ensure_ascii=False) and "anna.schmidt" not in json.dumps(findings)
    assert check_metadata({"title": "Füllstände der Abfallbehälter", "notes": "Messwerte, poststelle@mainz.de",
                           "tags": ["Abfall"], "resources": []}) == []


# The engine's report: status, and a failure is never a pass


def test_privacy_status_ran_skipped_error(tmp_path: Path):
    path = write_csv(tmp_path, "a.csv", ["id", "email"], [(i, f"vorname{i}.nachname@example.org") for i in range(10)])
    ran = validate_table(path)
    assert ran.privacy_status == "ran" and not ran.valid and ran.to_dict()["privacy_status"] == "ran"
    skipped = validate_table(path, privacy=False)
    assert skipped.privacy_status == "skipped" and skipped.privacy == [] and skipped.valid
    broken = validate_table(path, privacy=PrivacyConfig(severities=None))  # a broken config object
    result = broken.to_dict()
    assert result["privacy_status"] == "error" and result["valid"] is False and result["privacy"] == []
    assert result["privacy_error"] == "the privacy checks failed (AttributeError)"


def test_json_and_xlsx_cells_are_checked(tmp_path: Path):
    path = tmp_path / "t.json"
    rows = [["name", "geburtsdatum"]] + [[f"{f} Schmidt", f"19{60 + i}-0{1 + i % 9}-1{i % 9}"] for i, f in enumerate(["Anna", "Jonas", "Olga", "Mehmet"] * 3)]
    path.write_text(json.dumps(rows), encoding="utf-8")
    report = validate_table(path)
    assert report.privacy_status == "ran"
    assert checks_of(report.privacy) >= {"pii.person_name", "pii.date_of_birth"}


def test_demo_files():
    demo = ROOT / "demo"
    requests = validate_table(demo / "service-requests.csv")
    assert not requests.valid
    blocking = {(f["check"], f.get("column")) for f in requests.privacy if f["severity"] == "block"}
    assert blocking >= {("pii.person_name", "reporter_name"), ("pii.email", "reporter_email"), ("pii.phone", "reporter_phone")}
    for clean in ("waste-bin-fill-levels.csv", "citizen-office-visits.csv"):
        report = validate_table(demo / clean)
        assert report.privacy_status == "ran" and not [f for f in report.privacy if f["severity"] == "block"], clean


# Configuration files and the CLI


@pytest.mark.parametrize("name, text", [
    ("p.json", '{"k_block": 2, "k_review": 4, "allow_names": ["Anna Schmidt"], "severities": {"pii.vat_id": "block"}}'),
    ("p.toml", 'k_block = 2\nk_review = 4\nallow_names = ["Anna Schmidt"]\n[severities]\n"pii.vat_id" = "block"\n'),
    ("p.yaml", "k_block: 2\nk_review: 4\nallow_names: [Anna Schmidt]\nseverities:\n  pii.vat_id: block\n"),
])
def test_config_files(tmp_path: Path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    assert (config.k_block, config.k_review) == (2, 4)
    assert config.allow_names == frozenset({"Anna Schmidt"}) and config.severity("pii.vat_id") == "block"
    assert config.severity("pii.email") == "block"  # defaults stay


@pytest.mark.parametrize("values, message", [
    ({"k_blok": 2}, "unknown privacy option(s): k_blok"),
    ({"severities": {"pii.email": "maybe"}}, "severity of pii.email must be one of block, review, off"),
    ({"severities": {"pii.nothing": "off"}}, "unknown privacy check in severities: pii.nothing"),
    ({"k_block": "three"}, "privacy option k_block must be int"),
    ({"k_block": 6, "k_review": 5}, "k_block must be at least 1 and at most k_review"),
    ({"min_share": 2}, "min_share must be a share between 0 and 1"),
    ({"surname_files": ["/nonexistent/names.txt"]}, "gazetteer file not found"),
])
def test_bad_config_gets_a_clear_error(values, message):
    with pytest.raises(ChecksError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config_from_mapping(values)


def test_cli_privacy_flags(tmp_path: Path):
    path = write_csv(tmp_path, "a.csv", ["id", "email"], [(i, f"vorname{i}.nachname@example.org") for i in range(10)])
    config = tmp_path / "privacy.json"
    config.write_text('{"allow_emails": ["@example.org"]}', encoding="utf-8")
    runner = CliRunner()
    blocked = runner.invoke(check_command, [str(path), "--format", "json"])
    assert blocked.exit_code == 1 and json.loads(blocked.output)["privacy"][0]["check"] == "pii.email"
    allowed = runner.invoke(check_command, [str(path), "--format", "json", "--privacy-config", str(config)])
    assert allowed.exit_code == 0 and json.loads(allowed.output)["privacy"] == []
    skipped = runner.invoke(check_command, [str(path), "--format", "json", "--no-privacy"])
    assert skipped.exit_code == 0 and json.loads(skipped.output)["privacy_status"] == "skipped"
    text = runner.invoke(check_command, [str(path), "--no-privacy"])
    assert "privacy checks: skipped" in text.output
    config.write_text('{"k_block": "x"}', encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "ckanext.governance.checks.cli", str(path), "--privacy-config", str(config)],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "privacy option k_block must be int" in bad.stderr and "Traceback" not in bad.stderr
