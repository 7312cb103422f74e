"""The roll-up's cache of cost groups (see ``rollup``): always equal to the plain GROUP BY,
one query hit or miss, and never stale: every write of costs (API, bulk API, page form,
delete, the sync from assets, bulk writes of the queryset) shows in the very next dashboard,
even through a copy of the fiscal year read before the write."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.core.testing import PASSWORD
from steward.org.models import CostCenter
from steward.strategy import dashboard, rollup, selectors
from steward.strategy.models import BudgetLine, Category, CostRecord, FiscalYear
from steward.strategy.tests.conftest import AS_OF, cost

pytestmark = pytest.mark.django_db
D = datetime.date
NOW = datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC)
BASE = "/api/strategy/cost-records"


def _plain(fy, as_of=AS_OF, centres=None):
    return rollup.rollup_uncached(fiscal_year=fy, as_of=as_of, centres=centres)


def _same(a, b):
    assert a.rows == b.rows
    assert a.by_centre == b.by_centre
    assert a.by_category == b.by_category
    assert (a.total.planned, a.total.actual, a.total.forecast) == (
        b.total.planned,
        b.total.actual,
        b.total.forecast,
    )
    assert a.elapsed_days == b.elapsed_days


def _burn(world):
    """The dashboard's budget card as an IT manager sees it on 2025-07-01."""
    return dashboard.dashboard_get(user=world["manager"], now=NOW).budget["total"]


