"""Filters of the scenario plans' lists, shared by the pages and the API."""

from __future__ import annotations

import django_filters

from steward.core.filtersets import SearchFilterSet
from steward.strategy.models import (
    BackupReport,
    BackupStatus,
    Exercise,
    ExerciseAction,
    GrowthPlan,
    RecoveryPlan,
    RecoveryScenario,
    RecoveryTarget,
)


class GrowthPlanFilterSet(SearchFilterSet):
    class Meta:
        model = GrowthPlan
        fields = ["q"]


class RecoveryPlanFilterSet(SearchFilterSet):
    scenario = django_filters.MultipleChoiceFilter(choices=RecoveryScenario.choices)

    class Meta:
        model = RecoveryPlan
        fields = ["q", "scenario"]


class RecoveryTargetFilterSet(SearchFilterSet):
    search_fields = ("service__name", "plan__name")

    class Meta:
        model = RecoveryTarget
        fields = ["q", "plan", "service"]


class BackupReportFilterSet(SearchFilterSet):
    search_fields = ("job", "configuration_item__name")
    status = django_filters.MultipleChoiceFilter(choices=BackupStatus.choices)

    class Meta:
        model = BackupReport
        fields = ["q", "configuration_item", "status"]


class ExerciseFilterSet(SearchFilterSet):
    class Meta:
        model = Exercise
        fields = ["q", "plan"]


class ExerciseActionFilterSet(SearchFilterSet):
    search_fields = ("action", "finding")

    class Meta:
        model = ExerciseAction
        fields = ["q", "exercise", "done"]
