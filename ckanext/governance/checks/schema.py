"""Loading Table Schemas: inline, JSON text, registry name or URL (and, for the
offline CLI only, a local file).

frictionless checks the descriptor itself; this module only finds and fetches
it. URL fetching refuses non-public addresses on every redirect hop (see
netguard.py).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union
from urllib.parse import urljoin, urlsplit

from .errors import ChecksError

if TYPE_CHECKING:
    from frictionless import Schema
from .netguard import pinned_connection

REGISTRY_ENV = "GOVERNANCE_SCHEMA_REGISTRY"
DEFAULT_REGISTRY_DIR = Path(__file__).resolve().parents[3] / "schemas" / "table"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 1_000_000
MAX_REDIRECTS = 5
REGISTRY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class SchemaSource:
    """A loaded Table Schema and where it came from."""

    schema: Schema
    kind: str  # "inline", "json", "file", "registry" or "url"
    location: Optional[str] = None

    @property
    def descriptor(self) -> Dict[str, Any]:
        return self.schema.to_descriptor()

    def to_dict(self) -> Dict[str, Any]:
        return {"kind": self.kind, "location": self.location, "descriptor": self.descriptor}


def resolve_registry_dir(override: Union[str, Path, None] = None) -> Path:
    """The registry folder: the argument, else $GOVERNANCE_SCHEMA_REGISTRY, else the repo's."""
    if override:
        return Path(override)
    if os.environ.get(REGISTRY_ENV):
        return Path(os.environ[REGISTRY_ENV])
    return DEFAULT_REGISTRY_DIR


def registry_names(directory: Union[str, Path, None] = None) -> List[str]:
    folder = resolve_registry_dir(directory)
    if not folder.is_dir():
        return []
    return sorted(path.stem for path in folder.glob("*.json"))


class SchemaReferenceError(ChecksError):
    """A schema reference of a form that is not allowed. `reason`: "not-allowed" (a path or
    anything else that is no name, URL or JSON), "scheme" (a URL scheme other than http(s)),
    "unknown-name" (not in the registry; `known` lists the registry's names)."""

    CODES = {"not-allowed": "schema-reference-refused", "scheme": "schema-url-refused",
             "unknown-name": "schema-not-found"}

    def __init__(self, message: str, reason: str, value: str, known: Optional[List[str]] = None):
        super().__init__(message, self.CODES[reason])
        self.reason, self.value, self.known = reason, value, known or []


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in ("http", "https")


def check_reference(
    source: Union[Dict[str, Any], str, Path],
    *,
    registry_dir: Union[str, Path, None] = None,
    allow_local_files: bool = False,
) -> str:
    """The kind of Table Schema reference `source` is ("inline", "json", "url", "registry" or
    "file"), found without reading a file or fetching a URL; ChecksError for a reference that is
    not allowed. Local files only with `allow_local_files` (the offline CLI on the user's own
    machine): on a server they are the server's files, so the answer names no path."""
    if isinstance(source, dict):
        return "inline"
    if isinstance(source, Path):
        if allow_local_files:
            return "file"
        raise SchemaReferenceError(_NOT_ALLOWED.format(value=str(source)), "not-allowed",
                                   str(source))
    if not isinstance(source, str):
        raise ChecksError(f"unsupported schema value of type {type(source).__name__}",
                          "schema-invalid")
    text = source.strip()
    if text.startswith(("{", "[")):
        return "json"
    if _is_url(text):
        return "url"
    scheme = urlsplit(text).scheme.lower()
    if len(scheme) > 1 and "://" in text:
        raise SchemaReferenceError(f"schema URL scheme {scheme!r} is not allowed: use http or "
                                   "https", "scheme", text)
    if allow_local_files and os.path.isfile(text):
        return "file"
    if not REGISTRY_NAME.match(text):
        raise SchemaReferenceError(_NOT_ALLOWED.format(value=text), "not-allowed", text)
    if not (resolve_registry_dir(registry_dir) / f"{text}.json").is_file():
        known = registry_names(registry_dir)
        raise SchemaReferenceError(
            f"schema {text!r} is not a name in the schema registry (known names: "
            f"{', '.join(known) or 'none'})", "unknown-name", text, known)
    return "registry"


_NOT_ALLOWED = ("schema {value!r} is not allowed: give the name of a schema in the schema "
                "registry, an http(s) URL or the Table Schema itself as JSON")