def test_cached_rollup_equals_the_plain_group_by_on_known_data(budget):
    rng = random.Random(7)
    centres = [
        CostCenter.objects.create(organisation=budget["internal"], code=f"CC-{c}", name=c)
        for c in ("ZED", "ALPHA", "MID")
    ]
    for centre in centres[:2]:
        BudgetLine.objects.create(
            fiscal_year=budget["fy"], cost_centre=centre, category="cloud", planned=Decimal("99")
        )
    for _ in range(60):
        CostRecord.objects.create(
            fiscal_year=budget["fy"],
            cost_centre=rng.choice(centres),
            date=D(2025, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
            amount=Decimal(rng.randrange(1, 10**6)) / 100,
            category=rng.choice(Category.values),
        )
    owned = selectors.budget_centres(user=budget["employee"])
    fy = FiscalYear.objects.get(pk=budget["fy"].pk)
    for as_of in (D(2024, 12, 31), D(2025, 1, 1), AS_OF, D(2025, 12, 31), D(2026, 3, 1)):
        for limit in (None, owned):
            for _twice in range(2):  # a miss, then a hit
                cached = rollup.rollup(fiscal_year=fy, as_of=as_of, centres=limit)
                _same(cached, _plain(fy, as_of, limit))
    assert {r["code"] for r in cached.rows} == {"CC-SAL"}
    everything = rollup.rollup(fiscal_year=fy, as_of=AS_OF, centres=None)
    assert everything.rows[0]["code"] == "CC-ALPHA"  # ordered by code, as the plain one


def test_the_cached_rollup_is_one_query_hit_or_miss(budget):
    fy = FiscalYear.objects.get(pk=budget["fy"].pk)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            rollup.rollup(fiscal_year=fy, as_of=AS_OF, centres=None)
        assert len(ctx.captured_queries) == 1


def test_a_new_cost_shows_at_once_even_through_an_old_copy_of_the_year(budget):
    old_copy = budget["fy"]  # read before any cost was written
    first = rollup.rollup(fiscal_year=old_copy, as_of=AS_OF, centres=None)
    assert first.total.actual == Decimal("5550.00")
    cost(budget, "it", D(2025, 5, 1), "100.00", "cloud")
    again = rollup.rollup(fiscal_year=old_copy, as_of=AS_OF, centres=None)
    assert again.total.actual == Decimal("5650.00")
    _same(again, _plain(old_copy))


def test_api_writes_of_costs_change_the_dashboard_at_once(budget, api):
    client = api(budget["manager"])
    assert _burn(budget)["actual"] == Decimal("5550.00")
    new = {
        "fiscal_year": budget["fy"].pk,
        "date": "2025-05-01",
        "amount": "120.50",
        "cost_centre": budget["it"].pk,
        "category": "cloud",
    }
    created = client.post(f"{BASE}/", new, format="json")
    assert created.status_code == 201, created.content
    assert _burn(budget)["actual"] == Decimal("5670.50")
    pk = created.json()["id"]
    assert client.patch(f"{BASE}/{pk}/", {"amount": "20.50"}, format="json").status_code == 200
    assert _burn(budget)["actual"] == Decimal("5570.50")
    assert client.patch(f"{BASE}/{pk}/", {"date": "2025-08-01"}, format="json").status_code == 200
    assert _burn(budget)["actual"] == Decimal("5550.00")  # booked now, not spent
    assert client.delete(f"{BASE}/{pk}/").status_code == 204
    burn = _burn(budget)
    assert (burn["actual"], burn["forecast"]) == (Decimal("5550.00"), Decimal("14125.00"))
    rows = [{**new, "amount": "1.00"}, {**new, "amount": "2.00"}]
    assert client.post(f"{BASE}/bulk/", rows, format="json").status_code == 200
    assert _burn(budget)["actual"] == Decimal("5553.00")
    fresh = FiscalYear.objects.get(pk=budget["fy"].pk)
    _same(
        selectors.budget_rollup(user=budget["manager"], fiscal_year=fresh, as_of=AS_OF),
        _plain(fresh),
    )


def test_page_form_and_delete_change_the_dashboard_at_once(budget):
    client = Client()
    assert client.login(username=budget["manager"].username, password=PASSWORD)
    assert _burn(budget)["actual"] == Decimal("5550.00")
    form = {
        "fiscal_year": budget["fy"].pk,
        "date": "2025-06-01",
        "amount": "50.00",
        "cost_centre": budget["it"].pk,
        "category": "staff",
        "description": "Temp",
    }
    assert client.post("/strategy/costs/add/", form).status_code == 302
    assert _burn(budget)["actual"] == Decimal("5600.00")
    pk = CostRecord.objects.get(description="Temp").pk
    assert (
        client.post(f"/strategy/costs/{pk}/edit/", {**form, "amount": "10.00"}).status_code == 302
    )
    assert _burn(budget)["actual"] == Decimal("5560.00")
    assert client.post(f"/strategy/costs/{pk}/delete/").status_code == 302
    assert _burn(budget)["actual"] == Decimal("5550.00")


def test_bulk_writes_of_the_queryset_change_the_dashboard_at_once(budget):
    assert _burn(budget)["actual"] == Decimal("5550.00")
    CostRecord.objects.bulk_create(
        [
            CostRecord(
                fiscal_year=budget["fy"],
                cost_centre=budget["it"],
                date=D(2025, 3, 1),
                amount=Decimal("5.00"),
                category="cloud",
            )
        ]
    )
    assert _burn(budget)["actual"] == Decimal("5555.00")
    CostRecord.objects.filter(category="cloud").update(amount=Decimal("7.00"))
    assert _burn(budget)["actual"] == Decimal("5557.00")
    records = list(CostRecord.objects.filter(category="cloud"))
    records[0].amount = Decimal("8.00")
    CostRecord.objects.bulk_update(records, ["amount"])
    assert _burn(budget)["actual"] == Decimal("5558.00")
    CostRecord.objects.filter(category="cloud").delete()
    assert _burn(budget)["actual"] == Decimal("5550.00")


def test_the_sync_from_assets_changes_the_dashboard_at_once(budget):
    from steward.assets.models import Asset, HardwareModel, Manufacturer
    from steward.assets.models import Category as AssetCategory
    from steward.strategy import services

    assert _burn(budget)["actual"] == Decimal("5550.00")
    model = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"),
        name="Latitude",
        category=AssetCategory.LAPTOP,
    )
    asset = Asset.objects.create(
        asset_tag="A1",
        model=model,
        organisation=budget["internal"],
        purchase_cost=Decimal("1000.00"),
        purchase_date=D(2025, 3, 3),
    )
    assert services.cost_sync()["created"] == 1
    assert _burn(budget)["actual"] == Decimal("6550.00")
    asset.purchase_cost = Decimal("400.00")
    asset.save()
    assert services.cost_sync()["updated"] == 1
    assert _burn(budget)["actual"] == Decimal("5950.00")
    asset.purchase_cost = None
    asset.save()
    assert services.cost_sync()["removed"] == 1
    assert _burn(budget)["actual"] == Decimal("5550.00")
