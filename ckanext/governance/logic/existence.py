"""Existence is content (PRODUCT.md 1.7): whoever may not see a dataset learns nothing about it,
not even that it exists.

CKAN answers "not authorized" for a dataset the caller may not see and "not found" for a name
that is free; the difference tells an outsider that an unreleased dataset (a guessable slug,
itself possibly sensitive) exists. Two layers close that:

- Every action that looks up a dataset, resource or view by the caller's reference (the table
  ``LOOKUPS``) runs, when the caller may not see the object, with a reference to nothing in its
  place, and the caller's own words are put back into the answer. The answer is then, by
  construction, the one the action gives for a missing object, whatever its message.
- The auth functions of the same names do the same for views and templates that call
  ``check_access`` themselves.

Listings that name datasets (``member_list``, ``tag_show``, the DataStore's
``_table_metadata``) list only what the caller may see.

"May see" is CKAN's own ``package_show`` auth (labels, memberships, stewards), so released
datasets stay visible to everyone as before.
"""
from __future__ import annotations

import functools
import importlib
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.logic.action.get as core_get
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from .. import workflow
from ..model import CheckRun, Review

DATASET, RESOURCE, TABLE, VIEW = "dataset", "resource", "table", "view"
ACTIVITY, CHECK_RUN = "activity", "check_run"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True)
class Lookup:
    """A parameter that names an existing object: ``path`` is dotted, ``*`` for every item of a
    list; ``when`` says whether the parameter is a lookup in this call."""
    path: str
    kind: str
    when: Callable[[dict], bool] = lambda data_dict: True


def _is_package_member(data_dict):
    return data_dict.get("object_type") == "package"


def _no_id(data_dict):
    return not data_dict.get("id")


_ID = (Lookup("id", DATASET),)
_RESOURCE_ID = (Lookup("id", RESOURCE),)
_VIEW_ID = (Lookup("id", VIEW),)
_TABLE = (Lookup("resource_id", TABLE), Lookup("id", TABLE))
_PACKAGE_ID = (Lookup("package_id", DATASET),)
_BULK = (Lookup("datasets.*", DATASET),)
_RELATIONSHIP = (Lookup("subject", DATASET), Lookup("object", DATASET))
_MEMBER = (Lookup("object", DATASET, _is_package_member),)

# action -> (the plugin that provides it, None for CKAN core; its lookups)
LOOKUPS: dict[str, tuple[Optional[str], tuple[Lookup, ...]]] = {
    "package_show": (None, _ID + (Lookup("name_or_id", DATASET),)),
    "package_update": (None, _ID + (Lookup("name", DATASET, _no_id),)),
    "package_patch": (None, _ID),
    "package_revise": (None, (Lookup("match.id", DATASET), Lookup("match.name", DATASET))),
    "package_delete": (None, _ID),
    "dataset_purge": (None, _ID),
    "package_owner_org_update": (None, _ID),
    "package_collaborator_create": (None, _ID),
    "package_collaborator_delete": (None, _ID),
    "package_collaborator_list": (None, _ID),
    "package_resource_reorder": (None, _ID),
    "package_relationships_list": (None, _ID + (Lookup("id2", DATASET),)),
    "package_relationship_create": (None, _RELATIONSHIP),
    "package_relationship_update": (None, _RELATIONSHIP),
    "package_relationship_delete": (None, _RELATIONSHIP),
    "follow_dataset": (None, _ID),
    "unfollow_dataset": (None, _ID),
    "am_following_dataset": (None, _ID),
    "dataset_follower_count": (None, _ID),
    "dataset_follower_list": (None, _ID),
    "member_create": (None, _MEMBER),
    "member_delete": (None, _MEMBER),
    "bulk_update_public": (None, _BULK),
    "bulk_update_private": (None, _BULK),
    "bulk_update_delete": (None, _BULK),
    "resource_create": (None, _PACKAGE_ID),
    "resource_show": (None, _RESOURCE_ID),
    "resource_update": (None, _RESOURCE_ID),
    "resource_patch": (None, _RESOURCE_ID),
    "resource_delete": (None, _RESOURCE_ID),
    "resource_view_list": (None, _RESOURCE_ID),
    "resource_view_reorder": (None, _RESOURCE_ID),
    # the release gate's view guard (chained.py) looks a view up by `id` first
    "resource_view_create": (None, _VIEW_ID + (Lookup("resource_id", RESOURCE),)),
    "resource_view_show": (None, _VIEW_ID),
    "resource_view_update": (None, _VIEW_ID + (Lookup("resource_id", RESOURCE),)),
    "resource_view_delete": (None, _VIEW_ID + (Lookup("resource_id", RESOURCE),)),
    "package_activity_list": ("activity", _ID),
    "activity_show": ("activity", (Lookup("id", ACTIVITY),)),
    "activity_data_show": ("activity", (Lookup("id", ACTIVITY),)),
    "activity_diff": ("activity", (Lookup("id", ACTIVITY),)),
    "datastore_search": ("datastore", _TABLE),
    "datastore_info": ("datastore", _TABLE),
    "datastore_create": ("datastore", _TABLE + (Lookup("resource.package_id", DATASET),)),
    "datastore_upsert": ("datastore", _TABLE),
    "datastore_delete": ("datastore", _TABLE),
    "datastore_records_delete": ("datastore", _TABLE),
    "governance_review_submit": ("governance", _PACKAGE_ID),
    "governance_review_withdraw": ("governance", _PACKAGE_ID),
    "governance_review_approve": ("governance", _PACKAGE_ID),
    "governance_review_request_changes": ("governance", _PACKAGE_ID),
    "governance_review_reject": ("governance", _PACKAGE_ID),
    "governance_release_revoke": ("governance", _PACKAGE_ID),
    "governance_status_show": ("governance", _PACKAGE_ID),
    "governance_review_show": ("governance", _PACKAGE_ID),
    "governance_audit_list": ("governance", _PACKAGE_ID),
    "governance_report_show": ("governance", _PACKAGE_ID + (Lookup("run_id", CHECK_RUN),)),
    "governance_finding_dismiss": ("governance", _PACKAGE_ID),
    "governance_finding_reveal": ("governance", _PACKAGE_ID),
}


