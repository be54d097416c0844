"""What the privacy checks look for and how strictly: a plain dataclass and its loaders.

The CKAN side builds it from ``ckanext.governance.privacy.*`` options with
:func:`config_from_mapping`; ``governance-check --privacy-config FILE`` reads a JSON, TOML or
YAML file with the same keys (see ``config_declaration.yaml`` for each key's meaning).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Tuple, Union

from ..errors import ChecksError

SEVERITIES = ("block", "review", "off")

# Every check code and what a finding of it is by default.
DEFAULT_SEVERITIES: Dict[str, str] = {
    "pii.email": "block",
    "pii.phone": "block",
    "pii.iban": "block",
    "pii.tax_id": "block",
    "pii.tax_number": "review",  # businesses have tax numbers too
    "pii.vat_id": "review",  # mostly businesses; sole traders are people
    "pii.id_card": "block",
    "pii.passport": "block",
    "pii.pension_insurance": "block",
    "pii.health_insurance": "block",
    "pii.licence_plate": "block",
    "pii.credit_card": "block",
    "pii.ip_address": "block",
    "pii.date_of_birth": "block",
    "pii.person_name": "block",
    "pii.address": "block",
    "pii.special_category": "review",
    "pii.pseudonym": "review",
    "disclosure.k_anonymity": "block",  # below k_block; below k_review it asks for review
    "disclosure.small_counts": "block",
    "geo.precision": "block",
}


@dataclass(frozen=True)
class PrivacyConfig:
    """Thresholds, severities, allowlists and extra word lists of the privacy checks."""

    severities: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_SEVERITIES))
    # A column is reported when at least this share of its non-empty cells are validated hits
    # (lower when its name hints at the kind, higher when it hints at something else) ...
    min_share: float = 0.3
    hinted_min_share: float = 0.1
    free_text_min_share: float = 0.03
    # ... and never for fewer distinct validated values than this.
    min_hits: int = 3
    k_block: int = 3
    k_review: int = 5
    small_count_min: int = 3  # counts from 1 to small_count_min - 1 are disclosive
    coordinate_decimals: int = 4
    coordinate_repeat: float = 3.0  # mean rows per point above which points are places, not people
    max_age: int = 120
    phone_region: str = "DE"
    # Rows looked at per column (evenly spread over the file; every row of smaller files).
    sample_rows: int = 4096
    allow_names: FrozenSet[str] = frozenset()
    allow_emails: FrozenSet[str] = frozenset()  # whole addresses or @domain.example
    allow_phones: FrozenSet[str] = frozenset()
    role_mailboxes: FrozenSet[str] = frozenset()  # extra local parts of office mailboxes
    first_name_files: Tuple[str, ...] = ()
    surname_files: Tuple[str, ...] = ()
    quasi_identifiers: FrozenSet[str] = frozenset()  # column names, besides the detected ones
    count_columns: FrozenSet[str] = frozenset()  # column names, besides those named like counts

    def severity(self, check: str) -> str:
        return self.severities.get(check, DEFAULT_SEVERITIES.get(check, "review"))

    def enabled(self, check: str) -> bool:
        return self.severity(check) != "off"


_SETS = {"allow_names", "allow_emails", "allow_phones", "role_mailboxes", "quasi_identifiers", "count_columns"}
_TUPLES = {"first_name_files", "surname_files"}


def config_from_mapping(values: Mapping[str, Any]) -> PrivacyConfig:
    """A config from plain values (JSON/TOML/YAML or CKAN options); unknown keys are errors.

    Lists may be given as lists or as comma or newline separated strings; ``severities``
    maps check codes to block, review or off (or lists ``check:severity`` pairs) and is
    merged over the defaults.
    """
    known = {f.name: f for f in dataclasses.fields(PrivacyConfig)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ChecksError(f"unknown privacy option(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}", "privacy-config-invalid")
    kwargs: Dict[str, Any] = {}
    for name, value in values.items():
        if name == "severities":
            kwargs[name] = _severities(value)
        elif name in _SETS:
            kwargs[name] = frozenset(_items(name, value))
        elif name in _TUPLES:
            kwargs[name] = tuple(_items(name, value))
        else:
            kwargs[name] = _scalar(name, value, known[name].default)
    config = PrivacyConfig(**kwargs)
    if not 1 <= config.k_block <= config.k_review:
        raise ChecksError("privacy option k_block must be at least 1 and at most k_review", "privacy-config-invalid")
    for share in ("min_share", "hinted_min_share", "free_text_min_share"):
        if not 0 < getattr(config, share) <= 1:
            raise ChecksError(f"privacy option {share} must be a share between 0 and 1", "privacy-config-invalid")
    for path in config.first_name_files + config.surname_files:
        if not Path(path).is_file():
            raise ChecksError(f"gazetteer file not found: {path}", "privacy-config-invalid")
    return config


def _items(name: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        return tuple(item for item in value.replace(",", "\n").splitlines() for item in [item.strip()] if item)
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise ChecksError(f"privacy option {name} must be a list of strings", "privacy-config-invalid")


def _severities(value: Any) -> Dict[str, str]:
    """A mapping, or "check:severity" pairs (a list, or one string as CKAN options are)."""
    if isinstance(value, (str, list, tuple)):
        pairs = value.split() if isinstance(value, str) else value
        if not all(isinstance(pair, str) and pair.count(":") == 1 for pair in pairs):
            raise ChecksError("privacy option severities must be check:severity pairs, e.g. pii.vat_id:block", "privacy-config-invalid")
        value = dict(pair.split(":") for pair in pairs)
    if not isinstance(value, Mapping):
        raise ChecksError("privacy option severities must map check codes to block, review or off", "privacy-config-invalid")
    merged = dict(DEFAULT_SEVERITIES)
    for check, severity in value.items():
        if check not in DEFAULT_SEVERITIES:
            raise ChecksError(f"unknown privacy check in severities: {check}; known: {', '.join(DEFAULT_SEVERITIES)}", "privacy-config-invalid")
        if severity not in SEVERITIES:
            raise ChecksError(f"severity of {check} must be one of {', '.join(SEVERITIES)}, not {severity!r}", "privacy-config-invalid")
        merged[check] = severity
    return merged


def _scalar(name: str, value: Any, default: Any) -> Any:
    kind = type(default)
    try:
        if kind is bool or isinstance(value, bool):
            raise ValueError
        result = kind(value)
    except (TypeError, ValueError):
        raise ChecksError(f"privacy option {name} must be {kind.__name__}, not {value!r}", "privacy-config-invalid") from None
    if kind in (int, float) and result < 0:
        raise ChecksError(f"privacy option {name} must not be negative", "privacy-config-invalid")
    return result


def load_config(path: Union[str, Path]) -> PrivacyConfig:
    """Read a privacy config file: ``.json``, ``.toml`` or ``.yaml``/``.yml``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ChecksError(f"cannot read privacy config {path}: {error.__class__.__name__}", "privacy-config-invalid") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            values = json.loads(text)
        elif suffix == ".toml":
            import tomllib

            values = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            values = yaml.safe_load(text)
        else:
            raise ChecksError(f"privacy config must be .json, .toml, .yaml or .yml: {path}", "privacy-config-invalid")
    except ChecksError:
        raise
    except Exception as error:  # each parser has its own error class
        raise ChecksError(f"privacy config {path} is not valid {suffix[1:].upper()}: {error}", "privacy-config-invalid") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ChecksError(f"privacy config {path} must hold a mapping of options", "privacy-config-invalid")
    return config_from_mapping(values)
