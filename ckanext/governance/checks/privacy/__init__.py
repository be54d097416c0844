"""Privacy and disclosure checks: personal data in columns and metadata, k-anonymity, small
counts, coordinate precision. CKAN-free.

    from ckanext.governance.checks.privacy import PrivacyConfig, TablePrivacy, check_metadata

A finding is a dict: ``check`` (a stable code such as ``pii.email``), ``column`` (or
``columns``; ``field`` for metadata), ``severity`` (``block`` or ``review``), ``share`` (of
non-empty cells, where it applies), ``examples`` (at most three, masked) and ``message``.
Raw cell values never appear in findings.
"""

from ..lazy import lazy_attributes
from .config import DEFAULT_SEVERITIES, PrivacyConfig, config_from_mapping, load_config

CHECKS = tuple(DEFAULT_SEVERITIES)

# The checks themselves load phonenumbers, python-stdnum and pyarrow: imported on first use
# (PEP 562), so that reading the configuration or the codes costs none of it.
_LAZY = {"check_metadata": ".metadata", "TablePrivacy": ".table"}

__all__ = ["CHECKS", "PrivacyConfig", "TablePrivacy", "check_metadata", "config_from_mapping", "load_config"]

__getattr__ = lazy_attributes(globals(), _LAZY)