# Who may see what --------------------------------------------------------------------------

_ASKING = "governance_visibility_check"


def _auth_context(context, **objects) -> dict[str, Any]:
    """A fresh context for the same user, as check_access would build it, marked so that the
    hiding auth functions answer it plainly."""
    user = context.get("user") or ""
    return {"model": model, "session": model.Session, "user": user,
            "auth_user_obj": context.get("auth_user_obj") or model.User.get(user),
            _ASKING: True, **objects}


def may_see_dataset(context, pkg: model.Package) -> bool:
    """CKAN's own rule: the dataset is public, or package_show auth lets the user see it."""
    if pkg.state == "active" and not pkg.private:
        return True
    return authz.is_authorized_boolean("package_show", _auth_context(context, package=pkg),
                                       {"id": pkg.id})


def _may_read_pending(context, package_id: str) -> bool:
    return authz.is_authorized_boolean("governance_review_show", _auth_context(context),
                                       {"package_id": package_id})


def _pending_resource_package(resource_id: str) -> Optional[str]:
    """The dataset whose change under review adds the resource (not yet a live row)."""
    return model.Session.scalars(sa.select(Review.package_id).where(
        Review.kind == "change", Review.state.notin_(workflow.CLOSED_STATES),
        Review.content["resources"].contains([{"id": resource_id}]))).first()


# Objects looked up by a caller's reference, for the rest of the transaction. One page asks
# many actions and auth functions about the same dataset and resources (a dataset page: about
# twenty); each would look it up again, by name two queries. Held here, they also stay in the
# session's identity map, where core's own lookups by id find them without a query.
_LOOKED_UP = "governance.looked_up"


@sa.event.listens_for(model.Session, "after_transaction_end")
def _forget_lookups(session, _transaction) -> None:
    session.info.pop(_LOOKED_UP, None)


def look_up(cls, reference: str):
    """``cls.get(reference)`` (a dataset or resource by id, else by name), remembered until the
    transaction ends."""
    session = model.Session()
    remembered = session.info.setdefault(_LOOKED_UP, {})
    found = remembered.get((cls, reference))
    if found is None or sa.inspect(found).was_deleted:
        if cls is model.Package:
            # Both columns are indexed: one query where core has two for a name.
            found = session.scalars(
                sa.select(cls).where(sa.or_(cls.id == reference, cls.name == reference))
                .order_by((cls.id == reference).desc()).limit(1)).first()
        else:
            found = cls.get(reference)
    if found is not None:
        remembered[cls, reference] = found
    return found


def _resource_hidden(context, resource_id: str) -> Optional[bool]:
    """Whether the user may not see the resource (live or pending); None: no such resource."""
    resource = look_up(model.Resource, resource_id)
    if resource is not None:
        return not may_see_dataset(context, look_up(model.Package, resource.package_id))
    package_id = _pending_resource_package(resource_id)
    return None if package_id is None else not _may_read_pending(context, package_id)


