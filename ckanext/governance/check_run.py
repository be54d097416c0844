"""What a check run checks, in CKAN terms: the dataset's metadata against the scheming schema,
and every tabular file against its Table Schema through the CKAN-free checks engine.

Runs inside a background job (see jobs.py), never in a web request.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

from . import staging
from .checks import ChecksError, load_schema, validate_table
from .checks.datadiff import diff_tables
from .model import Review
from .review import live_dataset, live_file_path

log = logging.getLogger(__name__)

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
            errors.append({"code": "missing-field", "field": name,
                           "message": f"'{field.get('label', name)}' is required for release"})
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


def check_resource(review: Review, resource: dict[str, Any]) -> dict[str, Any]:
    result = {"id": resource.get("id"), "name": resource.get("name"),
              "format": resource.get("format"), "schema": resource.get("schema") or None}
    path = _file_of(review, resource)
    table_format = _table_format(resource)
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
            allow_private_urls=tk.config.get("ckanext.governance.schema_url.allow_private"))
    except ChecksError as error:
        return {**result, "kind": "table", "valid": False, "blocking": True,
                "message": str(error)}
    return {**result, "kind": "table", "valid": report.valid, "blocking": not report.valid,
            "report": report.to_dict()}


def build_report(review: Review, content: dict[str, Any]) -> dict[str, Any]:
    metadata_errors = check_metadata(content)
    resources = [check_resource(review, r) for r in content.get("resources", [])]
    add_data_diffs(review, content, resources)
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


def add_data_diffs(review: Review, content: dict[str, Any],
                   results: list[dict[str, Any]]) -> None:
    """For a change: compare every replaced tabular file with the released one and keep the
    data diff in the resource's report (``data_diff``), with the hash of the pending file it
    compared. A diff that could not be made says why (``error``); it never blocks."""
    if review.kind != "change" or not review.staged_files:
        return
    live = {r["id"]: r for r in live_dataset(review.package_id).get("resources", [])}
    for resource, result in zip(content.get("resources", []), results):
        before = live.get(resource.get("id"))
        if result.get("kind") == "table" and resource["id"] in review.staged_files \
                and before is not None and before.get("url_type") == "upload" \
                and _table_format(before) is not None:
            result["data_diff"] = data_diff(review, before, resource, result)


def data_diff(review: Review, before: dict[str, Any], resource: dict[str, Any],
              result: dict[str, Any]) -> dict[str, Any]:
    released, pending = live_file_path(before["id"]), staging.staged_path(review, resource["id"])
    entry: dict[str, Any] = {"pending_sha256": review.staged_files[resource["id"]]["sha256"]}
    report = result.get("report") or {}
    # The pending schema as the check loaded it (not fetched twice); none if it had none.
    pending_schema = report.get("schema") if report.get("schema_source") else None
    released_schema = None
    if before.get("schema"):
        try:
            released_schema = load_schema(
                before["schema"],
                registry_dir=tk.config.get("ckanext.governance.schema_registry") or None,
                allow_private_urls=tk.config.get("ckanext.governance.schema_url.allow_private")
            ).descriptor
        except ChecksError as error:  # the types are then inferred from both files
            entry["released_schema_error"] = str(error)
    try:
        diff = diff_tables(released, pending, released_schema=released_schema,
                           pending_schema=pending_schema, released_format=_table_format(before),
                           pending_format=_table_format(resource),
                           mask_columns=_privacy_columns(report))
    except ChecksError as error:
        message = str(error).replace(released, "released file").replace(pending, "pending file")
        return {**entry, "error": message, "error_code": "unreadable"}
    except Exception:  # the diff informs the steward; a bug in it must not fail the checks
        log.exception("data diff of resource %s failed", resource["id"])
        return {**entry, "error": "internal error, see the worker log", "error_code": "internal"}
    return {**entry, **diff}


def _privacy_columns(report: dict[str, Any]) -> list[str]:
    """Columns the privacy checks found something in: their examples are masked."""
    columns = set()
    for finding in report.get("privacy") or []:
        for key in ("column", "field"):
            if isinstance(finding.get(key), str):
                columns.add(finding[key])
        columns.update(c for c in finding.get("columns") or [] if isinstance(c, str))
    return sorted(columns)
