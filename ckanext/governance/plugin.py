"""The ``governance`` plugin: wires the extension into CKAN; the logic lives in its modules.

List it first in ``ckan.plugins``: its wrappers of core actions must run outermost.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import subscriptions
from .logic.action import get_actions
from .stewards import StewardLabels


@tk.blanket.config_declarations
@tk.blanket.actions(get_actions)
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
class GovernancePlugin(StewardLabels, DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPermissionLabels)
    p.implements(p.ITranslation)
    p.implements(p.ISignal)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "governance")

    # ISignal
    def get_signal_subscriptions(self):
        return subscriptions.get_subscriptions()
