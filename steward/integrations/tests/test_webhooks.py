from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from steward.core import services
from steward.integrations import webhooks
from steward.integrations.models import DeliveryStatus, WebhookDelivery
from steward.org.models import Person


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that checks each request's signature."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses, self.requests, self.secret = list(statuses), [], ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                signed = hmac.compare_digest(expected, self.headers["X-Steward-Signature"])
                receiver.requests.append(
                    {"headers": dict(self.headers), "body": json.loads(body), "signed": signed}
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status if signed else 401)
                self.end_headers()
                self.wfile.write(b"ok" if signed else b"bad signature")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    made = []

    def make(statuses=()):
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def admin(org_world):
    return org_world["users"]["admin"]


def subscribe(admin, receiver, events=("*",)):
    sub, secret = webhooks.webhook_create(
        data={"name": "Receiver", "url": receiver.url, "events": list(events)}, actor=admin
    )
    receiver.secret = secret
    return sub


def deliveries_of(sub):
    return list(WebhookDelivery.objects.filter(subscription=sub).order_by("created_at"))


def test_signature_matches_body(
    org_world, admin, receiver_factory, django_capture_on_commit_callbacks
):
    receiver = receiver_factory()
    sub = subscribe(admin, receiver, events=["org.person_*"])
    with django_capture_on_commit_callbacks(execute=True):
        person = services.object_create(
            model=Person,
            data={"first_name": "Web", "last_name": "Hook", "organisation": org_world["internal"]},
            actor=admin,
        )
    [delivery] = deliveries_of(sub)

    assert webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=1) == "succeeded"

    [request] = receiver.requests
    assert request["signed"] is True
    assert request["headers"]["X-Steward-Event"] == "org.person_created"
    assert request["headers"]["X-Steward-Delivery"] == str(delivery.pk)
    assert request["body"]["data"] == {"model": "org.Person", "pk": person.pk}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("succeeded", 200, 1)


def test_events_are_matched_by_pattern_and_inactive_subscriptions_get_nothing(
    admin, receiver_factory
):
    receiver = receiver_factory()
    people = subscribe(admin, receiver, events=["org.person_*"])
    webhooks.webhook_create(
        data={"name": "Off", "url": receiver.url, "events": ["*"], "is_active": False},
        actor=admin,
    )
    webhooks.on_event(event="org.team_created", model="org.Team", pk=1)
    webhooks.on_event(event="org.person_updated", model="org.Person", pk=1)
    assert [d.event for d in WebhookDelivery.objects.all()] == ["org.person_updated"]
    assert WebhookDelivery.objects.get().subscription == people


def test_server_error_schedules_retry_with_backoff(admin, receiver_factory):
    receiver = receiver_factory(statuses=[500, 500])
    sub = subscribe(admin, receiver)
    delivery = webhooks._queue(sub, "org.person_created", {"pk": 1})
    before = timezone.now()

    assert webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=1) == "retry"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.error == "HTTP 500"
    wait = delivery.next_attempt_at - before
    assert datetime.timedelta(seconds=29) < wait < datetime.timedelta(seconds=35)
    [queued] = DBTaskResult.objects.filter(task_path__endswith="deliver_webhook")
    assert queued.args_kwargs["kwargs"] == {"delivery_id": str(delivery.pk), "attempt": 2}
    assert abs((queued.run_after - delivery.next_attempt_at).total_seconds()) < 1

    webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=2)
    delivery.refresh_from_db()
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=110) < wait <= datetime.timedelta(seconds=120)
    assert len(receiver.requests) == 2


def test_delivery_fails_for_good_after_max_attempts(admin, receiver_factory):
    receiver = receiver_factory(statuses=[503] * 10)
    sub = subscribe(admin, receiver)
    delivery = webhooks._queue(sub, "org.person_created", {"pk": 1})
    results = [
        webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=n)
        for n in range(1, webhooks.MAX_ATTEMPTS + 2)
    ]
    assert results == ["retry"] * 5 + ["failed", "stale"]
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS == 6
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == (DeliveryStatus.FAILED, None)


def test_attempt_run_twice_sends_once(admin, receiver_factory):
    receiver = receiver_factory()
    delivery = webhooks._queue(subscribe(admin, receiver), "ping", {})
    webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=1)
    assert webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=1) == "stale"
    assert len(receiver.requests) == 1


def test_unreachable_endpoint_is_logged_and_retried(admin, receiver_factory):
    receiver = receiver_factory()
    sub = subscribe(admin, receiver)
    receiver.close()
    delivery = webhooks._queue(sub, "ping", {})
    assert webhooks.deliver_attempt(delivery_id=str(delivery.pk), attempt=1) == "retry"
    delivery.refresh_from_db()
    assert "ConnectionError" in delivery.error and delivery.response_code is None


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "file:///etc/passwd", "javascript:alert(1)"])
def test_non_http_url_is_refused(admin, url):
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_create(data={"name": "X", "url": url, "events": ["*"]}, actor=admin)
    assert "url" in caught.value.message_dict


def test_only_admin_may_create_webhooks(org_world):
    with pytest.raises(PermissionDenied):
        webhooks.webhook_create(
            data={"name": "X", "url": "http://127.0.0.1/", "events": ["*"]},
            actor=org_world["users"]["it_manager"],
        )


def test_secret_is_masked_in_the_audit(admin):
    from steward.core.models import AuditEntry

    sub, secret = webhooks.webhook_create(
        data={"name": "X", "url": "https://hooks.example/", "events": ["*"]}, actor=admin
    )
    from django.contrib.contenttypes.models import ContentType

    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(sub), object_id=str(sub.pk)
    )
    assert entry.after["secret"].startswith("********") and secret not in json.dumps(entry.after)
