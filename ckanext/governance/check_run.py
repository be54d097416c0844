"""What a check run checks, in CKAN terms: the dataset's metadata against the scheming schema,
and every tabular file against its Table Schema through the CKAN-free checks engine.

Runs inside a background job (see jobs.py), never in a web request.
"""
from __future__ import annotations

import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from . import progress, staging
from .checks import ChecksError, validate_table
from .model import Review
from .review import live_file_path

TABULAR_FORMATS = {"csv": "csv", "tsv": "tsv", "xlsx": "xlsx", "json": "json"}


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def check_metadata(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields the scheming schema marks `governance_required`, an open licence, a resource."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    errors = []
    schema = scheming_get_dataset_schema(dataset.get("type", "dataset")) or {}
    for field in schema.get("dataset_fields", []):
        name = field["field_name"]
        value = dataset.get(name)
        if name == "tag_string":
            value = dataset.get("tags") or dataset.get("tag_string")
        if field.get("governance_required") and _is_empty(value):
            # The report's message is English; the web UI words it by code and field.
            label = field.get("label", name)
            label = label.get("en", name) if isinstance(label, dict) else label
            errors.append({"code": "missing-field", "field": name,
                           "message": f"'{label}' is required for release"})
        if field.get("governance_open_license") and not _is_empty(value):
            license_ = model.Package.get_license_register().get(value)
            if license_ is None or not license_.isopen():
                errors.append({"code": "closed-license", "field": name,
                               "message": f"Licence '{value}' is not an open licence"})
    if not dataset.get("resources"):
        errors.append({"code": "no-resources", "field": "resources",
                       "message": "A dataset needs at least one resource"})
    return errors


def _table_format(resource: dict[str, Any]) -> Optional[str]:
    declared = (resource.get("format") or "").strip().lower()
    if declared in TABULAR_FORMATS:
        return TABULAR_FORMATS[declared]
    extension = os.path.splitext(resource.get("url") or "")[1].lstrip(".").lower()
    return TABULAR_FORMATS.get(extension)


def _file_of(review: Review, resource: dict[str, Any]) -> Optional[str]:
    if resource.get("id") in (review.staged_files or {}):
        return staging.staged_path(review, resource["id"])
    if resource.get("url_type") == "upload":
        return live_file_path(resource["id"])
    return None


def check_resource(review: Review, resource: dict[str, Any],
                   tracker: Optional[progress.Tracker] = None, index: int = 1) -> dict[str, Any]:
    result = {"id": resource.get("id"), "name": resource.get("name"),
              "format": resource.get("format"), "schema": resource.get("schema") or None}
    path = _file_of(review, resource)
    table_format = _table_format(resource)
    report_progress = tracker.resource(
        index, resource.get("name"), path if table_format else None, table_format) \
        if tracker else None
    if path is None:
        return {**result, "kind": "link", "valid": True, "blocking": False,
                "message": "Linked file: not checked, the steward has to confirm it"}
    if table_format is None:
        return {**result, "kind": "file", "valid": True, "blocking": False,
                "message": "Not a table: the steward has to confirm it"}
    try:
        report = validate_table(
            path, schema=resource.get("schema") or None, format=table_format,
            registry_dir=tk.config.get("ckanext.governance.schema_registry") or None,
            allow_private_urls=tk.config.get("ckanext.governance.schema_url.allow_private"),
            progress=report_progress)
    except ChecksError as error:
        return {**result, "kind": "table", "valid": False, "blocking": True,
                "message": str(error)}
    if tracker:
        tracker.resource_done(report.rows)
    return {**result, "kind": "table", "valid": report.valid, "blocking": not report.valid,
            "report": report.to_dict()}


def build_report(review: Review, content: dict[str, Any],
                 tracker: Optional[progress.Tracker] = None) -> dict[str, Any]:
    metadata_errors = check_metadata(content)
    resources = [check_resource(review, r, tracker, index)
                 for index, r in enumerate(content.get("resources", []), start=1)]
    blocking = len(metadata_errors) + sum(r["blocking"] for r in resources)
    return {
        "valid": blocking == 0,
        "metadata": {"valid": not metadata_errors, "errors": metadata_errors},
        "resources": resources,
        "summary": {
            "blocking": blocking,
            "metadata_errors": len(metadata_errors),
            "invalid_resources": sum(not r["valid"] for r in resources),
            "table_errors": sum(r["report"]["error_count"] for r in resources if "report" in r),
            "needs_confirmation": sum(r["kind"] in ("link", "file") for r in resources),
        },
    }
