"""Private storage for files of a pending change to a released dataset.

A staged file never lands in CKAN's resource storage (nor in ckanext-files records, whose
access cascades from the dataset) until a steward approves the change: it sits under
``<ckan.storage_path>/governance/staged/<review id>/<resource id>``, which no view serves.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import mimetypes
import os
import shutil
from typing import Any, Iterator

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib import munge
from ckan.lib.uploader import get_max_resource_size

from .model import Review

_CHUNK = 1024 * 1024


def _review_dir(review: Review) -> str:
    return os.path.join(tk.config["ckan.storage_path"], "governance", "staged", review.id)


def staged_path(review: Review, resource_id: str) -> str:
    return os.path.join(_review_dir(review), resource_id)


def stage_upload(review: Review, resource_id: str, upload: FileStorage) -> dict[str, Any]:
    """Store an uploaded file for the pending change; return the resource fields it sets."""
    os.makedirs(_review_dir(review), exist_ok=True)
    path = staged_path(review, resource_id)
    limit = get_max_resource_size() * _CHUNK
    digest, size = hashlib.sha256(), 0
    with open(path + "~", "wb") as target:
        while chunk := upload.stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                target.close()
                os.remove(path + "~")
                raise tk.ValidationError({"upload": [tk._("File upload too large")]})
            digest.update(chunk)
            target.write(chunk)
    os.replace(path + "~", path)
    filename = munge.munge_filename(upload.filename or resource_id)
    review.staged_files = {**(review.staged_files or {}), resource_id: {
        "filename": filename, "size": size, "sha256": digest.hexdigest()}}
    return {"url": filename, "url_type": "upload", "size": size,
            "mimetype": mimetypes.guess_type(filename)[0],
            "last_modified": datetime.datetime.utcnow().isoformat()}


@contextlib.contextmanager
def uploads_for(review: Review, content: dict[str, Any]) -> Iterator[None]:
    """Attach each staged file to its resource in `content` as an upload, so that core's
    package_update writes it through the configured resource uploader."""
    with contextlib.ExitStack() as files:
        for resource in content.get("resources", []):
            staged = (review.staged_files or {}).get(resource.get("id"))
            if staged:
                stream = files.enter_context(open(staged_path(review, resource["id"]), "rb"))
                resource["upload"] = FileStorage(stream=stream, filename=staged["filename"])
        yield


def discard(review: Review) -> None:
    """Remove the staged files; `staged_files` stays as the record of what was reviewed."""
    shutil.rmtree(_review_dir(review), ignore_errors=True)


def forget_unused(review: Review, content: dict[str, Any]) -> None:
    """Drop staged files whose resource left the pending content or became a link."""
    uploads = {r.get("id") for r in content.get("resources", []) if r.get("url_type") == "upload"}
    unused = set(review.staged_files or {}) - uploads
    for resource_id in unused:
        with contextlib.suppress(FileNotFoundError):
            os.remove(staged_path(review, resource_id))
    if unused:
        review.staged_files = {k: v for k, v in review.staged_files.items() if k not in unused}
