"""Core listings that ignore the private flag (CKAN-INTERNALS: tags and formats of private
datasets are listed by ``tag_list``, ``tag_search``, ``tag_autocomplete`` and
``format_autocomplete``), wrapped to show only what public datasets use.

They sit on hot public reads: the statements are built once (here), and the usual calls are
answered by one statement that keeps only public tags or formats (where core would need one or
two, and filtering its answer another); the other call shapes are core's answers, filtered.
"""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic.schema import default_autocomplete_schema
from ckan.model import misc

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

# Formats of public resources, most used first (core counts every use of each spelling of a
# format). A format that only unreleased datasets use is left out by the EXISTS; it looks for
# one public resource per spelling, and stops there.
_public_resource = sa.orm.aliased(model.Resource)
_PUBLIC_FORMATS = (
    sa.select(model.Resource.format)
    .where(model.Resource.state == "active",
           model.Resource.format.ilike(sa.bindparam("pattern"), escape="\\"))
    .group_by(model.Resource.format)
    .having(sa.exists().where(
        _public_resource.format == model.Resource.format, _public_resource.state == "active",
        model.Package.id == _public_resource.package_id, model.Package.state == "active",
        model.Package.private.is_(False)))
    .order_by(sa.func.count(model.Resource.format).desc())
    .limit(sa.bindparam("limit")))


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


@tk.validator_args
def _page_schema(ignore_missing, natural_number_validator):
    """Core's tag search passes limit and offset on to the database as they come."""
    return {"limit": [ignore_missing, natural_number_validator],
            "offset": [ignore_missing, natural_number_validator]}


def _free_tags_matching(data_dict) -> Optional[sa.Select]:
    """Core's free-tag search (every term a case-insensitive substring of the name) as one
    statement that keeps only public tags; None for the shapes core answers (vocabularies,
    the deprecated ``fields``, several terms)."""
    term = data_dict.get("query") or data_dict.get("q")
    if not isinstance(term, str) or not term.strip() or "vocabulary_id" in data_dict \
            or "fields" in data_dict:
        return None
    page, errors = tk.navl_validate(data_dict, _page_schema())
    if errors:
        raise tk.ValidationError(errors)
    limit, offset = page.get("limit"), page.get("offset")
    pattern = "%" + misc.escape_sql_like_special_characters(term.strip(), escape="\\") + "%"
    return _PUBLIC_FREE_TAG_NAMES.where(model.Tag.name.ilike(pattern, escape="\\")) \
        .order_by(model.Tag.name).limit(limit).offset(offset)


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func, context, data_dict):
    """Core suggests tags of private datasets too, and applies its limit before anyone could
    filter them out. The usual call (one term on free tags) is asked of the database directly,
    in one statement that suggests only public tags, up to the limit, by name; core has a
    count and a DISTINCT over every use of every matching tag, and filtering would add a third.
    """
    query = _free_tags_matching(data_dict)
    if query is None:
        names = up_func(context, data_dict)
        public = _public_tag_names(names)
        return [name for name in names if name in public]
    tk.check_access("tag_autocomplete", context, data_dict)
    return list(model.Session.scalars(query))


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
    """Core suggests formats of unreleased datasets' resources too, and applies its limit
    before anyone could filter them out. Asked of the database directly, in one statement that
    suggests formats of public resources only, up to the limit, most used first (core's answer
    filtered would take a second statement)."""
    data, errors = tk.navl_validate(data_dict, default_autocomplete_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("format_autocomplete", context, data)
    pattern = "%" + misc.escape_sql_like_special_characters(data["q"], escape="\\") + "%"
    return [name.lower() for name in model.Session.scalars(
        _PUBLIC_FORMATS, {"pattern": pattern, "limit": data.get("limit", 5)})]


CHAINED_ACTIONS = {f.__name__: f for f in (tag_list, tag_autocomplete, tag_search,
                                           format_autocomplete)}
