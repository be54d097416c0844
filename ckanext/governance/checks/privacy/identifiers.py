"""Validators of single identifiers: a shape first, then the checksum or registry behind it.

Each ``is_*`` takes one stripped cell (or a token found in text) and answers whether it is a
*valid* identifier of that kind, so a wrong check digit never counts. python-stdnum,
phonenumbers and ``ipaddress`` do the work where they can; what they lack (German ID card and
passport numbers, pension and health insurance numbers, licence plates, credit card issuer
ranges) is written here from the published rules.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date
from typing import FrozenSet, Optional

import phonenumbers
from stdnum import iban as _iban
from stdnum import luhn
from stdnum.de import idnr, stnr
from stdnum.eu import vat as _vat

from .gazetteer import licence_plate_prefixes

# Well-known documentation and textbook IBANs (Wikipedia, ECBS, bank manuals): not anybody's.
DOCUMENTATION_IBANS = frozenset({
    "DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030",
    "DE12500105170648489890", "DE75512108001245126199", "DE91100000000123456789",
    "GB29NWBK60161331926819", "GB82WEST12345698765432", "GB33BUKB20201555555555",
    "FR1420041010050500013M02606", "NL91ABNA0417164300", "AT611904300234573201",
    "CH9300762011623852957", "BE68539007547034", "ES9121000418450200051332",
    "IT60X0542811101000000123456", "PL61109010140000071219812874",
})

_SPACES = re.compile(r"[\s.\-/]")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def compact(value: str) -> str:
    return _SPACES.sub("", value).upper()


def is_iban(value: str) -> bool:
    """A valid IBAN (checksum and national format), documentation IBANs excluded."""
    number = compact(value)
    if not _IBAN_SHAPE.fullmatch(number) or number in DOCUMENTATION_IBANS:
        return False
    return _iban.is_valid(number)


def is_documentation_iban(value: str) -> bool:
    return compact(value) in DOCUMENTATION_IBANS


def is_tax_id(value: str) -> bool:
    """Steuer-IdNr: 11 digits, check digit (ISO 7064 MOD 11,10) and the repetition rule."""
    number = compact(value)
    return len(number) == 11 and number.isdigit() and idnr.is_valid(number)


_STNR_SLASHED = re.compile(r"[0-9]{2,3}/[0-9]{3,4}/[0-9]{4,5}")


def is_tax_number(value: str, *, hinted: bool = False) -> bool:
    """Steuernummer in a Land's format ("21/815/08150") or, in a hinted column, 10-13 digits.

    Most Länder's tax numbers carry no check digit stdnum could test, so plain digit runs
    count only where the column name says so.
    """
    text = value.strip()
    if _STNR_SLASHED.fullmatch(text):
        return stnr.is_valid(text)
    number = compact(text)
    return hinted and 10 <= len(number) <= 13 and number.isdigit() and stnr.is_valid(number)


_VAT_SHAPE = re.compile(r"(?:EL|ATU|[A-Z]{2})[0-9A-Z]{8,12}")


def is_vat_id(value: str) -> bool:
    """EU VAT id with country prefix and national check digits (stdnum.eu.vat)."""
    number = compact(value)
    return bool(_VAT_SHAPE.fullmatch(number)) and _vat.is_valid(number)


# German ID card and passport numbers use digits and these letters only (no vowels, no B/D/Q/S).
_DOC_ALPHABET = "0123456789CFGHJKLMNPRTVWXYZ"
_DOC_SHAPE = re.compile(r"[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}[0-9]?")


def _icao_check_digit(text: str) -> int:
    """ICAO 9303 check digit: weights 7, 3, 1; letters A=10 ... Z=35."""
    total = 0
    for index, ch in enumerate(text):
        digit = int(ch) if ch.isdigit() else ord(ch) - 55
        total += digit * (7, 3, 1)[index % 3]
    return total % 10


def document_kind(value: str, *, hinted: bool = False) -> Optional[str]:
    """"id_card" or "passport" for a German document number, else None.

    Ten characters: the ICAO check digit must hold. Nine (the printed serial without check
    digit): only in a column whose name says so. The first letter tells the document
    (C, F-K: passport; L-Z: identity card, BSI TR-03104).
    """
    number = compact(value)
    if not _DOC_SHAPE.fullmatch(number) or number.isdigit():
        return None
    if len(number) == 10:
        if _icao_check_digit(number[:9]) != int(number[9]):
            return None
    elif not hinted:
        return None
    return "passport" if number[0] in "CFGHJK" else "id_card"


_RVNR_SHAPE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([A-Z])([0-9]{2})([0-9])")
_RVNR_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def is_pension_number(value: str) -> bool:
    """Rentenversicherungsnummer: area, birth date, initial, serial, check digit (VKVV section 2)."""
    match = _RVNR_SHAPE.fullmatch(compact(value))
    if not match:
        return False
    area, day, month, year, letter, serial, check = match.groups()
    if not (1 <= int(day) % 50 <= 31 and 1 <= int(month) <= 12):  # day + 50: a second number
        return False
    digits = area + day + month + year + f"{ord(letter) - 64:02d}" + serial
    total = 0
    for digit, weight in zip(digits, _RVNR_WEIGHTS):
        product = int(digit) * weight
        total += product // 10 + product % 10
    return total % 10 == int(check)


_KVNR_SHAPE = re.compile(r"[A-Z][0-9]{9}")


def is_health_insurance_number(value: str) -> bool:
    """Krankenversichertennummer (unveränderlicher Teil): a letter, 8 digits, check digit."""
    number = compact(value)
    if not _KVNR_SHAPE.fullmatch(number):
        return False
    digits = f"{ord(number[0]) - 64:02d}" + number[1:9]
    total = 0
    for index, digit in enumerate(digits):
        product = int(digit) * (1 if index % 2 == 0 else 2)
        total += product // 10 + product % 10
    return total % 10 == int(number[9])


_PLATE = re.compile(r"([A-ZÄÖÜ]{1,3})[- ]([A-Z]{1,2})[- ]?([1-9][0-9]{0,3})([EH]?)")
_PAPER_FORMAT = re.compile(r"DIN[- ]?[ABC][- ]?[0-9]{1,2}")


def is_licence_plate(value: str) -> bool:
    """German plate: a district prefix from the official list, 1-2 letters, 1-4 digits."""
    text = value.strip().upper()
    match = _PLATE.fullmatch(text)
    if not match or _PAPER_FORMAT.fullmatch(text):  # "DIN A 4" is paper, not Dinslaken
        return False
    prefix, letters, digits, _ = match.groups()
    return prefix in licence_plate_prefixes() and len(letters) + len(digits) <= 6


# Issuer identification ranges (first digits, lengths) of the card schemes in use in Germany.
_CARD_RANGES = (
    ((4,), (13, 16, 19)),  # Visa
    (tuple(range(51, 56)) + tuple(range(2221, 2721)), (16,)),  # Mastercard
    ((34, 37), (15,)),  # American Express
    ((6011, 65) + tuple(range(644, 650)), (16, 19)),  # Discover
    ((36, 38, 39) + tuple(range(300, 306)), (14, 16)),  # Diners Club
    (tuple(range(3528, 3590)), (16, 19)),  # JCB
    ((50, 56, 57, 58, 63, 67, 6759), (12, 13, 15, 16, 17, 18, 19)),  # Maestro
    ((62,), (16, 17, 18, 19)),  # UnionPay
)
_CARD_SHAPE = re.compile(r"[0-9]{4}(?:[ -]?[0-9]{2,4}){2,4}[0-9]{0,3}")


def is_credit_card(value: str) -> bool:
    text = value.strip()
    if not _CARD_SHAPE.fullmatch(text):
        return False
    number = re.sub(r"[ -]", "", text)
    if not 12 <= len(number) <= 19 or not luhn.is_valid(number):
        return False
    return any(
        len(number) in lengths and any(number.startswith(str(prefix)) for prefix in prefixes)
        for prefixes, lengths in _CARD_RANGES
    )


_IP_SHAPE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+")


def ip_kind(value: str) -> Optional[str]:
    """"public" or "private" (private, loopback, link-local, documentation...) or None."""
    text = value.strip()
    if not _IP_SHAPE.fullmatch(text):
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return "public" if address.is_global else "private"


# Phone numbers as people write them: a national prefix 0, or +/00 and a country code.
_PHONE_SHAPE = re.compile(r"(?:\+|00|\(0|0)[0-9][0-9 ()/\-.]{4,20}[0-9]")
_NOT_PHONE = re.compile(
    r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2,4}"  # dates 01.02.2024
    r"|[0-9]{4}-[0-9]{2}-[0-9]{2}.*"  # ISO dates and datetimes
    r"|[0-9]+[.,][0-9]+"  # decimals, coordinates
    r"|[0-9]+(?:\.[0-9]+){2,}"  # versions
)
_EXTENSION_ZERO = re.compile(r".*[0-9][ ]?[-/][ ]?0")  # "06131 12-0": the switchboard


def phone_kind(value: str, region: str = "DE") -> Optional[str]:
    """"personal" or "switchboard" for a valid phone number, else None."""
    text = value.strip()
    if not _PHONE_SHAPE.fullmatch(text) or _NOT_PHONE.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return "switchboard" if _EXTENSION_ZERO.fullmatch(text) else "personal"


def phone_key(value: str, region: str = "DE") -> Optional[str]:
    """E.164 form, to compare with an allowlist."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, region), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return None


_EMAIL = re.compile(r"[A-Za-z0-9À-ɏ._%+\-']{1,64}@(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}")


def email_local_part(value: str) -> Optional[str]:
    text = value.strip()
    if not _EMAIL.fullmatch(text):
        return None
    return text.rsplit("@", 1)[0].lower()


def is_role_mailbox(local: str, role_words: FrozenSet[str]) -> bool:
    """poststelle@, info@, presse@, buergerbuero@, stadtbibliothek-mainz@ ... but not anna.schmidt@."""
    parts = [p for p in re.split(r"[._\-+0-9]+", local) if p]
    if not parts:
        return False
    return parts[0] in role_words or local in role_words or all(p in role_words for p in parts)


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DE_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_SLASH_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(value: str) -> Optional[date]:
    """ISO (2024-01-31, also with a time), German (31.01.2024) or day/month/year."""
    text = value.strip()[:10]
    match = _ISO_DATE.fullmatch(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DE_DATE.fullmatch(value.strip()) or _SLASH_DATE.fullmatch(value.strip())
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def plausible_birth_date(value: str, today: date, max_age: int) -> bool:
    born = parse_date(value)
    if born is None or born > today:
        return False
    return today.year - born.year <= max_age
