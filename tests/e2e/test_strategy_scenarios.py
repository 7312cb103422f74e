"""Scenario plans in Chromium: an IT manager opens a growth plan and sees its computed lines
and the chart of its cost against the remaining budget drawn; then a recovery plan's
order (a cycle reported, the shared host first) with its RPO flag."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plans(org_world):
    from steward.assets.models import Asset, HardwareModel, Manufacturer
    from steward.cmdb.models import ConfigurationItem, Relationship
    from steward.org.models import CostCenter, Department, Person
    from steward.strategy import growth
    from steward.strategy.models import (
        BackupReport,
        BudgetLine,
        FiscalYear,
        RecoveryPlan,
        RecoveryTarget,
    )

    users = org_world["users"]
    internal = org_world["internal"]
    manager = users[Role.IT_MANAGER]
    today = timezone.localdate()
    fy = FiscalYear.objects.create(
        name="FYE2E",
        start=today - datetime.timedelta(days=100),
        end=today + datetime.timedelta(days=200),
    )
    it = CostCenter.objects.create(organisation=internal, code="CC-IT", name="IT", is_default=True)
    BudgetLine.objects.create(
        fiscal_year=fy, cost_centre=it, category="hardware", planned=Decimal("20000")
    )
    sales = Department.objects.create(organisation=internal, name="Sales", cost_center=it)
    laptop = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"), name="Latitude", category="laptop"
    )
    for n, person in enumerate(Person.objects.filter(organisation=internal)):
        Asset.objects.create(
            asset_tag=f"E-{n}",
            model=laptop,
            organisation=internal,
            status="deployed",
            assigned_person=person,
            purchase_cost=Decimal("1500"),
            purchase_date=today - datetime.timedelta(days=30),
        )
    growth_plan = growth.growth_plan_save(
        actor=manager,
        data={"name": "Sales growth", "target_date": today + datetime.timedelta(days=60)},
        hires=[{"department": sales, "count": 10}],
        plan=None,
    )
    ci = {
        n: ConfigurationItem.objects.create(name=n, ci_class=c, organisation=internal)
        for n, c in (
            ("Web shop", "business_service"),
            ("shop-app", "application"),
            ("shop-db", "database"),
            ("esx-01", "server"),
            ("sso", "application"),
            ("ldap", "application"),
        )
    }
    for a, b, kind in (
        ("Web shop", "shop-app", "depends_on"),
        ("shop-app", "shop-db", "depends_on"),
        ("shop-app", "esx-01", "runs_on"),
        ("shop-db", "esx-01", "runs_on"),
        ("shop-app", "sso", "depends_on"),
        ("sso", "ldap", "depends_on"),
        ("ldap", "sso", "depends_on"),
    ):
        Relationship.objects.create(source=ci[a], target=ci[b], kind=kind)
    plan = RecoveryPlan.objects.create(name="Ransomware", scenario="ransomware")
    RecoveryTarget.objects.create(
        plan=plan, service=ci["Web shop"], rto_minutes=120, rpo_minutes=60
    )
    BackupReport.objects.create(
        configuration_item=ci["shop-db"],
        job="nightly",
        finished_at=timezone.now() - datetime.timedelta(hours=5),
        status="success",
    )
    return {"growth": growth_plan, "recovery": plan, "manager": manager}


def test_growth_chart_and_recovery_order(session, plans):
    s = session("strategy-scenarios")
    s.login(str(plans["manager"].username))
    s.goto(f"/strategy/growth-plans/{plans['growth'].pk}/")
    page = s.page
    page.wait_for_function("() => window.Chart && Chart.getChart('growth-chart')")
    bars = page.evaluate(
        "() => Chart.getChart('growth-chart').data.datasets.map(d => [d.label, d.data])"
    )
    assert bars[0] == ["Cost of the plan", [15000, 15000]]
    assert bars[1][0] == "Remaining budget" and bars[1][1] == [20000, 20000]
    assert "Dell Latitude" in page.locator("#growth-lines").inner_text()
    assert "Computed at" in page.locator("#growth-computed").inner_text()
    s.shot("growth")

    s.goto(f"/strategy/recovery-plans/{plans['recovery'].pk}/")
    rows = page.locator("#recovery-order tbody tr").all_inner_texts()
    names = [r.split("\t")[1].strip() for r in rows]
    assert names.index("esx-01") < names.index("shop-db") < names.index("shop-app")
    assert names[-1] == "Web shop"
    assert "cycle" in page.locator("#recovery-cycles").inner_text()
    assert "RPO breached" in rows[names.index("shop-db")]
    s.shot("recovery")
    assert s.errors == []
