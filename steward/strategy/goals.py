"""Goals and alignment: reads of goals with their progress, the strategy map, and the one
state change with a rule of its own, a key result's check-in. Progress: a key result's is
how far its current value moved from start to target (0-100, either direction, clamped);
an IT goal's the mean of its key results'; a business goal's the mean of its IT goals'
(goals without key results count as 0)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from steward.cmdb import selectors as cmdb_selectors
from steward.core import permissions
from steward.core import services as core_services
from steward.strategy.models import BusinessGoal, CheckIn, ITGoal, KeyResult, Project


def business_goal_list(*, user: Any) -> QuerySet[BusinessGoal]:
    return permissions.restrict(BusinessGoal.objects.select_related("owner"), user)


def it_goal_list(*, user: Any) -> QuerySet[ITGoal]:
    return permissions.restrict(ITGoal.objects.select_related("business_goal", "owner"), user)


def key_result_list(*, user: Any) -> QuerySet[KeyResult]:
    return permissions.restrict(KeyResult.objects.select_related("it_goal"), user)


def check_in_list(*, user: Any) -> QuerySet[CheckIn]:
    return permissions.restrict(CheckIn.objects.select_related("key_result"), user)


def mean(values: list[float]) -> float:
    """The mean (0 for none), unrounded; pages and the API show one decimal."""
    return sum(values) / len(values) if values else 0.0


@dataclass
class GoalProgress:
    id: int
    title: str
    progress: float
    exact: float
    key_results: list[dict[str, Any]] = field(default_factory=list)


KR_COLUMNS = (
    "pk",
    "it_goal",
    "name",
    "metric",
    "unit",
    "start_value",
    "target_value",
    "current_value",
)


def it_goal_progress(*, user: Any, it_goal_ids: list[int] | None = None) -> list[GoalProgress]:
    """Every visible IT goal (or those of ``it_goal_ids``) with its key results' progress; two
    queries whatever the number of goals."""
    key_results = KeyResult.objects.only(*KR_COLUMNS).order_by("name", "pk")
    # Only what is shown: the goals' owners and business goals were a third of the
    # dashboard's Python time (model instances built, audit snapshots taken, all unread).
    goals = (
        it_goal_list(user=user)
        .select_related(None)
        .only("pk", "title")
        .prefetch_related(Prefetch("key_results", queryset=key_results))
    )
    if it_goal_ids is not None:
        goals = goals.filter(pk__in=it_goal_ids)
    out = []
    for goal in goals:
        krs = [
            {
                "id": kr.pk,
                "name": kr.name,
                "metric": kr.metric,
                "unit": kr.unit,
                "start_value": kr.start_value,
                "target_value": kr.target_value,
                "current_value": kr.current_value,
                "progress": kr.progress,
            }
            for kr in goal.key_results.all()
        ]
        exact = mean([k["progress"] for k in krs])
        out.append(GoalProgress(goal.pk, goal.title, round(exact, 1), exact, krs))
    return out


@transaction.atomic
def check_in_record(
    *, key_result: KeyResult, date: datetime.date, value: Decimal, note: str = "", actor: Any
) -> CheckIn:
    """Record a key result's value on ``date``; the latest check-in (by date) becomes its
    current value. Raises PermissionDenied, ValidationError."""
    check_in = core_services.object_create(
        model=CheckIn,
        data={"key_result": key_result, "date": date, "value": value, "note": note},
        actor=actor,
    )
    latest = CheckIn.objects.filter(key_result=key_result).order_by("-date", "-pk").first()
    if latest is not None and latest.value != key_result.current_value:
        core_services.object_update(
            obj=key_result, data={"current_value": latest.value}, actor=actor
        )
    return check_in


def strategy_map(*, user: Any) -> list[dict[str, Any]]:
    """Business goal → IT goal → initiative/project → services and budget line, as nested
    dicts, over what ``user`` may see (projects only for staff). A fixed number of queries
    whatever the number of goals and projects."""
    business = list(business_goal_list(user=user).order_by("title"))
    progress = {g.id: g for g in it_goal_progress(user=user)}
    it_goals = list(it_goal_list(user=user).order_by("title"))
    projects: list[Project] = []
    if permissions.can(user, "view", Project):
        projects = list(
            permissions.restrict(
                Project.objects.select_related("budget_line__fiscal_year", "owner"), user
            )
            .filter(it_goal__isnull=False)
            .prefetch_related("services")
            .order_by("kind", "planned_start", "name")
        )
    service_ids = {s.pk for p in projects for s in p.services.all()}
    visible = cmdb_selectors.visible_ids(user, service_ids)
    by_goal: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for project in projects:
        assert project.it_goal_id is not None
        by_goal[project.it_goal_id].append(
            {
                "project": project,
                "services": [s for s in project.services.all() if s.pk in visible],
                "budget_line": project.budget_line,
            }
        )
    by_business: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for goal in it_goals:
        p = progress.get(goal.pk)
        by_business[goal.business_goal_id].append(
            {
                "goal": goal,
                "progress": p.progress if p else 0.0,
                "exact": p.exact if p else 0.0,
                "key_results": p.key_results if p else [],
                "projects": by_goal.get(goal.pk, []),
            }
        )
    return [
        {
            "goal": b,
            "progress": round(mean([g["exact"] for g in by_business.get(b.pk, [])]), 1),
            "it_goals": by_business.get(b.pk, []),
        }
        for b in business
    ]
