"""One column's cells -> which kinds of personal data it holds, decided per column.

The distinct cells of the column's sample are validated (checksums, registries, gazetteers)
in a fixed random order; the column is reported for a kind when the share of validated hits
reaches a threshold that its name's hints lower or raise, and never for fewer than
``min_hits`` cells. One odd cell never decides.

Validation stops as soon as the share is clear: after STAGE cells a kind with twice the
share it needs is settled and a kind with no hit is dropped; the rest go on up to
MAX_VALIDATED cells. Validators cost microseconds to milliseconds a cell (phonenumbers,
stdnum), so validating every cell of a big column would take seconds for no better answer.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from . import identifiers as ids
from .config import PrivacyConfig
from .gazetteer import (
    COORDINATE_WORDS, HINT_WORDS, NEGATIVE_HINTS, ROLE_MAILBOXES, fold, name_matches,
)
from .masking import mask
from .people import NameFinder, has_street_address

FREE_TEXT_WORDS = 3.0  # mean words per cell above which a column is free text
TEXT_CELL_WORDS = 4  # cells of this many words are read as text, shorter ones as one value
# Checks whose validation is a shape and a registry rather than a checksum: a column named
# for something else (Bestellnummer, Aktenzeichen) is not reported for them.
WEAK_CHECKS = frozenset({"pii.phone", "pii.licence_plate", "pii.tax_number", "pii.person_name"})
# Distinct cells every validator sees; after them only the kinds whose share is not clear yet
# (see _still_open).
STAGE = 32
# Distinct cells validated at most per column: the share of hits among 256 random ones is
# within about 6 points of the column's (95%), plenty against thresholds of 10-30%.
MAX_VALIDATED = 256
MAX_CELL = 4000  # characters of a cell that are read: enough for any note, bounded for hostile ones

_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGIT = re.compile(r"[0-9]")


def _words(value: str) -> int:
    """Words of two letters or more: "DE89 3704 0044" is one, not three."""
    return len(_WORD.findall(value))


@lru_cache(maxsize=4096)
def column_hints(name: str) -> Tuple[FrozenSet[str], bool, Optional[str]]:
    """What a column's name says: the checks it hints at, whether it names something else
    (an order number, an office), and which coordinate axis it is, if any."""
    hinted = frozenset(check for check, words in HINT_WORDS.items() if name_matches(name, words))
    negative = not hinted and name_matches(name, NEGATIVE_HINTS)
    coordinate = next((axis for axis, words in COORDINATE_WORDS.items() if name_matches(name, words)), None)
    return hinted, negative, coordinate


def _wanted(kind: str, allowed: Optional[Set[str]]) -> bool:
    return allowed is None or kind in allowed

_TEXT_EMAIL = re.compile(r"[\w.%+'-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}")
_TEXT_PHONE = re.compile(r"(?<![\w+])(?:\+|00|0)[1-9][0-9 /()-]{5,18}[0-9](?![0-9])")
_TEXT_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_TEXT_CARD = re.compile(r"(?<![0-9])[2-6][0-9]{3}(?:[ -]?[0-9]{4}){2,3}(?:[ -]?[0-9]{1,3})?(?![0-9])")
_TEXT_IP = re.compile(r"(?<![0-9.])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9.])")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_DECIMAL = re.compile(r"-?[0-9]{1,3}[.,]([0-9]+)")

MESSAGES = {
    "pii.email": "personal e-mail addresses",
    "pii.phone": "phone numbers of people",
    "pii.iban": "IBANs (valid checksums)",
    "pii.tax_id": "German tax ids (Steuer-IdNr, valid check digits)",
    "pii.tax_number": "German tax numbers (Steuernummer)",
    "pii.vat_id": "VAT ids (valid check digits)",
    "pii.id_card": "German identity card numbers",
    "pii.passport": "German passport numbers",
    "pii.pension_insurance": "pension insurance numbers (valid check digits)",
    "pii.health_insurance": "health insurance numbers (valid check digits)",
    "pii.licence_plate": "German licence plates",
    "pii.credit_card": "credit card numbers (Luhn and issuer range)",
    "pii.ip_address": "public IP addresses",
    "pii.date_of_birth": "dates of birth",
    "pii.person_name": "names of people",
    "pii.address": "street addresses with house numbers",
    "pii.pseudonym": "pseudonyms (hashes or UUIDs per person) that may be linked back",
}


@dataclass
class ColumnResult:
    """What one column's sample showed: findings and the facts the table-level checks need."""

    name: str
    findings: List[Dict] = field(default_factory=list)
    free_text: bool = False
    coordinate: Optional[str] = None  # "lat" / "lon"
    precise_share: float = 0.0  # of coordinate cells with >= coordinate_decimals decimals
    distinct_share: float = 0.0  # distinct values / non-empty cells in the sample
    uuid_share: float = 0.0


