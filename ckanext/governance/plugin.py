"""The ``governance`` plugin: wires the extension into CKAN; the logic lives in its modules.

List it first in ``ckan.plugins``: its wrappers of core actions must run outermost.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import guard, http_guard, subscriptions
from .logic import existence, pending
from .logic.action import get_actions
from .logic.auth import get_auth_functions
from .logic.relationships import hide_unseen_relationships
from .stewards import StewardLabels


def _actions():
    """Our actions, with the layer that hides what a user may not see outermost."""
    return existence.hiding_actions(get_actions())


@tk.blanket.config_declarations
@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(get_auth_functions)
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class GovernancePlugin(StewardLabels, DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.ITranslation)
    p.implements(p.ISignal)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "governance")

    # IConfigurable
    def configure(self, config):
        if p.plugin_loaded("datastore"):
            guard.guard_datastore()

    # IPackageController
    def after_dataset_show(self, context, pkg_dict):
        hide_unseen_relationships(context, pkg_dict)

    def before_dataset_view(self, pkg_dict):
        return pending.view_version(pkg_dict)

    # IMiddleware
    def make_middleware(self, app, config):
        return http_guard.install(app)

    # ISignal
    def get_signal_subscriptions(self):
        return subscriptions.get_subscriptions()
