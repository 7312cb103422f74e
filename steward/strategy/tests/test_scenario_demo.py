"""The scenario plans demo: a computed growth plan of 25 hires in two departments, a
ransomware recovery plan for the main business services with backup reports (one stale,
so an RPO is breached), one tabletop exercise with actions; idempotent."""

from __future__ import annotations

import random

import pytest

from steward.assets import demo as assets_demo
from steward.cmdb import demo as cmdb_demo
from steward.core.models import User
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo
from steward.strategy import demo, recovery, scenario_demo
from steward.strategy.models import BackupReport, Exercise, GrowthPlan, RecoveryPlan

pytestmark = pytest.mark.django_db


def test_scenario_demo(monkeypatch):
    log = lambda m: None  # noqa: E731
    org_demo.load(rng=random.Random(1), log=log, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    assets_demo.load(rng=random.Random(2), log=log)
    cmdb_demo.load(rng=random.Random(3), log=log)
    demo.load(rng=random.Random(4), log=log)
    scenario_demo.load(rng=random.Random(5), log=log)

    plan = GrowthPlan.objects.get()
    assert sum(h.count for h in plan.hires.all()) == 25 and plan.hires.count() == 2
    assert plan.computed_at and plan.computed["lines"]
    assert any(line["kind"] == "hardware" for line in plan.computed["lines"])
    assert plan.computed["budget"]["fiscal_year"]

    ransomware = RecoveryPlan.objects.get()
    assert ransomware.targets.count() == 3
    manager = User.objects.get(username="manager")
    result = recovery.plan_recovery(plan=ransomware, user=manager)
    assert result["steps"] and result["breaches"] >= 1
    assert BackupReport.objects.exists()
    exercise = Exercise.objects.get()
    assert exercise.actions.count() == 3 and exercise.actions.filter(done=True).count() == 1

    counts = (GrowthPlan.objects.count(), BackupReport.objects.count())
    scenario_demo.load(rng=random.Random(5), log=log)
    assert (GrowthPlan.objects.count(), BackupReport.objects.count()) == counts


def test_scenario_demo_runs_after_the_budget_and_the_cmdb():
    order = {name: o for o, name, _ in demo_loaders}
    assert order["strategy_scenarios"] > order["strategy"] > order["cmdb"]
