"""A municipal open-data catalogue for the public-reads benchmark, in the state the
governance workflow leaves it.

    python -m benchmarks.catalogue build CONFIG.ini [--datasets 10000] [--released 9000]
    python -m benchmarks.catalogue census CONFIG.ini

`datasets` draws the catalogue from a fixed seed: ~20 organizations (offices of a city), a
vocabulary of 300 keywords (a few common, most rare), datasets with a title, a description,
3-6 keywords, 1-3 linked resources and the metadata a release needs. Nine in ten are released;
the rest wait in every open state (draft, checks failed, in review, changes requested), and
one released dataset in 40 has a change waiting for review.

`build` takes the first dataset of each kind through the real actions, as a publisher, the
check job and a steward would (about a second each). The thousands of others are written by
`BulkWriter`, which leaves the same rows without the cost of the actions. Before writing them,
`compare_with_workflow` writes a twin of each real dataset with the `BulkWriter` and compares
every row of both (core's rows, reviews, check runs, decisions, releases, audit entries,
activities, permission labels, content hashes), then rolls the twins back: a build whose
writer no longer matches the workflow stops with the difference.

Solr is not written while building; CKAN's own ``search.rebuild`` (what ``ckan search-index
rebuild`` runs) indexes the result at the end. A marker row records the finished build: running
`build` again with the same plan returns at once.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import difflib
import hashlib
import json
import random
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any, Iterator

# Bump when the plan or the build changes what ends up in the catalogue.
BUILD_VERSION = 1

DRAFT, CHECKS_FAILED, IN_REVIEW, CHANGES_REQUESTED = (
    "draft", "checks_failed", "in_review", "changes_requested")
RELEASED, RELEASED_WITH_CHANGE = "released", "released_with_change"
# How the unreleased datasets are spread over the open states (cycled in this order).
UNRELEASED_FATES = (IN_REVIEW, DRAFT, IN_REVIEW, CHANGES_REQUESTED, CHECKS_FAILED,
                    IN_REVIEW, DRAFT, CHANGES_REQUESTED)
# One released dataset in this many has a change waiting for review.
PENDING_CHANGE_EVERY = 40

OFFICES = [
    "Amt für Stadtentwicklung", "Umweltamt", "Tiefbauamt", "Ordnungsamt", "Bürgeramt",
    "Amt für Statistik und Wahlen", "Schulamt", "Amt für Soziale Leistungen", "Jugendamt",
    "Gesundheitsamt", "Feuerwehr", "Verkehrsbetriebe", "Stadtwerke", "Grün- und Umweltamt",
    "Kulturamt", "Sportamt", "Vermessungsamt", "Bauaufsichtsamt", "Wirtschaftsförderung",
    "Entsorgungsbetrieb",
]
DISTRICTS = [
    "Altstadt", "Neustadt", "Oberstadt", "Hartenberg-Münchfeld", "Gonsenheim", "Bretzenheim",
    "Drais", "Finthen", "Lerchenberg", "Marienborn", "Hechtsheim", "Ebersheim", "Laubenheim",
    "Weisenau", "Mombach", "Kastel", "Kostheim", "Amöneburg",
]
TOPICS = [
    "Abfall", "Luftqualität", "Lärm", "Verkehr", "Parken", "Radverkehr", "ÖPNV", "Haltestellen",
    "Baustellen", "Straßen", "Brücken", "Beleuchtung", "Bäume", "Grünflächen", "Spielplätze",
    "Friedhöfe", "Wasser", "Hochwasser", "Pegelstände", "Klima", "Wetter", "Energie",
    "Solarpotenzial", "Ladesäulen", "Bevölkerung", "Geburten", "Wanderungen", "Haushalte",
    "Wahlen", "Bundestagswahl", "Kommunalwahl", "Schulen", "Kitas", "Bibliotheken", "Museen",
    "Veranstaltungen", "Tourismus", "Gastronomie", "Märkte", "Gewerbe", "Arbeitsmarkt",
    "Haushalt", "Steuern", "Förderprogramme", "Sozialleistungen", "Wohngeld", "Wohnen",
    "Mietspiegel", "Bebauungspläne", "Flächennutzung", "Denkmäler", "Sport", "Schwimmbäder",
    "Feuerwehreinsätze", "Rettungsdienst", "Gesundheit", "Apotheken", "Ärzte", "Barrierefreiheit",
    "Toiletten", "Trinkbrunnen", "WLAN", "Sensoren", "Echtzeit", "Geodaten", "Luftbilder",
    "Adressen", "Stadtteile", "Statistik", "Zeitreihe", "Verwaltung", "Ratsinformation",
    "Bürgerservice", "Fundsachen", "Hunde", "Umweltzone", "Tempo 30", "Unfälle", "Zählstellen",
]
DATA_KINDS = ["Messwerte", "Standorte", "Bestand", "Statistik", "Zählungen", "Prognose",
              "Verzeichnis", "Jahresbericht", "Karte", "Zeitreihe"]
FORMATS = [("CSV", "csv"), ("CSV", "csv"), ("JSON", "json"), ("GeoJSON", "geojson"),
           ("XLSX", "xlsx"), ("PDF", "pdf"), ("WMS", "wms"), ("ZIP", "zip")]
LICENSES = ["dl-de-by-2.0", "dl-de-by-2.0", "dl-de-zero-2.0", "CC-BY-4.0", "CC0-1.0",
            "ODbL-1.0"]
FREQUENCIES = ["continuous", "daily", "weekly", "monthly", "quarterly", "annual", "irregular"]
PASSWORD = "bench-password-2026"
REQUESTED_REASON, REQUESTED_COMMENT = "metadata-incomplete", "Bitte die Quelle ergänzen."
APPROVAL_COMMENT = "Geprüft."
ADMIN = "bench-admin"


@dataclass(frozen=True)
class Plan:
    datasets: int = 10_000
    released: int = 9_000
    organizations: int = 20
    keywords: int = 300
    seed: int = 2026

    def key(self) -> str:
        text = json.dumps({**asdict(self), "version": BUILD_VERSION}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe",
                           "Ü": "ue"})
    out = "".join(c if c.isalnum() else "-" for c in text.translate(table).lower())
    return "-".join(part for part in out.split("-") if part)


def organizations(plan: Plan) -> list[dict[str, str]]:
    return [{"name": _slug(title), "title": title,
             "description": f"{title} der Stadt: Daten aus der Verwaltung."}
            for title in OFFICES[:plan.organizations]]


def keywords(plan: Plan) -> list[str]:
    """The vocabulary: topics, districts and topic-district pairs, most common first."""
    rng = random.Random(plan.seed)
    words = list(TOPICS) + list(DISTRICTS)
    pairs = [f"{t} {d}" for t in TOPICS for d in DISTRICTS]
    rng.shuffle(pairs)
    return (words + pairs)[:plan.keywords]


def fate(plan: Plan, index: int) -> str:
    """Unreleased datasets are spread evenly through the catalogue."""
    unreleased = plan.datasets - plan.released
    if unreleased and index * unreleased // plan.datasets != (index + 1) * unreleased // plan.datasets:
        return UNRELEASED_FATES[(index * unreleased // plan.datasets) % len(UNRELEASED_FATES)]
    return RELEASED_WITH_CHANGE if index % PENDING_CHANGE_EVERY == 7 else RELEASED


def datasets(plan: Plan) -> Iterator[dict[str, Any]]:
    """The datasets, deterministic for a plan: fields for package_create plus `fate`."""
    rng = random.Random(plan.seed)
    orgs = organizations(plan)
    vocabulary = keywords(plan)
    # Zipf-like: the first keywords are on many datasets, the tail on a few.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocabulary))]
    for index in range(plan.datasets):
        org = orgs[index % len(orgs)]
        topic, kind, district = rng.choice(TOPICS), rng.choice(DATA_KINDS), rng.choice(DISTRICTS)
        year = rng.randint(2012, 2026)
        title = f"{topic}: {kind} {district} {year}"
        tags = set()
        while len(tags) < rng.randint(3, 6):
            tags.add(rng.choices(vocabulary, weights)[0])
        resources = []
        for number in range(rng.randint(1, 3)):
            label, extension = rng.choice(FORMATS)
            file_name = f"{_slug(topic)}-{_slug(district)}-{year}-{number + 1}.{extension}"
            resources.append({
                "name": file_name, "format": label,
                "url": f"https://daten.stadt.example/{org['name']}/{file_name}",
                "description": f"{kind} {topic} ({district}), Stand {year}."})
        dataset = {
            "name": f"{_slug(title)}-{index:05d}",
            "title": title,
            "notes": (f"{kind} zum Thema {topic} im Stadtteil {district} für das Jahr {year}. "
                      f"Erhoben vom {org['title']}; {rng.choice(['täglich', 'monatlich', 'jährlich'])} "
                      "aktualisiert.\n\n**Hinweis:** Werte vor 2015 sind teilweise geschätzt."),
            "owner_org": org["name"],
            "tag_string": ",".join(sorted(tags)),
            "license_id": rng.choice(LICENSES),
            "publisher_name": f"Stadt Mainz, {org['title']}",
            "contact_name": f"Open-Data-Team {org['title']}",
            "contact_email": f"opendata.{org['name']}@stadt.example",
            "frequency": rng.choice(FREQUENCIES),
            "temporal_start": f"{year}-01-01",
            "spatial_text": f"Mainz, {district}",
            "resources": resources,
            "fate": fate(plan, index),
        }
        if dataset["fate"] == CHECKS_FAILED:
            del dataset["contact_email"]  # the metadata check demands it
        yield dataset


# --- the real workflow (inside a CKAN app) -------------------------------------------------

def _ensure_user(site, name: str, sysadmin: bool = False) -> None:
    from ckanapi import NotFound

    try:
        site.action.user_show(id=name)
    except NotFound:
        site.action.user_create(name=name, password=PASSWORD, email=f"{name}@stadt.example")
    if sysadmin:
        site.action.user_patch(id=name, sysadmin=True)


def people(plan: Plan) -> dict[str, dict[str, str]]:
    """Per organization: its publisher (an editor) and its steward (not a member)."""
    return {org["name"]: {"publisher": f"publisher-{org['name']}",
                          "steward": f"steward-{org['name']}"}
            for org in organizations(plan)}


def ensure_organizations(plan: Plan) -> None:
    from ckanapi import LocalCKAN, NotFound

    site = LocalCKAN()
    _ensure_user(site, ADMIN, sysadmin=True)
    admin = LocalCKAN(username=ADMIN)
    for org in organizations(plan):
        members = people(plan)[org["name"]]
        for user in members.values():
            _ensure_user(site, user)
        try:
            site.action.organization_show(id=org["name"])
        except NotFound:
            site.action.organization_create(**org)
            site.action.organization_member_create(id=org["name"], username=members["publisher"],
                                                   role="editor")
            admin.action.governance_steward_create(organization_id=org["name"],
                                                   user_id=members["steward"])


def changed_notes(spec: dict[str, Any]) -> str:
    return spec["notes"] + "\n\nErgänzt um die Werte von 2026."


def _submit(publisher, package_id: str) -> None:
    """Submit, then run the check job of the submission here instead of in a worker."""
    from ckanext.governance import jobs

    status = publisher.action.governance_review_submit(package_id=package_id)
    jobs.run_checks(status["review"]["latest_check_run"]["id"])


def build_dataset(spec: dict[str, Any], publisher, steward) -> str:
    """One dataset, taken through the workflow's actions to its planned state; its id."""
    spec = dict(spec)
    goal = spec.pop("fate")
    dataset = publisher.action.package_create(**spec)
    if goal == DRAFT:
        return dataset["id"]
    _submit(publisher, dataset["id"])
    seen = steward.action.governance_review_show(package_id=dataset["id"])["content_hash"]
    if goal == CHANGES_REQUESTED:
        steward.action.governance_review_request_changes(
            package_id=dataset["id"], content_hash=seen, reasons=[REQUESTED_REASON],
            comment=REQUESTED_COMMENT)
    elif goal in (RELEASED, RELEASED_WITH_CHANGE):
        steward.action.governance_review_approve(package_id=dataset["id"], content_hash=seen,
                                                 comment=APPROVAL_COMMENT)
        if goal == RELEASED_WITH_CHANGE:
            publisher.action.package_patch(id=dataset["id"], notes=changed_notes(spec))
            _submit(publisher, dataset["id"])
    return dataset["id"]


