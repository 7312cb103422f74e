"""The audit row of a ticket change names who made it and from where: API, pages and mail
(security review)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.org.models import Person
from steward.servicedesk import services
from steward.servicedesk.models import Status, Ticket
from steward.servicedesk.tests.mail_world import deliver, desk_fixture, eml  # noqa: F401

pytestmark = pytest.mark.django_db


def _last_audit(ticket: Ticket) -> AuditEntry:
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk)
        )
        .order_by("-pk")
        .first()
    )


def test_audit_of_api_ticket_change_records_actor_and_api_origin(api, desk):
    agent = desk["users"][Role.AGENT]
    requester = Person.objects.get(user=desk["users"]["acme_contact"])
    ticket = services.ticket_create(actor=None, requester=requester, title="Printer")
    r = api(agent).patch(f"/api/servicedesk/tickets/{ticket.pk}/", {"title": "P2"}, format="json")
    assert r.status_code == 200
    row = _last_audit(ticket)
    assert (row.actor_id, row.origin) == (agent.pk, "api")


def test_audit_of_page_ticket_change_records_actor_and_web_origin(client, desk):
    agent = desk["users"][Role.AGENT]
    requester = Person.objects.get(user=desk["users"]["acme_contact"])
    ticket = services.ticket_create(actor=None, requester=requester, title="Printer")
    client.force_login(agent)
    r = client.post(
        f"/servicedesk/tickets/{ticket.pk}/status/",
        {"status": Status.IN_PROGRESS},
    )
    assert r.status_code in (200, 302)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    row = _last_audit(ticket)
    assert (row.actor_id, row.origin) == (agent.pk, "web")


def test_audit_of_mail_ticket_change_records_sender_as_actor_and_mail_origin(
    desk, django_capture_on_commit_callbacks
):
    contact = desk["users"]["acme_contact"]
    requester = Person.objects.get(user=contact)
    ticket = services.ticket_create(actor=None, requester=requester, title="Printer")
    services.ticket_transition(
        ticket=ticket, actor=desk["users"][Role.AGENT], status=Status.RESOLVED, resolution="ok"
    )
    raw = eml(
        f"From: Acme <{requester.email}>",
        f"Subject: Re: [{ticket.reference}] Printer",
        "Message-ID: <again@acme.example>",
        body="Still broken.\n",
    )
    outcome = deliver(raw, sender=requester.email)
    assert not outcome.reason, outcome
    ticket.refresh_from_db()
    assert ticket.status != Status.RESOLVED
    row = _last_audit(ticket)
    assert row.origin == "mail"
    assert row.actor_id == contact.pk
