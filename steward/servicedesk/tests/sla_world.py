"""The calendars, policies and people of the SLA test matrix (docs/user-guide/sla.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.core.testing import make_user
from steward.org.models import Organisation, OrganisationKind, Person, Team
from steward.servicedesk.models import (
    BusinessCalendar,
    Holiday,
    SLAPolicy,
    SLAPolicyKind,
    SLATarget,
    WorkingHours,
)

BERLIN = ZoneInfo("Europe/Berlin")
H = 3600


def b(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime.datetime:
    """A moment on the OFFICE calendar's wall clock (Europe/Berlin)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def utc(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> Any:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=datetime.UTC)


class Frozen:
    """``timezone.now()`` under the test's control, so the real services run at set times."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = b(12, 1, 9)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        self.now = moment
        return moment


@dataclass
class World:
    internal: Organisation
    gold_org: Organisation
    requester: Person
    agent: Any
    agent_person: Person
    lead: Any
    team_a: Team
    team_b: Team
    office: BusinessCalendar
    always: BusinessCalendar
    standard: SLAPolicy
    gold: SLAPolicy
    ola_a: SLAPolicy
    ola_b: SLAPolicy


def build_world() -> World:
    internal, _ = Organisation.objects.get_or_create(
        name="Internal IT", defaults={"kind": OrganisationKind.INTERNAL}
    )
    gold_org = Organisation.objects.create(name="Gold Corp", kind=OrganisationKind.CUSTOMER)
    requester = Person.objects.create(
        first_name="Rita", last_name="Requester", organisation=internal, email="rita@int.example"
    )
    agent = make_user(Role.AGENT, username="sla_agent")
    agent_person = Person.objects.create(
        first_name="Alex",
        last_name="Agent",
        organisation=internal,
        user=agent,
        email="alex@int.example",
    )
    lead = make_user(Role.AGENT, username="sla_lead")
    lead_person = Person.objects.create(
        first_name="Lee",
        last_name="Lead",
        organisation=internal,
        user=lead,
        email="lee@int.example",
    )
    team_a = Team.objects.create(organisation=internal, name="Team A", lead=lead_person)
    team_b = Team.objects.create(organisation=internal, name="Team B")
    office = BusinessCalendar.objects.create(name="OFFICE", time_zone="Europe/Berlin")
    for weekday in range(5):
        WorkingHours.objects.create(
            calendar=office, weekday=weekday, start=datetime.time(8), end=datetime.time(17)
        )
    for day, name in (
        ((2026, 12, 24), "Christmas Eve"),
        ((2026, 12, 25), "Christmas Day"),
        ((2027, 1, 1), "New Year"),
    ):
        Holiday.objects.create(calendar=office, date=datetime.date(*day), name=name)
    always = BusinessCalendar.objects.create(name="24x7", time_zone="UTC")
    standard = SLAPolicy.objects.create(name="Standard", calendar=office, order=100)
    for priority, response, resolution in ((1, 60, 240), (3, 240, 960), (4, 540, 1080)):
        SLATarget.objects.create(
            policy=standard,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
        )
    gold = SLAPolicy.objects.create(name="Gold", calendar=always, organisation=gold_org, order=50)
    SLATarget.objects.create(policy=gold, priority=3, response_minutes=60, resolution_minutes=480)
    olas = []
    for team in (team_a, team_b):
        ola = SLAPolicy.objects.create(
            name=f"OLA {team.name}", kind=SLAPolicyKind.OLA, team=team, calendar=office
        )
        SLATarget.objects.create(policy=ola, priority=3, resolution_minutes=480)
        olas.append(ola)
    return World(
        internal,
        gold_org,
        requester,
        agent,
        agent_person,
        lead,
        team_a,
        team_b,
        office,
        always,
        standard,
        gold,
        *olas,
    )
