"""Webhooks: a signed POST to an organization's URLs on every review transition of its datasets.

The way of an event: the signal ``governance:review_transitioned`` (sent after the commit of
the transition) -> `enqueue_event` queues `fan_out` -> `fan_out` (a job) writes one delivery
row per hook of the organization that owns the dataset and queues `deliver` for each ->
`deliver` (a job) posts it. A failed attempt is written to the delivery's log and the next one
is scheduled with exponential backoff on RQ's scheduler, so events wait in the database while
a receiver is down and arrive once it is back. After the last attempt the delivery is
``failed`` and an admin can send it again.

The body is JSON; the header ``X-Governance-Signature: t=<unix time>,v1=<hex>`` carries an
HMAC-SHA256 with the hook's secret over ``"<t>." + body`` (see docs/webhooks.md), so a
receiver can check who sent it and refuse replays of old deliveries.

The payload names the dataset, the organization and the review transition, nothing more: no
user, no comment, no metadata or file of the dataset.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import uuid
from typing import Any, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa
from redis.exceptions import RedisError

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs

from . import review, workflow
from .checks import ChecksError, netguard
from .model import utcnow
from .model.webhook import Webhook, WebhookDelivery

log = logging.getLogger(__name__)

EVENT_TYPE = "review.transitioned"
SIGNATURE_HEADER = "X-Governance-Signature"
USER_AGENT = "ckanext-governance-webhook/1"
MAX_HOOKS_PER_ORGANIZATION = 10
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
DELIVERY_STATES = (PENDING, DELIVERED, FAILED)
# Attempts kept in a delivery's log (the count of all attempts is kept apart).
_LOG_LENGTH = 20
_ERROR_LENGTH = 300


def _option(name: str) -> Any:
    return tk.config.get(f"ckanext.governance.webhooks.{name}")


def new_secret() -> str:
    return secrets.token_hex(32)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def check_url(url: str) -> None:
    """Refuse URLs that are not http(s), carry credentials or reach non-public addresses
    (unless the operator allows private targets); raise ChecksError with the reason."""
    _scheme, host, port = netguard.check_url(url, "webhook URL")
    netguard.resolve(host, port, allow_private=_option("allow_private"), what="webhook URL")


def audited_url(url: str) -> dict[str, str]:
    """What the audit log keeps of a hook's URL: where events go (scheme, host, port) and a
    hash that matches the whole URL, never its path or query, which often carry the
    receiver's token (every member of the organization may read its audit trail)."""
    parts = urlsplit(url)
    return {"url": f"{parts.scheme}://{parts.netloc}",
            "url_sha256": hashlib.sha256(url.encode("utf-8")).hexdigest()}


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: doubling, capped."""
    base, cap = _option("retry_delay"), _option("max_retry_delay")
    return min(base * 2 ** min(attempts - 1, 30), cap)


# Events ---------------------------------------------------------------------------------------

def enqueue_event(review_id: str, *, package_id: str, kind: str, event: str, from_state: str,
                  to_state: str, details: dict[str, Any], **_sender_data) -> None:
    """Receiver of ``governance:review_transitioned``. It runs after the commit, when the
    session cannot query, so it only queues the job that writes the deliveries."""
    reasons = [code for code in details.get("reasons") or [] if code in workflow.REASON_CODES]
    transition = {"id": review_id, "kind": kind, "event": event, "from_state": from_state,
                  "to_state": to_state}
    if event in (workflow.REQUEST_CHANGES, workflow.REJECT):
        transition["reasons"] = reasons
    if details.get("check_run"):
        transition["check_run"] = {"id": details["check_run"],
                                   "blocking": int(details.get("blocking") or 0)}
    occurred = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")
    event_data = {"id": str(uuid.uuid4()), "occurred_at": occurred.replace("+00:00", "Z"),
                  "package_id": package_id, "review": transition}
    try:
        tk.enqueue_job(fan_out, [event_data], title=f"governance webhooks {event} {review_id}")
    except RedisError:  # the transition is committed: the request must not fail now
        log.exception("could not queue the webhooks of event %s of review %s", event, review_id)


def _payload(event_data: dict[str, Any], package: model.Package,
             organization: model.Group) -> dict[str, Any]:
    site = tk.config["ckan.site_url"].rstrip("/")
    return {
        "id": event_data["id"],
        "type": EVENT_TYPE,
        "occurred_at": event_data["occurred_at"],
        "organization": {"id": organization.id, "name": organization.name},
        "dataset": {"id": package.id, "name": package.name, "url": f"{site}/dataset/{package.name}",
                    "released": review.latest_release(package.id) is not None},
        "review": event_data["review"],
    }


def fan_out(event_data: dict[str, Any]) -> None:
    """Job: one delivery per hook of the organization that owns the dataset now (a dataset
    moved to another organization no longer reports to the old one). Safe to run twice."""
    package = model.Package.get(event_data["package_id"])
    organization = model.Group.get(package.owner_org) if package and package.owner_org else None
    if organization is None:
        return
    hooks = model.Session.scalars(sa.select(Webhook).where(
        Webhook.organization_id == organization.id)).all()
    if not hooks:
        return
    payload = _payload(event_data, package, organization)
    known = set(model.Session.scalars(sa.select(WebhookDelivery.webhook_id).where(
        WebhookDelivery.event_id == event_data["id"])))
    deliveries = [WebhookDelivery(webhook_id=hook.id, event_id=event_data["id"],
                                  package_id=package.id, payload=payload, state=PENDING,
                                  attempts=0, attempt_log=[], next_attempt_at=utcnow())
                  for hook in hooks if hook.id not in known]
    model.Session.add_all(deliveries)
    model.repo.commit()
    for delivery in deliveries:
        enqueue_delivery(delivery.id)


# Delivery -------------------------------------------------------------------------------------

def enqueue_delivery(delivery_id: str, delay: int = 0) -> None:
    title = f"governance webhook delivery {delivery_id}"
    if delay <= 0:
        tk.enqueue_job(deliver, [delivery_id], title=title)
        return
    # RQ's scheduler (part of `ckan jobs worker`) moves the job to the queue when it is due.
    jobs.get_queue().enqueue_in(datetime.timedelta(seconds=delay), deliver, delivery_id,
                                job_timeout=tk.config.get("ckan.jobs.timeout"),
                                meta={"title": title})


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[Optional[int], Optional[str]]:
    """One attempt: (HTTP status or None, error or None). Redirects are not followed: the
    address a redirect names was never checked."""
    body = body_of(delivery.payload)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               "X-Governance-Event": EVENT_TYPE, "X-Governance-Delivery": delivery.id,
               SIGNATURE_HEADER: sign(hook.secret, body, int(time.time()))}
    try:
        connection, path = netguard.pinned_connection(
            hook.url, allow_private=_option("allow_private"), timeout=_option("timeout"),
            what="webhook URL")
        try:
            connection.request("POST", path, body=body, headers=headers)
            status = connection.getresponse().status
        finally:
            connection.close()
    except ChecksError as error:
        return None, str(error)
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


def deliver(delivery_id: str) -> None:
    """Job: one attempt to deliver; on failure, the next attempt is scheduled (or the delivery
    is marked failed after the last one). The row stays locked during the attempt, so two jobs
    for one delivery never post it twice at the same time."""
    delivery = model.Session.scalars(
        sa.select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
        .with_for_update(skip_locked=True)).first()
    if delivery is None or delivery.state != PENDING:
        model.Session.rollback()
        return
    hook = model.Session.get(Webhook, delivery.webhook_id)
    started = time.monotonic()
    status, error = _post(hook, delivery)
    now = utcnow()
    delivery.attempts += 1
    delivery.attempt_log = [*delivery.attempt_log, {
        "at": now.isoformat(), "status": status,
        "error": error[:_ERROR_LENGTH] if error else None,
        "seconds": round(time.monotonic() - started, 3)}][-_LOG_LENGTH:]
    delay = 0
    if error is None:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DELIVERED, now, None
    elif delivery.attempts >= _option("max_attempts"):
        delivery.state, delivery.next_attempt_at = FAILED, None
        log.warning("webhook delivery %s failed for good after %s attempts: %s",
                    delivery.id, delivery.attempts, error)
    else:
        delay = retry_delay(delivery.attempts)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=delay)
    model.repo.commit()
    if delay:
        enqueue_delivery(delivery_id, delay)


def redeliver(delivery: WebhookDelivery) -> None:
    """Send a delivery again from the first attempt (its log keeps the earlier attempts)."""
    delivery.state, delivery.attempts, delivery.next_attempt_at = PENDING, 0, utcnow()
    delivery.delivered_at = None
    model.repo.commit()
    enqueue_delivery(delivery.id)


def requeue_overdue(grace: int = 600) -> int:
    """Queue again every pending delivery whose attempt is overdue by more than `grace`
    seconds, e.g. after Redis lost its queue; returns how many."""
    overdue = list(model.Session.scalars(sa.select(WebhookDelivery.id).where(
        WebhookDelivery.state == PENDING,
        WebhookDelivery.next_attempt_at < utcnow() - datetime.timedelta(seconds=grace))))
    for delivery_id in overdue:
        enqueue_delivery(delivery_id)
    return len(overdue)
