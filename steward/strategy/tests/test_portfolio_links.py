"""A project links to services (CMDB), changes, service-desk requests, risks and costs only
when the editor may see them, through the API, the form and the service alike; an id the
editor may not see gets the very answer of an id that does not exist; and a reader is shown
only the links they may see (an editor's save keeps the links hidden from them).

Today every staff login sees every change, ticket and configuration item, so the tests
narrow those apps' policies to hide one row from agents: the portfolio must follow whatever
the owning app says. Costs need no narrowing: an agent sees only the costs of the cost
centres they own."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from steward.changes.models import ChangeRequest
from steward.cmdb.models import CIClass, ConfigurationItem
from steward.core import permissions
from steward.core.permissions import MANAGERS, Role
from steward.core.testing import PASSWORD
from steward.org.models import CostCenter, Person
from steward.servicedesk.models import Ticket
from steward.strategy import portfolio
from steward.strategy.models import CostRecord, FiscalYear, Project

pytestmark = pytest.mark.django_db
BASE = "/api/strategy/projects"
D = datetime.date
_refs = itertools.count(900001)
FIELDS = ["services", "changes", "requests", "cost_records"]


@pytest.fixture
def world(org_world):
    users = org_world["users"]
    agent = users[Role.AGENT]
    alpha = Project.objects.create(
        name="Alpha",
        planned_start=D(2025, 1, 1),
        planned_end=D(2025, 6, 30),
        owner=Person.objects.get(user=agent),
    )
    return {**org_world, "manager": users[Role.IT_MANAGER], "agent": agent, "alpha": alpha}


def _hide_from_agents(monkeypatch, model, pk):
    """``model``'s own policy, with row ``pk`` out of sight of logins below IT manager."""
    policy = permissions.policy_for(model)
    inner = policy.scope

    def scope(user, qs, action, roles):
        qs = inner(user, qs, action, roles) if inner else qs
        return qs if roles & MANAGERS else qs.exclude(pk=pk)

    monkeypatch.setitem(permissions._policies, model, dataclasses.replace(policy, scope=scope))


def _make(world, field):
    """Two objects of ``field``'s kind: one the agent sees, one hidden from them."""
    if field == "services":
        made = [
            ConfigurationItem.objects.create(
                name=name, ci_class=CIClass.BUSINESS_SERVICE, organisation=world["internal"]
            )
            for name in ("Payroll", "Secret vault")
        ]
    elif field == "changes":
        made = [
            ChangeRequest.objects.create(requester=world["manager"], title=title)
            for title in ("Patch mail", "Secret migration")
        ]
    elif field == "requests":
        requester = Person.objects.get(user=world["manager"])
        made = [
            Ticket.objects.create(
                title=title,
                kind="request",
                reference=f"REQ-{next(_refs):06d}",
                requester=requester,
                organisation=world["internal"],
            )
            for title in ("New laptop", "Secret hire")
        ]
    else:
        fy = FiscalYear.objects.create(name="FY2025", start=D(2025, 1, 1), end=D(2025, 12, 31))
        own = CostCenter.objects.create(
            organisation=world["internal"],
            code="CC-OPS",
            name="Ops",
            owner=Person.objects.get(user=world["agent"]),
        )
        other = CostCenter.objects.create(
            organisation=world["internal"], code="CC-BRD", name="Board"
        )
        made = [
            CostRecord.objects.create(
                fiscal_year=fy,
                cost_centre=centre,
                date=D(2025, 2, 1),
                amount=Decimal("1000"),
                category="services",
                description=text,
            )
            for centre, text in ((own, "Ops tooling"), (other, "Secret bonus"))
        ]
        return made  # the agent sees only the costs of the centre they own
    return made


@pytest.fixture
def linked(world, monkeypatch):
    def make(field):
        seen, hidden = _make(world, field)
        model = type(hidden)
        if field != "cost_records":
            _hide_from_agents(monkeypatch, model, hidden.pk)
        visible = set(portfolio.project_links_visible(user=world["agent"])[field])
        assert seen in visible and hidden not in visible
        return seen, hidden

    return make


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _form(project, **links):
    data = {
        "name": project.name,
        "kind": project.kind,
        "phase": project.phase,
        "status": project.status,
        "health": project.health,
        "owner": project.owner_id,
        "budget": "0",
        "spent": "0",
        "planned_start": project.planned_start.isoformat(),
        "planned_end": project.planned_end.isoformat(),
    }
    return {**data, **links}


def _message(errors, field, pk):
    """The message for ``pk`` with the id taken out, to compare hidden and missing ids."""
    (text,) = errors[field]
    assert str(pk) in text
    return text.replace(str(pk), "<id>")


