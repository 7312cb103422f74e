"""The goals and portfolio demo: four business goals, IT goals with key results and
check-ins, ten projects across phases with milestones, real IT people allocated (some over
100 %), links to services and changes; deterministic and idempotent."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from steward.core.models import User
from steward.core.registry import demo_loaders
from steward.strategy import goals, portfolio, portfolio_demo
from steward.strategy.models import (
    Allocation,
    BusinessGoal,
    CheckIn,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
)

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (BusinessGoal, ITGoal, KeyResult, CheckIn, Project, Milestone, Allocation)
    ]


def test_demo_strategy_and_portfolio():
    from steward.org import demo as org_demo

    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    portfolio_demo.load(rng=random.Random(5), log=lambda m: None)

    assert BusinessGoal.objects.count() == 4
    assert ITGoal.objects.count() >= 6 and KeyResult.objects.count() >= 10
    assert CheckIn.objects.count() == 3 * KeyResult.objects.count()
    assert Project.objects.count() == 10
    assert len(set(Project.objects.values_list("phase", flat=True))) == 5
    assert not Project.objects.exclude(health="green").filter(health_reason="").exists()
    assert Milestone.objects.count() == 30
    manager = User.objects.get(username="manager")
    start = timezone.localdate().replace(day=1)
    data = portfolio.capacity(user=manager, start=start, months=6)
    assert any(p["over"] for p in data["people"])
    assert not all(p["over"] for p in data["people"])
    tree = goals.strategy_map(user=manager)
    assert all(0 < b["progress"] < 100 for b in tree)

    counts = _counts()
    portfolio_demo.load(rng=random.Random(5), log=lambda m: None)
    assert _counts() == counts


def test_portfolio_demo_runs_after_the_budget_and_changes_demos():
    order = {name: o for o, name, _ in demo_loaders}
    assert order["strategy_portfolio"] > order["strategy"] > order["changes"]