@dataclass
class _Tally:
    cells: int = 0
    examples: List[str] = field(default_factory=list)


class ColumnAnalyser:
    def __init__(self, config: PrivacyConfig):
        self.config = config
        self.names = NameFinder(config.first_name_files, config.surname_files, config.allow_names)
        self.roles = ROLE_MAILBOXES | frozenset(fold(r) for r in config.role_mailboxes)
        self.allow_emails = frozenset(fold(e) for e in config.allow_emails)
        self.allow_phones = frozenset(filter(None, (ids.phone_key(p, config.phone_region) for p in config.allow_phones)))
        self.today = date.today()
        # (check, valid(value, compacted value, hinted checks)) for cells with five digits or
        # more; each starts with a shape test that costs next to nothing
        self._long_checks = (
            ("pii.iban", lambda v, c, hinted: 15 <= len(c) <= 34 and c[:2].isalpha() and ids.is_iban(c)),
            ("pii.vat_id", lambda v, c, hinted: 10 <= len(c) <= 14 and c[:2].isalpha() and ids.is_vat_id(c)),
            ("pii.pension_insurance", lambda v, c, hinted: len(c) == 12 and ids.is_pension_number(c)),
            ("pii.health_insurance", lambda v, c, hinted: len(c) == 10 and c[0].isalpha() and ids.is_health_insurance_number(c)),
            ("pii.credit_card", lambda v, c, hinted: 12 <= len(c) <= 19 and c.isdigit() and ids.is_credit_card(v)),
            ("pii.tax_id", lambda v, c, hinted: len(c) == 11 and c.isdigit() and ids.is_tax_id(c)),
            ("pii.tax_number", lambda v, c, hinted: ("/" in v or "pii.tax_number" in hinted)
             and ids.is_tax_number(v, hinted="pii.tax_number" in hinted)),
            ("pii.ip_address", lambda v, c, hinted: ("." in v or ":" in v) and ids.ip_kind(v) == "public"),
            ("pii.phone", lambda v, c, hinted: v[0] in "+0(" and self._personal_phone(v)),
            ("pii.date_of_birth", lambda v, c, hinted: "pii.date_of_birth" in hinted
             and ids.plausible_birth_date(v, self.today, self.config.max_age)),
            ("pii.address", lambda v, c, hinted: _WORD.search(v) is not None and has_street_address(v)),
        )

    # One cell

    def _personal_email(self, value: str) -> bool:
        local = ids.email_local_part(value)
        if local is None:
            return False
        folded = fold(value.strip())
        if folded in self.allow_emails or "@" + folded.rsplit("@", 1)[1] in self.allow_emails:
            return False
        return not ids.is_role_mailbox(local, self.roles)

    def _personal_phone(self, value: str) -> bool:
        if ids.phone_kind(value, self.config.phone_region) != "personal":
            return False
        return not self.allow_phones or ids.phone_key(value, self.config.phone_region) not in self.allow_phones

    def cell_kinds(self, value: str, hinted: Set[str], allowed: Optional[Set[str]] = None) -> Set[str]:
        """The kinds one short cell validates as (several are possible, the column decides).

        ``allowed``: only these kinds are tried (None: all).
        """
        kinds: Set[str] = set()
        if "@" in value:
            if _wanted("pii.email", allowed) and self._personal_email(value):
                kinds.add("pii.email")
            return kinds
        digits = len(_DIGIT.findall(value))
        if not digits:
            if _wanted("name", allowed):
                name = self.names.cell(value)
                if name:
                    kinds.add("name:" + name)
            return kinds
        compact = ids.compact(value)
        if 9 <= len(compact) <= 10 and (_wanted("pii.id_card", allowed) or _wanted("pii.passport", allowed)):
            document = ids.document_kind(compact, hinted=bool(hinted & {"pii.id_card", "pii.passport"}))
            if document:  # document numbers may hold as few as one digit
                kinds.add("pii." + document)
        if digits >= 5:
            for check, valid in self._long_checks:
                if _wanted(check, allowed) and valid(value, compact, hinted):
                    kinds.add(check)
            return kinds
        if _wanted("pii.licence_plate", allowed) and ids.is_licence_plate(value):
            kinds.add("pii.licence_plate")
        elif _wanted("pii.ip_address", allowed) and ids.ip_kind(value) == "public":  # IPv6: few digits
            kinds.add("pii.ip_address")
        elif _wanted("pii.address", allowed) and has_street_address(value):
            kinds.add("pii.address")
        return kinds

    def text_kinds(self, value: str, allowed: Optional[Set[str]] = None) -> Set[str]:
        """Kinds found inside free text."""
        kinds: Set[str] = set()
        if "@" in value and _wanted("pii.email", allowed) and any(self._personal_email(m) for m in _TEXT_EMAIL.findall(value)):
            kinds.add("pii.email")
        if any(ch.isdigit() for ch in value):
            finders = (
                # digit groups of an IBAN or a card number are no phone number
                ("pii.phone", lambda v: any(self._personal_phone(m) for m in _TEXT_PHONE.findall(_TEXT_CARD.sub(" ", _TEXT_IBAN.sub(" ", v))))),
                ("pii.iban", lambda v: any(ids.is_iban(m) for m in _TEXT_IBAN.findall(v))),
                ("pii.credit_card", lambda v: any(ids.is_credit_card(m) for m in _TEXT_CARD.findall(v))),
                ("pii.ip_address", lambda v: any(ids.ip_kind(m) == "public" for m in _TEXT_IP.findall(v))),
                ("pii.address", has_street_address),
            )
            for check, found in finders:
                if _wanted(check, allowed) and found(value):
                    kinds.add(check)
        if _wanted("pii.person_name", allowed) and self.names.in_text(value):
            kinds.add("pii.person_name")
        return kinds

    # One column

    def analyse(self, name: str, values: Sequence[str], counts: Sequence[int]) -> ColumnResult:
        """``values``: the distinct non-empty cells of the column's sample, ``counts``: how often."""
        result = ColumnResult(name)
        total = sum(counts)
        if not total:
            return result
        hinted, negative, coordinate = column_hints(name)
        hinted = set(hinted)
        result.distinct_share = len(values) / total
        order = list(range(len(values)))
        random.Random(len(values)).shuffle(order)  # fixed order: the same file, the same answer
        order = order[:MAX_VALIDATED]
        first = order[:STAGE]
        words = sum(_words(values[i]) * counts[i] for i in first) / sum(counts[i] for i in first)
        result.free_text = words > FREE_TEXT_WORDS
        tallies: Dict[str, _Tally] = defaultdict(_Tally)
        digests = uuids = shapes = 0
        precise = numeric = 0
        pending: Optional[Set[str]] = None  # kinds still validated (None: all)
        settled: Dict[str, int] = {}  # kind -> cells validated when its share was clear
        validated = long_cells = 0
        for position, index in enumerate(order):
            value, count = values[index][:MAX_CELL], counts[index]
            if position == STAGE:
                pending = self._still_open(tallies, hinted, result.free_text, validated, settled, negative)
                if not pending:
                    break
            validated += count
            words = _words(value)
            # a sentence, or a short one with a number in it ("Bitte unter 0611 123456 zurückrufen")
            long_cell = result.free_text or words >= TEXT_CELL_WORDS or (
                words == TEXT_CELL_WORDS - 1 and _DIGIT.search(value) is not None)
            long_cells += count * long_cell
            kinds = self.text_kinds(value, pending) if long_cell else self.cell_kinds(value, hinted, pending)
            for kind in kinds:
                tally = tallies[kind]
                tally.cells += count
                if len(tally.examples) < 3:
                    tally.examples.append(value)
            if position < STAGE:  # shapes of the whole column, from the first stage
                shapes += count
                if _HEX_DIGEST.fullmatch(value):
                    digests += count
                elif _UUID.fullmatch(value):
                    uuids += count
                if coordinate:
                    decimal = _DECIMAL.fullmatch(value)
                    if decimal:
                        numeric += count
                        precise += count * (len(decimal.group(1)) >= self.config.coordinate_decimals)
        if coordinate and numeric >= 0.8 * shapes:
            result.coordinate = coordinate
            result.precise_share = precise / shapes
        result.uuid_share = uuids / shapes
        self._name_tally(tallies, hinted)
        # a column of short notes, some of them sentences, is read with free text's thresholds
        textual = result.free_text or long_cells >= 0.2 * validated
        candidates = []
        for check, tally in tallies.items():
            if not check.startswith("pii.") or not self.config.enabled(check):
                continue
            checked = settled.get(check, validated)
            share = tally.cells / checked
            if negative and check in WEAK_CHECKS:
                continue
            if share >= self._needed(check, hinted, textual, negative) and tally.cells >= self.config.min_hits:
                candidates.append((check in hinted, share, check, tally))
        if not textual and candidates:
            candidates = [max(candidates)]  # one column, one kind: the hinted or best supported
        for _, share, check, tally in sorted(candidates, key=lambda c: c[2]):
            result.findings.append(self.finding(check, name, share, settled.get(check, validated), tally.examples))
        if digests / shapes >= 0.9 and self.config.enabled("pii.pseudonym"):
            result.findings.append(self.finding("pii.pseudonym", name, digests / shapes, shapes, []))
        return result

    def _needed(self, check: str, hinted: Set[str], free_text: bool, negative: bool) -> float:
        """The share of validated cells a column needs to be reported for a kind."""
        if check in hinted:
            needed = self.config.hinted_min_share
        elif free_text:
            needed = self.config.free_text_min_share
        else:
            needed = max(self.config.min_share, 0.6) if negative else self.config.min_share
        if check == "pii.person_name" and not free_text and check not in hinted:
            needed = max(needed, 0.5)  # bare names without a name-like header: a clear majority
        return needed

    def _still_open(self, tallies: Dict[str, _Tally], hinted: Set[str], free_text: bool, validated: int,
                    settled: Dict[str, int], negative: bool) -> Set[str]:
        """After the first STAGE distinct cells: the kinds whose share is not clear yet.

        A kind with twice the share it needs is settled (its estimate stands); short cells
        with no hit of a kind that the name does not hint at drop it: a kind at 30% of the
        cells misses all of STAGE random ones with a chance of 1 in 90,000. Free text,
        with its lower thresholds, keeps every kind open up to MAX_VALIDATED cells.
        """
        if free_text:
            return {"pii.email", "pii.phone", "pii.iban", "pii.credit_card", "pii.ip_address", "pii.address", "pii.person_name"}
        open_kinds = set(hinted)
        for kind, tally in tallies.items():
            if kind.startswith("name:"):
                open_kinds |= {"name"}
                continue
            clear = tally.cells >= self.config.min_hits and tally.cells / validated >= 2 * self._needed(kind, hinted, free_text, negative)
            if clear:
                settled[kind] = validated
            else:
                open_kinds.add(kind)
        if "pii.person_name" in hinted:
            open_kinds.add("name")
        if open_kinds & {"pii.id_card", "pii.passport"}:
            open_kinds |= {"pii.id_card", "pii.passport"}
        return open_kinds - set(settled)

    def _name_tally(self, tallies: Dict[str, _Tally], hinted: Set[str]) -> None:
        """Fold the name kinds of short cells into pii.person_name."""
        full, probable, first, last = (tallies.pop("name:" + k, None) for k in ("full", "probable", "first", "last"))
        tallies.pop("name:public", None)
        parts = [full, probable]
        if "pii.person_name" in hinted:
            parts += [first, last]
        elif first is not None and (full is None or first.cells > full.cells):
            parts.append(first)  # a column of first names (feld_a): they are rarely anything else
        parts = [p for p in parts if p is not None]
        if not parts:
            return
        merged = tallies["pii.person_name"]
        for part in parts:
            merged.cells += part.cells
            merged.examples.extend(part.examples[: 3 - len(merged.examples)])

    def finding(self, check: str, column: str, share: float, checked: int, examples: List[str]) -> Dict:
        return {
            "check": check,
            "column": column,
            "severity": self.config.severity(check),
            "share": round(share, 4),
            "examples": [mask(e, check) for e in examples[:3]],
            "message": f"Column '{column}' holds {MESSAGES[check]}: {share:.0%} of the {checked} cells validated",
        }
