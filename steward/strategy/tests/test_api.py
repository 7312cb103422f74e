"""The API: lists within a query budget, writes by IT managers only, precise 400s for bad
input, costs rolled up from assets read-only, the roll-up endpoint, tenancy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.core.models import AuditEntry
from steward.core.testing import query_budget
from steward.strategy.models import BudgetLine, CostRecord, Source
from steward.strategy.tests.conftest import AS_OF, cost

pytestmark = pytest.mark.django_db
BASE = "/api/strategy"


def _cost(world, **fields):
    return {
        "fiscal_year": world["fy"].pk,
        "date": "2025-05-01",
        "amount": "120.50",
        "cost_centre": world["it"].pk,
        "category": "cloud",
        "description": "May cloud bill",
        **fields,
    }


def test_manager_records_a_manual_cost_and_it_is_audited(world, api):
    response = api(world["manager"]).post(f"{BASE}/cost-records/", _cost(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["amount"], body["source"], body["source_id"]) == ("120.50", "manual", None)
    assert AuditEntry.objects.filter(object_id=str(body["id"]), action="create").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "1e20"}, "amount"),
        ({"amount": "12345678901234567890"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"date": "2024-12-31"}, "date"),
        ({"date": "31/01/2025"}, "date"),
        ({"category": "snacks"}, "category"),
        ({"cost_centre": 99999999999999999999}, "cost_centre"),
        ({"fiscal_year": "x"}, "fiscal_year"),
        ({"source": "asset"}, "source"),
    ],
)
def test_bad_cost_input_is_a_precise_400(world, api, fields, field):
    response = api(world["manager"]).post(
        f"{BASE}/cost-records/", _cost(world, **fields), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in str(response.json()), response.json()
    assert not CostRecord.objects.exists()


def test_duplicate_budget_line_is_a_400(world, api):
    client = api(world["manager"])
    line = {
        "fiscal_year": world["fy"].pk,
        "cost_centre": world["it"].pk,
        "category": "hardware",
        "planned": "1000",
    }
    assert client.post(f"{BASE}/budget-lines/", line, format="json").status_code == 201
    response = client.post(f"{BASE}/budget-lines/", line, format="json")
    assert response.status_code == 400
    assert "already has a budget line" in str(response.json())
    assert BudgetLine.objects.count() == 1


def test_overlapping_or_backwards_fiscal_years_are_400(world, api):
    client = api(world["manager"])
    overlap = {"name": "FY2025b", "start": "2025-06-01", "end": "2026-05-31"}
    response = client.post(f"{BASE}/fiscal-years/", overlap, format="json")
    assert response.status_code == 400
    assert "Overlaps the fiscal year FY2025" in str(response.json()["errors"]["start"])
    backwards = {"name": "FY2030", "start": "2030-12-31", "end": "2030-01-01"}
    assert client.post(f"{BASE}/fiscal-years/", backwards, format="json").status_code == 400
    fine = {"name": "FY2026", "start": "2026-01-01", "end": "2026-12-31"}
    assert client.post(f"{BASE}/fiscal-years/", fine, format="json").status_code == 201


def test_moving_a_year_away_from_its_costs_is_refused(budget, api):
    response = api(budget["manager"]).patch(
        f"{BASE}/fiscal-years/{budget['fy'].pk}/", {"start": "2025-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert "outside these dates" in str(response.json())


def test_costs_from_assets_are_read_only_here(world, api):
    synced = cost(world, "it", AS_OF, "10.00", "hardware", source=Source.ASSET, source_id=7)
    client = api(world["manager"])
    url = f"{BASE}/cost-records/{synced.pk}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"amount": "1.00"}, format="json").status_code == 403
    assert client.delete(url).status_code == 403
    synced.refresh_from_db()
    assert synced.amount == Decimal("10.00")


@pytest.mark.parametrize("role", ["employee", "agent", "asset_manager"])
def test_only_it_managers_change_budgets(world, api, role):
    client = api(world[role])
    response = client.post(f"{BASE}/cost-records/", _cost(world), format="json")
    assert response.status_code == 403
    line = {"planned": "1"}
    assert client.post(f"{BASE}/budget-lines/", line, format="json").status_code == 403


def test_customers_see_nothing(budget, api):
    client = api(budget["customer"])
    for path in ("fiscal-years", "budget-lines", "cost-records", "rollup"):
        assert client.get(f"{BASE}/{path}/").status_code == 403, path


def test_a_budget_holder_lists_only_their_centre(budget, api):
    client = api(budget["employee"])
    lines = client.get(f"{BASE}/budget-lines/").json()["results"]
    assert {c["cost_centre"] for c in lines} == {budget["sales"].pk}
    costs = client.get(f"{BASE}/cost-records/").json()["results"]
    assert {c["cost_centre"] for c in costs} == {budget["sales"].pk}
    hidden = CostRecord.objects.filter(cost_centre=budget["it"]).first()
    assert client.get(f"{BASE}/cost-records/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("path", ["fiscal-years", "budget-lines", "cost-records"])
def test_lists_keep_their_query_budget(budget, api, path):
    for n in range(30):
        cost(budget, "sales", AS_OF, f"{n}.00", "software")
    client = api(budget["manager"])
    client.get(f"{BASE}/{path}/")  # warm: token, roles
    with query_budget(6):
        response = client.get(f"{BASE}/{path}/")
    assert response.status_code == 200


def test_rollup_endpoint(budget, api):
    client = api(budget["manager"])
    with query_budget(8):
        response = client.get(
            f"{BASE}/rollup/", {"fiscal_year": budget["fy"].pk, "as_of": AS_OF.isoformat()}
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == {
        "planned": "17000.00",
        "actual": "5550.00",
        "forecast": "14125.00",
        "variance": "-2875.00",
        "variance_percent": "-16.9",
    }
    assert len(body["rows"]) == 4
    employee = api(budget["employee"]).get(
        f"{BASE}/rollup/", {"fiscal_year": budget["fy"].pk, "as_of": AS_OF.isoformat()}
    )
    assert employee.json()["total"]["planned"] == "2000.00"


@pytest.mark.parametrize(
    "query",
    [{"fiscal_year": "abc"}, {"fiscal_year": "99999999999999999999"}, {"as_of": "yesterday"}],
)
def test_rollup_bad_query_is_400(budget, api, query):
    assert api(budget["manager"]).get(f"{BASE}/rollup/", query).status_code == 400


def test_rollup_of_an_unknown_year_is_400(budget, api):
    response = api(budget["manager"]).get(f"{BASE}/rollup/", {"fiscal_year": 424242})
    assert response.status_code == 400
    assert "fiscal_year" in response.json()["errors"]


def test_sync_endpoint_starts_a_job(world, api):
    response = api(world["manager"]).post(f"{BASE}/cost-records/sync/")
    assert response.status_code == 202
    assert response.json()["job"]
    assert api(world["employee"]).post(f"{BASE}/cost-records/sync/").status_code == 403


def test_strategy_has_no_cost_centre_endpoint_of_its_own(world, api):
    assert api(world["manager"]).get(f"{BASE}/cost-centres/").status_code == 404