@contextlib.contextmanager
def without_indexing() -> Iterator[None]:
    """Core's actions index every write in Solr; the build indexes everything once at the end."""
    from ckan import logic

    saved = logic.index_update_package_dicts, logic.index_insert_package_dicts
    logic.index_update_package_dicts = logic.index_insert_package_dicts = \
        lambda *args, **kwargs: None
    try:
        yield
    finally:
        logic.index_update_package_dicts, logic.index_insert_package_dicts = saved


# --- the bulk writer ------------------------------------------------------------------------

def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class BulkWriter:
    """Writes what `build_dataset` leaves in the database without going through the actions,
    about 20 times faster: core's rows for the dataset, then the workflow's own functions
    where they are cheap (`review.ensure_open_review`, `review.transition` with its audit
    entry and activity, `review.fingerprint`, `check_run.build_report`) and, for the steps
    that would cost a ``package_show`` or a ``package_update`` each, the few rows those steps
    write (submission, check run, decision, release, ``private`` flag, core's activities).
    `compare_with_workflow` proves on every build that the rows are the workflow's.
    """

    def __init__(self) -> None:
        import sqlalchemy as sa
        from ckan import model
        from ckan.lib.plugins import get_permission_labels

        self.users = dict(model.Session.execute(sa.select(model.User.name, model.User.id)).all())
        self.organizations = dict(model.Session.execute(
            sa.select(model.Group.name, model.Group.id).where(model.Group.is_organization)).all())
        self.tags = dict(model.Session.execute(
            sa.select(model.Tag.name, model.Tag.id).where(model.Tag.vocabulary_id.is_(None))).all())
        self.labels = get_permission_labels()

    def write(self, specs: list[dict[str, Any]], people: dict[str, dict[str, str]]) -> list[str]:
        """Write `specs` in the session's transaction (the caller commits); their ids."""
        from ckan import model

        connection = model.Session.connection()
        rows: dict[str, list[dict[str, Any]]] = {
            "tag": [], "package": [], "resource": [], "package_tag": [], "member": []}
        ids = []
        for spec in specs:
            ids.append(self._core_rows(spec, people, rows))
        for table in ("tag", "package", "resource", "package_tag", "member"):
            if rows[table]:
                connection.execute(getattr(model, f"{table}_table").insert(), rows[table])
        for package_id, spec in zip(ids, specs):
            self._workflow_rows(package_id, spec, people[spec["owner_org"]])
        model.Session.flush()
        return ids

    def _core_rows(self, spec, people, rows) -> str:
        """What core's package_create stores for the dataset (with the gate: private)."""
        now = _utcnow()
        package_id = str(uuid.uuid4())
        core_fields = {"name", "title", "notes", "owner_org", "license_id", "tag_string",
                       "resources", "fate"}
        rows["package"].append({
            "id": package_id, "name": spec["name"], "title": spec["title"], "version": None,
            "url": None, "notes": spec["notes"], "author": None, "author_email": None,
            "maintainer": None, "maintainer_email": None, "state": "active",
            "license_id": spec["license_id"], "type": "dataset",
            "owner_org": self.organizations[spec["owner_org"]], "private": True,
            "metadata_modified": now, "metadata_created": now, "plugin_data": None,
            "creator_user_id": self.users[people[spec["owner_org"]]["publisher"]],
            "extras": {k: v for k, v in spec.items() if k not in core_fields}})
        for position, resource in enumerate(spec["resources"]):
            rows["resource"].append({
                "id": str(uuid.uuid4()), "package_id": package_id, "url": resource["url"],
                "format": resource["format"], "description": resource["description"],
                "name": resource["name"], "position": position, "hash": "", "state": "active",
                "extras": None, "resource_type": None, "mimetype": None, "mimetype_inner": None,
                "size": None, "last_modified": None, "cache_url": None,
                "cache_last_updated": None, "url_type": None, "created": now,
                "metadata_modified": now})
        for name in spec["tag_string"].split(","):
            if name not in self.tags:
                self.tags[name] = str(uuid.uuid4())
                rows["tag"].append({"id": self.tags[name], "name": name, "vocabulary_id": None})
            rows["package_tag"].append({"id": str(uuid.uuid4()), "package_id": package_id,
                                        "tag_id": self.tags[name], "state": "active"})
        rows["member"].append({
            "id": str(uuid.uuid4()), "group_id": self.organizations[spec["owner_org"]],
            "table_id": package_id, "table_name": "package", "state": "active",
            "capacity": "organization"})
        return package_id

    def _package_activity(self, package, kind: str, user: str, dataset: dict[str, Any]) -> None:
        """Core's activity of a dataset write: the whole dataset dict as it then was."""
        from ckan import model
        from ckanext.activity.model import Activity

        model.Session.add(Activity(
            user_id=self.users[user], object_id=package.id, activity_type=f"{kind} package",
            data={"package": dataset, "actor": user},
            permission_labels=self.labels.get_dataset_labels(package)))

    def _submit(self, current, actor: str, content: dict[str, Any]):
        """`review.submit` with the content in hand, and the check job on it (`jobs.run_checks`)."""
        from ckan import model
        from ckanext.governance import check_run, review, workflow
        from ckanext.governance.model import CheckRun, utcnow

        current.content_hash = review.fingerprint(current, content)
        review.transition(current, workflow.SUBMIT, actor)
        current.submitted_by, current.submitted_at = actor, utcnow()
        run = CheckRun(review_id=current.id, content_hash=current.content_hash, state="queued")
        model.Session.add(run)
        model.Session.flush()
        report = check_run.build_report(current, content)
        run.state, run.finished, run.report = (
            "passed" if report["valid"] else "failed"), utcnow(), report
        event = workflow.CHECKS_PASSED if report["valid"] else workflow.CHECKS_FAILED_EVENT
        review.transition(current, event, None, check_run=run.id,
                          blocking=report["summary"]["blocking"])
        return report

    def _decide(self, current, decision: str, actor: str, reasons: list[str], comment: str):
        """`review.decide` on the hash the steward saw."""
        from ckan import model
        from ckanext.governance import review
        from ckanext.governance.model import Decision

        model.Session.add(Decision(review_id=current.id, decision=decision, reasons=reasons,
                                   comment=comment, content_hash=current.content_hash,
                                   user_id=actor))
        details = {"reasons": reasons, "comment": comment}
        if decision == "approve":
            details["acknowledged"] = []  # no privacy finding to acknowledge in this catalogue
        review.transition(current, decision, actor, **details)

    def _workflow_rows(self, package_id: str, spec: dict[str, Any], people: dict[str, str]):
        import sqlalchemy as sa
        import ckan.plugins.toolkit as tk
        from ckan import model
        from ckanext.governance import review, workflow
        from ckanext.governance.model import Release

        goal = spec["fate"]
        publisher, steward = self.users[people["publisher"]], self.users[people["steward"]]
        dataset = tk.get_action("package_show")(
            {"for_view": False, "ignore_auth": True, "use_cache": False},
            {"id": package_id, "include_tracking": False})
        package = model.Session.get(model.Package, package_id)
        current = review.ensure_open_review(package, publisher)
        self._package_activity(package, "new", people["publisher"], dataset)
        if goal == DRAFT:
            return
        self._submit(current, publisher, dataset)
        if goal == CHANGES_REQUESTED:
            self._decide(current, workflow.REQUEST_CHANGES, steward, [REQUESTED_REASON],
                         REQUESTED_COMMENT)
        if goal not in (RELEASED, RELEASED_WITH_CHANGE):
            return
        self._decide(current, workflow.APPROVE, steward, [], APPROVAL_COMMENT)
        # `review._release`: the release row, and core's package_update of the approved
        # content, which changes nothing but the private flag (core's activity included).
        model.Session.add(Release(package_id=package_id, review_id=current.id,
                                  content_hash=current.content_hash, released_by=steward))
        model.Session.flush()
        model.Session.connection().execute(
            sa.update(model.package_table).where(model.package_table.c.id == package_id)
            .values(private=False))
        model.Session.expire(package)
        dataset = {**dataset, "private": False}
        self._package_activity(package, "changed", people["steward"], dataset)
        if goal == RELEASED_WITH_CHANGE:
            # the gate's package_patch of a released dataset: a change review, pending content
            change = review.ensure_open_review(package, publisher)
            pending = {**change.content, "id": package_id, "notes": changed_notes(spec)}
            for key in ("relationships_as_subject", "relationships_as_object"):
                pending.pop(key, None)  # the gate keeps relationships out of pending content
            pending.update(id=package_id, type=package.type)
            change.content = pending
            review.record_edit(change, publisher, "package_patch")
            self._submit(change, publisher, pending)