def _table_resource_id(name: str) -> Optional[str]:
    """The resource a DataStore alias stands for."""
    from ckanext.datastore.backend import DatastoreBackend
    _exists, real_id = DatastoreBackend.get_active_backend().resource_id_from_alias(name)
    return real_id


def _hidden(context, kind: str, value: Any) -> bool:
    """Whether `value` names an existing object of `kind` that the user may not see."""
    if not isinstance(value, str) or not value:
        return False
    if kind == DATASET:
        pkg = look_up(model.Package, value)
        return pkg is not None and not may_see_dataset(context, pkg)
    if kind in (RESOURCE, TABLE):
        hidden = _resource_hidden(context, value)
        if hidden is None and kind == TABLE:
            alias_of = _table_resource_id(value)
            hidden = alias_of is not None and _resource_hidden(context, alias_of)
        return bool(hidden)
    if kind == VIEW:
        view = model.ResourceView.get(value)
        return view is not None and bool(_resource_hidden(context, view.resource_id))
    if kind == ACTIVITY:
        from ckanext.activity.model import Activity
        activity = model.Session.get(Activity, value)
        return activity is not None and "package" in (activity.activity_type or "") and \
            not authz.is_authorized_boolean("activity_show", _auth_context(context),
                                            {"id": value})
    if kind == CHECK_RUN:
        run = model.Session.get(CheckRun, value)
        review = run and model.Session.get(Review, run.review_id)
        pkg = review and model.Package.get(review.package_id)
        return pkg is not None and not may_see_dataset(context, pkg)
    raise ValueError(kind)


def table_hidden(context, name: str) -> bool:
    """Whether `name` (a DataStore table or alias) belongs to a resource the user may not see."""
    return not _trusted(context) and _hidden(context, TABLE, name)


def _trusted(context) -> bool:
    """Internal calls (ignore_auth), sysadmins and our own visibility checks pass."""
    return bool(context.get("ignore_auth") or context.get(_ASKING)) or \
        authz.is_sysadmin(context.get("user"))


# References to nothing ----------------------------------------------------------------------

def _values(data: Any, keys: list[str]) -> list[Any]:
    """What the dotted path reaches in `data`."""
    if not keys:
        return [data]
    key, rest = keys[0], keys[1:]
    if key == "*" and isinstance(data, list):
        return [found for item in data for found in _values(item, rest)]
    if isinstance(data, dict) and key in data:
        return _values(data[key], rest)
    return []


def _replaced(data: Any, keys: list[str], stand_ins: dict[str, str]) -> Any:
    """`data` with the references on the path swapped for their stand-ins (copies only what it
    changes: uploads and the like stay as sent)."""
    if not keys:
        return stand_ins.get(data, data) if isinstance(data, str) else data
    key, rest = keys[0], keys[1:]
    if key == "*" and isinstance(data, list):
        return [_replaced(item, rest, stand_ins) for item in data]
    if isinstance(data, dict) and key in data:
        return {**data, key: _replaced(data[key], rest, stand_ins)}
    return data


def _decoded(data_dict: dict) -> dict:
    """package_revise takes `match` as JSON text too."""
    match = data_dict.get("match")
    if isinstance(match, str):
        try:
            return {**data_dict, "match": json.loads(match)}
        except ValueError:
            return data_dict
    return data_dict


def _swap(value: Any, stand_ins: dict[str, str]) -> Any:
    """Put the caller's references back where a stand-in shows in an answer."""
    if isinstance(value, str):
        for original, stand_in in stand_ins.items():
            value = value.replace(stand_in, original)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_swap(item, stand_ins) for item in value)
    if isinstance(value, dict):
        return {_swap(k, stand_ins): _swap(v, stand_ins) for k, v in value.items()}
    return value


def _as_if_missing(call: Callable[[dict], Any], lookups, context, data_dict) -> tuple[bool, Any]:
    """(True, answer) when `data_dict` names an object the user may not see: the answer of
    `call` with a reference to nothing in its place, in the caller's words."""
    data_dict = _decoded(data_dict)
    stand_ins: dict[str, str] = {}
    paths = []
    for lookup in lookups:
        if not lookup.when(data_dict):
            continue
        keys = lookup.path.split(".")
        paths.append(keys)
        for value in _values(data_dict, keys):
            if value not in stand_ins and _hidden(context, lookup.kind, value):
                stand_ins[value] = str(uuid.uuid4()) if _UUID.match(value) \
                    else uuid.uuid4().hex
    if not stand_ins:
        return False, None
    for keys in paths:
        data_dict = _replaced(data_dict, keys, stand_ins)
    try:
        return True, _swap(call(data_dict), stand_ins)
    except tk.ValidationError as error:
        raise tk.ValidationError(_swap(error.error_dict, stand_ins)) from None
    except (tk.ObjectNotFound, tk.NotAuthorized) as error:
        raise type(error)(_swap(str(error), stand_ins)) from None


