"""A small, known service desk for the report, survey and search tests: tickets written
directly (the reports read stored fields, not the services that fill them)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.org.models import Person, Team
from steward.servicedesk.models import Category, Status, SurveyResponse, Ticket

_n = itertools.count(1)
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def ticket(world: dict[str, Any], *, created: datetime.datetime | None = None, **fields: Any):
    """A ticket created at ``created`` (default: NOW); other fields as given."""
    n = next(_n)
    fields.setdefault("requester", world["employee"])
    fields.setdefault("organisation", fields["requester"].organisation)
    fields.setdefault("title", f"Ticket {n}")
    t = Ticket.objects.create(reference=f"INC-{900000 + n:06d}", **fields)
    Ticket.objects.filter(pk=t.pk).update(created_at=created or NOW)
    t.refresh_from_db()
    return t


def hours(h: float) -> datetime.timedelta:
    return datetime.timedelta(hours=h)


def survey(t: Ticket, rating: int | None, sent: datetime.datetime | None = None):
    s = SurveyResponse.objects.create(ticket=t, token=f"tok-{t.pk}", rating=rating)
    if rating is not None:
        s.answered_at = timezone.now()
        s.save()
    SurveyResponse.objects.filter(pk=s.pk).update(sent_at=sent or NOW)
    return s


@pytest.fixture
def world(org_world) -> dict[str, Any]:
    internal = org_world["internal"]
    users = org_world["users"]
    agent = Person.objects.get(user=users[Role.AGENT])
    bea = Person.objects.create(
        first_name="Bea", last_name="Agent", organisation=internal, email="bea@internal.example"
    )
    network = Team.objects.create(organisation=internal, name="Network")
    desk = Team.objects.create(organisation=internal, name="Service Desk")
    hardware = Category.objects.create(name="Hardware")
    laptop = Category.objects.create(name="Laptop", parent=hardware)
    email = Category.objects.create(name="E-mail")
    return {
        **org_world,
        "agent": agent,
        "bea": bea,
        "network": network,
        "desk": desk,
        "hardware": hardware,
        "laptop": laptop,
        "email": email,
        "employee": Person.objects.get(user=users[Role.EMPLOYEE]),
        "acme_contact": Person.objects.get(user=users["acme_contact"]),
        "globex_contact": Person.objects.get(user=users["globex_contact"]),
        "Status": Status,
    }
