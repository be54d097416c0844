"""Private storage for files of a pending change to a released dataset.

A staged file never lands in CKAN's resource storage (nor in ckanext-files records, whose
access cascades from the dataset) until a steward approves the change: it sits under
``<ckan.storage_path>/governance/staged/<review id>/<sha256>``, which no view serves.

The path is built from our own review id and the file's hash, never from a resource id, a file
name or anything else a caller sends, so no request can point a write outside the review's
folder. A new upload is a new file: the one that was checked stays untouched until the
database names its successor.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import mimetypes
import os
import re
import shutil
import tempfile
from typing import Any, Iterator, Optional

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib import munge
from ckan.lib.uploader import get_max_resource_size

from .model import Review

_CHUNK = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
# (path, device, inode, size, mtime, ctime) -> sha256: a file is hashed again whenever it is
# written, replaced or touched, and review pages do not re-read gigabytes on every view.
_digests: dict[tuple, str] = {}


def _review_dir(review: Review) -> str:
    return os.path.join(tk.config["ckan.storage_path"], "governance", "staged", review.id)


def _blob_path(review: Review, sha256: str) -> str:
    if not _SHA256.fullmatch(sha256 or ""):
        raise ValueError("not a sha256 digest")
    return os.path.join(_review_dir(review), sha256)


def staged_path(review: Review, resource_id: str) -> Optional[str]:
    """Where the staged file of a resource is, or None if it has none."""
    staged = (review.staged_files or {}).get(resource_id)
    return _blob_path(review, staged["sha256"]) if staged else None


def file_digest(path: str) -> Optional[str]:
    """The sha256 of the bytes on disk now; None if there is no such file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
        if len(_digests) > 10_000:
            _digests.clear()
        _digests[key] = digest.hexdigest()
    return _digests[key]


def upload_fields(upload: FileStorage, resource_id: str) -> dict[str, Any]:
    """The resource fields an upload sets, known before a byte is stored (so that the pending
    content is validated before anything is written)."""
    filename = munge.munge_filename(upload.filename or resource_id)
    return {"url": filename, "url_type": "upload",
            "mimetype": mimetypes.guess_type(filename)[0],
            "last_modified": datetime.datetime.utcnow().isoformat()}


def stage_upload(review: Review, resource_id: str, upload: FileStorage) -> dict[str, Any]:
    """Store an uploaded file for the pending change; return the resource fields it sets."""
    folder = _review_dir(review)
    os.makedirs(folder, exist_ok=True)
    limit = get_max_resource_size() * _CHUNK
    digest, size = hashlib.sha256(), 0
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as target:
            while chunk := upload.stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise tk.ValidationError({"upload": [tk._("File upload too large")]})
                digest.update(chunk)
                target.write(chunk)
        os.replace(partial, _blob_path(review, digest.hexdigest()))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)
    fields = upload_fields(upload, resource_id)
    review.staged_files = {**(review.staged_files or {}), resource_id: {
        "filename": fields["url"], "size": size, "sha256": digest.hexdigest()}}
    return {**fields, "size": size}


@contextlib.contextmanager
def uploads_for(review: Review, content: dict[str, Any]) -> Iterator[None]:
    """Attach each staged file to its resource in `content` as an upload, so that core's
    package_update writes it through the configured resource uploader."""
    with contextlib.ExitStack() as files:
        for resource in content.get("resources", []):
            path = staged_path(review, resource.get("id"))
            if path:
                stream = files.enter_context(open(path, "rb"))
                resource["upload"] = FileStorage(
                    stream=stream, filename=review.staged_files[resource["id"]]["filename"])
        yield


def discard(review: Review) -> None:
    """Remove the staged files; `staged_files` stays as the record of what was reviewed."""
    shutil.rmtree(_review_dir(review), ignore_errors=True)


def forget_unused(review: Review, content: dict[str, Any]) -> None:
    """Drop the record of staged files whose resource left the pending content or became a
    link (their bytes go with `remove_unreferenced`, once that is committed)."""
    uploads = {r.get("id") for r in content.get("resources", []) if r.get("url_type") == "upload"}
    if set(review.staged_files or {}) - uploads:
        review.staged_files = {k: v for k, v in review.staged_files.items() if k in uploads}


def remove_unreferenced(review: Review) -> None:
    """Delete files the committed `staged_files` no longer names: replaced uploads, and
    uploads of requests that failed after storing their file. Call only after the commit, so
    that a failed commit never loses the file the database still names."""
    kept = {staged["sha256"] for staged in (review.staged_files or {}).values()}
    with contextlib.suppress(FileNotFoundError):
        for name in os.listdir(_review_dir(review)):
            if _SHA256.fullmatch(name) and name not in kept:
                os.remove(os.path.join(_review_dir(review), name))
