"""What a check run checks, in CKAN terms: the dataset's metadata against the scheming schema,
every tabular file against its Table Schema through the CKAN-free checks engine, and both for
personal data (the engine's privacy checks, configured by ``ckanext.governance.privacy.*``).

Runs inside a background job (see jobs.py), never in a web request.

Every privacy finding gets an ``id`` and the ``content_hash`` it was made on (the sha256 of
the file, or of the metadata field's text): a steward's dismissal names both, so a changed file
is checked afresh. A privacy check that did not run is reported as ``error`` or ``not_run``,
never as a pass.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import traceback
from typing import Any, Optional, Union

import ckan.plugins.toolkit as tk
from ckan import model

from . import progress, staging
from .checks import ChecksError, load_schema, validate_table
from .checks.privacy import PrivacyConfig, check_metadata as metadata_privacy
from .checks.privacy import config_from_mapping, load_config
from .checks.privacy.metadata import metadata_texts
from .checks.datadiff import diff_tables
from .model import Review
from .review import live_dataset, live_file_path

log = logging.getLogger(__name__)

PRIVACY_PREFIX = "ckanext.governance.privacy."

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


def privacy_config() -> PrivacyConfig:
    """The privacy checks' settings: the declared ``ckanext.governance.privacy.*`` options over
    the optional ``config_file`` (an option set to something other than its default wins).

    :raises ChecksError: ``privacy-config-invalid``
    """
    from ckan.common import config_declaration

    values: dict[str, Any] = {}
    path = tk.config.get(PRIVACY_PREFIX + "config_file")
    if path:
        values = dataclasses.asdict(load_config(path))
    for key in config_declaration.iter_options(pattern=PRIVACY_PREFIX + "*"):
        name = str(key)[len(PRIVACY_PREFIX):]
        value = tk.config.get(str(key))
        if name != "config_file" and value != config_declaration[key].default:
            values[name] = value
    return config_from_mapping(values)


def _privacy_settings() -> Union[PrivacyConfig, ChecksError]:
    """The config, or the error that keeps every privacy check of this run from running."""
    try:
        return privacy_config()
    except ChecksError as error:
        log.error("privacy checks cannot run: %s", error)
        return error


def log_failure(message: str, *args: Any, error: BaseException) -> None:
    """Log a failure with its class and stack, never its text: the text may quote a cell."""
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error(message + " (%s)\n%s", *args, error.__class__.__name__, stack)


def finding_id(resource_id: Optional[str], finding: dict[str, Any], content_hash: str) -> str:
    """A finding's identity: where (resource and column(s), or metadata field), which check,
    and the content hash it was made on."""
    where = finding.get("field") or finding.get("columns") or [finding.get("column")]
    key = json.dumps([resource_id, finding["check"], where, content_hash])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _identify(findings: list[dict[str, Any]], resource_id: Optional[str],
              content_hash: str) -> None:
    for finding in findings:
        finding["content_hash"] = content_hash
        finding["id"] = finding_id(resource_id, finding, content_hash)


def check_metadata_privacy(content: dict[str, Any],
                           privacy: Union[PrivacyConfig, ChecksError]) -> dict[str, Any]:
    """Privacy findings in the dataset's free text: title, description, tags, resource names
    and descriptions. Each names its ``field``."""
    if isinstance(privacy, ChecksError):
        return {"privacy": [], "privacy_status": "error",
                "privacy_error": f"the privacy configuration is invalid: {privacy}"}
    try:
        found = metadata_privacy(content, privacy)
    except Exception as error:  # noqa: BLE001 - a failure is "did not run", never a pass
        log_failure("metadata privacy checks failed", error=error)
        return {"privacy": [], "privacy_status": "error",
                "privacy_error": f"the privacy checks failed ({error.__class__.__name__})"}
    texts = dict(metadata_texts(content))
    for finding in found:
        text_hash = hashlib.sha256(texts[finding["field"]].encode()).hexdigest()
        _identify([finding], None, text_hash)
    return {"privacy": found, "privacy_status": "ran"}


def table_format(resource: dict[str, Any]) -> Optional[str]:
    declared = (resource.get("format") or "").strip().lower()
    if declared in TABULAR_FORMATS:
        return TABULAR_FORMATS[declared]
    extension = os.path.splitext(resource.get("url") or "")[1].lstrip(".").lower()
    return TABULAR_FORMATS.get(extension)


def file_of(review: Review, resource: dict[str, Any]) -> Optional[str]:
    """The file of a resource as it is under review: staged, uploaded, or None (a link)."""
    if resource.get("id") in (review.staged_files or {}):
        return staging.staged_path(review, resource["id"])
    if resource.get("url_type") == "upload":
        return live_file_path(resource["id"])
    return None


def check_resource(review: Review, resource: dict[str, Any],
                   privacy: Union[PrivacyConfig, ChecksError],
                   tracker: Optional[progress.Tracker] = None, index: int = 1) -> dict[str, Any]:
    result = {"id": resource.get("id"), "name": resource.get("name"),
              "format": resource.get("format"), "schema": resource.get("schema") or None}
    path = file_of(review, resource)
    fmt = table_format(resource)
    report_progress = tracker.resource(index, resource.get("name"), path if fmt else None, fmt) \
        if tracker else None
    if path is None:
        return {**result, "kind": "link", "valid": True, "blocking": False,
                "message": "Linked file: not checked, the steward has to confirm it"}
    if fmt is None:
        return {**result, "kind": "file", "valid": True, "blocking": False,
                "message": "Not a table: the steward has to confirm it"}
    try:
        # The schema field is checked when the resource is written; checked again here, as
        # the engine refuses paths: on the server they would name the server's own files.
        report = validate_table(
            path, schema=resource.get("schema") or None, format=fmt,
            registry_dir=tk.config.get("ckanext.governance.schema_registry") or None,
            allow_private_urls=tk.config.get("ckanext.governance.schema_url.allow_private"),
            allow_local_files=False,
            privacy=privacy if isinstance(privacy, PrivacyConfig) else False,
            progress=report_progress)
    except ChecksError as error:
        return {**result, "kind": "table", "valid": False, "blocking": True,
                "message": str(error)}
    if tracker:
        tracker.resource_done(report.rows)
    table = report.to_dict()
    if isinstance(privacy, ChecksError):  # not run for want of a config: no pass
        table.update(valid=False, privacy_status="error",
                     privacy_error=f"the privacy configuration is invalid: {privacy}")
    _identify(table["privacy"], resource.get("id"), staging.file_digest(path) or "missing")
    return {**result, "kind": "table", "valid": table["valid"], "blocking": not table["valid"],
            "report": table}


def build_report(review: Review, content: dict[str, Any],
                 tracker: Optional[progress.Tracker] = None) -> dict[str, Any]:
    privacy = _privacy_settings()
    metadata_errors = check_metadata(content)
    metadata = {"valid": not metadata_errors, "errors": metadata_errors,
                **check_metadata_privacy(content, privacy)}
    resources = [check_resource(review, r, privacy, tracker, index)
                 for index, r in enumerate(content.get("resources", []), start=1)]
    findings = metadata["privacy"] + [
        f for r in resources for f in (r.get("report") or {}).get("privacy", [])]
    metadata_blocking = sum(f["severity"] == "block" for f in metadata["privacy"]) \
        + (metadata["privacy_status"] == "error")
    add_data_diffs(review, content, resources)
    blocking = len(metadata_errors) + metadata_blocking + sum(r["blocking"] for r in resources)
    return {
        "valid": blocking == 0,
        "metadata": metadata,
        "resources": resources,
        "summary": {
            "blocking": blocking,
            "metadata_errors": len(metadata_errors),
            "invalid_resources": sum(not r["valid"] for r in resources),
            "table_errors": sum(r["report"]["error_count"] for r in resources if "report" in r),
            "needs_confirmation": sum(r["kind"] in ("link", "file") for r in resources),
            "privacy_blocking": sum(f["severity"] == "block" for f in findings),
            "privacy_review": sum(f["severity"] == "review" for f in findings),
            # metadata and resources whose privacy checks did not run (failed, or no table)
            "privacy_not_run": (metadata["privacy_status"] != "ran") + sum(
                (r.get("report") or {}).get("privacy_status") != "ran" for r in resources),
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
                and table_format(before) is not None:
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
                           pending_schema=pending_schema, released_format=table_format(before),
                           pending_format=table_format(resource),
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
