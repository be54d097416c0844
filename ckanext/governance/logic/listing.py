"""Core listings that ignore the private flag (CKAN-INTERNALS: tags and formats of private
datasets are listed by ``tag_list``, ``tag_search``, ``tag_autocomplete`` and
``format_autocomplete``), wrapped to show only what public datasets use."""
from __future__ import annotations

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model


def _public_tag_names(names: list[str]) -> set[str]:
    if not names:
        return set()
    query = (sa.select(model.Tag.name).distinct()
             .join(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
             .join(model.Package, model.Package.id == model.PackageTag.package_id)
             .where(model.Tag.name.in_(names), model.PackageTag.state == "active",
                    model.Package.state == "active", model.Package.private.is_(False)))
    return set(model.Session.scalars(query))


def _tag_name(tag) -> str:
    return tag["name"] if isinstance(tag, dict) else tag


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func, context, data_dict):
    """Core lists tags of private datasets too; show only tags of public ones."""
    tags = up_func(context, data_dict)
    public = _public_tag_names([_tag_name(t) for t in tags])
    return [t for t in tags if _tag_name(t) in public]


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func, context, data_dict):
    names = up_func(context, data_dict)
    public = _public_tag_names(names)
    return [name for name in names if name in public]


@tk.chained_action
@tk.side_effect_free
def tag_search(up_func, context, data_dict):
    found = up_func(context, data_dict)
    public = _public_tag_names([t["name"] for t in found["results"]])
    results = [t for t in found["results"] if t["name"] in public]
    return {"count": len(results), "results": results}


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up_func, context, data_dict):
    """Core suggests formats of private datasets' resources too; keep public ones only."""
    formats = up_func(context, data_dict)
    if not formats:
        return formats
    public = set(model.Session.scalars(
        sa.select(sa.func.lower(model.Resource.format)).distinct()
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .where(sa.func.lower(model.Resource.format).in_([f.lower() for f in formats]),
               model.Resource.state == "active", model.Package.state == "active",
               model.Package.private.is_(False))))
    return [f for f in formats if f.lower() in public]


CHAINED_ACTIONS = {f.__name__: f for f in (tag_list, tag_autocomplete, tag_search,
                                           format_autocomplete)}
