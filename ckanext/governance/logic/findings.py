"""Actions on the privacy findings of a dataset's latest check run (stewards only): dismiss a
finding as a false positive, reveal a handful of raw values behind one."""
from __future__ import annotations

from typing import Any

from ckan import model
from ckan.logic import validate
import ckan.plugins.toolkit as tk

from .. import findings, review
from . import schema


@validate(schema.finding_dismiss)
def governance_finding_dismiss(context, data_dict):
    """Dismiss a privacy finding of the dataset's latest check run as a false positive.

    The dismissal holds for the finding's check, column(s) or metadata field and the content
    hash of the file (or field) it was made on, and goes into the audit log with the reason.
    When it was the last blocking problem of a failed run, the review moves on to ``in_review``.
    Four eyes: not for whoever submitted or changed the content.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param finding_id: the ``id`` of the finding in ``governance_report_show``
    :type finding_id: string
    :param reason: why it is not personal data (kept in the audit log)
    :type reason: string
    :returns: the dataset's governance status
    :rtype: dictionary
    """
    tk.check_access("governance_finding_dismiss", context, data_dict)
    current = review.open_review_or_fail(data_dict["package_id"])
    with review.rollback_on_failure():
        findings.dismiss(current, data_dict["finding_id"], data_dict["reason"],
                         review.actor_id(context))
    model.repo.commit()
    return tk.get_action("governance_status_show")(context, {"package_id": current.package_id})


@validate(schema.finding_reveal)
def governance_finding_reveal(context, data_dict):
    """Show a steward up to five rows of raw values behind a privacy finding (cells that
    match the check first), read from exactly the content that was checked.

    Audited: the entry names who revealed which check and column(s), never the values. The
    values go to the caller only; nothing logs them.

    :param package_id: id or name of the dataset
    :type package_id: string
    :param finding_id: the ``id`` of the finding in ``governance_report_show``
    :type finding_id: string
    :returns: ``finding``, ``columns``, ``rows`` (each ``row``: the row number in the file,
        None for metadata; ``values``: one per column) and ``limit``
    :rtype: dictionary
    """
    tk.check_access("governance_finding_reveal", context, data_dict)
    current = review.open_review_or_fail(data_dict["package_id"])
    try:
        revealed = findings.reveal(current, data_dict["finding_id"], review.actor_id(context))
    except Exception:
        model.Session.rollback()
        raise
    model.repo.commit()
    return revealed


ACTIONS: dict[str, Any] = {f.__name__: f for f in (governance_finding_dismiss,
                                                   governance_finding_reveal)}