@pytest.mark.parametrize("field", FIELDS)
def test_api_refuses_a_link_the_editor_may_not_see_as_if_it_did_not_exist(
    world, linked, api, field
):
    seen, hidden = linked(field)
    alpha, client = world["alpha"], api(world["agent"])
    answers = {}
    for pk in (hidden.pk, 10**12):
        response = client.patch(f"{BASE}/{alpha.pk}/", {field: [seen.pk, pk]}, format="json")
        assert response.status_code == 400, response.content
        answers[pk] = _message(response.json()["errors"], field, pk)
    assert answers[hidden.pk] == answers[10**12]
    assert not getattr(alpha, field).exists()
    response = client.patch(f"{BASE}/{alpha.pk}/", {field: [seen.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()[field] == [seen.pk]


@pytest.mark.parametrize("field", FIELDS)
def test_api_create_refuses_a_link_the_creator_may_not_see(world, linked, api, monkeypatch, field):
    _seen, hidden = linked(field)
    # The agent may add projects here (only IT managers may, by default).
    policy = permissions.policy_for(Project)
    roles = policy.add | {Role.AGENT}
    monkeypatch.setitem(permissions._policies, Project, dataclasses.replace(policy, add=roles))
    new = {"name": "Beta", "planned_start": "2025-01-01", "planned_end": "2025-03-31"}
    response = api(world["agent"]).post(BASE + "/", {**new, field: [hidden.pk]}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Project.objects.filter(name="Beta").exists()


@pytest.mark.parametrize("field", ["services", "changes", "requests"])
def test_form_refuses_a_link_the_editor_may_not_see_as_if_it_did_not_exist(world, linked, field):
    seen, hidden = linked(field)
    alpha, client = world["alpha"], _client(world["agent"])
    pages = {}
    for pk in (hidden.pk, 10**12):
        response = client.post(f"/strategy/projects/{alpha.pk}/edit/", _form(alpha, **{field: pk}))
        assert response.status_code == 400
        pages[pk] = response.context["form"].errors[field][0].replace(str(pk), "<id>")
    assert pages[hidden.pk] == pages[10**12]
    assert not getattr(alpha, field).exists()
    response = client.post(f"/strategy/projects/{alpha.pk}/edit/", _form(alpha, **{field: seen.pk}))
    assert response.status_code == 302
    assert list(getattr(alpha, field).all()) == [seen]


@pytest.mark.parametrize("field", FIELDS)
def test_service_refuses_a_link_the_editor_may_not_see(world, linked, field):
    _seen, hidden = linked(field)
    with pytest.raises(ValidationError) as exc:
        portfolio.project_update(
            project=world["alpha"], data={field: [hidden]}, actor=world["agent"]
        )
    assert field in exc.value.message_dict
    assert not getattr(world["alpha"], field).exists()


@pytest.mark.parametrize("field", FIELDS)
def test_a_reader_sees_only_the_links_they_may_see_and_saving_keeps_the_others(
    world, linked, api, field
):
    seen, hidden = linked(field)
    alpha = world["alpha"]
    getattr(alpha, field).set([seen, hidden])  # linked by an IT manager, who sees both
    client = api(world["agent"])
    assert client.get(f"{BASE}/{alpha.pk}/").json()[field] == [seen.pk]
    listed = client.get(f"{BASE}/").json()["results"]
    assert [p[field] for p in listed] == [[seen.pk]]
    response = client.patch(f"{BASE}/{alpha.pk}/", {field: []}, format="json")
    assert response.status_code == 200 and response.json()[field] == []
    assert list(getattr(alpha, field).all()) == [hidden]  # not the agent's to drop
    manager = api(world["manager"]).get(f"{BASE}/{alpha.pk}/").json()
    assert manager[field] == [hidden.pk]


@pytest.mark.parametrize("field", ["services", "changes", "requests"])
def test_the_edit_form_does_not_show_hidden_links_and_keeps_them(world, linked, field):
    seen, hidden = linked(field)
    alpha = world["alpha"]
    getattr(alpha, field).set([seen, hidden])
    client = _client(world["agent"])
    page = client.get(f"/strategy/projects/{alpha.pk}/edit/").content.decode()
    assert str(seen) in page and str(hidden) not in page
    detail = client.get(f"/strategy/projects/{alpha.pk}/").content.decode()
    assert str(hidden) not in detail
    response = client.post(f"/strategy/projects/{alpha.pk}/edit/", _form(alpha))
    assert response.status_code == 302
    assert list(getattr(alpha, field).all()) == [hidden]
