"""Outgoing webhooks: every event is offered to the active subscriptions whose patterns match;
each match becomes a delivery that a task POSTs, signed, and retries with backoff."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from steward.core import configcache, permissions, services
from steward.core.context import Origin, change_context
from steward.core.tasks import task
from steward.integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (30, 120, 600, 3600, 21600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
TIMEOUT_SECONDS = 5
EXCERPT = 1000
USER_AGENT = "Steward-Webhooks/1"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _json_safe(payload: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(payload, cls=DjangoJSONEncoder, default=str))
    return result


# Subscriptions -------------------------------------------------------------------------


def webhook_create(*, data: Mapping[str, Any], actor: Any) -> tuple[WebhookSubscription, str]:
    """Creates a subscription with a fresh secret; the secret is returned once to show."""
    secret = secrets.token_hex(32)
    sub = services.object_create(
        model=WebhookSubscription, data={**data, "secret": secret}, actor=actor
    )
    return sub, secret


def webhook_rotate_secret(*, subscription: WebhookSubscription, actor: Any) -> str:
    secret = secrets.token_hex(32)
    services.object_update(obj=subscription, data={"secret": secret}, actor=actor)
    return secret


@transaction.atomic
def webhook_ping(*, subscription: WebhookSubscription, actor: Any) -> WebhookDelivery:
    """Queues a ``ping`` to test the endpoint and its signature check."""
    permissions.ensure(actor, "change", subscription)
    return _queue(subscription, "ping", {"subscription": subscription.pk, "hello": "Steward"})


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Sends the same event and payload again as a new delivery (the old one stays logged)."""
    permissions.ensure(actor, "change", delivery.subscription)
    return _queue(delivery.subscription, delivery.event, delivery.payload)


# Dispatch ------------------------------------------------------------------------------


def _queue(
    subscription: WebhookSubscription, event: str, payload: Mapping[str, Any]
) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=event[:100],
        payload=_json_safe(payload),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=str(delivery.pk), attempt=1))
    return delivery


def _active_subscriptions() -> tuple[WebhookSubscription, ...]:
    return tuple(WebhookSubscription.objects.filter(is_active=True))


def on_event(*, event: str, **payload: Any) -> None:
    """Subscribed to every event (``events.ANY``); runs after the change committed."""
    active = configcache.get("integrations.webhooks", _active_subscriptions)
    subscriptions = [s for s in active if s.matches(event)]
    if not subscriptions:
        return
    with transaction.atomic():
        for subscription in subscriptions:
            _queue(subscription, event, payload)


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.pk),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()


@task()
def deliver_webhook(delivery_id: str, attempt: int) -> str:
    """One attempt. Skips stale runs (another attempt already happened), so it is safe to
    run twice; a failure schedules the next attempt with ``run_after``."""
    with change_context(origin=Origin.TASK, request_id=f"webhook-{delivery_id}"):
        return deliver_attempt(delivery_id=delivery_id, attempt=attempt)


def deliver_attempt(*, delivery_id: str, attempt: int) -> str:
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempt - 1
    ).update(attempts=attempt, last_attempt_at=timezone.now(), next_attempt_at=None)
    if not claimed:
        return "stale"
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active:
        _record(delivery, DeliveryStatus.FAILED, error="The subscription is inactive.")
        return DeliveryStatus.FAILED
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Steward-Event": delivery.event,
        "X-Steward-Delivery": str(delivery.pk),
        "X-Steward-Signature": sign(subscription.secret, body),
    }
    code, text, error = None, "", ""
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        code, text = response.status_code, response.text[:EXCERPT]
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:EXCERPT]
    if not error:
        _record(delivery, DeliveryStatus.SUCCEEDED, code=code, text=text)
        return DeliveryStatus.SUCCEEDED
    if attempt >= MAX_ATTEMPTS:
        _record(delivery, DeliveryStatus.FAILED, code=code, text=text, error=error)
        return DeliveryStatus.FAILED
    retry_at = timezone.now() + datetime.timedelta(seconds=BACKOFF_SECONDS[attempt - 1])
    _record(delivery, DeliveryStatus.PENDING, code=code, text=text, error=error, retry=retry_at)
    deliver_webhook.using(run_after=retry_at).enqueue(
        delivery_id=str(delivery.pk), attempt=attempt + 1
    )
    return "retry"


def _record(
    delivery: WebhookDelivery,
    status: str,
    *,
    code: int | None = None,
    text: str = "",
    error: str = "",
    retry: datetime.datetime | None = None,
) -> None:
    delivery.status, delivery.response_code, delivery.response_body = status, code, text
    delivery.error, delivery.next_attempt_at = error, retry
    delivery.save(
        update_fields=[
            "status",
            "response_code",
            "response_body",
            "error",
            "next_attempt_at",
            "updated_at",
        ]
    )