# --- the proof that the bulk writer leaves what the workflow leaves ----------------------------

# Columns and keys that hold a moment, not content.
_MOMENTS = {"metadata_created", "metadata_modified", "created", "modified", "submitted_at",
            "finished", "released_at", "timestamp", "last_modified"}
# Keys of row identities: a known id becomes its placeholder, any other one "<row>".
_ROW_KEYS = {"id", "seq", "prev_hash", "entry_hash"}


def rows_of(package_id: str) -> dict[str, Any]:
    """Every row the workflow leaves for a dataset, with its ids, name and moments replaced by
    placeholders, so that two datasets built from the same spec compare equal."""
    import sqlalchemy as sa
    from ckan import model
    from ckan.lib.plugins import get_permission_labels
    from ckanext.activity.model import Activity
    from ckanext.governance import review
    from ckanext.governance.model import AuditEntry, CheckRun, Decision, Release, Review

    def select(table, *where, order=None):
        query = sa.select(table).where(*where)
        return [dict(row._mapping) for row in model.Session.execute(
            query.order_by(*order) if order else query)]

    package = model.Session.get(model.Package, package_id)
    model.Session.refresh(package)
    resources = select(model.resource_table, model.resource_table.c.package_id == package_id,
                       order=[model.resource_table.c.position])
    resource_ids = [r["id"] for r in resources]
    reviews = model.Session.scalars(sa.select(Review).where(Review.package_id == package_id)
                                    .order_by(Review.created)).all()
    review_ids = [r.id for r in reviews]
    runs = select(CheckRun.__table__, CheckRun.review_id.in_(review_ids),
                  order=[CheckRun.created])
    found = {
        "labels": get_permission_labels().get_dataset_labels(package),
        "package": select(model.package_table, model.package_table.c.id == package_id),
        "resources": resources,
        "tags": sorted(model.Session.scalars(
            sa.select(model.Tag.name).join(model.PackageTag)
            .where(model.PackageTag.package_id == package_id,
                   model.PackageTag.state == "active"))),
        "members": select(model.member_table, model.member_table.c.table_id == package_id),
        "views": select(model.resource_view_table,
                        model.resource_view_table.c.resource_id.in_(resource_ids)),
        "reviews": select(Review.__table__, Review.package_id == package_id,
                          order=[Review.created]),
        # the content a review's hash names is the content it holds (or the live dataset's)
        "hashes_match_content": [r.content_hash == review.fingerprint(r)
                                 for r in reviews if r.content_hash],
        "check_runs": runs,
        "decisions": select(Decision.__table__, Decision.review_id.in_(review_ids),
                            order=[Decision.created]),
        "releases": select(Release.__table__, Release.package_id == package_id),
        "audit": select(AuditEntry.__table__, AuditEntry.package_id == package_id,
                        order=[AuditEntry.seq]),
        "activities": select(Activity.__table__, Activity.object_id == package_id,
                             order=[Activity.timestamp]),
    }
    names = {package_id: "<dataset>", package.name: "<name>"}
    names.update({rid: f"<resource {i}>" for i, rid in enumerate(resource_ids)})
    names.update({rid: f"<review {i}>" for i, rid in enumerate(review_ids)})
    names.update({run["id"]: f"<check run {i}>" for i, run in enumerate(runs)})
    names.update({r.content_hash: f"<hash of review {i}>" for i, r in enumerate(reviews)
                  if r.content_hash})
    return _placeholders(found, names)


