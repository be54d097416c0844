"""Privacy checks of a dataset's free text: title, description, tags, resource names and
descriptions. Plain strings and dicts in, findings out; no CKAN."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from .columns import MESSAGES, ColumnAnalyser
from .config import PrivacyConfig
from .masking import mask

# In metadata one hit is one too many: the text is the whole "column". Direct identifiers
# block; a name or an address in a description (often a contact person) asks for review.
_REVIEW_IN_METADATA = {"pii.person_name", "pii.address", "pii.email", "pii.phone"}


def metadata_texts(dataset: Mapping[str, Any]) -> Iterable[Tuple[str, str]]:
    """(field, text) pairs of a CKAN-like dataset dict: title, notes, tags, resources."""
    for key in ("title", "notes"):
        if isinstance(dataset.get(key), str):
            yield key, dataset[key]
    for index, tag in enumerate(dataset.get("tags") or []):
        name = tag.get("name") if isinstance(tag, Mapping) else tag
        if isinstance(name, str):
            yield f"tags[{index}]", name
    for index, resource in enumerate(dataset.get("resources") or []):
        if isinstance(resource, Mapping):
            for key in ("name", "description"):
                if isinstance(resource.get(key), str):
                    yield f"resources[{index}].{key}", resource[key]


def check_metadata(dataset: Mapping[str, Any], config: Optional[PrivacyConfig] = None) -> List[Dict[str, Any]]:
    """Findings in a dataset's free-text metadata; each names its ``field``
    (``title``, ``notes``, ``tags[2]``, ``resources[0].description``)."""
    config = config or PrivacyConfig()
    analyser = ColumnAnalyser(config)
    findings = []
    for field, text in metadata_texts(dataset):
        kinds = analyser.text_kinds(text) | {k for k in analyser.cell_kinds(text.strip(), set()) if k.startswith("pii.")}
        for check in sorted(kinds):
            if not config.enabled(check):
                continue
            severity = config.severity(check)
            if check in _REVIEW_IN_METADATA and severity == "block":
                severity = "review"
            findings.append({
                "check": check, "field": field, "severity": severity, "examples": [mask(text, check)],
                "message": f"The {field} field contains {MESSAGES[check]}",
            })
    return findings
