"""The finding codes pipelines rely on: every code the checks can report is listed once."""
from ckanext.governance.checks.codes import METADATA_CODES, PRIVACY_CODES, finding_codes
from ckanext.governance.checks.privacy import CHECKS
from ckanext.governance.checks.report import _ERROR_CLASSES


def test_every_privacy_check_has_its_code_listed():
    assert set(PRIVACY_CODES) == set(CHECKS)


def test_every_code_once_with_group_title_description_and_severity():
    codes = finding_codes()
    assert len({entry["code"] for entry in codes}) == len(codes)
    by_group = {}
    for entry in codes:
        assert entry["title"] and entry["description"]
        assert entry["severity"] in ("block", "review")
        by_group.setdefault(entry["group"], set()).add(entry["code"])
    assert by_group == {"table": set(_ERROR_CLASSES), "metadata": set(METADATA_CODES),
                        "privacy": set(CHECKS)}
    assert {e["code"]: e["severity"] for e in codes}["pii.vat_id"] == "review"
