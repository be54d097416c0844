"""CKAN-free checks engine: Table Schema validation with frictionless-py's answers.

    from ckanext.governance.checks import validate_table
    report = validate_table("readings.csv", "waste-bin-sensors")
    report.valid, report.to_dict()

Nothing here imports CKAN; the CKAN side (jobs, actions, CLI mount) calls in.
"""

from .engine import validate_table
from .errors import ChecksError
from .report import CheckError, Report
from .schema import SchemaReferenceError, SchemaSource, check_reference, load_schema

__all__ = ["validate_table", "ChecksError", "load_schema", "check_reference", "SchemaReferenceError",
           "SchemaSource", "Report", "CheckError"]
