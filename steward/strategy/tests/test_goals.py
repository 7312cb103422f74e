"""Goals and alignment: key-result and goal progress on known numbers, check-ins moving the
current value, the strategy map, permissions (employees read goals, customers nothing) and
precise 400s for bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.strategy import goals
from steward.strategy.models import BusinessGoal, CheckIn, ITGoal, KeyResult, Project

pytestmark = pytest.mark.django_db
BASE = "/api/strategy"
D = datetime.date


def _kr(goal, name, start, target, current):
    return KeyResult.objects.create(
        it_goal=goal,
        name=name,
        metric=name,
        start_value=Decimal(start),
        target_value=Decimal(target),
        current_value=Decimal(current),
    )


@pytest.fixture
def okrs(org_world):
    """Business goal "Grow" with IT goals A (KRs 50 % and 100 %: 75 %) and B (a falling
    measure 1800 → 600 now at 1500: 25 %; one overshooting 0 → 10 at 15: 100 %, one below
    its start: 0 %: (25 + 100 + 0) / 3 = 41.7 %); "Grow" = (75 + 41.7) / 2 = 58.3 %."""
    users = org_world["users"]
    grow = BusinessGoal.objects.create(title="Grow")
    empty = BusinessGoal.objects.create(title="Idle")
    a = ITGoal.objects.create(
        business_goal=grow, title="A", start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    b = ITGoal.objects.create(
        business_goal=grow, title="B", start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    _kr(a, "half", 0, 10, 5)
    _kr(a, "done", 20, 40, 40)
    falling = _kr(b, "falling", 1800, 600, 1500)
    _kr(b, "overshoot", 0, 10, 15)
    _kr(b, "backwards", 10, 20, 5)
    return {
        **org_world,
        "manager": users[Role.IT_MANAGER],
        "agent": users[Role.AGENT],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
        "grow": grow,
        "empty": empty,
        "a": a,
        "b": b,
        "falling": falling,
    }


def test_key_result_progress_on_known_numbers(okrs):
    assert okrs["falling"].progress == 25.0
    progress = {g.title: g for g in goals.it_goal_progress(user=okrs["manager"])}
    assert progress["A"].progress == 75.0
    assert progress["B"].progress == 41.7
    assert [k["progress"] for k in progress["B"].key_results] == [0.0, 25.0, 100.0]


def test_business_goal_progress_is_the_mean_of_its_it_goals(okrs):
    tree = {t["goal"].title: t for t in goals.strategy_map(user=okrs["manager"])}
    assert tree["Grow"]["progress"] == 58.3
    assert tree["Idle"]["progress"] == 0.0 and tree["Idle"]["it_goals"] == []


def test_check_in_moves_the_current_value_and_is_audited(okrs, api):
    client = api(okrs["manager"])
    falling = okrs["falling"]
    for day, value in (("2025-03-01", "1200"), ("2025-02-01", "1700")):
        response = client.post(
            f"{BASE}/check-ins/",
            {"key_result": falling.pk, "date": day, "value": value, "note": "review"},
            format="json",
        )
        assert response.status_code == 201, response.json()
    falling.refresh_from_db()
    assert falling.current_value == Decimal("1200")  # the latest by date, not the last entered
    assert falling.progress == 50.0
    assert CheckIn.objects.filter(key_result=falling).count() == 2
    assert AuditEntry.objects.filter(object_id=str(falling.pk), action="update").exists()


def test_goal_progress_endpoint(okrs, api):
    response = api(okrs["employee"]).get(f"{BASE}/goal-progress/")
    assert response.status_code == 200
    rows = {r["title"]: r for r in response.json()}
    assert rows["A"]["progress"] == 75.0 and len(rows["B"]["key_results"]) == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target_value": "0"}, "target_value"),  # target == start
        ({"start_value": "1e30"}, "start_value"),
        ({"current_value": "lots"}, "current_value"),
        ({"name": "x" * 201}, "name"),
        ({"name": "null\x00byte"}, "name"),
        ({"it_goal": 99999999999999999999}, "it_goal"),
        ({"progress": 100}, "progress"),
    ],
)
def test_bad_key_result_is_a_precise_400(okrs, api, fields, field):
    data = {
        "it_goal": okrs["a"].pk,
        "name": "New",
        "metric": "m",
        "start_value": "0",
        "target_value": "10",
        "current_value": "0",
        **fields,
    }
    response = api(okrs["manager"]).post(f"{BASE}/key-results/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not KeyResult.objects.filter(name="New").exists()


def test_it_goal_ending_before_it_starts_is_a_400(okrs, api):
    data = {
        "business_goal": okrs["grow"].pk,
        "title": "C",
        "start": "2025-05-01",
        "end": "2025-04-30",
    }
    response = api(okrs["manager"]).post(f"{BASE}/it-goals/", data, format="json")
    assert response.status_code == 400 and "end" in response.json()["errors"]


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [("manager", 200, 201), ("agent", 200, 403), ("employee", 200, 403), ("customer", 403, 403)],
)
def test_goal_permissions(okrs, api, role, reads, writes):
    client = api(okrs[role])
    listed = client.get(f"{BASE}/business-goals/")
    if reads == 200:
        assert listed.status_code == 200 and len(listed.json()["results"]) == 2
    else:
        assert listed.status_code in (403, 200) and not listed.json().get("results")
    created = client.post(f"{BASE}/business-goals/", {"title": f"New {role}"}, format="json")
    assert created.status_code == writes


def test_employees_read_goals_but_not_projects(okrs, api):
    client = api(okrs["employee"])
    assert client.get(f"{BASE}/projects/").status_code in (403, 200)
    assert not client.get(f"{BASE}/projects/").json().get("results")


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_strategy_map_page_tiers_and_query_budget(okrs):
    for n in range(3):
        Project.objects.create(
            name=f"P{n}", it_goal=okrs["a"], planned_start=D(2025, 1, 1), planned_end=D(2025, 6, 30)
        )
    client = _client(okrs["manager"])
    client.get("/strategy/strategy-map/")
    with query_budget(14) as few:
        response = client.get("/strategy/strategy-map/")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-tier="business"') == 2 and page.count('data-tier="project"') == 3
    for n in range(3, 15):
        BusinessGoal.objects.create(title=f"More {n}")
        Project.objects.create(
            name=f"P{n}", it_goal=okrs["b"], planned_start=D(2025, 1, 1), planned_end=D(2025, 6, 30)
        )
    with query_budget(len(few.captured_queries)):
        assert client.get("/strategy/strategy-map/").status_code == 200


def test_strategy_map_page_for_an_employee_and_a_customer(okrs):
    Project.objects.create(
        name="Hidden", it_goal=okrs["a"], planned_start=D(2025, 1, 1), planned_end=D(2025, 6, 30)
    )
    page = _client(okrs["employee"]).get("/strategy/strategy-map/")
    assert page.status_code == 200 and "Grow" in page.content.decode()
    assert "Hidden" not in page.content.decode()
    assert _client(okrs["customer"]).get("/strategy/strategy-map/").status_code == 403


@pytest.mark.parametrize("path", ["business-goals", "it-goals", "key-results", "check-ins"])
def test_goal_list_pages_and_endpoints_keep_their_query_budget(okrs, api, path):
    for n in range(20):
        goal = ITGoal.objects.create(
            business_goal=okrs["grow"], title=f"G{n}", start=D(2025, 1, 1), end=D(2025, 2, 1)
        )
        kr = _kr(goal, f"k{n}", 0, 1, 0)
        CheckIn.objects.create(key_result=kr, date=D(2025, 1, 2), value=1)
    client = _client(okrs["manager"])
    client.get(f"/strategy/{path}/")
    with query_budget(20):
        assert client.get(f"/strategy/{path}/").status_code == 200
    rest = api(okrs["manager"])
    rest.get(f"{BASE}/{path}/")
    with query_budget(8):
        assert rest.get(f"{BASE}/{path}/").status_code == 200


def test_goal_detail_pages_show_progress(okrs):
    client = _client(okrs["manager"])
    page = client.get(f"/strategy/it-goals/{okrs['b'].pk}/").content.decode()
    assert "41.7 %" in page and "falling" in page
    page = client.get(f"/strategy/business-goals/{okrs['grow'].pk}/").content.decode()
    assert "58.3 %" in page