def _hiding_action(lookups, inner: Callable) -> Callable:
    """The chained action `inner(up_func, context, data_dict)` behind the hiding layer."""
    @functools.wraps(inner)
    def action(up_func, context, data_dict):
        if not _trusted(context):
            hid, answer = _as_if_missing(functools.partial(inner, up_func, context), lookups,
                                         context, data_dict)
            if hid:
                return answer
        return inner(up_func, context, data_dict)
    action.chained_action = True
    return action


def _hiding_plain_action(lookups, function: Callable) -> Callable:
    """One of our own actions behind the hiding layer."""
    @functools.wraps(function)
    def action(context, data_dict):
        if not _trusted(context):
            hid, answer = _as_if_missing(functools.partial(function, context), lookups,
                                         context, data_dict)
            if hid:
                return answer
        return function(context, data_dict)
    return action


def _hiding_auth(name: str, lookups, original: Callable) -> Callable:
    @tk.chained_auth_function
    def auth(next_auth, context, data_dict):
        data_dict = data_dict or {}
        if _trusted(context):
            return next_auth(context, data_dict)
        # Core auth functions take the object from the context when the action put it there.
        objectless = {k: v for k, v in context.items()
                      if k not in ("package", "resource", "resource_view")}
        hid, answer = _as_if_missing(functools.partial(next_auth, objectless), lookups,
                                     context, data_dict)
        if not hid:
            return next_auth(context, data_dict)
        if answer.get("success"):
            # A missing object passes this check and is refused later, by the action; the hidden
            # one must not pass on the strength of its stand-in.
            answer = next_auth(context, data_dict)
            if not answer.get("success"):
                raise tk.ObjectNotFound()
        return answer
    auth.__name__ = name
    # CKAN reads these flags from the outermost function of the chain; it lets anonymous
    # users reach every auth function of logic/auth/get.py unless it says otherwise
    default = original.__module__ == "ckan.logic.auth.get"
    auth.auth_allow_anonymous_access = getattr(original, "auth_allow_anonymous_access", default)
    auth.auth_sysadmins_check = getattr(original, "auth_sysadmins_check", False)
    return auth


# Listings -----------------------------------------------------------------------------------

def _visible_package_ids(context, package_ids: set[str]) -> set[str]:
    if not package_ids:
        return set()
    packages = model.Session.scalars(
        sa.select(model.Package).where(model.Package.id.in_(package_ids)))
    return {pkg.id for pkg in packages if may_see_dataset(context, pkg)}


@tk.side_effect_free
def member_list(up_func, context, data_dict):
    """Core lists every dataset of a group, unreleased ones too; list what the user may see."""
    members = up_func(context, data_dict)
    if _trusted(context):
        return members
    package_ids = {member[0] for member in members if member[1] == "package"}
    visible = _visible_package_ids(context, package_ids)
    return [m for m in members if m[1] != "package" or m[0] in visible]


@tk.side_effect_free
def tag_show(up_func, context, data_dict):
    """A tag that only datasets hidden from the user carry is, for them, no tag at all."""
    result = up_func(context, data_dict)
    if _trusted(context):
        return result
    tag = model.Session.get(model.Tag, result["id"])
    public = model.Session.scalar(sa.select(
        sa.exists().where(model.PackageTag.tag_id == tag.id,
                          model.PackageTag.state == "active",
                          model.PackageTag.package_id == model.Package.id,
                          model.Package.state == "active",
                          model.Package.private.is_(False))))
    if public:
        return result
    package_ids = set(model.Session.scalars(sa.select(model.PackageTag.package_id).where(
        model.PackageTag.tag_id == tag.id, model.PackageTag.state == "active")))
    if not _visible_package_ids(context, package_ids):
        raise tk.ObjectNotFound()
    return result


