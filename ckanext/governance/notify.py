"""E-mail through CKAN's mailer: stewards hear of submissions, submitters of decisions."""
from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer

from . import workflow
from .model import Decision, Review
from .stewards import steward_users

log = logging.getLogger(__name__)


def _review_url(package: model.Package) -> str:
    return f"{tk.config['ckan.site_url'].rstrip('/')}/dataset/{package.name}/governance"


def _send(user: model.User, subject: str, body: str) -> None:
    if not user.email:
        log.warning("user %s has no e-mail address; not notified", user.name)
        return
    mailer.mail_user(user, subject, body)


def mail_stewards_submitted(review_id: str) -> None:
    review = model.Session.get(Review, review_id)
    package = model.Package.get(review.package_id)
    submitter = model.Session.get(model.User, review.submitted_by) if review.submitted_by else None
    what = "A change to the released dataset" if review.kind == "change" else "The dataset"
    subject = f"[Review] {package.title or package.name}"
    body = (f"{what} \"{package.title or package.name}\" was submitted for review"
            f" by {submitter.display_name if submitter else 'a pipeline'}.\n\n"
            f"The automated checks are running; review it here:\n{_review_url(package)}\n")
    for steward in steward_users(review.organization_id):
        if steward.id != review.submitted_by:
            _send(steward, subject, body)


def mail_submitter_decided(decision_id: str) -> None:
    decision = model.Session.get(Decision, decision_id)
    review = model.Session.get(Review, decision.review_id)
    submitter = model.Session.get(model.User, review.submitted_by) if review.submitted_by else None
    if submitter is None:
        return
    package = model.Package.get(review.package_id)
    steward = model.Session.get(model.User, decision.user_id)
    outcome = {workflow.APPROVE: "approved and is now public",
               workflow.REQUEST_CHANGES: "needs changes",
               workflow.REJECT: "was rejected"}[decision.decision]
    reasons = "".join(f"\n  - {code}: {workflow.REASON_CODES[code]}" for code in decision.reasons)
    body = (f"\"{package.title or package.name}\" {outcome}"
            f" (decided by {steward.display_name if steward else 'a steward'}).\n")
    if reasons:
        body += f"\nReasons:{reasons}\n"
    if decision.comment:
        body += f"\nComment:\n{decision.comment}\n"
    body += f"\n{_review_url(package)}\n"
    _send(submitter, f"[Review decision] {package.title or package.name}: {outcome}", body)