def _placeholders(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: "<moment>" if key in _MOMENTS and item is not None
                else names.get(item, "<row>") if key in _ROW_KEYS and isinstance(item, (str, int))
                else _placeholders(item, names)
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_placeholders(item, names) for item in value]
    if isinstance(value, str):
        for actual, placeholder in names.items():
            value = value.replace(actual, placeholder)
    return value


def compare_with_workflow(real_ids: dict[str, str], specs: dict[str, dict[str, Any]],
                          members: dict[str, dict[str, str]]) -> None:
    """Write a twin of each real dataset with the `BulkWriter`, compare all their rows, roll
    the twins back. Raises with the difference if the writer no longer matches."""
    from ckan import model
    from ckanext.governance import audit

    problems = []
    try:
        writer = BulkWriter()
        for goal, spec in specs.items():
            twin = {**spec, "name": spec["name"] + "-twin"}
            [twin_id] = writer.write([twin], members)
            real, written = rows_of(real_ids[goal]), rows_of(twin_id)
            if written != real:
                diff = difflib.unified_diff(
                    json.dumps(real, indent=1, sort_keys=True, default=str).splitlines(),
                    json.dumps(written, indent=1, sort_keys=True, default=str).splitlines(),
                    "workflow", "bulk writer", lineterm="", n=2)
                problems.append(f"{goal}:\n" + "\n".join(list(diff)[:80]))
        broken = list(audit.verify(audit.all_entries()))
        if broken:
            problems.append(f"audit chain: {broken[:3]}")
    finally:
        model.Session.rollback()
    if problems:
        raise SystemExit("the bulk writer does not leave what the workflow leaves:\n"
                         + "\n\n".join(problems))


