"""API routes of the scenario plans, registered on strategy's router."""

from __future__ import annotations

from typing import Any

from steward.strategy.api import scenario_views as views


def register(router: Any) -> list[Any]:
    router.register("growth-plans", views.GrowthPlanViewSet)
    router.register("recovery-plans", views.RecoveryPlanViewSet)
    router.register("recovery-targets", views.RecoveryTargetViewSet)
    router.register("backup-reports", views.BackupReportViewSet)
    router.register("exercises", views.ExerciseViewSet)
    router.register("exercise-actions", views.ExerciseActionViewSet)
    return []
