"""The audit log: append-only and tamper-evident.

Each entry stores the hash of the previous entry and its own hash over its fields and that
previous hash, so editing, deleting or reordering any row breaks the chain from there on.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any, Iterable, Iterator

import sqlalchemy as sa

from ckan import model

from .model import AuditEntry, utcnow

GENESIS = "0" * 64
# Serialises appends across processes; the value is arbitrary but fixed.
_APPEND_LOCK = 0x60E7A0D17
CSV_FIELDS = ("seq", "created", "actor_id", "package_id", "review_id", "event", "from_state",
              "to_state", "content_hash", "details", "prev_hash", "entry_hash")


def _entry_hash(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq, "created": entry.created.isoformat(), "actor_id": entry.actor_id,
        "package_id": entry.package_id, "review_id": entry.review_id, "event": entry.event,
        "from_state": entry.from_state, "to_state": entry.to_state,
        "content_hash": entry.content_hash, "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(event: str, *, actor_id: str | None, package_id: str | None,
           review_id: str | None = None, from_state: str | None = None,
           to_state: str | None = None, content_hash: str | None = None,
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Add an entry in the caller's transaction (it commits or rolls back with the change)."""
    session = model.Session
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(_APPEND_LOCK)))
    last = session.execute(
        sa.select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1, actor_id=actor_id, package_id=package_id,
        review_id=review_id, event=event, from_state=from_state, to_state=to_state,
        content_hash=content_hash, details=details or {},
        prev_hash=last.entry_hash if last else GENESIS,
    )
    entry.created = utcnow()
    entry.entry_hash = _entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


def verify(entries: Iterable[AuditEntry]) -> Iterator[tuple[int, str]]:
    """Yield (seq, problem) for every entry that breaks the chain."""
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        if entry.seq != expected_seq:
            yield entry.seq, f"expected entry {expected_seq} here (a row was removed)"
        if entry.prev_hash != prev_hash:
            yield entry.seq, "does not link to the entry before it"
        if _entry_hash(entry) != entry.entry_hash:
            yield entry.seq, "its content does not match its hash (the row was edited)"
        prev_hash, expected_seq = entry.entry_hash, entry.seq + 1


def all_entries() -> Iterator[AuditEntry]:
    return model.Session.scalars(
        sa.select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000))


def entry_dicts(package_id: str | None = None, batch: int = 1000, *,
                organization_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Entries as dicts, oldest first, read in batches by `seq`: safe to consume lazily, even
    from a streamed response that outlives the request's database session. With
    `organization_id`: the trails of the organization's datasets and its steward changes."""
    last = 0
    while True:
        query = sa.select(AuditEntry).where(AuditEntry.seq > last)
        if package_id is not None:
            query = query.where(AuditEntry.package_id == package_id)
        if organization_id is not None:
            query = query.where(sa.or_(
                AuditEntry.package_id.in_(sa.select(model.Package.id).where(
                    model.Package.owner_org == organization_id)),
                AuditEntry.details["organization_id"].astext == organization_id))
        rows = [as_dict(e) for e in model.Session.scalars(
            query.order_by(AuditEntry.seq).limit(batch))]
        if not rows:
            return
        yield from rows
        last = rows[-1]["seq"]


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    return {field: getattr(entry, field).isoformat() if field == "created"
            else getattr(entry, field) for field in CSV_FIELDS}


def to_csv(entries: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV lines of `entry_dicts`, header first, streamed."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in entries:
        row = dict(row)
        row["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True)
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
