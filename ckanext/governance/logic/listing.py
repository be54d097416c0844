"""Core listings that ignore the private flag (CKAN-INTERNALS: tags and formats of private
datasets are listed by ``tag_list``, ``tag_search``, ``tag_autocomplete`` and
``format_autocomplete``), wrapped to show only what public datasets use.

The checks are built once (here) and run with the names as one array parameter: they sit on
hot public reads, where building and compiling a statement per call would show.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

import ckan.plugins.toolkit as tk
from ckan import model

# An active, public dataset carries the tag of the enclosing query. EXISTS stops at the first
# such dataset, found for nearly every tag at once through core's index on package_tag
# (tag_id, package_id); a DISTINCT over the join would read every use of every tag.
_TAG_ON_PUBLIC_DATASET = sa.exists().where(
    model.PackageTag.tag_id == model.Tag.id, model.PackageTag.state == "active",
    model.Package.id == model.PackageTag.package_id, model.Package.state == "active",
    model.Package.private.is_(False))

_PUBLIC_TAG_NAMES = sa.select(model.Tag.name).where(
    model.Tag.name == sa.any_(sa.bindparam("names", type_=ARRAY(sa.UnicodeText))),
    _TAG_ON_PUBLIC_DATASET)
_PUBLIC_FREE_TAG_NAMES = sa.select(model.Tag.name).where(
    model.Tag.vocabulary_id.is_(None), _TAG_ON_PUBLIC_DATASET)

_CANDIDATE_FORMATS = sa.func.unnest(sa.bindparam("formats", type_=ARRAY(sa.UnicodeText))) \
    .table_valued("format").alias("candidate")
# The first public resource in each candidate format: LIMIT 1 in a LATERAL join looks no
# further (as an EXISTS, PostgreSQL would hash every resource of the site).
_FIRST_PUBLIC_USE = (
    sa.select(sa.literal(1)).select_from(model.Resource)
    .join(model.Package, model.Package.id == model.Resource.package_id)
    .where(sa.func.lower(model.Resource.format) == _CANDIDATE_FORMATS.c.format,
           model.Resource.state == "active", model.Package.state == "active",
           model.Package.private.is_(False))
    .limit(1).lateral())
_PUBLIC_FORMATS = sa.select(_CANDIDATE_FORMATS.c.format).join(_FIRST_PUBLIC_USE, sa.true())


def _public_tag_names(names: list[str]) -> set[str]:
    if not names:
        return set()
    return set(model.Session.scalars(_PUBLIC_TAG_NAMES, {"names": names}))


def _tag_name(tag) -> str:
    return tag["name"] if isinstance(tag, dict) else tag


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func, context, data_dict):
    """Core lists tags of private datasets too; show only tags of public ones.

    The plain listing (the names of all free tags) is asked of the database directly: core's
    answer is a DISTINCT over every use of every tag, and filtering it would add a check per
    tag on top. Listings with a query, a vocabulary or full dicts are core's, filtered.
    """
    if not any(data_dict.get(key) for key in ("query", "q", "vocabulary_id", "all_fields")):
        tk.check_access("tag_list", context, data_dict)
        return list(model.Session.scalars(_PUBLIC_FREE_TAG_NAMES))
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
    public = set(model.Session.scalars(_PUBLIC_FORMATS,
                                       {"formats": [f.lower() for f in formats]}))
    return [f for f in formats if f.lower() in public]


CHAINED_ACTIONS = {f.__name__: f for f in (tag_list, tag_autocomplete, tag_search,
                                           format_autocomplete)}
