"""What a change to a released dataset changes, in a form people read and pipelines use.

``diff_datasets`` compares the live dataset with the pending content after normalising both,
so that only real changes show: booleans and their spellings, empty and missing, surrounding
whitespace and line-break styles, ids against the names they stand for, fields derived from
others (licence title, counts) or from a file (size, hash, mimetype), and fields that change
without the content changing (timestamps, positions, state flags) are not changes. Tags,
groups and other lists are compared as sets (added / removed); resources are matched by id
(added / removed / changed, each with its own fields), a replaced file is a change of its
own, and so is a new order of the resources. Field names stay the keys of the API; the web
page labels them with ``labelled`` in the reader's language.
"""
from __future__ import annotations

import json
import posixpath
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan import model

# Computed from other fields, set by CKAN, or owned by the review (private); never shown.
_DATASET_SKIPPED = {
    "id", "metadata_created", "metadata_modified", "revision_id", "private", "organization",
    "num_resources", "num_tags", "isopen", "license_title", "license_url", "creator_user_id",
    "tracking_summary", "governance", "relationships_as_object", "relationships_as_subject",
    "resources", "tags", "tag_string", "groups", "extras",
    # artefacts of the web form
    "pkg_name", "save", "_ckan_phase",
}
# Compared only when the pending content sets them: CKAN keeps them when an update leaves
# them out.
_DATASET_KEPT_WHEN_MISSING = {"state", "type"}
_RESOURCE_SKIPPED = {
    "id", "package_id", "position", "created", "metadata_modified", "revision_id", "state",
    "datastore_active", "datastore_contains_all_records_of_source_file", "cache_url",
    "cache_last_updated", "tracking_summary", "upload", "url_type", "governance",
    # facts of the file, shown as the file's own change
    "size", "hash", "mimetype", "mimetype_inner", "last_modified",
}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def diff_datasets(live: dict[str, Any], pending: dict[str, Any],
                  staged_files: Optional[dict[str, Any]] = None,
                  data_diffs: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The changes from ``live`` to ``pending`` (see ``governance_review_show``)."""
    staged_files = staged_files or {}
    data_diffs = data_diffs or {}
    live_resources = {r.get("id"): r for r in live.get("resources") or []}
    pending_resources = {r.get("id"): r for r in pending.get("resources") or []}
    resources = []
    for resource_id, resource in pending_resources.items():
        before = live_resources.get(resource_id)
        entry: dict[str, Any] = {"id": resource_id, "name": resource.get("name")
                                 or (before or {}).get("name")}
        if before is None:
            entry.update(change="added", fields=_resource_fields({}, resource))
        else:
            entry.update(change="changed", fields=_resource_fields(before, resource))
        staged = staged_files.get(resource_id)
        if staged and resource.get("url_type") == "upload":
            entry["file"] = {"change": "added" if before is None or before.get("url_type") != "upload"
                             else "replaced",
                             "filename": staged.get("filename"), "size": staged.get("size"),
                             "sha256": staged.get("sha256")}
            if before is not None and before.get("url_type") == "upload":
                entry["file"]["live"] = {"filename": _filename(before.get("url")),
                                         "size": before.get("size")}
            data = data_diffs.get(resource_id)
            if data is not None and data.get("pending_sha256") == staged.get("sha256"):
                entry["data"] = data
        if entry["change"] == "added" or entry["fields"] or "file" in entry:
            resources.append(entry)
    for resource_id, before in live_resources.items():
        if resource_id not in pending_resources:
            resources.append({"id": resource_id, "name": before.get("name"), "change": "removed",
                              "fields": _resource_fields(before, {})})
    kept = [rid for rid in live_resources if rid in pending_resources]
    order = [rid for rid in pending_resources if rid in live_resources]
    return {
        "dataset": _dataset_fields(live, pending),
        "resources": resources,
        "resource_order": {"live": kept, "pending": order} if kept != order else None,
    }


# Dataset fields


def _dataset_fields(live: dict[str, Any], pending: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for key in _ordered_keys(live, pending):
        if key in _DATASET_SKIPPED or key.startswith("__"):
            continue
        if key in _DATASET_KEPT_WHEN_MISSING and _blank(pending.get(key)):
            continue
        if key == "owner_org":
            change = _scalar_change(key, live.get(key), pending.get(key), _organization_id)
        else:
            change = _change(key, live.get(key), pending.get(key))
        if change:
            changes.append(change)
    for key, values in (("tags", _tag_names), ("groups", _group_names)):
        change = _set_change(key, values(live), values(pending))
        if change:
            changes.append(change)
    changes.extend(_extras_changes(live.get("extras"), pending.get("extras")))
    return changes


def _ordered_keys(*dicts: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for data in dicts:
        seen.update(dict.fromkeys(data))
    return list(seen)


def _tag_names(dataset: dict[str, Any]) -> list[str]:
    """The tags a dataset gets from this dict: CKAN adds those of ``tag_string`` to ``tags``."""
    names = [t.get("name") if isinstance(t, dict) else t for t in dataset.get("tags") or []]
    tag_string = dataset.get("tag_string")
    if isinstance(tag_string, str):
        names += tag_string.split(",")
    elif isinstance(tag_string, list):
        names += tag_string
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def _group_names(dataset: dict[str, Any]) -> list[str]:
    names = []
    for group in dataset.get("groups") or []:
        reference = group.get("name") or group.get("id") if isinstance(group, dict) else group
        found = model.Group.get(reference) if reference else None
        names.append(found.name if found else reference)
    return names


def _organization_id(reference: Any) -> Any:
    found = model.Group.get(reference) if isinstance(reference, str) and reference else None
    return found.id if found else reference


def _extras_changes(live: Any, pending: Any) -> list[dict[str, Any]]:
    before = {e.get("key"): e.get("value") for e in live or [] if isinstance(e, dict)}
    after = {e.get("key"): e.get("value") for e in pending or [] if isinstance(e, dict)}
    changes = []
    for key in _ordered_keys(before, after):
        change = _scalar_change("extras", before.get(key), after.get(key))
        if change:
            changes.append({**change, "key": key})
    return changes


# Resource fields


def _resource_fields(live: dict[str, Any], pending: dict[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for key in _ordered_keys(live, pending):
        if key in _RESOURCE_SKIPPED or key.startswith("__"):
            continue
        if key == "url":
            change = _scalar_change(key, _url(live), _url(pending))
        elif key == "format":
            change = _scalar_change(key, live.get(key), pending.get(key),
                                    lambda v: v.upper() if isinstance(v, str) else v)
        elif key == "schema":
            change = _scalar_change(key, live.get(key), pending.get(key), _json_or_text)
        else:
            change = _change(key, live.get(key), pending.get(key))
        if change:
            changes.append(change)
    return changes


def _url(resource: dict[str, Any]) -> Any:
    """An upload's URL is its file name (CKAN rewrites the rest); a link's URL is itself."""
    url = resource.get("url")
    if resource.get("url_type") == "upload" and isinstance(url, str):
        return _filename(url)
    return url


def _filename(url: Any) -> Any:
    return posixpath.basename(urlsplit(url).path) if isinstance(url, str) else url


def _json_or_text(value: Any) -> Any:
    """A Table Schema given as JSON text compares as the schema it spells."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# Values


def _blank(value: Any) -> bool:
    return value is None or value == [] or value == {} or \
        (isinstance(value, str) and not value.strip())


def _text(value: str) -> str:
    """Line-break style and trailing spaces are no changes (a browser sends CRLF)."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if not _blank(v)}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _same(live: Any, pending: Any) -> bool:
    if _blank(live) and _blank(pending):
        return True
    live, pending = _normal(live), _normal(pending)
    if isinstance(live, bool) or isinstance(pending, bool):
        return _as_bool(live) == _as_bool(pending)
    if isinstance(live, (int, float)) != isinstance(pending, (int, float)):
        return str(live) == str(pending)
    return live == pending


def _as_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    return value


def _scalar_change(field: str, live: Any, pending: Any,
                   canonical: Callable[[Any], Any] = lambda v: v) -> Optional[dict[str, Any]]:
    if _same(canonical(live), canonical(pending)):
        return None
    change = "added" if _blank(live) else "removed" if _blank(pending) else "changed"
    return {"field": field, "change": change, "live": live, "pending": pending}


def _change(field: str, live: Any, pending: Any) -> Optional[dict[str, Any]]:
    """Lists of plain values (e.g. a multiple-choice field) compare as sets; anything else
    as one value."""
    lists = [value for value in (live, pending) if isinstance(value, list)]
    if lists and all(isinstance(value, list) or _blank(value) for value in (live, pending)):
        if all(isinstance(item, (str, int, float, bool)) for value in lists for item in value):
            return _set_change(field, live or [], pending or [])
    return _scalar_change(field, live, pending)


def _set_change(field: str, live: list[Any], pending: list[Any]) -> Optional[dict[str, Any]]:
    """A list compared as a set: what was added and what was removed."""
    before = list(dict.fromkeys(_normal(v) for v in live if not _blank(v)))
    after = list(dict.fromkeys(_normal(v) for v in pending if not _blank(v)))
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    if not (added or removed):
        return None
    return {"field": field, "change": "changed", "live": before, "pending": after,
            "added": added, "removed": removed}


# Labels for the web page


def labelled(diff: dict[str, Any], dataset_type: str = "dataset") -> dict[str, Any]:
    """The diff with a ``label`` for every field, in the reader's language: the scheming
    schema's label (a text or a ``{lang: text}`` dict), else CKAN's own for core fields. Values
    of fields with choices get their choices' labels (``live_label``, ``pending_label``)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    dataset_fields = {f["field_name"]: f for f in schema.get("dataset_fields", [])}
    resource_fields = {f["field_name"]: f for f in schema.get("resource_fields", [])}
    core_dataset, core_resource = _core_labels()
    return {
        "dataset": [_labelled_change(c, dataset_fields, core_dataset) for c in diff["dataset"]],
        "resources": [
            {**r, "fields": [_labelled_change(c, resource_fields, core_resource)
                             for c in r.get("fields", [])]}
            for r in diff["resources"]
        ],
        "resource_order": diff["resource_order"],
    }


def _core_labels() -> tuple[dict[str, str], dict[str, str]]:
    """Labels of CKAN's core fields the schema may not name, in CKAN's own words."""
    dataset = {
        "title": tk._("Title"), "name": tk._("URL"), "notes": tk._("Description"),
        "tags": tk._("Tags"), "groups": tk._("Groups"), "owner_org": tk._("Organization"),
        "license_id": tk._("License"), "url": tk._("Source"), "version": tk._("Version"),
        "author": tk._("Author"), "author_email": tk._("Author Email"),
        "maintainer": tk._("Maintainer"), "maintainer_email": tk._("Maintainer Email"),
        "state": tk._("State"), "type": tk._("Type"), "extras": tk._("Custom Field"),
    }
    resource = {"url": tk._("URL"), "name": tk._("Name"), "description": tk._("Description"),
                "format": tk._("Format"), "resource_type": tk._("Type")}
    return dataset, resource


def _labelled_change(change: dict[str, Any], fields: dict[str, Any],
                     core: dict[str, str]) -> dict[str, Any]:
    from ckanext.scheming.helpers import (scheming_choices_label, scheming_field_choices,
                                          scheming_language_text)

    name = change["field"]
    # Tags are the scheming field ``tag_string``.
    field = fields.get(name) or (fields.get("tag_string") if name == "tags" else None)
    label = scheming_language_text(field["label"]) if field and field.get("label") \
        else core.get(name, name)
    result = {**change, "label": label}
    if name == "extras":
        result["label"] = f"{label}: {change['key']}"
    choices = scheming_field_choices(field) if field else None
    if choices:
        for side in ("live", "pending"):
            if isinstance(change.get(side), str) and change[side]:
                result[f"{side}_label"] = scheming_choices_label(choices, change[side])
    if name == "license_id":
        register = model.Package.get_license_register()
        for side in ("live", "pending"):
            licence = register.get(change.get(side)) if change.get(side) else None
            if licence is not None:
                result[f"{side}_label"] = licence.title
    if name == "owner_org":
        for side in ("live", "pending"):
            organization = model.Group.get(change.get(side)) if change.get(side) else None
            if organization is not None:
                result[f"{side}_label"] = organization.display_name
    return result
