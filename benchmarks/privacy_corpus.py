"""A labelled corpus for the privacy checks: CSV files whose every column says what it holds.

    python -m benchmarks.privacy_corpus     # writes benchmarks/data/privacy/*.csv + labels.json

Deterministic (fixed seed). Person names come mostly from ``heldout_names.json``: names of
@faker-js/faker (MIT) that the gazetteer build left out, so recall on names is measured on
names the lists were not made from. Every column is labelled with the checks that must
report it (``expect``); trap columns (``trap``) must report nothing at all.
"""

from __future__ import annotations

import csv
import json
import random
import string
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Dict, Optional

from stdnum import luhn
from stdnum.iso7064 import mod_11_10, mod_97_10

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "data" / "privacy"
SEED = 20261129
ROWS = 400
TABLE = "<table>"  # label key of table-level findings (k-anonymity)

HELD_OUT = json.loads((ROOT / "benchmarks" / "heldout_names.json").read_text(encoding="utf-8"))
_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
                "a b w g d e jo sch s i i k l m n o p r s t u f ch z tsch sch schtsch _ y _ e ju ja i ji je g".split()))
ARABIC_FIRST = "Mohammed Ahmad Ali Omar Yusuf Khaled Mahmoud Hassan Ibrahim Mustafa Fatima Aisha Mariam Layla Noor Rania Samira Yasmin Zainab Amina".split()
ARABIC_LAST = "Al-Ahmad Haddad Khalil Mansour Nasser Saleh Darwish Hamdan Ibrahim Yousef Barakat Kassem Haidari Rahimi Hosseini".split()
DISTRICTS = ["Altstadt", "Neustadt", "Oberstadt", "Hartenberg-Münchfeld", "Mombach", "Gonsenheim",
             "Finthen", "Drais", "Lerchenberg", "Marienborn", "Bretzenheim", "Hechtsheim", "Ebersheim", "Weisenau", "Laubenheim"]
STREETS = ["Mainzer Straße", "Gutenbergplatz", "Kaiserstraße", "Am Rathaus", "Rheinallee", "Bahnhofstraße",
           "Konrad-Adenauer-Ufer", "Große Bleiche", "Hintere Bleiche", "Schillerstraße", "Parcusstraße", "Am Brand",
           "Binger Straße", "Holzhofstraße", "Augustinerstraße", "Ludwigsstraße", "An der Goldgrube", "Weißliliengasse"]
PEOPLE_STREETS = ["Konrad-Adenauer-Straße", "Willy-Brandt-Platz", "Friedrich-Ebert-Allee", "Theodor-Heuss-Ring",
                  "Sophie-Scholl-Weg", "Albert-Schweitzer-Straße", "Rosa-Luxemburg-Straße", "Goethestraße",
                  "Schillerplatz", "Beethovenstraße", "Heinrich-Heine-Straße", "Kurt-Schumacher-Straße"]
CATEGORIES = ["Sperrmüll", "Schlagloch", "Straßenbeleuchtung", "Graffiti", "Wilder Müll", "Verkehrszeichen"]
OFFICES = ["Bürgerbüro Stadthaus", "Ortsverwaltung Gonsenheim", "Standesamt", "Ordnungsamt", "Stadtbibliothek",
           "Gutenberg-Museum", "Staatstheater", "Volkshochschule", "Stadtarchiv", "Rathaus"]
PUBLIC_BUILDINGS = [(49.99931, 8.27396), (50.00145, 8.27110), (49.99626, 8.26817), (50.00238, 8.26563),
                    (49.99880, 8.27532), (50.01136, 8.26087), (49.98461, 8.24812), (50.00517, 8.25841)]


