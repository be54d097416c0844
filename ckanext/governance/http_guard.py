"""Guards on the portal's HTTP layer (PRODUCT.md 1.6: a steward's browser may be sent a forged
form post).

CSRF. CKAN core (``ckan_before_request``) exempts from CSRF protection every view that is ever
requested with an API token, or by a visitor who is not logged in, for the life of the process:
after one such request to the review page, a forged cookie POST approves. While the extension is
on, every unsafe request that is authenticated by the session cookie, not by an API token header,
must carry a valid CSRF token on every view, whatever core exempted at run time. Views exempt
when the portal started (by other extensions) stay exempt; ``WTF_CSRF_ENABLED = false`` turns it
all off as it does in core.

Downloads. Files are served from the portal's own origin: an uploaded HTML or SVG page would run
its scripts with the portal's cookies. Active content types are sent as attachments, and every
download says ``X-Content-Type-Options: nosniff`` so that no browser guesses a type.
"""
from __future__ import annotations

from typing import Any

import flask
from flask import current_app, g, request
from flask_login import current_user
from werkzeug.http import parse_options_header

from ckan.config.middleware.flask_app import csrf

# Views that core exempted at run time (an API token or a visitor without a session reached
# them). Kept for the process, like
# flask-wtf's own list of exemptions, so that a portal built later in the same process (tests)
# does not take them for exemptions made at start-up.
_exempted_for_tokens: set[str] = set()

# Besides resource downloads: CKAN 2.12's file routes (group and user images among them)
DOWNLOAD_ENDPOINTS = {"file.download", "file.trusted_download", "file.public_download"}
ACTIVE_TYPES = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
                "application/xml", "text/xsl", "application/xslt+xml"}


def _view_name() -> str | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return f"{view.__module__}.{view.__name__}" if view else None


def _cookie_authenticated_write() -> bool:
    """An unsafe request whose user comes from the session cookie. (Core sets
    ``login_via_auth_header`` for API tokens and for every request without a logged-in
    session; reading ``current_user`` first makes sure flask-login has decided.)"""
    return bool(current_app.config.get("WTF_CSRF_ENABLED")) \
        and request.method in current_app.config["WTF_CSRF_METHODS"] \
        and current_user.is_authenticated and not g.get("login_via_auth_header")


def require_csrf_token() -> None:
    """Refuse (400) an unsafe cookie-authenticated request without a valid CSRF token."""
    if _cookie_authenticated_write() and not g.get("csrf_valid"):
        csrf.protect()


class HttpGuard:
    def __init__(self, app: flask.Flask):
        # flask-wtf offers no public list of exemptions; read it once, at start-up
        self.exempt_views = frozenset(csrf._exempt_views - _exempted_for_tokens)
        self.exempt_blueprints = frozenset(csrf._exempt_blueprints)
        app.before_request(self.protect)
        app.after_request(self.harden_download)
        app.teardown_request(self.note_run_time_exemption)

    def protect(self) -> None:
        """Runs after core and flask-wtf: check what flask-wtf let through as exempt."""
        if request.endpoint is None or not _cookie_authenticated_write() \
                or g.get("csrf_valid"):
            return
        if current_app.blueprints.get(request.blueprint or "") in self.exempt_blueprints \
                or _view_name() in self.exempt_views:
            return
        csrf.protect()

    @staticmethod
    def note_run_time_exemption(_error: BaseException | None) -> None:
        if g.get("login_via_auth_header") and (name := _view_name()):
            _exempted_for_tokens.add(name)

    @staticmethod
    def harden_download(response: flask.Response) -> flask.Response:
        endpoint = request.endpoint or ""
        if not (endpoint.endswith("resource.download") or endpoint in DOWNLOAD_ENDPOINTS):
            return response
        response.headers["X-Content-Type-Options"] = "nosniff"
        if is_active(response.mimetype):
            _disposition, options = parse_options_header(
                response.headers.get("Content-Disposition", ""))
            filename = options.get("filename") or request.path.rsplit("/", 1)[-1]
            response.headers.set("Content-Disposition", "attachment", filename=filename)
        return response


def is_active(mimetype: str | None) -> bool:
    """Types a browser renders as a document that can run scripts: HTML, SVG, any XML (it may
    bring an XSLT), JavaScript, multipart replace streams."""
    mimetype = (mimetype or "").lower()
    kind, _slash, subtype = mimetype.partition("/")
    return mimetype in ACTIVE_TYPES or subtype.endswith("+xml") or subtype.endswith("xml") \
        or "javascript" in subtype or "ecmascript" in subtype or kind == "multipart"


def install(app: Any) -> Any:
    """IMiddleware: the extension comes first in ``ckan.plugins``, so this is CKAN's Flask app."""
    if not isinstance(app, flask.Flask):
        raise RuntimeError("ckanext-governance must come first in ckan.plugins: its HTTP guard "
                           "needs CKAN's Flask app, not another plugin's middleware")
    HttpGuard(app)
    return app
