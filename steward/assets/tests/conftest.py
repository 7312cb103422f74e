from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.assets.models import Asset, Category, HardwareModel, Manufacturer
from steward.core.permissions import Role
from steward.org.models import Location, Organisation, OrganisationKind, Person


@pytest.fixture
def world(org_world):
    """org_world plus a stock location, a supplier, a laptop model and its people."""
    internal = org_world["internal"]
    users = org_world["users"]
    dell = Manufacturer.objects.create(name="Dell")
    laptop = HardwareModel.objects.create(
        manufacturer=dell, name="Latitude 7440", category=Category.LAPTOP
    )
    return {
        **org_world,
        "stock": Location.objects.create(organisation=internal, name="Paris HQ"),
        "room": Location.objects.create(organisation=internal, name="Meeting room 2"),
        "supplier": Organisation.objects.create(name="Bechtle", kind=OrganisationKind.SUPPLIER),
        "dell": dell,
        "laptop": laptop,
        "employee": Person.objects.get(user=users[Role.EMPLOYEE]),
        "agent_person": Person.objects.get(user=users[Role.AGENT]),
        "manager": users[Role.ASSET_MANAGER],
    }


@pytest.fixture
def make_asset(world):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        values = {
            "asset_tag": f"T-{n:04d}",
            "model": world["laptop"],
            "serial": f"SN{n:06d}",
            "organisation": world["internal"],
            "location": world["stock"],
            "purchase_cost": Decimal("1200.00"),
            "purchase_date": datetime.date(2025, 1, 15),
            **fields,
        }
        return Asset.objects.create(**values)

    return make


@pytest.fixture
def published():
    """Events published on the bus during the test, as (name, payload)."""
    from steward.core import events

    seen: list[tuple[str, dict]] = []

    def record(event, **payload):
        seen.append((event, payload))

    events.subscribe(events.ANY, record)
    yield seen
    events._handlers[events.ANY].remove(record)
