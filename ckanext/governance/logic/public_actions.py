"""Public outputs of released datasets (Data Package, review record) and the lists of codes
pipelines rely on. Anyone may call them; a dataset without a release in force answers like a
missing one."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.logic import validate

from .. import public
from . import schema


@tk.side_effect_free
@validate(schema.public_output_show)
def governance_datapackage_show(context, data_dict):
    """The Frictionless Data Package (``datapackage.json``) of a released dataset: its released
    resources with download URLs, sizes, sha256 hashes and Table Schemas. Never a pending
    change; for a dataset that is not released: Not Found, as for a missing one.

    :param id: id or name of the dataset
    :type id: string
    :rtype: dictionary
    """
    tk.check_access("governance_datapackage_show", context, data_dict)
    return public.datapackage(*public.released_dataset(data_dict["id"]))


@tk.side_effect_free
@validate(schema.public_output_show)
def governance_review_record_show(context, data_dict):
    """The public record of the review that released the version of a dataset the public
    sees: when, which checks ran with what result, the sha256 of each file and the approved
    content hash. Not who reviewed, nothing the checks found in the data. For a dataset that
    is not released: Not Found, as for a missing one.

    :param id: id or name of the dataset
    :type id: string
    :rtype: dictionary
    """
    tk.check_access("governance_review_record_show", context, data_dict)
    return public.review_record(*public.released_dataset(data_dict["id"]))


@tk.side_effect_free
def governance_finding_code_list(context, data_dict):
    """Every code a check report may carry, with its group (``table``, ``metadata``,
    ``privacy``), title and description. The codes are a stable contract.

    :rtype: list of dictionaries
    """
    from ..checks.codes import finding_codes  # frictionless's error classes: on first use

    tk.check_access("governance_finding_code_list", context, data_dict)
    return finding_codes()


@tk.chained_action
def dcat_dataset_show(up_func, context, data_dict):
    """ckanext-dcat's RDF of one dataset: a dataset the caller may not see answers Not Found,
    exactly like a missing one (DCAT would answer 403 and so tell that it exists)."""
    try:
        return up_func(context, data_dict)
    except tk.NotAuthorized:
        raise tk.ObjectNotFound()  # what package_show raises for a missing id


def get_actions() -> dict:
    actions = {"governance_datapackage_show": governance_datapackage_show,
               "governance_review_record_show": governance_review_record_show,
               "governance_finding_code_list": governance_finding_code_list}
    if p.plugin_loaded("dcat"):
        actions["dcat_dataset_show"] = dcat_dataset_show
    return actions
