"""CKAN-free checks engine: Table Schema validation with frictionless-py's answers.

    from ckanext.governance.checks import validate_table
    report = validate_table("readings.csv", "waste-bin-sensors")
    report.valid, report.to_dict()

Nothing here imports CKAN; the CKAN side (jobs, actions, CLI mount) calls in.
The names below are imported on first use (PEP 562), so that ``governance-check
--help`` starts without loading pyarrow, numpy and frictionless.
"""

from importlib import import_module

from .errors import ChecksError

_LAZY = {
    "validate_table": ".engine",
    "load_schema": ".schema",
    "SchemaSource": ".schema",
    "Report": ".report",
    "CheckError": ".report",
}

__all__ = ["validate_table", "ChecksError", "load_schema", "SchemaSource", "Report", "CheckError"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
