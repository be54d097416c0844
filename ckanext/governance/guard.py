"""The guard beneath all actions: no write reaches a released dataset's live rows unless a
steward's approval is being applied.

The chained actions (`logic/chained.py`) are the friendly layer: they stage changes and answer
with clear messages. This module is the last line of defence beneath every action, CLI
command, job and harvester, wrapped or not:

- listeners on CKAN's session refuse any insert, update or delete of a released dataset's live
  rows (package, resources, tags, group memberships, views, relationships), whether flushed
  from objects or sent as an ORM bulk statement, unless `releasing` is in force for it;
- the active DataStore backend refuses writes to the tables of released resources;
- every decision is taken under the dataset's lock (`lock_dataset`), which the approval holds
  too, so a write cannot race an approval;
- edits of unreleased datasets that no chained action saw still count for the review: the
  editor is recorded (four eyes) and a review being checked or decided goes back to draft.

Raw SQL strings (``session.execute(text(...))``) are outside the ORM and not seen here.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy import event

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from .model import Release

# Arbitrary but fixed class key of the per-dataset advisory locks (audit.py uses another).
_DATASET_LOCK = 0x60E7A
_RELEASING = "governance_releasing"
_EDITED = "governance_edited"
# Core renders these without checking permission labels (only "... package" types are
# filtered), so their rows would show unreleased ids and titles on public streams.
_UNLABELLED_VIEW_ACTIVITIES = {"new resource view", "changed resource view",
                               "deleted resource view"}


class LiveWriteRefused(tk.ValidationError):
    """A write that would change a released dataset's public content without review."""

    def __init__(self) -> None:
        super().__init__({"governance": [tk._(
            "This dataset is released: this change would go public without review, so it "
            "was refused. Change the dataset through its edit form or the dataset and "
            "resource actions; the change is then reviewed before it goes public.")]})


def lock_dataset(package_id: str, session=None) -> None:
    """Serialise every gate decision on one dataset until the transaction ends.

    Whether a dataset is released is only ever read under this lock, and the approval holds it
    from its first check to its commit, so no write can decide "unreleased" and land after the
    release."""
    (session or model.Session).execute(sa.select(sa.func.pg_advisory_xact_lock(
        _DATASET_LOCK, sa.func.hashtext(package_id))))


def released_ids(package_ids: Iterable[str], session=None) -> set[str]:
    ids = [i for i in package_ids if i]
    if not ids:
        return set()
    return set((session or model.Session).scalars(sa.select(Release.package_id).distinct().where(
        Release.package_id.in_(ids), Release.revoked_at.is_(None))))


@contextlib.contextmanager
def releasing(package_id: str) -> Iterator[None]:
    """Let writes to this dataset's live rows through: only the approval uses it."""
    current = model.Session.info.setdefault(_RELEASING, set())
    current.add(package_id)
    try:
        yield
    finally:
        current.discard(package_id)


def _check(session, package_ids: set[str]) -> set[str]:
    """Lock the datasets, refuse if one is released; return the ones edited."""
    package_ids = {i for i in package_ids if i} - session.info.get(_RELEASING, set())
    if not package_ids:
        return set()
    with session.no_autoflush:
        for package_id in sorted(package_ids):  # one order everywhere: no deadlocks
            lock_dataset(package_id, session)
        if released_ids(package_ids, session):
            raise LiveWriteRefused()
    return package_ids


# Objects --------------------------------------------------------------------------------------

def _values(obj, attribute: str) -> set[Any]:
    """The attribute's value now and, for a changed object, before the change."""
    history = sa.inspect(obj).attrs[attribute].history
    return {getattr(obj, attribute), *history.deleted}


def _package_ids(obj) -> set[Any]:
    """A resource's or tag link's dataset, also while it is only linked by relationship (a
    resource added to an existing dataset gets its package_id when it is flushed)."""
    package = getattr(obj, "package", None)
    return _values(obj, "package_id") | {package.id if package is not None else None}


def _package_of_resource(resource_id: Optional[str]) -> Optional[str]:
    resource = model.Session.get(model.Resource, resource_id) if resource_id else None
    return resource.package_id if resource else None


def _packages_of(obj) -> set[Optional[str]]:
    if isinstance(obj, model.Package):
        return {obj.id}
    if isinstance(obj, (model.Resource, model.PackageTag)):
        return _package_ids(obj)
    if isinstance(obj, model.ResourceView):
        return {_package_of_resource(r) for r in _values(obj, "resource_id")}
    if isinstance(obj, model.Member):
        return _values(obj, "table_id") if "package" in _values(obj, "table_name") else set()
    if isinstance(obj, model.PackageRelationship):
        ends = {end.id for end in (obj.subject, obj.object) if end is not None}
        return _values(obj, "subject_package_id") | _values(obj, "object_package_id") | ends
    return set()


