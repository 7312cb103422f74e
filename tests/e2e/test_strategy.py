"""Budget in Chromium: an IT manager opens the budget of a year and sees the chart drawn
(planned, actual, forecast per category) with the tables, records a manual cost through the
form (a date outside the year refused with the reason), and sees it in the figures; a budget
holder sees only their own cost centre. The showback page stacks each department's direct
costs and shares."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = datetime.date


@pytest.fixture
def budget(org_world):
    from steward.org.models import CostCenter, Department, Person
    from steward.strategy.models import BudgetLine, CostRecord, FiscalYear

    users = org_world["users"]
    internal = org_world["internal"]
    seller = Person.objects.get(user=users[Role.EMPLOYEE])
    fy = FiscalYear.objects.create(name="FY2025", start=D(2025, 1, 1), end=D(2025, 12, 31))
    it = CostCenter.objects.create(organisation=internal, code="CC-IT", name="IT", is_default=True)
    sal = CostCenter.objects.create(
        organisation=internal, code="CC-SAL", name="Sales", owner=seller
    )
    sales = Department.objects.create(organisation=internal, name="Sales", cost_center=sal)
    seller.department = sales
    seller.save()
    for centre, category, planned in (
        (it, "hardware", "10000"),
        (it, "software", "5000"),
        (it, "cloud", "12000"),
        (sal, "staff", "2000"),
    ):
        BudgetLine.objects.create(
            fiscal_year=fy, cost_centre=centre, category=category, planned=Decimal(planned)
        )
    for centre, day, amount, category in (
        (it, D(2025, 2, 1), "3000", "hardware"),
        (it, D(2025, 7, 1), "640", "hardware"),
        (it, D(2025, 3, 1), "1000", "software"),
        (it, D(2025, 9, 1), "4000", "software"),
        (it, D(2025, 4, 5), "2600", "cloud"),
        (sal, D(2025, 1, 15), "910", "hardware"),
    ):
        CostRecord.objects.create(
            fiscal_year=fy, cost_centre=centre, date=day, amount=Decimal(amount), category=category
        )
    return {"fy": fy, "it": it, "users": users}


def test_budget_page_chart_and_a_manual_cost(session, budget):
    manager = session("strategy-manager")
    manager.login(str(budget["users"][Role.IT_MANAGER].username))
    url = f"/strategy/budget/?year={budget['fy'].pk}&as_of=2025-07-01"
    manager.goto(url)
    page = manager.page
    page.wait_for_function("() => window.Chart && Chart.getChart('budget-chart')")
    bars = page.evaluate(
        "() => Chart.getChart('budget-chart').data.datasets.map(d => [d.label, d.data])"
    )
    assert bars[0] == ["Planned", [10000, 5000, 12000, 0, 2000]]
    assert bars[2][0] == "Forecast" and bars[2][1][:2] == [9125, 5000]
    assert page.locator("#budget-categories tfoot").inner_text().split()[1] == "29,000.00"
    assert "CC-SAL Sales" in page.locator("#budget-centres").inner_text()
    manager.shot("budget")

    manager.goto("/strategy/costs/add/")
    page.get_by_label("Fiscal year").select_option(label="FY2025")
    page.get_by_label("Date").fill("2026-01-10")
    page.get_by_label("Amount").fill("1500")
    page.get_by_label("Cost centre").select_option(label="CC-IT IT")
    page.get_by_label("Category").select_option(label="Cloud")
    page.get_by_label("Description").fill("June cloud bill")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Outside the fiscal year FY2025").is_visible()
    manager.shot("refused")
    page.get_by_label("Date").fill("2025-06-30")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/strategy/costs/*/")
    manager.goto(url)
    cloud = page.locator("#budget-categories tbody tr").nth(2).inner_text().split()
    assert cloud[:3] == ["Cloud", "12,000.00", "4,100.00"]
    assert manager.errors == []

    holder = session("strategy-holder")
    holder.login(str(budget["users"][Role.EMPLOYEE].username))
    holder.goto(url)
    centres = holder.page.locator("#budget-centres").inner_text()
    assert "CC-SAL" in centres and "CC-IT" not in centres
    holder.shot("holder")
    assert holder.errors == []


def test_showback_page_stacks_direct_and_shared_costs(session, budget):
    """As of 1 July: Sales (the only department, its seller the only head) has its 910 of
    hardware direct and every cost of the default centre (IT's 3,640 + 1,000 + 2,600) by
    headcount."""
    manager = session("strategy-showback")
    manager.login(str(budget["users"][Role.IT_MANAGER].username))
    manager.goto(f"/strategy/showback/?year={budget['fy'].pk}&as_of=2025-07-01")
    page = manager.page
    page.wait_for_function("() => window.Chart && Chart.getChart('showback-chart')")
    bars = page.evaluate(
        "() => Chart.getChart('showback-chart').data.datasets.map(d => [d.label, d.data])"
    )
    assert bars == [
        ["Direct", [910]],
        ["Hardware", [3640]],
        ["Software", [1000]],
        ["Cloud", [2600]],
    ]
    assert page.evaluate("() => Chart.getChart('showback-chart').options.scales.x.stacked")
    row = page.locator("#showback-departments tbody tr").first.inner_text().split()
    assert row[0] == "Sales" and row[-1] == "8,150.00"
    manager.shot("showback")
    assert manager.errors == []
