"""One column's cells -> which kinds of personal data it holds, decided per column.

Every distinct cell of the column's sample is validated (checksums, registries, gazetteers);
the column is reported for a kind when the share of validated hits among its non-empty cells
reaches a threshold that its name's hints lower or raise, and never for fewer than
``min_hits`` cells. One odd cell never decides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Dict, List, Optional, Sequence, Set, Tuple

from . import identifiers as ids
from .config import PrivacyConfig
from .gazetteer import (
    COORDINATE_WORDS, HINT_WORDS, NEGATIVE_HINTS, ROLE_MAILBOXES, fold, name_matches,
)
from .masking import mask
from .people import NameFinder, has_street_address

# Kinds a short cell can be; one column holds one of them (the best supported).
CELL_CHECKS = (
    "pii.email", "pii.iban", "pii.credit_card", "pii.tax_id", "pii.tax_number", "pii.vat_id",
    "pii.id_card", "pii.passport", "pii.pension_insurance", "pii.health_insurance",
    "pii.licence_plate", "pii.ip_address", "pii.phone", "pii.date_of_birth", "pii.person_name",
    "pii.address",
)
TEXT_CHECKS = ("pii.email", "pii.phone", "pii.iban", "pii.credit_card", "pii.ip_address", "pii.person_name", "pii.address")
FREE_TEXT_WORDS = 4.0  # mean words per cell above which a column is free text

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
    distinct: int = 0
    examples: List[str] = field(default_factory=list)


class ColumnAnalyser:
    def __init__(self, config: PrivacyConfig):
        self.config = config
        self.names = NameFinder(config.first_name_files, config.surname_files, config.allow_names)
        self.roles = ROLE_MAILBOXES | frozenset(fold(r) for r in config.role_mailboxes)
        self.allow_emails = frozenset(fold(e) for e in config.allow_emails)
        self.allow_phones = frozenset(filter(None, (ids.phone_key(p, config.phone_region) for p in config.allow_phones)))
        self.today = date.today()

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

    def cell_kinds(self, value: str, hinted: Set[str]) -> Set[str]:
        """The kinds one short cell validates as (several are possible, the column decides)."""
        kinds: Set[str] = set()
        if "@" in value:
            if self._personal_email(value):
                kinds.add("pii.email")
            return kinds
        digits = sum(ch.isdigit() for ch in value)
        if digits >= 5:
            compact = ids.compact(value)
            if ids.is_iban(value):
                kinds.add("pii.iban")
            if ids.is_vat_id(value):
                kinds.add("pii.vat_id")
            if len(compact) == 12 and ids.is_pension_number(value):
                kinds.add("pii.pension_insurance")
            if len(compact) == 10:
                if ids.is_health_insurance_number(value):
                    kinds.add("pii.health_insurance")
            if 9 <= len(compact) <= 10:
                document = ids.document_kind(value, hinted=bool(hinted & {"pii.id_card", "pii.passport"}))
                if document:
                    kinds.add("pii." + document)
            if ids.is_credit_card(value):
                kinds.add("pii.credit_card")
            if ids.is_tax_id(value):
                kinds.add("pii.tax_id")
            if ids.is_tax_number(value, hinted="pii.tax_number" in hinted):
                kinds.add("pii.tax_number")
            if ids.ip_kind(value) == "public":
                kinds.add("pii.ip_address")
            if self._personal_phone(value):
                kinds.add("pii.phone")
            if "pii.date_of_birth" in hinted and ids.plausible_birth_date(value, self.today, self.config.max_age):
                kinds.add("pii.date_of_birth")
            if has_street_address(value):
                kinds.add("pii.address")
            return kinds
        if digits:
            if ids.is_licence_plate(value):
                kinds.add("pii.licence_plate")
            elif ids.ip_kind(value) == "public":  # IPv6 may have few digits
                kinds.add("pii.ip_address")
            elif has_street_address(value):
                kinds.add("pii.address")
            return kinds
        name = self.names.cell(value)
        if name:
            kinds.add("name:" + name)
        return kinds

    def text_kinds(self, value: str) -> Set[str]:
        """Kinds found inside free text."""
        kinds: Set[str] = set()
        if "@" in value and any(self._personal_email(m) for m in _TEXT_EMAIL.findall(value)):
            kinds.add("pii.email")
        if any(ch.isdigit() for ch in value):
            if any(self._personal_phone(m) for m in _TEXT_PHONE.findall(value)):
                kinds.add("pii.phone")
            if any(ids.is_iban(m) for m in _TEXT_IBAN.findall(value)):
                kinds.add("pii.iban")
            if any(ids.is_credit_card(m) for m in _TEXT_CARD.findall(value)):
                kinds.add("pii.credit_card")
            if any(ids.ip_kind(m) == "public" for m in _TEXT_IP.findall(value)):
                kinds.add("pii.ip_address")
            if has_street_address(value):
                kinds.add("pii.address")
        if self.names.in_text(value):
            kinds.add("pii.person_name")
        return kinds

    # One column

    def analyse(self, name: str, values: Sequence[str], counts: Sequence[int]) -> ColumnResult:
        """``values``: the distinct non-empty cells of the column's sample, ``counts``: how often."""
        result = ColumnResult(name)
        total = sum(counts)
        if not total:
            return result
        hinted = {check for check, words in HINT_WORDS.items() if name_matches(name, words)}
        negative = name_matches(name, NEGATIVE_HINTS) and not hinted
        words = sum(len(v.split()) * c for v, c in zip(values, counts)) / total
        result.free_text = words > FREE_TEXT_WORDS
        result.distinct_share = len(values) / total
        tallies: Dict[str, _Tally] = defaultdict(_Tally)
        digests = uuids = 0
        coordinate = next((axis for axis, w in COORDINATE_WORDS.items() if name_matches(name, w)), None)
        precise = numeric = 0
        for value, count in zip(values, counts):
            kinds = self.text_kinds(value) if result.free_text else self.cell_kinds(value, hinted)
            for kind in kinds:
                tally = tallies[kind]
                tally.cells += count
                tally.distinct += 1
                if len(tally.examples) < 3:
                    tally.examples.append(value)
            if _HEX_DIGEST.fullmatch(value):
                digests += count
            elif _UUID.fullmatch(value):
                uuids += count
            if coordinate:
                decimal = _DECIMAL.fullmatch(value)
                if decimal:
                    numeric += count
                    precise += count * (len(decimal.group(1)) >= self.config.coordinate_decimals)
        if coordinate and numeric >= 0.8 * total:
            result.coordinate = coordinate
            result.precise_share = precise / total
        result.uuid_share = uuids / total
        self._name_tally(tallies, hinted)
        candidates = []
        for check, tally in tallies.items():
            if not check.startswith("pii.") or not self.config.enabled(check):
                continue
            share = tally.cells / total
            if check in hinted:
                needed = self.config.hinted_min_share
            elif result.free_text:
                needed = self.config.free_text_min_share
            else:
                needed = max(self.config.min_share, 0.6) if negative else self.config.min_share
            if check == "pii.person_name" and not result.free_text and "pii.person_name" not in hinted:
                needed = max(needed, 0.5)  # bare names without a name-like header: a clear majority
            if share >= needed and tally.cells >= self.config.min_hits:
                candidates.append((check in hinted, share, check, tally))
        if not result.free_text and candidates:
            candidates = [max(candidates)]  # one column, one kind: the hinted or best supported
        for _, share, check, tally in sorted(candidates, key=lambda c: c[2]):
            result.findings.append(self.finding(check, name, share, total, tally.examples))
        if digests / total >= 0.9 and self.config.enabled("pii.pseudonym"):
            result.findings.append(self.finding("pii.pseudonym", name, digests / total, total, []))
        return result

    def _name_tally(self, tallies: Dict[str, _Tally], hinted: Set[str]) -> None:
        """Fold the name kinds of short cells into pii.person_name."""
        full, first, last = (tallies.pop("name:" + k, None) for k in ("full", "first", "last"))
        tallies.pop("name:public", None)
        parts = [full]
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
            merged.distinct += part.distinct
            merged.examples.extend(part.examples[: 3 - len(merged.examples)])

    def finding(self, check: str, column: str, share: float, checked: int, examples: List[str]) -> Dict:
        return {
            "check": check,
            "column": column,
            "severity": self.config.severity(check),
            "share": round(share, 4),
            "examples": [mask(e, check) for e in examples[:3]],
            "message": f"Column '{column}' holds {MESSAGES[check]}: {share:.0%} of {checked} non-empty cells checked",
        }
