from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

from steward.changes.models import ChangeRequest, ChangeRequestCI, ChangeWindow
from steward.cmdb.models import CIClass, ConfigurationItem, Criticality, RelationKind, Relationship
from steward.core.permissions import Role
from steward.org.models import Person, Team
from steward.servicedesk.models import Ticket

NOW = timezone.now().replace(microsecond=0)


def at(days: float = 0, hours: float = 0) -> datetime.datetime:
    return NOW + datetime.timedelta(days=days, hours=hours)


@pytest.fixture
def world(org_world, make_user):
    users = org_world["users"]
    internal = org_world["internal"]
    cab = Team.objects.create(name="Change Advisory Board", organisation=internal)
    members = []
    for n in range(3):
        user = make_user(Role.IT_MANAGER, username=f"cab{n}")
        person = Person.objects.create(
            first_name=f"Cab{n}",
            last_name="Member",
            organisation=internal,
            user=user,
            email=f"cab{n}@internal.example",
        )
        cab.members.add(person)
        members.append(user)
    return {
        **org_world,
        "manager": users[Role.IT_MANAGER],
        "agent": users[Role.AGENT],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
        "cab": cab,
        "cab_members": members,
    }


@pytest.fixture
def make_ci(world):
    def make(name, ci_class=CIClass.SERVER, **fields):
        fields.setdefault("organisation", world["internal"])
        return ConfigurationItem.objects.create(name=name, ci_class=ci_class, **fields)

    return make


@pytest.fixture
def estate(make_ci):
    """ERP (critical service) depends on the ERP application, which runs on vm-erp; the
    intranet (low) runs apart on vm-intra. The switch is under both VMs."""
    C, K = CIClass, RelationKind
    ci = {
        "switch": make_ci("core-switch", C.NETWORK_DEVICE),
        "vm": make_ci("vm-erp", C.VIRTUAL_MACHINE),
        "app": make_ci("erp-app", C.APPLICATION),
        "erp": make_ci("ERP", C.BUSINESS_SERVICE, criticality=Criticality.CRITICAL),
        "vm2": make_ci("vm-intra", C.VIRTUAL_MACHINE),
        "wiki": make_ci("wiki", C.APPLICATION),
        "intranet": make_ci("Intranet", C.BUSINESS_SERVICE, criticality=Criticality.LOW),
        "lonely": make_ci("lab-printer", C.HARDWARE),
    }
    for source, kind, target in (
        ("vm", K.CONNECTS_TO, "switch"),
        ("vm2", K.CONNECTS_TO, "switch"),
        ("app", K.RUNS_ON, "vm"),
        ("erp", K.DEPENDS_ON, "app"),
        ("wiki", K.RUNS_ON, "vm2"),
        ("intranet", K.DEPENDS_ON, "wiki"),
    ):
        Relationship.objects.create(source=ci[source], kind=kind, target=ci[target])
    return ci


@pytest.fixture
def make_change(world):
    """A change straight in the database (no service): for arranging history and others."""

    def make(*cis, start=None, hours=2, state="scheduled", requester=None, **fields):
        fields.setdefault("title", "A change")
        change = ChangeRequest.objects.create(
            requester=requester or world["agent"],
            state=state,
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=hours) if start else None,
            **fields,
        )
        for ci in cis:
            ChangeRequestCI.objects.create(change=change, configuration_item=ci)
        return change

    return make


@pytest.fixture
def make_window():
    def make(name, kind, start, end, *cis):
        window = ChangeWindow.objects.create(name=name, kind=kind, start=start, end=end)
        window.configuration_items.set(cis)
        return window

    return make


_refs = itertools.count(1)


@pytest.fixture
def incident(world):
    """A service-desk ticket (an incident unless ``kind`` says otherwise), straight in the
    database."""
    requester = Person.objects.get(user=world["agent"])

    def make(title, description="", kind="incident", organisation=None):
        return Ticket.objects.create(
            title=title,
            description=description,
            kind=kind,
            reference=f"{'INC' if kind == 'incident' else 'REQ'}-{next(_refs):06d}",
            requester=requester,
            organisation=organisation or world["internal"],
        )

    return make
