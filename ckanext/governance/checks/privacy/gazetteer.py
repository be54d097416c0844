"""Word lists: names (shipped in data/, sources in data/README.md), salutations, titles,
street words, role mailboxes, public names, and the column-name hints in German and English."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterable, Tuple

DATA = Path(__file__).resolve().parent / "data"


def fold(text: str) -> str:
    """Case-folded, NFC: the form the name lists are stored in."""
    return unicodedata.normalize("NFC", text).casefold()


def _read(path: Path, folded: bool = False) -> FrozenSet[str]:
    with open(path, encoding="utf-8") as lines:
        words = (line.strip() for line in lines if not line.startswith("#"))
        return frozenset(word if folded else fold(word) for word in words if word)


@lru_cache(maxsize=8)
def name_lists(extra_first: Tuple[str, ...] = (), extra_surnames: Tuple[str, ...] = ()) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """(first names, surnames), the shipped lists plus extra gazetteer files."""
    first = set(_read(DATA / "first_names.txt", folded=True))  # shipped folded (build_gazetteers.py)
    last = set(_read(DATA / "surnames.txt", folded=True))
    for path in extra_first:
        first |= _read(Path(path))
    for path in extra_surnames:
        last |= _read(Path(path))
    return frozenset(first), frozenset(last)


@lru_cache(maxsize=1)
def licence_plate_prefixes() -> FrozenSet[str]:
    """Unterscheidungszeichen of German districts, upper case as on the plate."""
    with open(DATA / "licence_plate_prefixes.txt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


SALUTATIONS = frozenset({"herr", "herrn", "frau", "hr.", "fr.", "hr", "fr", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "bay", "bayan"})
TITLES = frozenset({
    "dr.", "dr", "prof.", "prof", "dipl.-ing.", "dipl.-ing", "dipl.", "ing.", "mag.", "med.", "rer.", "nat.",
    "phil.", "jur.", "h.c.", "pd", "m.a.", "b.a.", "m.sc.", "b.sc.", "llm", "ll.m.", "mba", "habil.", "univ.-prof.",
})
# The words before and after a street name; "Konrad-Adenauer-Straße" is a street, not a person.
STREET_SUFFIX = re.compile(
    r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|pfad|steig|steg|markt|"
    r"graben|wall|hof|anlage|promenade|berg|tor|brücke|kai|zeile|stieg|twiete|feld|aue|park|street|road|avenue|lane)$",
    re.IGNORECASE,
)
STREET_PREFIX = frozenset({"am", "an", "auf", "im", "in", "zum", "zur", "unter", "hinter", "vor", "bei", "alte", "alter", "neue", "neuer", "große", "kleine"})

# Local parts of mailboxes of an office, not a person (German and English).
ROLE_MAILBOXES = frozenset("""
    poststelle post info information kontakt contact service presse press pressestelle redaktion
    buergerbuero buergerservice buergeramt buergerbuero buerger verwaltung stadtverwaltung rathaus
    office mail email webmaster postmaster hostmaster admin administrator support hilfe help noreply
    no-reply newsletter opendata open-data daten data datenschutz privacy dsb datenschutzbeauftragter
    vertrieb sales marketing team hr personal personalamt bewerbung jobs karriere ausbildung
    sekretariat zentrale empfang buchhaltung rechnung rechnungen finanzen kasse stadtkasse
    amt ordnungsamt standesamt jugendamt sozialamt bauamt umweltamt schulamt kulturamt sportamt
    stadtbibliothek bibliothek museum archiv stadtarchiv feuerwehr polizei einsatz leitstelle
    abfall abfallberatung entsorgung verkehr tiefbau hochbau planung stadtplanung wirtschaft
    tourismus veranstaltungen events kita schule beschwerde anregungen feedback fragen anfragen
    beratung auskunft hotline kundenservice customer customerservice billing orders order abuse
    security gleichstellung integration migration auslaenderbehoerde wahlamt statistik
""".split())

# Public names: people whose names streets, squares and schools carry. Matching is on the
# whole folded cell or the first+last name pair; the portal's own allowlist adds to it.
PUBLIC_NAMES = frozenset(fold(n.strip()) for n in """
    Konrad Adenauer|Willy Brandt|Friedrich Ebert|Theodor Heuss|Johann Wolfgang von Goethe|Goethe
    |Friedrich Schiller|Schiller|Ludwig van Beethoven|Johannes Gutenberg|Gutenberg|Albert Schweitzer
    |Sophie Scholl|Hans Scholl|Geschwister Scholl|Martin Luther|Martin Luther King|Rosa Luxemburg
    |Karl Marx|Otto von Bismarck|Bismarck|Heinrich Heine|Alexander von Humboldt|Wilhelm von Humboldt
    |Albert Einstein|Anne Frank|Kurt Schumacher|Gustav Stresemann|Walther Rathenau|Carl Zuckmayer
    |Anna Seghers|Bertha von Suttner|Clara Zetkin|Käthe Kollwitz|Robert Koch|Rudolf Virchow
    |Max Planck|Otto Hahn|Lise Meitner|Wilhelm Röntgen|Hildegard von Bingen|Carl Friedrich Gauß
    |Immanuel Kant|Gotthold Ephraim Lessing|Thomas Mann|Bertolt Brecht|Hermann Hesse|Erich Kästner
    |Helmut Schmidt|Helmut Kohl|Richard von Weizsäcker|Gustav Heinemann|Kaiser Wilhelm|Kaiser Friedrich
    |Ludwig Erhard|Claus von Stauffenberg|Dietrich Bonhoeffer|Edith Stein|Mahatma Gandhi|Nelson Mandela
    |Marie Curie|Elisabeth Selbert|Hedwig Dohm|Louise Otto-Peters|Fritz Bauer|Georg Büchner
    |Johann Sebastian Bach|Wolfgang Amadeus Mozart|Richard Wagner|Robert Schumann|Clara Schumann
    |Peter Altmeier|Rabanus Maurus|Bonifatius|Leibniz|Gottfried Wilhelm Leibniz|Adam Opel
