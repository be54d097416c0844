"""Privacy findings of check runs, in CKAN: what still blocks or asks for acknowledgement,
stewards' dismissals of false positives, and revealing a handful of raw values.

A dismissal holds for the finding's check, column(s) or field and the content hash it was made
on (the finding's ``id`` covers all of them, see ``check_run.finding_id``): the same finding in
a re-submitted, unchanged file stays dismissed; a changed file is checked afresh.

Raw values leave the file only through `reveal`, to the steward who asked; the audit entry
names who revealed which check and column, never the values.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterator, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from . import audit, review as reviews, staging, workflow
from .checks import ChecksError
from .model import CheckRun, FindingDismissal, Review

REVEAL_ROWS = 5  # raw values a steward sees at most per reveal
REVEAL_SCAN_ROWS = 100_000  # rows read at most while looking for cells that match the check
REVEAL_MAX_CELL = 200  # characters of a cell shown
# States in which a steward works on the findings of the review's latest run.
DISMISSABLE_STATES = frozenset({workflow.CHECKS_FAILED, workflow.IN_REVIEW})

Finding = dict[str, Any]


def iter_findings(report: dict[str, Any]) -> Iterator[tuple[Optional[dict[str, Any]], Finding]]:
    """(resource result, or None for the metadata; finding) of every privacy finding."""
    for finding in (report.get("metadata") or {}).get("privacy", []):
        yield None, finding
    for resource in report.get("resources", []):
        for finding in (resource.get("report") or {}).get("privacy", []):
            yield resource, finding


def find(report: dict[str, Any], finding_id: str) -> tuple[Optional[dict[str, Any]], Finding]:
    for resource, finding in iter_findings(report):
        if finding.get("id") == finding_id:
            return resource, finding
    raise tk.ObjectNotFound(tk._("No such finding in the latest check run"))


def fixed_blockers(report: dict[str, Any]) -> int:
    """Blocking problems no dismissal lifts: a run that failed, metadata errors, table errors,
    unreadable tables, privacy checks that failed to run."""
    if "error" in report:
        return max(1, (report.get("summary") or {}).get("blocking", 1))
    metadata = report.get("metadata") or {}
    count = len(metadata.get("errors", [])) + (metadata.get("privacy_status") == "error")
    for resource in report.get("resources", []):
        table = resource.get("report")
        privacy_only = table is not None and not table.get("error_count") \
            and table.get("privacy_status") == "ran" \
            and any(f["severity"] == "block" for f in table.get("privacy", []))
        count += resource.get("blocking", False) and not privacy_only
    return count


def dismissals(package_id: str, report: dict[str, Any]) -> dict[str, FindingDismissal]:
    """The dismissals that hold for findings of this report, by finding id."""
    ids = [finding["id"] for _, finding in iter_findings(report) if finding.get("id")]
    if not ids:
        return {}
    rows = model.Session.scalars(sa.select(FindingDismissal).where(
        FindingDismissal.package_id == package_id, FindingDismissal.finding_id.in_(ids)))
    return {row.finding_id: row for row in rows}


def open_findings(package_id: str, report: dict[str, Any], severity: str) -> list[Finding]:
    """Findings of this severity that no steward dismissed."""
    dismissed = dismissals(package_id, report)
    return [f for _, f in iter_findings(report)
            if f["severity"] == severity and f.get("id") not in dismissed]


def open_blockers(package_id: str, report: dict[str, Any]) -> int:
    """What still blocks the run: fixed blockers and blocking findings not dismissed."""
    return fixed_blockers(report) + len(open_findings(package_id, report, "block"))


def annotate(package_id: str, report: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The report with each finding's dismissal (or None) and what is still open."""
    if not report or "resources" not in report:
        return report
    dismissed = dismissals(package_id, report)
    for _, finding in iter_findings(report):
        row = dismissed.get(finding.get("id"))
        finding["dismissed"] = _dismissal_dict(row) if row else None
    report["open"] = {
        "blocking": open_blockers(package_id, report),
        "needs_acknowledgement": [f["id"] for f in open_findings(package_id, report, "review")],
    }
    return report


def _dismissal_dict(row: FindingDismissal) -> dict[str, Any]:
    user = model.Session.get(model.User, row.user_id)
    return {"reason": row.reason, "user": user.name if user else None,
            "created": row.created.isoformat(), "content_hash": row.content_hash,
            "check_run_id": row.check_run_id}


