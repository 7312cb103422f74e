"""The budget page (chart data and table) and the list pages, within query budgets."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from steward.core.testing import PASSWORD, query_budget
from steward.strategy.models import CostRecord
from steward.strategy.tests.conftest import AS_OF, cost

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_budget_page_draws_the_chart_and_the_table(budget):
    client = _client(budget["manager"])
    url = f"/strategy/budget/?year={budget['fy'].pk}&as_of={AS_OF.isoformat()}"
    client.get(url)
    with query_budget(12):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    chart = json.loads(
        page.split('id="budget-chart-data" type="application/json">')[1].split("<")[0]
    )
    assert chart["labels"][:2] == ["Hardware", "Software"]
    assert [d["label"] for d in chart["datasets"]] == ["Planned", "Actual", "Forecast"]
    assert chart["datasets"][2]["data"][:2] == [9125.0, 5000.0]
    assert "14,125.00" in page and "CC-SAL Sales" in page
    assert "vendor/chartjs/chart.umd.min.js" in page


def test_budget_page_of_a_budget_holder_and_of_a_customer(budget):
    page = _client(budget["employee"]).get(
        f"/strategy/budget/?year={budget['fy'].pk}&as_of={AS_OF.isoformat()}"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "CC-SAL" in text and "CC-IT" not in text
    assert "Roll up costs from assets" not in text
    assert _client(budget["customer"]).get("/strategy/budget/").status_code == 403


def test_budget_page_shrugs_off_a_bad_query(budget):
    client = _client(budget["manager"])
    assert client.get("/strategy/budget/?year=abc&as_of=never").status_code == 200


@pytest.mark.parametrize("path", ["fiscal-years", "budget-lines", "costs"])
def test_list_pages_keep_their_query_budget(budget, path):
    for n in range(30):
        cost(budget, "it", AS_OF, f"{n}.00", "cloud")
    client = _client(budget["manager"])
    client.get(f"/strategy/{path}/")
    with query_budget(20):
        response = client.get(f"/strategy/{path}/")
    assert response.status_code == 200


def test_manual_cost_form_refuses_a_date_outside_the_year(world):
    client = _client(world["manager"])
    data = {
        "fiscal_year": world["fy"].pk,
        "date": "2026-01-01",
        "amount": "10",
        "cost_centre": world["it"].pk,
        "category": "cloud",
        "description": "",
    }
    response = client.post("/strategy/costs/add/", data)
    assert response.status_code == 400
    assert "Outside the fiscal year FY2025" in response.content.decode()
    assert not CostRecord.objects.exists()
    data["date"] = "2025-06-01"
    assert client.post("/strategy/costs/add/", data).status_code == 302
    assert CostRecord.objects.count() == 1


def test_sync_button_starts_the_job(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(world["manager"]).post("/strategy/budget/sync/")
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert _client(world["employee"]).post("/strategy/budget/sync/").status_code == 403