""".replace("\n", "").split("|") if n.strip())

# Column-name hints: folded words (umlauts as ae/oe/ue, ß as ss). A hint that is a whole
# token of the column name always counts; one of five letters or more also inside compounds
# ("kontakttelefon", "geburtsdatum").
HINTS = {
    "pii.person_name": "name namen vorname vornamen nachname nachnamen familienname firstname lastname surname givenname forename fullname person personen ansprechpartner ansprechperson kontaktperson antragsteller melder meldende reporter buerger buergerin patient patientin kunde kundin mieter eigentuemer inhaber halter schueler mitarbeiter mitarbeiterin bewohner empfaenger absender verfasser unterzeichner",
    "pii.email": "email mail e_mail emailadresse mailadresse",
    "pii.phone": "telefon tel telefonnummer phone mobil mobile handy fax rufnummer festnetz",
    "pii.iban": "iban konto kontonummer bankverbindung",
    "pii.tax_id": "steuerid steueridentifikationsnummer idnr steuer_id tin",
    "pii.tax_number": "steuernummer stnr steuer_nr steuernr",
    "pii.vat_id": "ustid ust_id ustidnr umsatzsteuer vat vatid",
    "pii.id_card": "ausweis ausweisnummer personalausweis idcard ausweisnr",
    "pii.passport": "pass passnummer reisepass passport passnr",
    "pii.pension_insurance": "rentenversicherungsnummer rvnr svnr sozialversicherungsnummer versicherungsnummer",
    "pii.health_insurance": "krankenversichertennummer kvnr versichertennummer krankenkasse",
    "pii.licence_plate": "kennzeichen kfz_kennzeichen nummernschild plate licenseplate licence_plate",
    "pii.credit_card": "kreditkarte kreditkartennummer creditcard card_number kartennummer",
    "pii.ip_address": "ip ipadresse ip_address ipaddr client_ip remote_addr",
    "pii.date_of_birth": "geb geburtsdatum geburtstag geb_datum gebdatum dob birthdate birth_date date_of_birth birthday geboren",
    "pii.address": "anschrift adresse address wohnadresse wohnort wohnanschrift meldeadresse strasse_hausnummer hausanschrift",
    "pii.special_category": "diagnose diagnosis krankheit erkrankung religion konfession religionszugehoerigkeit ethnie ethnicity gewerkschaft sexuelle_orientierung behinderung gesundheit befund medikation vorstrafe straftat",
    "pii.pseudonym": "hash pseudonym pseudo_id person_id personid patient_id patientid kunden_id kundenid user_id userid uuid guid token",
}
QUASI_HINTS = {
    "birth_date": HINTS["pii.date_of_birth"],
    "age": "alter age lebensalter altersgruppe altersklasse age_group",
    "birth_year": "geburtsjahr jahrgang birth_year year_of_birth birthyear",
    "sex": "geschlecht sex gender",
    "nationality": "staatsangehoerigkeit nationalitaet nationality citizenship herkunftsland herkunft",
    "marital_status": "familienstand marital_status",
    "district": "stadtteil ortsteil bezirk stadtbezirk district quartier wohnviertel gemeinde",
    "postcode": "plz postleitzahl postcode zip zipcode postal_code",
    "street": "strasse street strassenname",
    "date": "datum date tag day",
}
PERSON_QUASI = frozenset({"birth_date", "age", "birth_year", "sex", "nationality", "marital_status"})
COUNT_HINTS = "anzahl anz count counts cnt fallzahl fallzahlen faelle haeufigkeit personen einwohner bewohner besucher teilnehmer patienten betroffene cases persons people number_of".split()
# Names that say a column is about organisations or things, lowering confidence in names.
NEGATIVE_HINTS = "bestellnummer bestellung auftragsnummer auftrag artikelnummer aktenzeichen vorgang rechnungsnummer amt behoerde dienststelle einrichtung firma unternehmen organisation office produkt artikel article product sku code version kategorie category typ type status titel title".split()
COORDINATE_HINTS = {
    "lat": "lat latitude breite breitengrad y_wgs84 lat_wgs84",
    "lon": "lon lng long longitude laenge laengengrad x_wgs84 lon_wgs84",
}
SEX_VALUES = frozenset("m w d f x männlich weiblich divers male female diverse mann frau unbekannt".split())


def fold_name(text: str) -> str:
    """A column name as hints are written: folded, umlauts spelled out, separators as _."""
    text = fold(text).replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _hint_words(words: str) -> FrozenSet[str]:
    return frozenset(words.split())


HINT_WORDS = {check: _hint_words(words) for check, words in HINTS.items()}
QUASI_WORDS = {kind: _hint_words(words) for kind, words in QUASI_HINTS.items()}
COORDINATE_WORDS = {axis: _hint_words(words) for axis, words in COORDINATE_HINTS.items()}


def name_matches(column: str, words: Iterable[str]) -> bool:
    """Whether a column name carries one of the hint words (as token, or inside a compound)."""
    folded = fold_name(column)
    tokens = set(folded.split("_"))
    for word in words:
        if word in tokens or word == folded:
            return True
        if len(word) >= 5 and word in folded.replace("_", ""):
            return True
    return False