class Gen:
    """Value generators, all from one seeded random source."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, values):
        return self.rng.choice(values)

    # people

    def _held(self, locale: str, kind: str) -> str:
        name = self.pick(HELD_OUT[locale][kind])
        if locale in ("ru", "uk") or any("\u0400" <= ch <= "\u04ff" for ch in name):
            name = "".join(_CYR.get(ch.lower(), ch).replace("_", "") for ch in name).capitalize()
        return name

    def first(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return self.pick(ARABIC_FIRST)
        return self._held(self.pick(["de", "de", "de", "tr", "tr", "pl", "ru", "it", "hr", "sr_RS_latin", "ro", "uk", "en", "fr", "es"]), "first")

    def last(self) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return self.pick(ARABIC_LAST)
        return self._held(self.pick(["de", "de", "de", "tr", "tr", "pl", "ru", "it", "hr", "sr_RS_latin", "ro", "uk", "en", "es"]), "last")

    def full_name(self) -> str:
        return f"{self.first()} {self.last()}"

    def email(self) -> str:
        first, last = _ascii(self.first()).lower(), _ascii(self.last()).lower()
        pattern = self.rng.randrange(4)
        local = [f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{self.rng.randint(1, 99)}", f"{last}.{first}"][pattern]
        return f"{local}@{self.pick(['gmx.de', 'web.de', 't-online.de', 'gmail.com', 'posteo.de', 'outlook.com'])}"

    def phone(self, style: int) -> str:
        area = self.pick(["6131", "611", "69", "30", "89", "221", "6132", "6136"])
        number = str(self.rng.randint(100000, 9999999))
        if style == 0:
            return f"0{area} {number}"
        if style == 1:
            return f"+49 {area} {number}"
        if style == 2:
            return f"0{self.pick(['151', '160', '170', '171', '176', '157'])} {self.rng.randint(1000000, 99999999)}"
        return f"0{area}/{number[:3]}-{number[3:]}"

    def iban(self, country: str = "DE") -> str:
        lengths = {"DE": 18, "AT": 16, "NL": None, "PL": 24}
        if country == "NL":
            bban = self.pick(["ABNA", "INGB", "RABO"]) + "".join(self.rng.choice(string.digits) for _ in range(10))
        else:
            bban = "".join(self.rng.choice(string.digits) for _ in range(lengths[country]))
        check = 98 - int(mod_97_10._to_base10(bban + country + "00")) % 97
        number = f"{country}{check:02d}{bban}"
        return " ".join(number[i:i + 4] for i in range(0, len(number), 4)) if self.rng.random() < 0.5 else number

    def tax_id(self) -> str:
        while True:
            digits = [str(self.rng.randint(1, 9))] + [str(self.rng.randint(0, 9)) for _ in range(9)]
            body = "".join(digits)
            counts = sorted((body.count(d) for d in set(body)), reverse=True)
            if counts[0] in (2, 3) and counts[1] == 1:
                return body + mod_11_10.calc_check_digit(body)

    def vat_id(self) -> str:
        body = str(self.rng.randint(10000000, 99999999))
        return "DE" + body + mod_11_10.calc_check_digit(body)

    def document(self, first_letters: str) -> str:
        alphabet = "0123456789CFGHJKLMNPRTVWXYZ"
        body = self.pick(first_letters) + "".join(self.rng.choice(alphabet) for _ in range(8))
        total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * (7, 3, 1)[i % 3] for i, ch in enumerate(body))
        return body + str(total % 10)

    def pension_number(self) -> str:
        born = date(1940, 1, 1) + timedelta(days=self.rng.randrange(25000))
        area = f"{self.pick([12, 13, 15, 17, 18, 23, 24, 25, 28, 38, 40, 42, 49, 53, 65])}"
        letter = self.pick(string.ascii_uppercase)
        serial = f"{self.rng.randint(0, 99):02d}"
        digits = area + born.strftime("%d%m%y") + f"{ord(letter) - 64:02d}" + serial
        total = 0
        for digit, weight in zip(digits, (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)):
            product = int(digit) * weight
            total += product // 10 + product % 10
        text = area + born.strftime("%d%m%y") + letter + serial + str(total % 10)
        return text if self.rng.random() < 0.5 else f"{text[:2]} {text[2:8]} {text[8]} {text[9:]}"

    def health_number(self) -> str:
        letter = self.pick(string.ascii_uppercase)
        body = "".join(self.rng.choice(string.digits) for _ in range(8))
        digits = f"{ord(letter) - 64:02d}" + body
        total = 0
        for index, digit in enumerate(digits):
            product = int(digit) * (1 if index % 2 == 0 else 2)
            total += product // 10 + product % 10
        return letter + body + str(total % 10)

    def plate(self) -> str:
        prefix = self.pick(["MZ", "WI", "F", "B", "M", "K", "AZ", "KH", "DA", "OF", "GG", "LU", "MYK", "BIN"])
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(self.rng.randint(1, 2)))
        return f"{prefix}-{letters} {self.rng.randint(1, 9999)}" if self.rng.random() < 0.6 else f"{prefix} {letters} {self.rng.randint(1, 999)}"

    def credit_card(self) -> str:
        prefix = self.pick(["4", "51", "52", "53", "54", "55", "2221"])
        body = prefix + "".join(self.rng.choice(string.digits) for _ in range(15 - len(prefix)))
        number = body + luhn.calc_check_digit(body)
        return " ".join(number[i:i + 4] for i in range(0, 16, 4)) if self.rng.random() < 0.5 else number

    def public_ip(self) -> str:
        while True:
            first = self.rng.randint(1, 223)
            if first not in (10, 127, 100, 169, 172, 192, 198, 203):
                return f"{first}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"

    def ipv6(self) -> str:
        return "2a02:" + ":".join(f"{self.rng.randint(0, 65535):x}" for _ in range(7))

    def birth_date(self) -> date:
        return date(1935, 1, 1) + timedelta(days=self.rng.randrange(30000))

    def address(self) -> str:
        return f"{self.pick(STREETS)} {self.rng.randint(1, 180)}{self.pick(['', '', '', 'a', 'b'])}"

    def free_text_with_name(self) -> str:
        templates = [
            "Herr {n} rief an wegen {c}.", "Frau {n} meldet {c} vor dem Haus.", "Anruf von {f}, bitte zurückrufen.",
            "{c} gemeldet durch Frau Dr. {n}.", "Rückfrage bei Herrn {n} zum Thema {c}.", "{c}: laut {f} seit Tagen.",
        ]
        text = self.pick(templates)
        return text.format(n=self.last(), f=self.full_name(), c=self.pick(CATEGORIES))

    def neutral_text(self) -> str:
        return self.pick([
            "Behälter geleert", "Deckel klemmt, bitte prüfen", "Sperrmüll daneben abgestellt", "Sensor meldet voll zu früh",
            "Standort verlegt; neue Halterung", "Baustelle in der Goethestraße bis Ende Mai", "Am Gutenbergplatz findet der Markt statt",
            "Reinigung durch den Entsorgungsbetrieb erfolgt", "Schaden an der Beleuchtung am Konrad-Adenauer-Ufer",
            "Für bis zu 10 Personen, Unterlagen im Format DIN A 4 mitbringen", "Termin nach Vereinbarung, Zentrale 06131 12-0",
        ])


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ş": "s", "ğ": "g", "ç": "c", "ł": "l", "ś": "s",
                           "ż": "z", "ź": "z", "ć": "c", "ń": "n", "ó": "o", "ą": "a", "ę": "e", "č": "c", "š": "s", "ž": "z", "đ": "d",
                           "ă": "a", "ș": "s", "ț": "t", "â": "a", "î": "i", "é": "e", "è": "e", "á": "a", "í": "i", "ú": "u", "ñ": "n"})
    text = text.lower().translate(table)
    return "".join(ch for ch in text if ch.isalnum() or ch == "-")


Column = Dict  # name, make(g, row) -> str, expect: list of checks, trap: kind or None


def col(name: str, make: Callable[[Gen, int], str], expect=(), trap: Optional[str] = None) -> Column:
    return {"name": name, "make": make, "expect": list(expect), "trap": trap}


def files(g: Gen) -> Dict[str, dict]:
    """Every file: its columns and table-level expectations."""
    rng = g.rng
    dob = {}

    def born(row: int) -> date:
        return dob.setdefault(row, g.birth_date())

    return {
        "buergermeldungen.csv": {"columns": [
            col("id", lambda g, i: str(i + 1)),
            col("eingang", lambda g, i: (date(2026, 1, 1) + timedelta(days=i // 4)).isoformat()),
            col("kategorie", lambda g, i: g.pick(CATEGORIES)),
            col("name", lambda g, i: g.full_name(), ["pii.person_name"]),
            col("email", lambda g, i: g.email(), ["pii.email"]),
            col("telefon", lambda g, i: g.phone(i % 4), ["pii.phone"]),
            col("anschrift", lambda g, i: g.address(), ["pii.address"]),
            col("bemerkung", lambda g, i: g.free_text_with_name() if i % 3 == 0 else g.neutral_text(), ["pii.person_name"]),
            col("stadtteil", lambda g, i: g.pick(DISTRICTS)),
        ], "table": ["disclosure.k_anonymity"]},
        "antraege.csv": {"columns": [
            col("antrag_nr", lambda g, i: f"A-2026-{i + 1:05d}"),
            col("vorname", lambda g, i: g.first(), ["pii.person_name"]),
            col("nachname", lambda g, i: g.last(), ["pii.person_name"]),
            col("geburtsdatum", lambda g, i: born(i).isoformat(), ["pii.date_of_birth"]),
            col("kontakt_mail", lambda g, i: g.email(), ["pii.email"]),
            col("mobil", lambda g, i: g.phone(2), ["pii.phone"]),
            col("iban", lambda g, i: g.iban("DE"), ["pii.iban"]),
            col("steuer_id", lambda g, i: g.tax_id(), ["pii.tax_id"]),
            col("ausweisnummer", lambda g, i: g.document("LMNPRTVWXY"), ["pii.id_card"]),
            col("betrag", lambda g, i: f"{rng.randint(5, 900)}.{rng.randint(0, 99):02d}", trap="amount"),
            col("gebuehr", lambda g, i: f"{rng.randint(5, 300)},{rng.randint(0, 99):02d} €", trap="amount"),
            col("titel", lambda g, i: g.pick(["Dr.", "Prof.", "Prof. Dr.", "Dipl.-Ing.", "Dr. med.", "M.A."]), trap="academic title"),
        ], "table": ["disclosure.k_anonymity"]},
        "versicherte.csv": {"columns": [
            col("lfd", lambda g, i: str(i + 1)),
            col("feld_a", lambda g, i: g.full_name(), ["pii.person_name"]),
            col("feld_b", lambda g, i: g.tax_id(), ["pii.tax_id"]),
            col("rvnr", lambda g, i: g.pension_number(), ["pii.pension_insurance"]),
            col("kvnr", lambda g, i: g.health_number(), ["pii.health_insurance"]),
            col("feld_c", lambda g, i: g.health_number(), ["pii.health_insurance"]),
            col("passnummer", lambda g, i: g.document("CFGHJK"), ["pii.passport"]),
            col("dokument", lambda g, i: g.document("CFGHJK"), ["pii.passport"]),
            col("personalausweis", lambda g, i: g.document("LMNPRTVWXY"), ["pii.id_card"]),
            col("konto", lambda g, i: g.iban(g.pick(["AT", "NL", "PL"])), ["pii.iban"]),
            col("diagnose", lambda g, i: g.pick(["J06.9", "I10", "E11.9", "F32.1", "M54.5"]), ["pii.special_category"]),
            col("person_id", lambda g, i: str(uuid.UUID(int=rng.getrandbits(128))), ["pii.pseudonym"]),
            col("hash", lambda g, i: "%064x" % rng.getrandbits(256), ["pii.pseudonym"]),
        ], "table": []},
        "kunden.csv": {"columns": [
            col("kunde", lambda g, i: f"{g.last()}, {g.first()}", ["pii.person_name"]),
            col("ansprechpartner", lambda g, i: f"{g.pick(['Herr', 'Frau'])} {g.pick(['', 'Dr. '])}{g.last()}", ["pii.person_name"]),
            col("e_mail", lambda g, i: g.email(), ["pii.email"]),
            col("tel", lambda g, i: g.phone(i % 2), ["pii.phone"]),
            col("fax", lambda g, i: g.phone(3), ["pii.phone"]),
            col("ust_id", lambda g, i: g.vat_id(), ["pii.vat_id"]),
            col("steuernummer", lambda g, i: f"{rng.randint(10, 99)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}", ["pii.tax_number"]),
            col("kreditkarte", lambda g, i: g.credit_card(), ["pii.credit_card"]),
            col("zahlungsmittel", lambda g, i: g.credit_card(), ["pii.credit_card"]),
            col("kfz_kennzeichen", lambda g, i: g.plate(), ["pii.licence_plate"]),
            col("fahrzeug", lambda g, i: g.plate(), ["pii.licence_plate"]),
            col("wohnadresse", lambda g, i: f"{g.address()}, 55{rng.randint(100, 299)} Mainz", ["pii.address"]),
            col("geb", lambda g, i: g.birth_date().strftime("%d.%m.%Y"), ["pii.date_of_birth"]),
            col("artikelcode", lambda g, i: "DE" + "".join(rng.choice(string.digits + string.ascii_uppercase) for _ in range(20)), trap="IBAN-shaped article code"),
            col("produktcode", lambda g, i: "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(9)), trap="9-character product code"),
        ], "table": ["disclosure.k_anonymity"]},
        "zugriffe.csv": {"columns": [
            col("zeitpunkt", lambda g, i: f"2026-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00"),
            col("client_ip", lambda g, i: g.public_ip(), ["pii.ip_address"]),
            col("quelle", lambda g, i: g.ipv6(), ["pii.ip_address"]),
            col("intern", lambda g, i: g.pick(["10.0.", "192.168.1.", "172.16.4."]) + str(rng.randint(1, 254)), trap="private IP"),
            col("benutzer", lambda g, i: g.email(), ["pii.email"]),
            col("version", lambda g, i: f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 300)}", trap="version"),
            col("dauer_ms", lambda g, i: str(rng.randint(1, 5000))),
        ], "table": ["disclosure.k_anonymity"]},
        "mikrodaten.csv": {"columns": [
            col("alter", lambda g, i: str(rng.choice([rng.randint(18, 90), 101]) if i % 97 == 0 else rng.randint(18, 90))),
            col("geschlecht", lambda g, i: g.pick(["m", "w", "w", "m", "d"] if i % 50 == 0 else ["m", "w"])),
            col("stadtteil", lambda g, i: g.pick(DISTRICTS)),
            col("staatsangehoerigkeit", lambda g, i: g.pick(["deutsch"] * 6 + ["türkisch", "polnisch", "syrisch", "italienisch", "ukrainisch"])),
            col("zufriedenheit", lambda g, i: str(rng.randint(1, 5))),
        ], "table": ["disclosure.k_anonymity"]},
        "unfaelle.csv": {"columns": [
            col("unfall_id", lambda g, i: f"U{i + 1:06d}"),
            col("alter", lambda g, i: str(rng.randint(6, 95))),
            col("geschlecht", lambda g, i: g.pick(["männlich", "weiblich"])),
            col("lat", lambda g, i: f"{49.95 + rng.random() * 0.08:.6f}", ["geo.precision"]),
            col("lon", lambda g, i: f"{8.17 + rng.random() * 0.15:.6f}", ["geo.precision"]),
            col("schwere", lambda g, i: g.pick(["leicht", "schwer", "tödlich"])),
        ], "table": ["disclosure.k_anonymity"]},
        "einwohner_aggregat.csv": {"columns": [
            col("stadtteil", lambda g, i: DISTRICTS[i % len(DISTRICTS)]),
            col("altersgruppe", lambda g, i: ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"][(i // 15) % 6]),
            col("geschlecht", lambda g, i: ["m", "w"][(i // 90) % 2]),
            col("anzahl", lambda g, i: str(rng.choice([1, 2]) if i % 37 == 0 else rng.randint(3, 4000)), ["disclosure.small_counts"]),
        ], "table": []},
        "fallzahlen.csv": {"columns": [
            col("jahr", lambda g, i: str(2015 + i % 10)),
            col("diagnosegruppe", lambda g, i: g.pick(["A", "B", "C", "D", "E"])),
            col("faelle", lambda g, i: str(rng.randint(0, 2) if i % 41 == 0 else rng.randint(5, 900)), ["disclosure.small_counts"]),
            col("fahrgaeste", lambda g, i: str(rng.randint(10000, 99999)), trap="5-digit count like a postcode"),
        ], "table": []},
        "einrichtungen.csv": {"columns": [
            col("einrichtung", lambda g, i: OFFICES[i % len(OFFICES)], trap="office name"),
            col("adresse_strasse", lambda g, i: g.pick(PEOPLE_STREETS), trap="street named after a person"),
            col("namensgeber", lambda g, i: g.pick(["Johannes Gutenberg", "Konrad Adenauer", "Willy Brandt", "Sophie Scholl", "Friedrich Schiller", "Albert Schweitzer"]), trap="public name"),
            col("telefon_zentrale", lambda g, i: g.pick(["06131 12-0", "+49 6131 12-0", "06131 12-0", "06131 2486-0"]), trap="switchboard number"),
            col("kontakt", lambda g, i: g.pick(["poststelle@mainz.de", "info@stadtbibliothek.mainz.de", "presse@stadt.mainz.de", "buergerbuero@mainz.de"]), trap="role mailbox"),
            col("email_funktion", lambda g, i: g.pick(["bauamt@mainz.de", "standesamt@mainz.de", "service@mvg-mainz.de", "kontakt@mainz.de", "datenschutz@mainz.de"]), trap="role mailbox"),
            col("lat", lambda g, i: f"{PUBLIC_BUILDINGS[i % len(PUBLIC_BUILDINGS)][0]:.5f}", trap="coordinates of public buildings"),
            col("lon", lambda g, i: f"{PUBLIC_BUILDINGS[i % len(PUBLIC_BUILDINGS)][1]:.5f}", trap="coordinates of public buildings"),
            col("plaetze", lambda g, i: g.pick(["bis zu 10 Personen", "bis zu 25 Personen", "max. 4 Personen"]), trap="phrase with Personen"),
            col("format", lambda g, i: g.pick(["DIN A 4", "DIN A 3", "DIN A 5", "DIN A4"]), trap="DIN A 4"),
            col("besucher_2025", lambda g, i: str(rng.randint(1000, 90000))),
            col("plz", lambda g, i: g.pick(["55116", "55118", "55122", "55131"])),
        ], "table": []},
        "sensoren.csv": {"columns": [
            col("messung_id", lambda g, i: str(uuid.UUID(int=rng.getrandbits(128))), trap="UUID row id of a non-personal table"),
            col("sensor", lambda g, i: f"MZ-WB-{rng.randint(1, 400):05d}"),
            col("messzeit", lambda g, i: f"2026-11-01T{i % 24:02d}:{(i * 7) % 60:02d}:00Z"),
            col("datum_kompakt", lambda g, i: (date(2024, 1, 1) + timedelta(days=i)).strftime("%Y%m%d"), trap="date like a phone number"),
            col("datum_de", lambda g, i: (date(2024, 1, 1) + timedelta(days=i)).strftime("%d.%m.%Y"), trap="date like a phone number"),
            col("zeitstempel", lambda g, i: (date(2024, 1, 1) + timedelta(days=i)).strftime("%Y-%m-%d"), trap="date like a phone number"),
            col("breite", lambda g, i: f"0{49 + rng.random():.5f}", trap="decimal coordinate like a phone number"),
            col("laenge", lambda g, i: f"0{8 + rng.random():.5f}", trap="decimal coordinate like a phone number"),
            col("fuellstand", lambda g, i: f"{rng.random() * 100:.1f}"),
            col("firmware", lambda g, i: f"0.{rng.randint(1, 9)}.{rng.randint(10, 99)}", trap="version like a phone number"),
            col("seriennummer", lambda g, i: str(rng.randint(10**10, 10**11 - 1)), trap="random 11-digit number"),
            col("zaehlernummer", lambda g, i: str(rng.randint(10**10, 10**11 - 1)), trap="random 11-digit number"),
            col("notiz", lambda g, i: g.neutral_text(), trap="free text without people"),
            col("farbe", lambda g, i: "#%06X" % rng.getrandbits(24)),
        ], "table": []},
        "katalog.csv": {"columns": [
            col("isbn", lambda g, i: _isbn(rng), trap="ISBN"),
            col("ean", lambda g, i: _ean(rng), trap="EAN barcode"),
            col("artikel", lambda g, i: "DE" + "".join(rng.choice(string.digits) for _ in range(20)), trap="IBAN-shaped article code"),
            col("muster_iban", lambda g, i: g.pick(["DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE02120300000000202051"]), trap="documentation IBAN"),
            col("teilenummer", lambda g, i: "".join(rng.choice("ABDEQSU" + string.digits) for _ in range(9)), trap="9-character product code"),
            col("preis", lambda g, i: f"{rng.randint(1, 400)}.{rng.randint(0, 99):02d}", trap="amount"),
            col("bestellnummer", lambda g, i: f"0{rng.randint(100, 999)}-{rng.randint(1000, 9999)}", trap="order number like a phone number"),
            col("lagerort", lambda g, i: f"Regal {rng.randint(1, 40)}, Fach {rng.randint(1, 12)}"),
            col("blz", lambda g, i: str(rng.randint(10000000, 89999999)), trap="bank code"),
            col("artikelnummer", lambda g, i: f"ART-2026-{rng.randint(1, 99999):05d}"),
            col("verlag", lambda g, i: g.pick(["Rowohlt Verlag", "Carlsen Verlag", "Hanser Verlag", "Suhrkamp Verlag", "Ullstein Buchverlage"])),
        ], "table": []},
        "veranstaltungen.csv": {"columns": [
            col("titel", lambda g, i: g.pick(["Mainzer Johannisnacht", "Open Ohr Festival", "Weinmarkt", "Sommerlichter", "Mainzer Fastnacht", "Museumsnacht"]), trap="event title"),
            col("ort", lambda g, i: g.pick(["Gutenbergplatz", "Zitadelle", "Volkspark", "Rheinufer", "Schillerplatz", "Domplatz"]), trap="place named after a person"),
            col("strasse", lambda g, i: g.pick(PEOPLE_STREETS), trap="street named after a person"),
            col("beschreibung", lambda g, i: g.pick([
                "Am Gutenbergplatz findet der Markt statt", "Führung durch das Gutenberg-Museum",
                "Lesung zu Ehren von Anna Seghers", "Konzert im Schillerplatz-Pavillon", "Ausstellung über Johannes Gutenberg",
                "Für bis zu 10 Personen, Anmeldung erforderlich", "Treffpunkt am Konrad-Adenauer-Ufer"]), trap="free text with public names"),
            col("monat", lambda g, i: g.pick(["Mai", "Juni", "Juli", "August", "September"]), trap="month names"),
            col("verein", lambda g, i: g.pick(["FSV Mainz 05", "TSV Schott Mainz", "Mainzer Ruder-Verein", "ASC Theresianum"]), trap="club name"),
            col("datum", lambda g, i: (date(2026, 5, 1) + timedelta(days=i % 120)).isoformat()),
            col("besucher", lambda g, i: str(rng.randint(50, 20000))),
            col("eintritt", lambda g, i: g.pick(["frei", "5,00 €", "12,50 €", "169.44"]), trap="amount"),
            col("kfz_bezirk", lambda g, i: g.pick(["MZ", "WI", "AZ", "KH", "DA"]), trap="district code alone"),
            col("baumart", lambda g, i: g.pick(["Tilia cordata", "Acer platanoides", "Quercus robur", "Platanus acerifolia"]), trap="Latin species name"),
            col("temperatur", lambda g, i: f"{rng.uniform(-5, 35):.1f}"),
            col("anteil", lambda g, i: f"{rng.uniform(0, 100):.1f} %"),
        ], "table": []},
        "teilnehmende.csv": {"columns": [
            col("teilnehmer", lambda g, i: g.full_name(), ["pii.person_name"]),
            col("mitglied", lambda g, i: f"{g.last()}, {g.first()}", ["pii.person_name"]),
            col("antragsteller_in", lambda g, i: f"{g.pick(['Herr', 'Frau'])} {g.full_name()}", ["pii.person_name"]),
            col("email_privat", lambda g, i: g.email(), ["pii.email"]),
            col("telefon_privat", lambda g, i: g.pick(["+90 532 ", "+48 601 ", "+49 176 "]) + f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}", ["pii.phone"]),
            col("handy", lambda g, i: g.phone(2), ["pii.phone"]),
            col("geburtstag", lambda g, i: g.birth_date().isoformat(), ["pii.date_of_birth"]),
            col("iban_privat", lambda g, i: g.iban("DE"), ["pii.iban"]),
            col("wohnanschrift", lambda g, i: g.address(), ["pii.address"]),
            col("kennzeichen", lambda g, i: g.plate(), ["pii.licence_plate"]),
            col("svnr", lambda g, i: g.pension_number(), ["pii.pension_insurance"]),
            col("ausweis", lambda g, i: g.document("LMNPRTVWXY"), ["pii.id_card"]),
            col("ip", lambda g, i: g.public_ip(), ["pii.ip_address"]),
            col("notizen", lambda g, i: g.free_text_with_name() if i % 2 else g.neutral_text(), ["pii.person_name"]),
            col("rueckruf", lambda g, i: f"Bitte unter {g.phone(i % 3)} zurückrufen" if i % 3 == 0 else "Rückruf nicht nötig", ["pii.phone"]),
            col("karte", lambda g, i: g.credit_card(), ["pii.credit_card"]),
        ], "table": ["disclosure.k_anonymity"]},
        "mitarbeitende.csv": {"columns": [
            col("mitarbeiter", lambda g, i: g.full_name(), ["pii.person_name"]),
            col("dienstmail", lambda g, i: _ascii(g.first()) + "." + _ascii(g.last()) + "@stadt.mainz.de", ["pii.email"]),
            col("durchwahl", lambda g, i: f"06131 12-{rng.randint(1000, 9999)}", ["pii.phone"]),
            col("geburtsjahr", lambda g, i: str(rng.randint(1960, 2004))),
            col("geschlecht", lambda g, i: g.pick(["m", "w", "d"] if i % 60 == 0 else ["m", "w"])),
            col("bankverbindung", lambda g, i: g.iban("DE"), ["pii.iban"]),
            col("steueridentifikationsnummer", lambda g, i: g.tax_id(), ["pii.tax_id"]),
            col("versichertennummer", lambda g, i: g.health_number(), ["pii.health_insurance"]),
            col("religion", lambda g, i: g.pick(["rk", "ev", "ohne", "isl"]), ["pii.special_category"]),
            col("reisepass", lambda g, i: g.document("CFGHJK"), ["pii.passport"]),
            col("umsatzsteuer_id", lambda g, i: g.vat_id(), ["pii.vat_id"]),
            col("stnr", lambda g, i: f"{rng.randint(10, 99)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}", ["pii.tax_number"]),
            col("pseudonym", lambda g, i: "%040x" % rng.getrandbits(160), ["pii.pseudonym"]),
        ], "table": ["disclosure.k_anonymity"]},
        "verzeichnis.csv": {"columns": [
            col("haltestelle", lambda g, i: g.pick(["Goetheplatz", "Willy-Brandt-Platz", "Hauptbahnhof", "Schillerplatz", "Gutenbergplatz", "Römerpassage"]), trap="stop named after a person"),
            col("schule", lambda g, i: g.pick(["Goethe-Gymnasium", "Anne-Frank-Realschule", "Schillerschule", "Frauenlob-Gymnasium", "Rabanus-Maurus-Gymnasium"]), trap="school named after a person"),
            col("rufnummer_amt", lambda g, i: g.pick(["+49 6131 12-0", "06131/12-0", "0611 31-0", "069 212-0"]), trap="switchboard number"),
            col("funktionspostfach", lambda g, i: g.pick(["verkehr@mainz.de", "abfallberatung@eb-mainz.de", "stadtarchiv@mainz.de", "opendata@mainz.de"]), trap="role mailbox"),
            col("kapazitaet", lambda g, i: f"bis zu {rng.randint(2, 200)} Personen", trap="phrase with Personen"),
            col("papier", lambda g, i: g.pick(["DIN A 4 quer", "DIN A 4", "DIN A 3 hoch", "DIN A 5"]), trap="DIN A 4"),
            col("zaehlung", lambda g, i: str(rng.randint(10000, 99999)), trap="5-digit count like a postcode"),
            col("pruefnummer", lambda g, i: str(rng.randint(10**10, 10**11 - 1)), trap="random 11-digit number"),
            col("charge", lambda g, i: "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(9)), trap="9-character product code"),
            col("kurs", lambda g, i: f"{rng.randint(10, 400)},{rng.randint(0, 99):02d}", trap="amount"),
            col("akad_grad", lambda g, i: g.pick(["Dr.", "Prof. Dr.", "Dipl.-Kfm.", "Dr. rer. nat.", "B.Sc."]), trap="academic title"),
            col("rechtswert", lambda g, i: f"{rng.randint(440000, 460000)}.{rng.randint(10, 99)}", trap="UTM coordinate"),
            col("dokument_version", lambda g, i: f"{rng.randint(1, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}", trap="version"),
            col("zeitraum", lambda g, i: f"2024-0{1 + i % 9}-15/2024-1{i % 3}-15", trap="date range"),
            col("uhrzeit", lambda g, i: f"{rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}"),
            col("ort", lambda g, i: g.pick(["Mainz", "Wiesbaden", "Ingelheim", "Bingen", "Budenheim"])),
            col("hinweis", lambda g, i: g.pick(["Sprechzeiten Mo-Fr 8-12 Uhr, Tel. 06131 12-0", "Anmeldung unter poststelle@mainz.de", "Barrierefreier Zugang über den Hof", "Parkplätze am Rheinufer"]), trap="free text with office contacts"),
            col("webseite", lambda g, i: g.pick(["https://www.mainz.de", "https://www.mainz.de/verwaltung", "https://www.gutenberg-museum.de"])),
            col("aktenzeichen", lambda g, i: f"{rng.randint(10, 99)}/{rng.randint(100, 999)}/{rng.randint(2020, 2026)}", trap="file reference like a tax number"),
        ], "table": []},
    }


def _isbn(rng) -> str:
    body = "978" + "".join(rng.choice(string.digits) for _ in range(9))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _ean(rng) -> str:
    body = "40" + "".join(rng.choice(string.digits) for _ in range(10))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def write_corpus(out: Path = OUT, rows: int = ROWS, seed: int = SEED) -> dict:
    """Write the CSV files and labels.json; return the labels."""
    out.mkdir(parents=True, exist_ok=True)
    g = Gen(seed)
    labels: Dict[str, dict] = {}
    for file_name, spec in files(g).items():
        columns = spec["columns"]
        with open(out / file_name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c["name"] for c in columns])
            for row in range(rows):
                writer.writerow([c["make"](g, row) for c in columns])
        labels[file_name] = {
            "columns": {c["name"]: {"expect": c["expect"], "trap": c["trap"]} for c in columns},
            "table": spec["table"],
        }
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels


def main() -> None:
    labels = write_corpus()
    personal = sum(bool(c["expect"]) for f in labels.values() for c in f["columns"].values())
    traps = sum(bool(c["trap"]) for f in labels.values() for c in f["columns"].values())
    print(f"{len(labels)} files, {personal} personal-data columns, {traps} trap columns in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
