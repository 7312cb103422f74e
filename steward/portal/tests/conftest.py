"""Fixtures of the portal tests: the platform's ``org_world`` (an internal organisation, Acme
and Globex with a contact each) plus business services and a helper to open tickets."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.permissions import Role
from steward.org.models import Person
from steward.servicedesk import services as sd
from steward.servicedesk.models import Service


@pytest.fixture
def world(org_world):
    org_world["email"] = Service.objects.create(name="E-mail", slug="email", order=1)
    org_world["payroll"] = Service.objects.create(name="Payroll", slug="payroll", order=2)
    org_world["secret"] = Service.objects.create(
        name="Build farm", slug="build-farm", is_public=False, order=3
    )
    org_world["people"] = {
        name: Person.objects.get(user=user) for name, user in org_world["users"].items()
    }
    return org_world


@pytest.fixture
def person(world):
    return lambda name: world["people"][name]


@pytest.fixture
def open_ticket(world):
    """``open_ticket(requester_name, title, **fields)``: a ticket opened by the system."""

    def make(name: str = Role.EMPLOYEE, title: str = "Printer jams", **fields):
        return sd.ticket_create(actor=None, requester=world["people"][name], title=title, **fields)

    return make


@pytest.fixture
def client_for(world):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(world["users"][name])
        return client

    return make


@pytest.fixture
def acme_colleague(world, make_user):
    """A second contact of Acme, ``acme_two``."""
    user = make_user(Role.CUSTOMER, username="acme_two")
    world["users"]["acme_two"] = user
    world["people"]["acme_two"] = Person.objects.create(
        first_name="Wile", last_name="Coyote", organisation=world["acme"], user=user
    )
    return user
