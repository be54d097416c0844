"""Webhook actions: organization admins (and sysadmins) register URLs that receive a signed
POST on every review transition of the organization's datasets, and read their delivery log.
"""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.logic import validate

from .. import audit, review, webhooks
from ..model.webhook import Webhook, WebhookDelivery
from . import schema


def _iso(value) -> Optional[str]:
    return value.isoformat() if value else None


def _hook_dict(hook: Webhook) -> dict[str, Any]:
    counts = dict(model.Session.execute(
        sa.select(WebhookDelivery.state, sa.func.count()).where(
            WebhookDelivery.webhook_id == hook.id).group_by(WebhookDelivery.state)).all())
    creator = model.Session.get(model.User, hook.created_by) if hook.created_by else None
    return {"id": hook.id, "organization_id": hook.organization_id, "url": hook.url,
            "created": _iso(hook.created), "created_by": creator.name if creator else None,
            "deliveries": {state: counts.get(state, 0) for state in webhooks.DELIVERY_STATES}}


def _delivery_dict(delivery: WebhookDelivery) -> dict[str, Any]:
    return {"id": delivery.id, "webhook_id": delivery.webhook_id,
            "event_id": delivery.event_id, "package_id": delivery.package_id,
            "state": delivery.state, "attempts": delivery.attempts,
            "attempt_log": delivery.attempt_log, "created": _iso(delivery.created),
            "next_attempt_at": _iso(delivery.next_attempt_at),
            "delivered_at": _iso(delivery.delivered_at), "payload": delivery.payload}


@validate(schema.webhook_create)
def governance_webhook_create(context, data_dict):
    """Register a URL that receives a signed POST on every review transition of the
    organization's datasets (see docs/webhooks.md for the payload and the signature).

    The URL must be http(s), without user name or password, and its host must resolve to
    public addresses only.

    :param organization_id: id or name of the organization
    :type organization_id: string
    :param url: where to post
    :type url: string
    :returns: the hook, with its ``secret``: keep it, it is never shown again
    :rtype: dictionary
    """
    tk.check_access("governance_webhook_create", context, data_dict)
    organization_id, url = data_dict["organization_id"], data_dict["url"]
    # The organization's row lock makes concurrent registrations take turns.
    model.Session.execute(sa.select(model.Group.id).where(model.Group.id == organization_id)
                          .with_for_update())
    hooks = model.Session.scalars(sa.select(Webhook).where(
        Webhook.organization_id == organization_id)).all()
    if any(hook.url == url for hook in hooks):
        raise tk.ValidationError({"url": [tk._("This URL is registered already")]})
    if len(hooks) >= webhooks.MAX_HOOKS_PER_ORGANIZATION:
        raise tk.ValidationError({"url": [tk._(
            "An organization can have at most {count} webhooks").format(
                count=webhooks.MAX_HOOKS_PER_ORGANIZATION)]})
    actor = review.actor_id(context)
    hook = Webhook(organization_id=organization_id, url=url, secret=webhooks.new_secret(),
                   created_by=actor)
    model.Session.add(hook)
    model.Session.flush()
    audit.append("webhook_created", actor_id=actor, package_id=None, details={
        "organization_id": organization_id, "webhook_id": hook.id, **webhooks.audited_url(url)})
    model.repo.commit()
    return {**_hook_dict(hook), "secret": hook.secret}


@tk.side_effect_free
@validate(schema.webhook_list)
def governance_webhook_list(context, data_dict):
    """The webhooks of an organization (without their secrets), with counts of deliveries by
    state.

    :param organization_id: id or name of the organization
    :type organization_id: string
    :rtype: list of dictionaries
    """
    tk.check_access("governance_webhook_list", context, data_dict)
    hooks = model.Session.scalars(sa.select(Webhook).where(
        Webhook.organization_id == data_dict["organization_id"]).order_by(Webhook.created))
    return [_hook_dict(hook) for hook in hooks]


@validate(schema.webhook_delete)
def governance_webhook_delete(context, data_dict):
    """Delete a webhook and its delivery log; deliveries still waiting are dropped.

    :param id: id of the webhook
    :type id: string
    """
    tk.check_access("governance_webhook_delete", context, data_dict)
    hook = model.Session.get(Webhook, data_dict["id"])
    if hook is None:
        raise tk.ObjectNotFound(tk._("Webhook not found"))
    audit.append("webhook_deleted", actor_id=review.actor_id(context), package_id=None,
                 details={"organization_id": hook.organization_id, "webhook_id": hook.id,
                          **webhooks.audited_url(hook.url)})
    model.Session.delete(hook)
    model.repo.commit()


@tk.side_effect_free
@validate(schema.webhook_delivery_list)
def governance_webhook_delivery_list(context, data_dict):
    """The delivery log of a webhook, newest first: every event with its state, the number of
    attempts, the latest attempts (time, HTTP status or error) and the payload that was sent.

    :param webhook_id: id of the webhook
    :type webhook_id: string
    :param state: only deliveries in this state (``pending``, ``delivered``, ``failed``)
    :type state: string
    :param limit: at most this many (default 50)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``count`` and ``results``
    :rtype: dictionary
    """
    tk.check_access("governance_webhook_delivery_list", context, data_dict)
    if model.Session.get(Webhook, data_dict["webhook_id"]) is None:
        raise tk.ObjectNotFound(tk._("Webhook not found"))
    query = sa.select(WebhookDelivery).where(
        WebhookDelivery.webhook_id == data_dict["webhook_id"])
    if data_dict.get("state"):
        query = query.where(WebhookDelivery.state == data_dict["state"])
    count = model.Session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = model.Session.scalars(
        query.order_by(WebhookDelivery.created.desc(), WebhookDelivery.id)
        .limit(data_dict.get("limit", 50)).offset(data_dict.get("offset", 0)))
    return {"count": count, "results": [_delivery_dict(row) for row in rows]}


@validate(schema.webhook_redeliver)
def governance_webhook_redeliver(context, data_dict):
    """Send a delivery that failed (or that the receiver lost) again, starting a new round of
    attempts.

    :param id: id of the delivery
    :type id: string
    :returns: the delivery
    :rtype: dictionary
    """
    tk.check_access("governance_webhook_redeliver", context, data_dict)
    delivery = model.Session.get(WebhookDelivery, data_dict["id"])
    if delivery is None:
        raise tk.ObjectNotFound(tk._("Delivery not found"))
    if delivery.state == webhooks.PENDING:
        raise tk.ValidationError({"id": [tk._(
            "This delivery is still being attempted; it cannot be sent again now")]})
    webhooks.redeliver(delivery)
    return _delivery_dict(delivery)


ACTIONS = {name: function for name, function in dict(globals()).items()
           if name.startswith("governance_") and callable(function)}
