"""What the public learns about a released dataset beyond CKAN's own pages: a Frictionless Data
Package of its released resources, and the record of the review that released it.

Both are built from the release in force and the live dataset only. A pending change lives in
its review's content and in staging storage, never in the live rows and files read here, so it
cannot show; a dataset without a release in force has neither and answers like a missing one.
The review record says when, which checks ran and with what result, the sha256 of each file
and the approved content hash; never who reviewed, nor anything a check found in the data.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Any, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize

from . import review, staging
from .checks import ChecksError, load_schema
from .checks.schema import REGISTRY_NAME
from .model import CheckRun, Release

# Statuses of a check in the review record.
PASSED, NOT_RUN, FAILED = "passed", "not-run", "failed"
# Data Package names: lower case letters, digits and - . _ / (Data Package spec v1).
_UNSAFE_NAME = re.compile(r"[^-a-z0-9._/]+")


def is_public(package: model.Package) -> bool:
    return package.state == "active" and not package.private


def released_dataset(name_or_id: str) -> tuple[model.Package, Release]:
    """The dataset and its release in force; ObjectNotFound (as for a missing dataset) when
    there is none."""
    package = model.Package.get(name_or_id or "")
    release = review.latest_release(package.id) if package is not None else None
    if release is None or not is_public(package):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package, release


def approved_run(release: Release) -> Optional[CheckRun]:
    """The passed check run of exactly the content the release approved."""
    return model.Session.scalars(
        sa.select(CheckRun).where(CheckRun.review_id == release.review_id,
                                  CheckRun.content_hash == release.content_hash,
                                  CheckRun.state == "passed")
        .order_by(CheckRun.finished.desc()).limit(1)).first()


def _checked_resources(run: Optional[CheckRun]) -> dict[str, dict[str, Any]]:
    report = (run.report if run else None) or {}
    return {entry.get("id"): entry for entry in report.get("resources", [])}


def _dataset_url(name: str) -> str:
    return f"{tk.config['ckan.site_url'].rstrip('/')}/dataset/{name}"


def _file_facts(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """sha256 and size of an uploaded resource's file as it is served now (live files change
    only with a release)."""
    if resource.get("url_type") != "upload":
        return None
    path = review.live_file_path(resource["id"])
    digest = staging.file_digest(path) if path else None
    if digest is None:
        return None
    return {"sha256": digest, "bytes": os.path.getsize(path)}


def _package_name(value: str, fallback: str) -> str:
    return _UNSAFE_NAME.sub("-", (value or "").lower()).strip("-._/") or fallback


def _table_schema(resource: dict[str, Any], checked: Optional[dict[str, Any]]) -> Any:
    """The resource's Table Schema as the Data Package carries it: a URL as the URL, any other
    declared schema as the descriptor the approved check run validated with (or, without a
    record of that, the registry's current one); None when none was declared."""
    declared = resource.get("schema")
    if not declared:
        return None
    if isinstance(declared, str) and urlsplit(declared.strip()).scheme in ("http", "https"):
        return declared.strip()
    table_report = (checked or {}).get("report") or {}
    if table_report.get("schema_source") and table_report.get("schema"):
        return table_report["schema"]
    if isinstance(declared, str) and REGISTRY_NAME.fullmatch(declared.strip()):
        try:
            return load_schema(declared.strip(), registry_dir=tk.config.get(
                "ckanext.governance.schema_registry") or None).descriptor
        except ChecksError:
            return None
    return None


def datapackage(package: model.Package, release: Release) -> dict[str, Any]:
    """A Frictionless Data Package (v1) of the released dataset: its resources with their
    download URLs, sizes, sha256 hashes and Table Schemas. Resources whose URL is not http(s)
    are left out (a consumer's tool would read it as a local path)."""
    dataset = review.live_dataset(package.id)
    checked = _checked_resources(approved_run(release))
    resources, names = [], set()
    for number, resource in enumerate(dataset.get("resources", []), start=1):
        url = resource.get("url") or ""
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        name = _package_name(resource.get("name"), f"resource-{number}")
        if name in names:
            name = f"{name}-{number}"
        names.add(name)
        entry: dict[str, Any] = {"name": name, "path": url}
        if resource.get("name"):
            entry["title"] = resource["name"]
        if resource.get("description"):
            entry["description"] = resource["description"]
        if resource.get("format"):
            entry["format"] = resource["format"].lower()
        if resource.get("mimetype"):
            entry["mediatype"] = resource["mimetype"]
        facts = _file_facts(resource)
        if facts:
            entry["bytes"], entry["hash"] = facts["bytes"], f"sha256:{facts['sha256']}"
        schema = _table_schema(resource, checked.get(resource.get("id")))
        if schema is not None:
            entry["schema"] = schema
        resources.append(entry)
    descriptor: dict[str, Any] = {
        "name": _package_name(dataset["name"], dataset["id"]),
        "id": dataset["id"],
        "title": dataset.get("title") or dataset["name"],
        "homepage": _dataset_url(dataset["name"]),
        "created": dataset.get("metadata_created"),
        "resources": resources,
    }
    if dataset.get("notes"):
        descriptor["description"] = dataset["notes"]
    keywords = [tag["name"] for tag in dataset.get("tags", [])]
    if keywords:
        descriptor["keywords"] = keywords
    if dataset.get("license_id"):
        licence = {"name": _package_name(dataset["license_id"], "licence"),
                   "title": dataset.get("license_title") or dataset["license_id"]}
        if urlsplit(dataset.get("license_url") or "").scheme in ("http", "https"):
            licence["path"] = dataset["license_url"]
        descriptor["licenses"] = [licence]
    return descriptor


def _privacy_check(table_report: dict[str, Any]) -> dict[str, Any]:
    """Whether the privacy checks ran on a table: only a report that says so counts (reports
    made before the privacy checks existed carry no status and read as not run). Findings a
    steward reviewed are counted by code; their columns, shares and examples stay private."""
    if table_report.get("privacy_status") != "ran":
        return {"check": "privacy", "status": NOT_RUN}
    counts: dict[str, int] = {}
    for finding in table_report.get("privacy") or []:
        code = str(finding.get("check"))
        counts[code] = counts.get(code, 0) + 1
    result = {"check": "privacy", "status": PASSED}
    if counts:
        result["reviewed_findings"] = dict(sorted(counts.items()))
    return result


def _resource_checks(checked: Optional[dict[str, Any]]) -> list[dict[str, Any]]:
    if checked is None:
        return [{"check": "table-schema", "status": NOT_RUN},
                {"check": "privacy", "status": NOT_RUN}]
    if checked.get("kind") != "table":
        # Links and non-tabular files are not checked automatically; the approving steward
        # confirmed them.
        return [{"check": "table-schema", "status": NOT_RUN},
                {"check": "privacy", "status": NOT_RUN},
                {"check": "steward-confirmation", "status": PASSED}]
    table_report = checked.get("report") or {}
    source = table_report.get("schema_source") or {}
    table_check = {"check": "table-schema", "status": PASSED if checked.get("valid") else FAILED,
                   "schema": source.get("kind") or "inferred",
                   "rows": (table_report.get("stats") or {}).get("rows")}
    return [table_check, _privacy_check(table_report)]


@functools.lru_cache(maxsize=1024)
def page_review_record(release_id: str) -> dict[str, Any]:
    """The review record of a release as the dataset page shows it (without the files' sha256),
    kept per release: a release, its check run and the live rows it released never change
    (the guard refuses any other write to them), and a revoked release is not asked for. Every
    view of a released dataset's page shows it; computing it takes three queries. Callers read
    it, never change it."""
    release = model.Session.get(Release, release_id)
    return review_record(model.Package.get(release.package_id), release, file_digests=False)


def review_record(package: model.Package, release: Release, *,
                  file_digests: bool = True) -> dict[str, Any]:
    """The public record of the review that released the version the public sees. Read from
    the live rows without a whole package_show, and without `file_digests` no file is read:
    the dataset page shows it on every view."""
    run = approved_run(release)
    checked = _checked_resources(run)
    context = {"model": model, "session": model.Session}
    resources = []
    for resource in (model_dictize.resource_dictize(row, context) for row in package.resources):
        entry = {"id": resource["id"], "name": resource.get("name"), "url": resource.get("url"),
                 "checks": _resource_checks(checked.get(resource["id"]))}
        facts = _file_facts(resource) if file_digests else None
        if facts:
            entry.update(facts)
        resources.append(entry)
    metadata = ((run.report or {}).get("metadata") or {}) if run else {}
    return {
        "dataset": {"id": package.id, "name": package.name, "url": _dataset_url(package.name)},
        "released": True,
        "released_at": release.released_at.isoformat(),
        "content_hash": release.content_hash,
        "checks": {
            "recorded": run is not None,
            "finished_at": run.finished.isoformat() if run and run.finished else None,
            "metadata": {"check": "metadata",
                         "status": PASSED if metadata.get("valid") else NOT_RUN},
        },
        "resources": resources,
    }