def _drop_unlabelled_activities(session) -> None:
    if not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    for obj in list(session.new):
        if isinstance(obj, Activity) and obj.activity_type in _UNLABELLED_VIEW_ACTIVITIES:
            package = session.get(model.Package, (obj.data or {}).get("package_id"))
            if package is None or package.private or package.state != "active":
                session.expunge(obj)


@event.listens_for(model.Session, "before_flush")
def _guard_flush(session, flush_context, instances) -> None:
    with session.no_autoflush:
        _drop_unlabelled_activities(session)
        touched: set[Optional[str]] = set()
        for obj in (*session.new, *session.deleted):
            touched |= _packages_of(obj)
        for obj in session.dirty:
            if session.is_modified(obj):
                touched |= _packages_of(obj)
    session.info.setdefault(_EDITED, set()).update(_check(session, touched))


# Bulk statements ------------------------------------------------------------------------------

def _bulk_package_query(mapper_class, whereclause) -> Optional[sa.Select]:
    """Packages whose rows an UPDATE/DELETE with this WHERE clause would touch."""
    if mapper_class is model.Package:
        query = sa.select(model.Package.id)
    elif mapper_class in (model.Resource, model.PackageTag):
        query = sa.select(mapper_class.package_id)
    elif mapper_class is model.ResourceView:
        query = sa.select(model.Resource.package_id).join(
            model.ResourceView, model.ResourceView.resource_id == model.Resource.id)
    elif mapper_class is model.Member:
        query = sa.select(model.Member.table_id).where(model.Member.table_name == "package")
    elif mapper_class is model.PackageRelationship:
        query = sa.select(sa.func.unnest(sa.array([
            model.PackageRelationship.subject_package_id,
            model.PackageRelationship.object_package_id])))
    else:
        return None
    return query.where(whereclause) if whereclause is not None else query


_GUARDED = (model.Package, model.Resource, model.PackageTag, model.ResourceView, model.Member,
            model.PackageRelationship)
# Columns through which a bulk statement could point a row at another dataset.
_REFERENCES = {"package_id", "resource_id", "table_id", "subject_package_id",
               "object_package_id"}


@event.listens_for(model.Session, "do_orm_execute")
def _guard_bulk(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ not in _GUARDED:
        return
    statement = state.statement
    new_references = {str(column.key if hasattr(column, "key") else column): value
                      for column, value in (getattr(statement, "_values", None) or {}).items()
                      if str(getattr(column, "key", column)) in _REFERENCES}
    if state.is_insert or new_references:
        # Rows pointed at a dataset by value: refuse outright outside a release; core never
        # does this, and a guess at the target could be wrong.
        if not state.session.info.get(_RELEASING):
            raise LiveWriteRefused()
        return
    query = _bulk_package_query(mapper.class_, statement.whereclause)
    touched = set(state.session.scalars(query))
    state.session.info.setdefault(_EDITED, set()).update(_check(state.session, touched))


# Edits that no chained action recorded ---------------------------------------------------------

def _current_user_id() -> Optional[str]:
    from flask import has_request_context
    from ckan.common import current_user

    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


@event.listens_for(model.Session, "before_commit")
def _record_edits(session) -> None:
    edited = session.info.pop(_EDITED, set())
    if not edited:
        return
    from . import review  # review imports this module

    actor = _current_user_id()
    for package_id in sorted(edited):
        current = review.open_review(package_id)
        if current is not None:
            review.record_edit(current, actor, "write")


@event.listens_for(model.Session, "after_rollback")
def _forget_edits(session) -> None:
    session.info.pop(_EDITED, None)


# DataStore ------------------------------------------------------------------------------------

class GuardedDatastoreBackend:
    """The active DataStore backend, refusing writes to the tables of released resources.

    The DataStore writes through its own engine, not CKAN's session, so the listeners above do
    not see it; every DataStore write action goes through one of these three methods."""

    def __init__(self, backend) -> None:
        self._backend = backend

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    def _refuse_released(self, data_dict: dict[str, Any]) -> None:
        package_id = _package_of_resource(data_dict.get("resource_id"))
        if package_id and package_id not in model.Session.info.get(_RELEASING, set()):
            lock_dataset(package_id)
            if released_ids([package_id]):
                raise LiveWriteRefused()

    def create(self, context, data_dict, *args, **kwargs):
        self._refuse_released(data_dict)
        return self._backend.create(context, data_dict, *args, **kwargs)

    def upsert(self, context, data_dict):
        self._refuse_released(data_dict)
        return self._backend.upsert(context, data_dict)

    def delete(self, context, data_dict):
        self._refuse_released(data_dict)
        return self._backend.delete(context, data_dict)


def guard_datastore() -> None:
    """Wrap the active DataStore backend (called once the DataStore plugin has set it)."""
    from ckanext.datastore.backend import DatastoreBackend

    active = DatastoreBackend.get_active_backend()
    if not isinstance(active, GuardedDatastoreBackend):
        DatastoreBackend._active_backend = GuardedDatastoreBackend(active)
