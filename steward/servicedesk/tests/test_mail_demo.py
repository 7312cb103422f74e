"""The demo's mail goes through the real pipeline and is loaded once."""

from __future__ import annotations

import random

import pytest

from steward.core.features import attachments_for
from steward.notifications.models import InboundMessage
from steward.servicedesk import maildemo
from steward.servicedesk.models import EntryKind, Ticket
from steward.servicedesk.tests.mail_world import desk_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_mail_opens_an_answered_ticket_and_fills_the_quarantine_once(desk):
    desk["internal"].mail_domain = "northwind.example"
    desk["internal"].save()
    for _ in range(2):
        maildemo.load(rng=random.Random(1), log=lambda line: None)
    ticket = Ticket.objects.get()
    assert ticket.title == "Outlook keeps asking for my password"
    assert ticket.requester.email == "dana.whitfield@northwind.example"
    assert [a.name for a in attachments_for(ticket, None)] == ["signin-log.csv"]
    assert ticket.entries.get(kind=EntryKind.REPLY).body == "It also happens on my phone."
    reasons = sorted(InboundMessage.objects.values_list("reason", flat=True))
    assert reasons == ["auto-reply", "auto-reply", "unknown-sender"]
