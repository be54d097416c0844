"""Who hears of a review transition, and how: a notice on their CKAN dashboard (its header
badge counts the new ones) and a mail through CKAN's mailer, both in their language.

- stewards of the organization: when a dataset or a change is submitted (with the publisher's
  note, e.g. their answer to a request for changes);
- the submitter: when the checks failed, changes were requested, the content was rejected or
  approved (with the reasons' texts and the steward's comment).

`subscriptions.py` enqueues `notify_transition` for every committed transition. A user's
language is the one they last used for a governance action in the web UI (kept in their
``plugin_extras``; sysadmins may set ``plugin_extras.governance.locale``), else the portal's
default language. Notices are rendered when they are read, in the reader's language.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Optional

from babel.support import NullTranslations, Translations

import ckan.authz as authz
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer
from ckan.lib.i18n import get_ckan_i18n_dir

from . import workflow
from .model import Review
from .stewards import steward_label, steward_users

log = logging.getLogger(__name__)

# Dashboard notices are activities about their recipient; the type ends in "package" so that
# CKAN shows them only to users with the dataset's permission labels.
NOTICE_TYPE = "governance notice package"
# The actor of notices no person caused (check results): CKAN hides the site user's
# activities, and a user's own activities never count as new for them.
CHECKS_USER = "governance-checks"

_I18N_DIR = os.path.join(os.path.dirname(__file__), "i18n")
_DOMAIN = "ckanext-governance"


# Languages ------------------------------------------------------------------------------------

def _offered_locales() -> list[str]:
    return tk.aslist(tk.config.get("ckan.locales_offered")) or [
        tk.config.get("ckan.locale_default") or "en"]


def user_locale(user: model.User) -> str:
    """The language to write to `user` in."""
    chosen = ((user.plugin_extras or {}).get("governance") or {}).get("locale")
    if chosen in _offered_locales():
        return chosen
    return tk.config.get("ckan.locale_default") or "en"


def remember_locale(user: Any, locale: Optional[str]) -> None:
    """Keep the UI language a user just acted in as their language for notices and mails."""
    if not user or getattr(user, "is_anonymous", True) or locale not in _offered_locales():
        return
    user = model.User.get(user.id)
    extras = dict(user.plugin_extras or {})
    governance = dict(extras.get("governance") or {})
    if governance.get("locale") == locale:
        return
    extras["governance"] = {**governance, "locale": locale}
    user.plugin_extras = extras
    model.repo.commit()


class Texts:
    """gettext in one language outside a web request: CKAN's catalogue with the extension's
    on top (as CKAN merges them for pages)."""

    def __init__(self, locale: str):
        self.locale = locale
        catalogue = Translations.load(get_ckan_i18n_dir(), [locale], "ckan")
        ours = Translations.load(_I18N_DIR, [locale], _DOMAIN)
        if isinstance(catalogue, Translations) and isinstance(ours, Translations):
            catalogue.merge(ours)
            catalogue.plural = ours.plural
        elif isinstance(ours, Translations):
            catalogue = ours
        self.catalogue: NullTranslations = catalogue

    def _(self, message: str) -> str:
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.catalogue.ngettext(singular, plural, count)


# Who hears what ----------------------------------------------------------------------------

_SUBMITTER_EVENTS = (workflow.CHECKS_FAILED_EVENT, workflow.REQUEST_CHANGES, workflow.REJECT,
                     workflow.APPROVE)
# The transitions somebody hears of.
NOTIFIED_EVENTS = (workflow.SUBMIT, *_SUBMITTER_EVENTS)


def notify_transition(review_id: str, event: str, actor_id: Optional[str],
                      details: dict[str, Any]) -> None:
    """Job: notices and mails for one review transition."""
    review = model.Session.get(Review, review_id)
    package = model.Package.get(review.package_id) if review else None
    if package is None or package.state == "deleted":
        return
    if event == workflow.SUBMIT:
        recipients = [user for user in steward_users(review.organization_id)
                      if user.id != actor_id]
    elif event in _SUBMITTER_EVENTS and review.submitted_by:
        submitter = model.Session.get(model.User, review.submitted_by)
        recipients = [submitter] if submitter and submitter.id != actor_id \
            and submitter.state == "active" and _may_read_review(submitter, review) else []
    else:
        recipients = []
    if not recipients:
        return
    actor = model.Session.get(model.User, actor_id) if actor_id else None
    for recipient in recipients:
        _add_notice(recipient, review, package, event, actor, details)
    model.repo.commit()
    for recipient in recipients:
        if not recipient.email:
            log.warning("user %s has no e-mail address; not mailed", recipient.name)
            continue
        subject, body = mail_text(Texts(user_locale(recipient)), review, package, event,
                                  actor, details)
        try:
            mailer.mail_user(recipient, subject, body)
        except mailer.MailerException:
            log.exception("mail to user %s about review %s failed", recipient.name, review.id)


def _may_read_review(user: model.User, review: Review) -> bool:
    """Whether `user` still belongs to the review (a publisher who left the organization hears
    nothing more of it)."""
    return authz.is_authorized_boolean("governance_review_show",
                                       {"user": user.name, "auth_user_obj": user},
                                       {"package_id": review.package_id})


def _checks_user() -> Optional[model.User]:
    """The account check results are attributed to; made on first use, never logged in.
    None if another account took its name (the notice is then left out, the mail not)."""
    user = model.User.by_name(CHECKS_USER)
    if user is None:
        user = model.User(name=CHECKS_USER, fullname="Automated checks",
                          password=os.urandom(32).hex(),
                          plugin_extras={"governance": {"checks_user": True}})
        model.Session.add(user)
        model.Session.flush()
    elif not ((user.plugin_extras or {}).get("governance") or {}).get("checks_user"):
        log.error("the user name %r is taken by another account: no notices of check "
                  "results", CHECKS_USER)
        return None
    return user


def _add_notice(recipient: model.User, review: Review, package: model.Package, event: str,
                actor: Optional[model.User], details: dict[str, Any]) -> None:
    if not p.plugin_loaded("activity"):
        return
    from ckanext.activity.model import Activity

    if actor is None or actor.id == recipient.id:
        actor = _checks_user()
        if actor is None:
            return
    model.Session.add(Activity(
        user_id=actor.id, object_id=recipient.id, activity_type=NOTICE_TYPE,
        data={"package": {"id": package.id, "name": package.name, "title": package.title,
                          "type": package.type},
              "notice": {"event": event, "review_id": review.id, "kind": review.kind,
                         "reasons": details.get("reasons", []),
                         "comment": details.get("comment") or "",
                         "blocking": details.get("blocking", 0)}},
        permission_labels=[f"member-{review.organization_id}",
                           steward_label(review.organization_id)]))


# What the mails say ------------------------------------------------------------------------

def _site_url(path: str) -> str:
    return tk.config["ckan.site_url"].rstrip("/") + path


def mail_text(texts: Texts, review: Review, package: model.Package, event: str,
              actor: Optional[model.User], details: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of the mail about `event`, in the language of `texts`. Templates are
    filled before people's text (titles, comments) is added, so that text stays as it is."""
    _ = texts._
    names = {"title": package.title or package.name,
             "who": actor.display_name if actor else _("a pipeline"),
             "count": details.get("blocking", 0)}
    review_url = _site_url(f"/{texts.locale}/dataset/{package.name}/governance")
    lines: list[str] = []

    def say(template: str) -> None:
        lines.append(template.format(**names))

    if event == workflow.SUBMIT:
        subject = _("[Review] {title}: submitted for review")
        say(_("{who} submitted a change to the released dataset \"{title}\" for review.")
            if review.kind == "change" else _("{who} submitted the dataset \"{title}\" for "
                                                "review."))
        if details.get("comment"):
            lines += ["", _("Their note:"), details["comment"]]
        lines.append("")
        say(_("The automated checks are running. Once they pass, the dataset waits in your "
              "review queue:"))
        lines.append(review_url)
    elif event == workflow.CHECKS_FAILED_EVENT:
        subject = _("[Review] {title}: the automated checks failed")
        say(texts.ngettext(
            "The automated checks found {count} blocking problem in \"{title}\".",
            "The automated checks found {count} blocking problems in \"{title}\".",
            names["count"]))
        lines.append("")
        say(_("The report says what to change; fix it and submit again:"))
        lines.append(review_url)
    else:
        subject, opening = {
            workflow.REQUEST_CHANGES: (
                _("[Review] {title}: changes requested"),
                _("{who} asked for changes to \"{title}\" before it can be released.")),
            workflow.REJECT: (
                _("[Review] {title}: rejected"),
                _("{who} rejected \"{title}\"; this content will not be published.")),
            workflow.APPROVE: (
                _("[Review] {title}: approved and released"),
                _("{who} approved \"{title}\"; it is public now in the version you "
                  "submitted.")),
        }[event]
        say(opening)
        if details.get("reasons"):
            lines += ["", _("Reasons:")]
            lines += [f"  - {_(workflow.REASON_CODES.get(code, code))} ({code})"
                      for code in details["reasons"]]
        if details.get("comment"):
            lines += ["", _("Comment:"), details["comment"]]
        lines.append("")
        if event == workflow.REQUEST_CHANGES:
            say(_("Change the dataset and submit it again; you can answer with a comment when "
                  "you submit:"))
            lines.append(review_url)
        elif event == workflow.APPROVE:
            lines.append(_site_url(f"/{texts.locale}/dataset/{package.name}"))
        else:
            lines.append(review_url)
    return subject.format(**names), "\n".join(lines) + "\n"
