"""CSRF checks for the extension's forms.

CKAN exempts a view from flask-wtf's CSRF check for the rest of the process as soon as one
request reaches it with an API token (``ckan_before_request`` in
``ckan/config/middleware/flask_app.py``). After that, any user with a token could open the way
for a forged form post from a steward's browser (an approval, a dismissed finding). So every
form post to the extension's pages that did not itself come with an API token is checked here.
"""
from __future__ import annotations

from flask import current_app, g, request

from ckan.config.middleware.flask_app import csrf


def protect_forms() -> None:
    config = current_app.config
    if config.get("WTF_CSRF_ENABLED", True) and not g.get("login_via_auth_header") \
            and request.method in config.get("WTF_CSRF_METHODS", ("POST",)):
        csrf.protect()
