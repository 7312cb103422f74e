"""Filters of goals and the portfolio, shared by the list pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import SearchFilterSet
from steward.strategy.models import (
    Allocation,
    BusinessGoal,
    CheckIn,
    Health,
    ITGoal,
    KeyResult,
    Kind,
    Milestone,
    Phase,
    Project,
    ProjectStatus,
)


class BusinessGoalFilterSet(SearchFilterSet):
    search_fields = ("title", "description")

    class Meta:
        model = BusinessGoal
        fields = ["q", "owner"]


class ITGoalFilterSet(SearchFilterSet):
    search_fields = ("title", "description")

    class Meta:
        model = ITGoal
        fields = ["q", "business_goal", "owner"]


class KeyResultFilterSet(SearchFilterSet):
    search_fields = ("name", "metric")

    class Meta:
        model = KeyResult
        fields = ["q", "it_goal"]


class CheckInFilterSet(SearchFilterSet):
    search_fields = ("note",)

    class Meta:
        model = CheckIn
        fields = ["q", "key_result"]


class ProjectFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices)
    phase = django_filters.MultipleChoiceFilter(choices=Phase.choices)
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    health = django_filters.MultipleChoiceFilter(choices=Health.choices)

    class Meta:
        model = Project
        fields = ["q", "kind", "phase", "status", "health", "it_goal", "owner"]


class MilestoneFilterSet(SearchFilterSet):
    search_fields = ("name",)
    due_before = django_filters.DateFilter(field_name="due", lookup_expr="lte", label=_("Due by"))

    class Meta:
        model = Milestone
        fields = ["q", "project", "done", "due_before"]


class AllocationFilterSet(SearchFilterSet):
    search_fields = ("project__name", "person__last_name")

    class Meta:
        model = Allocation
        fields = ["q", "project", "person"]