# --- the build -------------------------------------------------------------------------------

def _marker_table():
    import sqlalchemy as sa

    return sa.Table("bench_catalogue", sa.MetaData(),
                    sa.Column("plan_key", sa.UnicodeText, primary_key=True),
                    sa.Column("plan", sa.UnicodeText, nullable=False),
                    sa.Column("finished", sa.DateTime, nullable=False))


def built_plan_key() -> str | None:
    """The key of the plan a finished build left in this database, if any."""
    import sqlalchemy as sa
    from ckan import model

    if not sa.inspect(model.Session.get_bind()).has_table("bench_catalogue"):
        return None
    return model.Session.scalar(sa.select(_marker_table().c.plan_key))


def build(plan: Plan, *, chunk: int = 250, log=print) -> bool:
    """Build the catalogue into the configured database; False if it was already built."""
    from ckanapi import LocalCKAN
    from ckan import model
    from ckan.lib import search
    import ckan.plugins.toolkit as tk

    has_datasets = model.Session.query(model.Package.id).first() is not None
    if has_datasets and built_plan_key() == plan.key():
        return False
    if has_datasets:
        raise SystemExit("the database holds datasets but no finished build of this plan; "
                         "drop it first")
    started = time.perf_counter()
    ensure_organizations(plan)
    members = people(plan)
    specs = list(datasets(plan))
    exemplars: dict[str, dict[str, Any]] = {}
    for spec in specs:
        exemplars.setdefault(spec["fate"], spec)
    real_ids = {}
    with without_indexing():
        for goal, spec in exemplars.items():
            org = members[spec["owner_org"]]
            real_ids[goal] = build_dataset(spec, LocalCKAN(username=org["publisher"]),
                                           LocalCKAN(username=org["steward"]))
        log(f"  {len(real_ids)} datasets through the workflow's actions "
            f"({', '.join(real_ids)}), {time.perf_counter() - started:.0f} s")
        compare_with_workflow(real_ids, exemplars, members)
        log("  the bulk writer leaves the same rows as the workflow")
        rest = [spec for spec in specs if exemplars[spec["fate"]] is not spec]
        writer = BulkWriter()
        for number in range(0, len(rest), chunk):
            writer.write(rest[number:number + chunk], members)
            model.repo.commit()
            done = min(number + chunk, len(rest))
            if done % 1000 < chunk or done == len(rest):
                elapsed = time.perf_counter() - started
                log(f"  {done + len(real_ids)}/{plan.datasets} datasets, {elapsed:.0f} s")
    # Submissions queued check runs and mails for a worker; the check runs ran here.
    tk.get_action("job_clear")({"ignore_auth": True}, {})
    log("  indexing with CKAN's search-index rebuild")
    search.rebuild(quiet=True, defer_commit=True)
    search.commit()
    marker = _marker_table()
    marker.create(model.Session.get_bind(), checkfirst=True)
    model.Session.execute(marker.delete())
    model.Session.execute(marker.insert().values(
        plan_key=plan.key(), plan=json.dumps(asdict(plan)), finished=_utcnow()))
    model.repo.commit()
    return True