def _visible_tables(context) -> list[str]:
    """Names (tables and aliases) in the DataStore's _table_metadata of resources the user may
    see."""
    from ckanext.datastore.backend.postgres import get_read_engine
    with get_read_engine().connect() as connection:
        rows = connection.execute(sa.text(
            'SELECT DISTINCT name, alias_of FROM "_table_metadata"')).fetchall()
    owners = {name: alias_of or name for name, alias_of in rows}
    resources = dict(model.Session.execute(
        sa.select(model.Resource.id, model.Resource.package_id)
        .where(model.Resource.id.in_(set(owners.values())))).all())
    visible = _visible_package_ids(context, set(resources.values()))
    return sorted(name for name, owner in owners.items() if resources.get(owner) in visible)


def _package_show_by_id(up_func, context, data_dict):
    """A dataset asked for by name: core looks it up by id, then by name, in the action and
    again in its auth function (four queries). It gets the id of the dataset the hiding layer
    has just looked up, which the session then has at hand."""
    reference = data_dict.get("id")
    pkg = look_up(model.Package, reference) if isinstance(reference, str) and reference \
        else None
    if pkg is not None and pkg.id != reference:
        data_dict = {**data_dict, "id": pkg.id}
    return up_func(context, data_dict)


def _datastore_search(up_func, context, data_dict):
    """``_table_metadata`` lists every DataStore table (named by resource id) to anyone:
    keep the names of resources the user may see."""
    if data_dict.get("resource_id") == "_table_metadata" and not _trusted(context):
        allowed = {"name": _visible_tables(context)}
        filters = data_dict.get("filters")
        if isinstance(filters, str):  # the API's GET form; if it is no JSON, the DataStore
            try:                        # refuses the $and below
                filters = json.loads(filters)
            except ValueError:
                pass
        data_dict = {**data_dict, "filters": {"$and": [filters, allowed]} if filters
                     else allowed}
    return up_func(context, data_dict)


# Registration -------------------------------------------------------------------------------

def _provided(provider: Optional[str]) -> bool:
    return provider in (None, "governance") or p.plugin_loaded(provider)


def _side_effect_free(name: str, provider: Optional[str]) -> bool:
    """A chained action must say itself that it may be called with GET."""
    if provider is None:
        return hasattr(core_get, name)  # CKAN marks every action of get.py side-effect free
    return getattr(p.get_plugin(provider).get_actions().get(name), "side_effect_free", False)


def _passthrough(name: str, provider: Optional[str]) -> Callable:
    def action(up_func, context, data_dict):
        return up_func(context, data_dict)
    action.__name__ = name
    action.chained_action = True
    if _side_effect_free(name, provider):
        action.side_effect_free = True
    if provider is not None:
        # CKAN exempts plugins' actions from its auth audit; the chain shows our flags only
        action.auth_audit_exempt = True
    return action


def _then(outer: Callable, inner: Callable) -> Callable:
    """Two chained actions as one: `outer` calls `inner`, which calls the next in the chain."""
    @functools.wraps(inner)
    def action(up_func, context, data_dict):
        return outer(functools.partial(inner, up_func), context, data_dict)
    action.__dict__.update(vars(outer))
    return action


def hiding_actions(actions: dict[str, Callable]) -> dict[str, Callable]:
    """The extension's actions with the hiding layer outermost, plus chained actions that put
    it in front of the core and plugin actions of ``LOOKUPS``, and the filtered listings."""
    result = dict(actions)
    for name, listing in (("member_list", member_list), ("tag_show", tag_show)):
        own = result.get(name)
        result[name] = _then(listing, own) if own else tk.chained_action(listing)
    for name, (provider, lookups) in LOOKUPS.items():
        if not _provided(provider):
            continue
        own = result.get(name)
        if own is not None and not getattr(own, "chained_action", False):
            result[name] = _hiding_plain_action(lookups, own)
            continue
        inner = own or _passthrough(name, provider)
        if name == "datastore_search":
            inner = _then(_datastore_search, inner)
        if name == "package_show":
            inner = _then(_package_show_by_id, inner)
        result[name] = _hiding_action(lookups, inner)
    return result


def hiding_auth_functions() -> dict[str, Callable]:
    """Chained auth functions for the lookups whose auth function CKAN or a loaded plugin
    provides (package_show keeps its own wrapper in auth.py; ours check visibility
    themselves)."""
    core: dict[str, Callable] = {}
    for module in ("get", "create", "update", "delete", "patch"):
        core.update(vars(importlib.import_module(f"ckan.logic.auth.{module}")))
    functions = {}
    for name, (provider, lookups) in LOOKUPS.items():
        if name == "package_show" or provider == "governance" or not _provided(provider):
            continue
        originals = core if provider is None else p.get_plugin(provider).get_auth_functions()
        if callable(originals.get(name)):
            functions[name] = _hiding_auth(name, lookups, originals[name])
    return functions
