"""CKAN-free checks engine: Table Schema validation with frictionless-py's answers.

    from ckanext.governance.checks import validate_table
    report = validate_table("readings.csv", "waste-bin-sensors")
    report.valid, report.to_dict()

Nothing here imports CKAN; the CKAN side (jobs, actions, CLI mount) calls in.
The names below are imported on first use (PEP 562), so that ``governance-check
--help`` starts without loading pyarrow, numpy and frictionless.
"""

from .errors import ChecksError
from .lazy import lazy_attributes

_LAZY = {
    "validate_table": ".engine",
    "load_schema": ".schema",
    "check_reference": ".schema",
    "SchemaReferenceError": ".schema",
    "SchemaSource": ".schema",
    "Report": ".report",
    "CheckError": ".report",
}

__all__ = ["validate_table", "ChecksError", "load_schema", "check_reference", "SchemaReferenceError",
           "SchemaSource", "Report", "CheckError"]

__getattr__ = lazy_attributes(globals(), _LAZY)