def latest_run(review: Review) -> Optional[CheckRun]:
    return model.Session.scalars(
        sa.select(CheckRun).where(CheckRun.review_id == review.id)
        .order_by(CheckRun.created.desc()).limit(1)).first()


def _finished_run_of(review: Review) -> CheckRun:
    """The finished run of the content under review, which must not have changed since."""
    run = latest_run(review)
    if run is None or run.report is None or run.content_hash != review.content_hash \
            or run.state not in ("passed", "failed"):
        raise tk.ValidationError({"finding": [tk._(
            "The checks of the submitted content have not finished.")]})
    if reviews.fingerprint(review) != run.content_hash:
        raise tk.ValidationError({"finding": [tk._(
            "The content changed since it was checked; it has to be submitted again.")]})
    return run


def _where(resource: Optional[dict[str, Any]], finding: Finding) -> dict[str, Any]:
    """What an audit entry names of a finding: never a value."""
    where = {"finding_id": finding["id"], "check": finding["check"],
             "resource_id": resource["id"] if resource else None}
    if "field" in finding:
        where["field"] = finding["field"]
    else:
        where["columns"] = finding.get("columns") or [finding.get("column")]
    return where


def dismiss(review: Review, finding_id: str, reason: str, actor: str) -> FindingDismissal:
    """Record a steward's dismissal of a finding as a false positive; a failed run whose last
    blocker this was sends the review on to the stewards (``findings_dismissed``)."""
    reviews.require_four_eyes(review, actor)
    if review.state not in DISMISSABLE_STATES:
        raise tk.ValidationError({"state": [tk._(
            "Findings can be dismissed only while the checks have failed or the dataset is "
            "in review.")]})
    run = _finished_run_of(review)
    resource, finding = find(run.report, finding_id)
    if finding_id in dismissals(review.package_id, run.report):
        raise tk.ValidationError({"finding": [tk._("This finding was dismissed already.")]})
    where = _where(resource, finding)
    row = FindingDismissal(
        package_id=review.package_id, review_id=review.id, check_run_id=run.id,
        finding_id=finding_id, resource_id=where["resource_id"], check=finding["check"],
        columns=where.get("columns"), field=where.get("field"),
        content_hash=finding["content_hash"], reason=reason, user_id=actor)
    model.Session.add(row)
    model.Session.flush()
    audit.append("finding_dismissed", actor_id=actor, package_id=review.package_id,
                 review_id=review.id, content_hash=review.content_hash,
                 details={**where, "finding_content_hash": finding["content_hash"],
                          "check_run_id": run.id, "reason": reason})
    if review.state == workflow.CHECKS_FAILED and open_blockers(review.package_id,
                                                                run.report) == 0:
        reviews.transition(review, workflow.FINDINGS_DISMISSED, actor, check_run=run.id)
    return row


def require_cleared(review: Review, acknowledged: list[str]) -> list[dict[str, Any]]:
    """Before an approval: no blocking finding of the run is open, and the steward has
    acknowledged every review-severity finding that was not dismissed. Returns what the
    steward acknowledged, for the audit entry."""
    run = _finished_run_of(review)
    report = run.report
    if open_blockers(review.package_id, report):
        raise tk.ValidationError({"privacy": [tk._(
            "Blocking findings of the checks are neither fixed nor dismissed.")]})
    index = {f["id"]: (r, f) for r, f in iter_findings(report) if f.get("id")}
    missing = [f for f in open_findings(review.package_id, report, "review")
               if f.get("id") not in acknowledged]
    if missing:
        raise tk.ValidationError({"acknowledged": [tk.ungettext(
            "{count} privacy finding needs your acknowledgement: please confirm that you "
            "have looked at it.",
            "{count} privacy findings need your acknowledgement: please confirm that you "
            "have looked at each of them.", len(missing)).format(count=len(missing))]})
    return [_where(*index[i]) for i in acknowledged if i in index]


# Revealing raw values ----------------------------------------------------------------------