def load_schema(
    source: Union[Dict[str, Any], str, Path],
    *,
    registry_dir: Union[str, Path, None] = None,
    allow_private_urls: bool = False,
    allow_local_files: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> SchemaSource:
    """Find, fetch and check a Table Schema; raise ChecksError with a readable reason.
    Local schema files are read only with `allow_local_files` (see check_reference)."""
    kind = check_reference(source, registry_dir=registry_dir,
                           allow_local_files=allow_local_files)
    if kind == "inline":
        return SchemaSource(_checked(source, "the inline schema"), "inline")
    if kind == "file":
        return _from_file(Path(source), "file", what=f"schema file {source}")
    text = source.strip()
    if kind == "json":
        return SchemaSource(_checked(_parse_json(text, "the schema text"), "the schema text"), "json")
    if kind == "url":
        body = fetch_url(text, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private_urls)
        descriptor = _parse_json(body.decode("utf-8", errors="replace"), f"the schema at {text}")
        return SchemaSource(_checked(descriptor, f"the schema at {text}"), "url", text)
    path = resolve_registry_dir(registry_dir) / f"{text}.json"
    return _from_file(path, "registry", what=f"registry schema {text!r}", location=text)


def _from_file(path: Path, kind: str, what: str, location: Optional[str] = None) -> SchemaSource:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ChecksError(f"cannot read {what}: {error.strerror}", "schema-not-found") from None
    descriptor = _parse_json(raw.decode("utf-8", errors="replace"), what)
    return SchemaSource(_checked(descriptor, what), kind, location or str(path))


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ChecksError(f"{what} is not valid JSON: {error}", "schema-invalid") from None


def _checked(descriptor: Any, what: str) -> Schema:
    """Let frictionless judge the descriptor; keep only the features we support."""
    from frictionless import FrictionlessException, Schema  # heavy: only when checking

    if not isinstance(descriptor, dict):
        raise ChecksError(f"{what} is not a Table Schema: expected a JSON object", "schema-invalid")
    report = Schema.validate_descriptor(descriptor)
    if not report.valid:
        found = list(report.errors) + [error for task in report.tasks for error in task.errors]
        notes = "; ".join(error.note or error.message for error in found)
        raise ChecksError(f"{what} is not a valid Table Schema: {notes}", "schema-invalid")
    try:
        schema = Schema.from_descriptor(descriptor)
    except FrictionlessException as error:
        raise ChecksError(f"{what} is not a valid Table Schema: {error.error.note}", "schema-invalid") from None
    fields_match = descriptor.get("fieldsMatch", "exact")
    if fields_match != "exact":
        raise ChecksError(f'{what}: "fieldsMatch": {fields_match!r} is not supported, only "exact"', "schema-invalid")
    if not schema.fields:
        raise ChecksError(f"{what} is not a usable Table Schema: it has no fields", "schema-invalid")
    return schema


# URL fetching


def fetch_url(url: str, *, timeout: float, max_bytes: int, allow_private: bool) -> bytes:
    """GET an http(s) URL with a deadline, a size cap and address checks on every hop."""
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        remaining = max(deadline - time.monotonic(), 0.1)
        connection, path = pinned_connection(url, allow_private=allow_private, timeout=remaining,
                                             what="schema URL")
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ChecksError(f"schema URL {url!r} redirects without a Location", "schema-url-unavailable")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ChecksError(f"schema URL {url!r} answered HTTP {response.status}", "schema-url-unavailable")
            return _read_capped(response, url, max_bytes, deadline)
        except (OSError, http.client.HTTPException) as error:
            raise ChecksError(f"cannot fetch schema URL {url!r}: {error}", "schema-url-unavailable") from None
        finally:
            connection.close()
    raise ChecksError(f"schema URL {url!r}: more than {MAX_REDIRECTS} redirects", "schema-url-unavailable")


def _read_capped(response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise ChecksError(f"schema at {url!r} is larger than {max_bytes} bytes", "schema-url-refused")
    chunks: List[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise ChecksError(f"schema URL {url!r} timed out", "schema-url-unavailable")
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise ChecksError(f"schema at {url!r} is larger than {max_bytes} bytes", "schema-url-refused")
        chunks.append(chunk)
