"""CKAN core strings that German pages of a governed portal show, translated in our catalogue.

CKAN 2.12 translates them in its ``ckan.po`` but its compiled ``ckan.mo`` lacks them (the
catalogue's header is marked fuzzy), so they would stay English on German pages. CKAN merges
a plugin's catalogue into its own, so listing them here (for ``pybabel extract``) and
translating them in ours fixes them. Nothing calls this module at run time.
"""
from .workflow import N_

CORE_STRINGS = (
    N_("A new file was uploaded for this resource."),
    N_("Add resource"),
    N_("Filter by: {title}"),
    N_("Navigate to Home - {site_title}"),
    N_("Navigate to dataset: {title}"),
    N_("Navigate to resource: {name}"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Next"),
    N_("Pages"),
    N_("Previous"),
    N_("Search datasets by {name}: {label}"),
    N_("Search datasets with the tag: {name}"),
    N_("Search datasets with the tag: {tag}"),
    N_("Unpublish"),
)
