"""The codes of what the checks find: a stable contract that pipelines act on.

- Table codes are frictionless-py's error types, with its titles and descriptions (the engine
  reports exactly these; see report.py).
- Metadata codes come from the CKAN side's metadata check (check_run.py).
- Privacy codes: `PRIVACY_CODES`, the one place they are listed (code -> (title,
  description)); a new privacy check adds its code here.

Codes are never renamed or reused for something else; new ones may be added.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from .privacy.config import DEFAULT_SEVERITIES
from .report import _ERROR_CLASSES

TABLE = "table"
METADATA = "metadata"
PRIVACY = "privacy"

METADATA_CODES: Dict[str, Tuple[str, str]] = {
    "missing-field": ("Missing Field",
                      "A field the dataset schema requires for release is empty."),
    "closed-license": ("Closed Licence", "The dataset's licence is not an open licence."),
    "no-resources": ("No Resources", "The dataset has no resource."),
}

# Every check of privacy/ (its ``CHECKS``) has its entry here; a test keeps them in step.
PRIVACY_CODES: Dict[str, Tuple[str, str]] = {
    "pii.email": ("E-mail Address", "A column holds e-mail addresses of persons (not of offices)."),
    "pii.phone": ("Phone Number", "A column holds valid phone numbers."),
    "pii.iban": ("IBAN", "A column holds IBANs with a valid check sum."),
    "pii.tax_id": ("Tax Identification Number", "A column holds German tax ids (Steuer-IdNr) with a valid check digit."),
    "pii.tax_number": ("Tax Number", "A column holds tax numbers (Steuernummern)."),
    "pii.vat_id": ("VAT Id", "A column holds VAT identification numbers."),
    "pii.id_card": ("ID Card Number", "A column holds German ID card numbers with a valid check digit."),
    "pii.passport": ("Passport Number", "A column holds passport numbers with a valid check digit."),
    "pii.pension_insurance": ("Pension Insurance Number", "A column holds pension insurance numbers."),
    "pii.health_insurance": ("Health Insurance Number", "A column holds health insurance numbers."),
    "pii.licence_plate": ("Licence Plate", "A column holds vehicle licence plates."),
    "pii.credit_card": ("Credit Card Number", "A column holds card numbers with a valid Luhn check sum."),
    "pii.ip_address": ("IP Address", "A column holds public IP addresses."),
    "pii.date_of_birth": ("Date of Birth", "A column holds dates of birth."),
    "pii.person_name": ("Person Name", "A column or free text holds names of persons."),
    "pii.address": ("Street Address", "A column or free text holds street addresses with house numbers."),
    "pii.special_category": ("Special Category", "A column hints at special categories of personal data (health, religion, ...)."),
    "pii.pseudonym": ("Pseudonym", "A column holds hash-like pseudonyms of persons."),
    "disclosure.k_anonymity": ("k-Anonymity", "Combinations of quasi-identifiers single out too few rows."),
    "disclosure.small_counts": ("Small Counts", "An aggregate table has counts small enough to single out persons."),
    "geo.precision": ("Coordinate Precision", "Person-related coordinates are more precise than allowed."),
}


def finding_codes() -> List[Dict[str, str]]:
    """Every code with its group, title, description and default severity (``block`` or
    ``review``), table codes first."""
    table = [(TABLE, code, cls.title, cls.description, "block")
             for code, cls in _ERROR_CLASSES.items()]
    metadata = [(METADATA, code, *text, "block") for code, text in METADATA_CODES.items()]
    privacy = [(PRIVACY, code, *text, DEFAULT_SEVERITIES[code])
               for code, text in PRIVACY_CODES.items()]
    return [{"group": group, "code": code, "title": title, "description": description,
             "severity": severity}
            for group, code, title, description, severity in table + metadata + privacy]
