"""Roll-ups against totals worked out by hand (see conftest.budget)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.strategy import rollup, selectors
from steward.strategy.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db
D = datetime.date


def _rows(result):
    return {(r["code"], r["category"]): r for r in result.rows}


def test_rollup_per_centre_and_category_matches_hand_computed_figures(budget):
    result = selectors.budget_rollup(user=budget["manager"], fiscal_year=budget["fy"], as_of=AS_OF)
    rows = _rows(result)
    assert result.elapsed_days == 182
    hw = rows[("CC-IT", "hardware")]
    assert (hw["planned"], hw["actual"], hw["forecast"]) == (
        Decimal("10000.00"),
        Decimal("3640.00"),
        Decimal("7300.00"),
    )
    assert hw["variance"] == Decimal("-2700.00")
    assert hw["variance_percent"] == Decimal("-27.0")
    sw = rows[("CC-IT", "software")]
    assert (sw["actual"], sw["forecast"], sw["variance"]) == (
        Decimal("1000.00"),
        Decimal("5000.00"),
        Decimal("0.00"),
    )
    sales_hw = rows[("CC-SAL", "hardware")]
    assert (sales_hw["planned"], sales_hw["forecast"]) == (Decimal("0.00"), Decimal("1825.00"))
    assert sales_hw["variance_percent"] is None
    staff = rows[("CC-SAL", "staff")]
    assert (staff["actual"], staff["forecast"], staff["variance"]) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("-2000.00"),
    )
    assert len(rows) == 4


def test_totals_per_centre_per_category_and_overall(budget):
    result = selectors.budget_rollup(user=budget["manager"], fiscal_year=budget["fy"], as_of=AS_OF)
    centres = {c["code"]: c for c in result.by_centre}
    assert centres["CC-IT"]["planned"] == Decimal("15000.00")
    assert centres["CC-IT"]["actual"] == Decimal("4640.00")
    assert centres["CC-IT"]["forecast"] == Decimal("12300.00")
    assert centres["CC-SAL"]["forecast"] == Decimal("1825.00")
    categories = {c["category"]: c for c in result.by_category}
    assert list(categories) == ["hardware", "software", "cloud", "services", "staff"]
    assert categories["hardware"]["actual"] == Decimal("4550.00")
    assert categories["hardware"]["forecast"] == Decimal("9125.00")
    assert categories["cloud"]["planned"] == Decimal("0.00")
    total = result.total
    assert (total.planned, total.actual, total.forecast) == (
        Decimal("17000.00"),
        Decimal("5550.00"),
        Decimal("14125.00"),
    )
    assert total.variance == Decimal("-2875.00")


def test_rollup_is_one_query(budget):
    with CaptureQueriesContext(connection) as ctx:
        rollup.rollup(fiscal_year=budget["fy"], as_of=AS_OF, centres=None)
    assert len(ctx.captured_queries) == 1
    assert "GROUP BY" in ctx.captured_queries[0]["sql"]


def test_before_the_year_the_forecast_is_what_is_booked(budget):
    result = rollup.rollup(fiscal_year=budget["fy"], as_of=D(2024, 12, 31), centres=None)
    assert result.elapsed_days == 0
    hw = _rows(result)[("CC-IT", "hardware")]
    assert (hw["actual"], hw["forecast"]) == (Decimal("0.00"), Decimal("3640.00"))


def test_after_the_year_the_forecast_is_the_actual(budget):
    result = rollup.rollup(fiscal_year=budget["fy"], as_of=D(2026, 2, 1), centres=None)
    assert result.elapsed_days == 365
    assert result.total.actual == result.total.forecast == Decimal("9550.00")


def test_forecast_rule():
    forecast = rollup.forecast
    assert forecast(
        actual=Decimal("100"), booked=Decimal("0"), elapsed_days=10, days=40
    ) == Decimal("400.00")
    assert forecast(actual=Decimal("100"), booked=Decimal("500"), elapsed_days=10, days=40) == (
        Decimal("600.00")
    )
    assert forecast(actual=Decimal("0"), booked=Decimal("7"), elapsed_days=0, days=40) == Decimal(
        "7.00"
    )


def test_a_budget_holder_sees_only_the_centres_they_own(budget):
    result = selectors.budget_rollup(user=budget["employee"], fiscal_year=budget["fy"], as_of=AS_OF)
    assert {r["code"] for r in result.rows} == {"CC-SAL"}
    assert result.total.planned == Decimal("2000.00")
    agent = selectors.budget_rollup(user=budget["agent"], fiscal_year=budget["fy"], as_of=AS_OF)
    assert agent.rows == []
    whole = selectors.budget_rollup(
        user=budget["asset_manager"], fiscal_year=budget["fy"], as_of=AS_OF
    )
    assert whole.total.planned == Decimal("17000.00")


def test_one_cost_centre(budget):
    result = selectors.budget_rollup(
        user=budget["manager"],
        fiscal_year=budget["fy"],
        as_of=AS_OF,
        cost_centre_id=budget["sales"].pk,
    )
    assert {r["code"] for r in result.rows} == {"CC-SAL"}