def reveal(review: Review, finding_id: str, actor: str) -> dict[str, Any]:
    """Up to REVEAL_ROWS rows of the finding's column(s) with their raw values (cells that match
    the check first), from exactly the content that was checked. Audited without the values."""
    if review.state in workflow.CLOSED_STATES:
        raise tk.ValidationError({"state": [tk._("This review is closed.")]})
    run = latest_run(review)
    if run is None or run.report is None:
        raise tk.ObjectNotFound(tk._("No such finding in the latest check run"))
    resource, finding = find(run.report, finding_id)
    content = reviews.content_under_review(review)
    if resource is None:
        rows = _metadata_rows(content, finding)
        columns = [finding["field"]]
    else:
        columns = finding.get("columns") or [finding["column"]]
        rows = _table_rows(review, content, resource, finding, columns)
    audit.append("finding_revealed", actor_id=actor, package_id=review.package_id,
                 review_id=review.id, content_hash=review.content_hash,
                 details={**_where(resource, finding), "rows": len(rows),
                          "check_run_id": run.id})
    return {"finding": finding, "columns": columns, "rows": rows, "limit": REVEAL_ROWS,
            "resource": {"id": resource["id"], "name": resource.get("name")} if resource
            else None}


def _changed():
    return tk.ValidationError({"finding": [tk._(
        "The content changed since it was checked: nothing is revealed. Submit it again.")]})


# Revealing reads files with the checks engine (pyarrow, phonenumbers, ...): imported here, on
# first use, not whenever the web process starts.

def _metadata_rows(content: dict[str, Any], finding: Finding) -> list[dict[str, Any]]:
    from .checks.privacy.metadata import metadata_texts

    text = dict(metadata_texts(content)).get(finding["field"])
    if text is None or hashlib.sha256(text.encode()).hexdigest() != finding["content_hash"]:
        raise _changed()
    return [{"row": None, "values": [text[:REVEAL_MAX_CELL]]}]


def _table_rows(review: Review, content: dict[str, Any], resource: dict[str, Any],
                finding: Finding, columns: list[str]) -> list[dict[str, Any]]:
    from . import check_run
    from .checks.readers import open_table

    current = next((r for r in content.get("resources", []) if r.get("id") == resource["id"]),
                   None)
    path = check_run.file_of(review, current) if current else None
    if path is None or staging.file_digest(path) != finding["content_hash"]:
        raise _changed()
    names = [f["name"] for f in ((resource.get("report") or {}).get("schema") or {})
             .get("fields", [])]
    matches = _matcher(finding, columns)
    hits: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    with open_table(path, format=check_run.table_format(current)) as table:
        width = max(len(table.labels), len(names))
        positions = [_position(column, names, table.labels) for column in columns]
        scanned = 0
        for batch in table.batches(width, use_arrow=False):
            cells = [_cells(batch.columns[p]) if p is not None else [None] * len(batch)
                     for p in positions]
            for index, number in enumerate(batch.row_numbers.tolist()):
                values = ["" if c[index] is None else str(c[index]) for c in cells]
                if not any(v.strip() for v in values):
                    continue
                row = {"row": number, "values": [v[:REVEAL_MAX_CELL] for v in values]}
                if matches(values):
                    hits.append(row)
                elif len(others) < REVEAL_ROWS:
                    others.append(row)
                if len(hits) >= REVEAL_ROWS:
                    return hits
            scanned += len(batch)
            if scanned >= REVEAL_SCAN_ROWS:
                break
    return hits or others


def _position(column: str, names: list[str], labels: list[str]) -> Optional[int]:
    """Columns pair with schema fields by position (as the engine reads them)."""
    for candidates in (names, labels):
        if column in candidates:
            return candidates.index(column)
    return None


def _cells(column: Any) -> list[Any]:
    return column.to_pylist() if hasattr(column, "to_pylist") else list(column)


def _matcher(finding: Finding, columns: list[str]) -> Callable[[list[str]], bool]:
    """Which rows show what the check found: cells that validate as its kind (personal data)
    or small counts; for the other checks every non-empty row does."""
    from . import check_run
    from .checks.privacy.columns import ColumnAnalyser, column_hints

    check = finding["check"]
    try:
        config = check_run.privacy_config()
    except ChecksError:  # changed since the run: show rows, not hits
        return lambda values: True
    if check == "disclosure.small_counts":
        def small(values: list[str]) -> bool:
            try:
                return 1 <= float(values[0].strip()) < config.small_count_min
            except ValueError:
                return False
        return small
    if not check.startswith("pii.") or check in ("pii.pseudonym", "pii.special_category"):
        return lambda values: True
    analyser = ColumnAnalyser(config)
    hinted = set(column_hints(columns[0])[0])

    def personal(values: list[str]) -> bool:
        value = values[0].strip()[:4000]
        kinds = analyser.cell_kinds(value, hinted) | analyser.text_kinds(value)
        if check == "pii.person_name":
            return "pii.person_name" in kinds or any(
                k.startswith("name:") and k != "name:public" for k in kinds)
        return check in kinds
    return personal
