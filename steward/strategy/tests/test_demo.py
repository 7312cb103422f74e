"""The budget demo: two fiscal years, a cost centre per department, costs rolled up from the
assets demo plus manual ones, budget lines near the spend; idempotent."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from steward.assets import demo as assets_demo
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo
from steward.org.models import CostCenter
from steward.strategy import demo, selectors
from steward.strategy.models import BudgetLine, CostRecord, FiscalYear, Source

pytestmark = pytest.mark.django_db


def test_demo_budget_year(monkeypatch):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    assets_demo.load(rng=random.Random(2), log=lambda m: None)
    demo.load(rng=random.Random(4), log=lambda m: None)

    this_year = FiscalYear.objects.get(name=f"FY{timezone.localdate().year}")
    assert FiscalYear.objects.count() == 2
    assert CostCenter.objects.count() == 8
    assert CostCenter.objects.get(is_default=True).name == "Information Technology"
    assert not CostCenter.objects.filter(owner=None).exists()
    assert CostRecord.objects.filter(source=Source.ASSET).exists()
    assert CostRecord.objects.filter(source=Source.MANUAL, category="staff").exists()
    assert BudgetLine.objects.filter(fiscal_year=this_year).count() >= 5
    from steward.core.models import User

    manager = User.objects.get(username="manager")
    result = selectors.budget_rollup(user=manager, fiscal_year=this_year)
    assert result.total.planned > 0 and result.total.actual > 0
    # planned near the forecast, a few lines off by up to a quarter
    assert abs(result.total.variance) < result.total.planned * 30 / 100

    shown = selectors.showback_get(user=manager, fiscal_year=this_year)
    assert shown.unallocated == [] and shown.allocated == shown.total > 0
    it = next(d for d in shown.departments if d["name"] == "Information Technology")
    assert it["shared"]["cloud"] > 0 and it["assets"] > 0

    counts = (CostRecord.objects.count(), BudgetLine.objects.count())
    demo.load(rng=random.Random(4), log=lambda m: None)
    assert (CostRecord.objects.count(), BudgetLine.objects.count()) == counts


def test_strategy_demo_runs_after_the_assets_demo():
    order = {name: o for o, name, _ in demo_loaders}
    assert order["strategy"] > order["assets"]
    assert order["strategy"] > order["assets_software"]
