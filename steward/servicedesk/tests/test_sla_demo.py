"""The SLA demo loader: what it seeds, German holidays, idempotence, and that the seeded
policies drive real tickets."""

from __future__ import annotations

import datetime
import random

import pytest

from steward.core import registry
from steward.org.models import Organisation, OrganisationKind, Person, Team
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    SLAPolicy,
    SLATarget,
)
from steward.servicedesk.sla import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    internal = Organisation.objects.create(name="Northwind", kind=OrganisationKind.INTERNAL)
    customer = Organisation.objects.create(name="Acme Retail", kind=OrganisationKind.CUSTOMER)
    for name in ("Service Desk", "Network Operations"):
        Team.objects.create(organisation=internal, name=name)
    return internal, customer


def run() -> None:
    demo.load(rng=random.Random(1), log=lambda m: None, password="x")


def test_easter_and_the_german_holidays():
    assert demo.easter(2026) == datetime.date(2026, 4, 5)
    assert demo.easter(2027) == datetime.date(2027, 3, 28)
    days = dict(demo.german_holidays(2026))
    assert days[datetime.date(2026, 4, 3)] == "Karfreitag"
    assert days[datetime.date(2026, 5, 14)] == "Christi Himmelfahrt"
    assert days[datetime.date(2026, 5, 25)] == "Pfingstmontag"
    assert len(days) == 9


def test_the_demo_seeds_calendars_policies_olas_and_escalations(org):
    _internal, customer = org
    run()
    office = BusinessCalendar.objects.get(name="Office hours")
    assert office.time_zone == "Europe/Berlin"
    assert office.hours.count() == 5
    assert office.holidays.count() == 18
    assert not BusinessCalendar.objects.get(name="24x7").hours.exists()
    standard = SLAPolicy.objects.get(name="Standard")
    assert sorted(standard.targets.values_list("priority", flat=True)) == [2, 3, 4, 5]
    assert (
        SLATarget.objects.get(policy__name__contains="critical", priority=1).resolution_minutes
        == 240
    )
    assert SLAPolicy.objects.get(name="Gold customer").organisation == customer
    assert SLAPolicy.objects.filter(kind="ola").count() == 2
    assert EscalationRule.objects.filter(action="raise_priority").exists()
    assert EscalationRule.objects.filter(action="reassign").exists()


def test_the_demo_is_idempotent(org):
    run()
    counts = [
        m.objects.count() for m in (BusinessCalendar, Holiday, SLAPolicy, SLATarget, EscalationRule)
    ]
    run()
    assert counts == [
        m.objects.count() for m in (BusinessCalendar, Holiday, SLAPolicy, SLATarget, EscalationRule)
    ]


def test_the_demo_is_registered_after_the_organisation(org):
    orders = {name: order for order, name, _ in registry.demo_loaders}
    assert orders["servicedesk_sla"] == 30
    assert orders["org"] < 30


def test_demo_policies_pick_p1_around_the_clock_and_gold_for_the_customer(org):
    from steward.servicedesk.services import ticket_create

    internal, customer = org
    run()
    rita = Person.objects.create(
        first_name="R", last_name="R", organisation=internal, email="r@x.example"
    )
    p1 = ticket_create(actor=None, requester=rita, title="Down", impact=1, urgency=1)
    assert p1.sla_policy.name == "Standard – critical (24x7)"
    p3 = ticket_create(actor=None, requester=rita, title="Slow", impact=2, urgency=2)
    assert p3.sla_policy.name == "Standard"
    contact = Person.objects.create(
        first_name="C", last_name="C", organisation=customer, email="c@acme.example"
    )
    gold = ticket_create(actor=None, requester=contact, title="Help", impact=2, urgency=2)
    assert gold.sla_policy.name == "Gold customer"
