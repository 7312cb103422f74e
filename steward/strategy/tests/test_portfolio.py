"""Project portfolio: health rules, spent from linked costs, capacity sums and
over-allocation on a known set, the roadmap data on a known set, permissions (managers,
owners, staff, employees, customers), bad input and query budgets that do not grow with the
number of projects or people."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.org.models import Person
from steward.strategy import portfolio
from steward.strategy.models import Allocation, CostRecord, FiscalYear, Milestone, Project

pytestmark = pytest.mark.django_db
BASE = "/api/strategy"
D = datetime.date
JAN1, JUN30 = D(2025, 1, 1), D(2025, 6, 30)


def _project(name, start=JAN1, end=JUN30, **kw):
    return Project.objects.create(name=name, planned_start=start, planned_end=end, **kw)


@pytest.fixture
def world(org_world):
    users = org_world["users"]
    people = {r: Person.objects.get(user=users[r]) for r in (Role.AGENT, Role.ASSET_MANAGER)}
    return {
        **org_world,
        "manager": users[Role.IT_MANAGER],
        "agent": users[Role.AGENT],
        "asset_manager": users[Role.ASSET_MANAGER],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
        "agent_person": people[Role.AGENT],
        "assets_person": people[Role.ASSET_MANAGER],
    }


@pytest.fixture
def known(world):
    """Agent: 60 % on Alpha Jan-Jun, 50 % on Beta Mar-Apr 15 -> Jan 60, Feb 60, Mar 110,
    Apr 110, May 60, Jun 60, Jul 0. Asset manager: 100 % on Beta in April only."""
    alpha = _project("Alpha", owner=world["agent_person"], health="green")
    beta = _project(
        "Beta",
        D(2025, 3, 1),
        D(2025, 9, 30),
        health="red",
        health_reason="Vendor gone",
        actual_start=D(2025, 3, 10),
    )
    _project("Gamma", D(2024, 11, 1), D(2025, 2, 28), status="cancelled")
    Milestone.objects.create(project=alpha, name="Design", due=D(2025, 2, 15), done=True)
    Milestone.objects.create(project=alpha, name="Go-live", due=D(2025, 6, 20))
    a, m = world["agent_person"], world["assets_person"]
    Allocation.objects.create(
        project=alpha, person=a, percent=60, start=D(2025, 1, 1), end=D(2025, 6, 30)
    )
    Allocation.objects.create(
        project=beta, person=a, percent=50, start=D(2025, 3, 1), end=D(2025, 4, 15)
    )
    Allocation.objects.create(
        project=beta, person=m, percent=100, start=D(2025, 4, 1), end=D(2025, 4, 30)
    )
    return {**world, "alpha": alpha, "beta": beta}


def test_health_other_than_green_needs_a_reason():
    project = Project(
        name="X", planned_start=D(2025, 1, 1), planned_end=D(2025, 2, 1), health="amber"
    )
    with pytest.raises(ValidationError) as info:
        project.full_clean()
    assert "health_reason" in info.value.message_dict
    project.health_reason = "   "
    with pytest.raises(ValidationError):
        project.full_clean()
    project.health_reason = "Late supplier"
    project.full_clean()
    project.health, project.health_reason = "green", ""
    project.full_clean()


def test_capacity_sums_and_flags_over_allocation(known):
    data = portfolio.capacity(user=known["manager"], start=D(2025, 1, 1), months=7)
    rows = {r["name"]: r for r in data["people"]}
    agent = rows[str(known["agent_person"])]
    assert [c["percent"] for c in agent["months"]] == [60, 60, 110, 110, 60, 60, 0]
    assert [c["over"] for c in agent["months"]] == [False, False, True, True, False, False, False]
    assert agent["over"] is True
    assets = rows[str(known["assets_person"])]
    assert [c["percent"] for c in assets["months"]] == [0, 0, 0, 100, 0, 0, 0]
    assert assets["over"] is False


def test_roadmap_data_on_a_known_set(known):
    data = portfolio.roadmap(user=known["manager"], today=D(2025, 5, 10))
    assert [p["name"] for p in data["projects"]] == ["Alpha", "Beta"]  # cancelled left out
    assert (data["start"], data["end"]) == (D(2025, 1, 1), D(2025, 9, 30))
    alpha, beta = data["projects"]
    assert [(m["name"], m["due"], m["done"]) for m in alpha["milestones"]] == [
        ("Design", D(2025, 2, 15), True),
        ("Go-live", D(2025, 6, 20), False),
    ]
    assert alpha["actual_start"] is None and alpha["actual_end"] is None
    assert (beta["actual_start"], beta["actual_end"]) == (D(2025, 3, 10), D(2025, 9, 30))
    assert (beta["health"], beta["health_reason"]) == ("red", "Vendor gone")
    layout = portfolio.roadmap_layout(data)
    assert layout["rows"][0]["planned_left"] == 0.0
    assert layout["today_left"] == round(129 * 100 / 273, 3)  # day 129 of 273


def test_spent_comes_from_linked_costs_else_the_amount_entered(known):
    alpha = known["alpha"]
    alpha.spent = Decimal("500")
    alpha.save()
    assert portfolio.project_get(user=known["manager"], pk=alpha.pk).actual_spent == Decimal("500")
    fy = FiscalYear.objects.create(name="FY2025", start=D(2025, 1, 1), end=D(2025, 12, 31))
    centre = _cost_centre(known["internal"])
    for amount in ("1000.00", "250.50"):
        cost = CostRecord.objects.create(
            fiscal_year=fy,
            cost_centre=centre,
            date=D(2025, 2, 1),
            amount=Decimal(amount),
            category="services",
        )
        alpha.cost_records.add(cost)
    assert portfolio.project_get(user=known["manager"], pk=alpha.pk).actual_spent == Decimal(
        "1250.50"
    )


def _cost_centre(organisation):
    model = CostRecord._meta.get_field("cost_centre").related_model
    return model.objects.create(code="CC-IT", name="IT", organisation=organisation)


def test_capacity_and_roadmap_endpoints(known, api):
    client = api(known["manager"])
    response = client.get(f"{BASE}/capacity/?start=2025-03-01&months=2")
    assert response.status_code == 200
    agent = next(p for p in response.json()["people"] if p["id"] == known["agent_person"].pk)
    assert [m["percent"] for m in agent["months"]] == [110, 110] and agent["over"]
    assert client.get(f"{BASE}/capacity/?months=99").status_code == 400
    assert "start" in client.get(f"{BASE}/capacity/?start=yesterday").json()["errors"]
    roadmap = client.get(f"{BASE}/roadmap/")
    assert roadmap.status_code == 200
    assert [p["name"] for p in roadmap.json()["projects"]] == ["Alpha", "Beta"]


def _new_project(**fields):
    return {
        "name": "New project",
        "planned_start": "2025-01-01",
        "planned_end": "2025-03-31",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"planned_end": "2024-12-31"}, "planned_end"),
        ({"actual_start": "2025-02-01", "actual_end": "2025-01-01"}, "actual_end"),
        ({"health": "amber"}, "health_reason"),
        ({"health": "purple"}, "health"),
        ({"budget": "-1"}, "budget"),
        ({"name": "x" * 300}, "name"),
        ({"name": "<script>\x00"}, "name"),
        ({"services": [99999999999]}, "services"),
        ({"actual_spent": "5"}, "actual_spent"),
    ],
)
def test_bad_project_is_a_precise_400(world, api, fields, field):
    response = api(world["manager"]).post(
        f"{BASE}/projects/", _new_project(**fields), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"percent": 101}, "percent"),
        ({"percent": -10}, "percent"),
        ({"percent": 0}, "percent"),
        ({"percent": "half"}, "percent"),
        ({"end": "2024-12-31"}, "end"),
        ({"start": "not a date"}, "start"),
    ],
)
def test_bad_allocation_is_a_precise_400(known, api, fields, field):
    data = {
        "project": known["alpha"].pk,
        "person": known["assets_person"].pk,
        "percent": 50,
        "start": "2025-01-01",
        "end": "2025-03-31",
        **fields,
    }
    response = api(known["manager"]).post(f"{BASE}/allocations/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


def test_a_customer_contact_is_never_allocated(known, api):
    contact = Person.objects.get(user=known["customer"])
    data = {
        "project": known["alpha"].pk,
        "person": contact.pk,
        "percent": 10,
        "start": "2025-01-01",
        "end": "2025-01-31",
    }
    response = api(known["manager"]).post(f"{BASE}/allocations/", data, format="json")
    assert response.status_code == 400 and "person" in response.json()["errors"]


def test_the_owner_edits_their_project_and_its_milestones_others_only_read(known, api):
    owner = api(known["agent"])  # owns Alpha
    alpha, beta = known["alpha"], known["beta"]
    assert (
        owner.patch(
            f"{BASE}/projects/{alpha.pk}/", {"phase": "execution"}, format="json"
        ).status_code
        == 200
    )
    assert owner.patch(
        f"{BASE}/projects/{beta.pk}/", {"phase": "execution"}, format="json"
    ).status_code in (403, 404)
    milestone = {"project": alpha.pk, "name": "Pilot", "due": "2025-04-01"}
    assert owner.post(f"{BASE}/milestones/", milestone, format="json").status_code == 201
    milestone["project"] = beta.pk
    assert owner.post(f"{BASE}/milestones/", milestone, format="json").status_code == 403
    assert owner.post(f"{BASE}/projects/", _new_project(), format="json").status_code == 403
    other = api(known["asset_manager"])
    assert len(other.get(f"{BASE}/projects/").json()["results"]) == 3
    assert other.patch(
        f"{BASE}/projects/{alpha.pk}/", {"phase": "done"}, format="json"
    ).status_code in (403, 404)
    assert api(known["employee"]).get(f"{BASE}/projects/").json().get("results") in (None, [])
    assert api(known["customer"]).get(f"{BASE}/capacity/").status_code == 403
    assert api(known["employee"]).get(f"{BASE}/roadmap/").status_code == 403
    alpha.refresh_from_db()
    assert alpha.phase == "execution"


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _more(world, n):
    """``n`` more projects, each with a milestone and a new person allocated."""
    org = world["internal"]
    for i in range(n):
        project = _project(f"Extra {i}")
        Milestone.objects.create(project=project, name="M", due=D(2025, 3, 1))
        person = Person.objects.create(first_name=f"P{i}", last_name="Extra", organisation=org)
        Allocation.objects.create(
            project=project, person=person, percent=80, start=D(2025, 1, 1), end=D(2025, 12, 31)
        )


@pytest.mark.parametrize(
    "url", ["/strategy/roadmap/", "/strategy/capacity/?start=2025-01", "/strategy/strategy-map/"]
)
def test_roadmap_and_capacity_pages_queries_do_not_grow(known, url):
    client = _client(known["manager"])
    client.get(url)
    with query_budget(16) as few:
        response = client.get(url)
    assert response.status_code == 200
    _more(known, 12)
    with query_budget(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_roadmap_page_draws_bars_markers_and_today(known):
    page = _client(known["manager"]).get("/strategy/roadmap/").content.decode()
    assert page.count('class="roadmap-bar') == 2
    assert page.count("roadmap-milestone") >= 2 and 'id="roadmap-today"' in page
    assert "Vendor gone" in page
    capacity = _client(known["manager"]).get("/strategy/capacity/?start=2025-03").content.decode()
    assert "110 %" in capacity and "over-allocated" in capacity
    assert _client(known["employee"]).get("/strategy/roadmap/").status_code == 403


@pytest.mark.parametrize("path", ["projects", "milestones", "allocations"])
def test_portfolio_lists_keep_their_query_budget(known, api, path):
    _more(known, 25)
    client = _client(known["manager"])
    client.get(f"/strategy/{path}/")
    with query_budget(20):
        assert client.get(f"/strategy/{path}/").status_code == 200
    rest = api(known["manager"])
    rest.get(f"{BASE}/{path}/")
    with query_budget(10):
        assert rest.get(f"{BASE}/{path}/").status_code == 200


def test_project_page_shows_milestones_people_and_the_form_refuses_bad_dates(known):
    client = _client(known["manager"])
    page = client.get(f"/strategy/projects/{known['alpha'].pk}/").content.decode()
    assert "Go-live" in page and str(known["agent_person"]) in page
    response = client.post(
        "/strategy/projects/add/",
        {
            "name": "Late",
            "kind": "project",
            "phase": "idea",
            "status": "proposed",
            "health": "red",
            "health_reason": "",
            "budget": "0",
            "spent": "0",
            "planned_start": "2025-05-01",
            "planned_end": "2025-04-01",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ends before it starts" in text and "Say why" in text


def test_a_project_links_risks_of_the_register(known, api):
    from steward.strategy.models import Risk
    from steward.strategy.risk import default_matrix

    risk = Risk.objects.create(
        title="Vendor lock-in",
        category=Risk._meta.get_field("category").choices[0][0],
        matrix=default_matrix(),
        inherent_likelihood=3,
        inherent_impact=4,
    )
    alpha = known["alpha"]
    client = api(known["manager"])
    response = client.patch(f"{BASE}/projects/{alpha.pk}/", {"risks": [risk.pk]}, format="json")
    assert response.status_code == 200 and response.json()["risks"] == [risk.pk]
    page = _client(known["manager"]).get(f"/strategy/projects/{alpha.pk}/").content.decode()
    assert "Vendor lock-in" in page


def test_milestone_form_starts_on_the_project_and_refuses_another_owners(known):
    client = _client(known["agent"])  # owns Alpha, not Beta
    form = client.get(f"/strategy/milestones/add/?project={known['alpha'].pk}").content.decode()
    assert f'<option value="{known["alpha"].pk}" selected>' in form
    data = {"name": "Pilot", "due": "2025-04-01"}
    response = client.post("/strategy/milestones/add/", {**data, "project": known["beta"].pk})
    assert response.status_code == 403
    response = client.post("/strategy/milestones/add/", {**data, "project": known["alpha"].pk})
    assert response.status_code == 302
    assert Milestone.objects.filter(project=known["alpha"], name="Pilot").exists()