def census() -> dict[str, Any]:
    """What the catalogue holds, by the database and by what the public gets from search."""
    import sqlalchemy as sa
    from ckan import model
    import ckan.plugins.toolkit as tk
    from ckanext.governance.model import Release, Review

    packages = model.Session.execute(
        sa.select(model.Package.private, sa.func.count()).where(model.Package.state == "active")
        .group_by(model.Package.private)).all()
    reviews = model.Session.execute(
        sa.select(Review.kind, Review.state, sa.func.count()).group_by(Review.kind, Review.state)
        .order_by(Review.kind, Review.state)).all()
    public = tk.get_action("package_search")({"user": ""}, {"q": "*:*", "rows": 0})
    everything = tk.get_action("package_search")(
        {"ignore_auth": True}, {"q": "*:*", "rows": 0, "include_private": True})
    return {
        "datasets": sum(count for _private, count in packages),
        "private": sum(count for private, count in packages if private),
        "public": sum(count for private, count in packages if not private),
        "releases": model.Session.scalar(sa.select(sa.func.count()).select_from(Release)
                                         .where(Release.revoked_at.is_(None))),
        "reviews": {f"{kind}/{state}": count for kind, state, count in reviews},
        "indexed": everything["count"],
        "public_search_count": public["count"],
        "tags": model.Session.scalar(sa.select(sa.func.count()).select_from(model.Tag)),
    }


@contextlib.contextmanager
def ckan_app(config_file: str):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config_file))
    with app._wsgi_app.test_request_context():
        yield app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "census"])
    parser.add_argument("config", help="the governance portal's ini file")
    parser.add_argument("--datasets", type=int, default=Plan.datasets)
    parser.add_argument("--released", type=int, default=Plan.released)
    args = parser.parse_args(argv)
    plan = Plan(datasets=args.datasets, released=args.released)
    with ckan_app(args.config):
        if args.command == "build":
            started = time.perf_counter()
            made = build(plan, log=lambda line: print(line, flush=True))
            print(f"catalogue {plan.key()}: " + (
                f"built in {time.perf_counter() - started:.0f} s" if made else "already built"))
        print(json.dumps(census(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
