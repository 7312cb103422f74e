"""Arrangements shared by the ticket tests: a service desk with teams, agents and spies."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from steward.core.permissions import Role
from steward.core.testing import make_user
from steward.org.models import Organisation, Person, Team
from steward.servicedesk.models import Category

_n = itertools.count(1)


def person(org: Organisation, *roles: str, login: bool = True, **fields: Any) -> Person:
    n = next(_n)
    user = make_user(*roles, username=f"p{n}") if login else None
    return Person.objects.create(
        first_name=fields.pop("first_name", f"P{n}"),
        last_name=fields.pop("last_name", "Test"),
        email=f"p{n}@example.org",
        organisation=org,
        user=user,
        **fields,
    )


def team(org: Organisation, name: str, members: list[Person]) -> Team:
    t = Team.objects.create(organisation=org, name=name)
    t.members.set(members)
    return t


class Spy:
    """Records what the services hand to the event bus and the SLA engine."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.sla: list[tuple[str, dict[str, Any]]] = []

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def payload(self, name: str) -> dict[str, Any]:
        return next(p for n, p in reversed(self.events) if n == name)

    def opened(self, ticket: Any) -> Any:
        """Stands in for ``engine.ticket_opened``: its clocks start with nothing."""
        self.sla.append(("opened", {}))
        return lambda: None


@pytest.fixture
def spy(monkeypatch) -> Spy:
    from steward.core import events
    from steward.servicedesk.sla import engine

    s = Spy()
    monkeypatch.setattr(events, "publish", lambda name, **p: s.events.append((name, p)))
    monkeypatch.setattr(engine, "ticket_opened", lambda t, at: s.opened(t))
    monkeypatch.setattr(
        engine,
        "ticket_changed",
        lambda t, changed, previous, at: s.sla.append(
            ("changed", {"changed": changed, "previous": previous})
        ),
    )
    monkeypatch.setattr(engine, "first_response", lambda t, at: s.sla.append(("response", {})))
    return s


@pytest.fixture
def desk(org_world) -> dict[str, Any]:
    """Two teams of the internal organisation, their agents, and the org_world logins."""
    internal = org_world["internal"]
    users = org_world["users"]
    agent = Person.objects.get(user=users[Role.AGENT])
    agent2 = person(internal, Role.AGENT, first_name="Bea")
    network = team(internal, "Network", [agent, agent2])
    service_desk = team(internal, "Service Desk", [agent])
    hardware = Category.objects.create(name="Hardware", default_team=service_desk)
    return {
        **org_world,
        "agent": agent,
        "agent2": agent2,
        "network": network,
        "service_desk": service_desk,
        "hardware": hardware,
        "employee": Person.objects.get(user=users[Role.EMPLOYEE]),
        "acme_contact": Person.objects.get(user=users["acme_contact"]),
        "globex_contact": Person.objects.get(user=users["globex_contact"]),
    }


def new_ticket(desk: dict[str, Any], requester: Person | None = None, **kw: Any) -> Any:
    from steward.servicedesk.services import ticket_create

    return ticket_create(
        actor=kw.pop("actor", None),
        requester=requester or desk["employee"],
        title=kw.pop("title", "Printer jams"),
        **kw,
    )
