from __future__ import annotations

import pytest

from steward.core.permissions import Role


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def world(org_world):
    """org_world plus a manager line (employee -> it_manager) and a four-person CAB team."""
    from steward.org.models import Person, Team

    users = org_world["users"]
    person = {role: Person.objects.get(user=users[role]) for role in users}
    person[Role.EMPLOYEE].manager = person[Role.IT_MANAGER]
    person[Role.EMPLOYEE].save()
    cab = Team.objects.create(organisation=org_world["internal"], name="CAB")
    cab.members.set(
        [person[r] for r in (Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER)]
    )
    return {**org_world, "cab": cab, "obj": org_world["acme"]}


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


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
