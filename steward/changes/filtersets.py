"""Filters shared by the change pages and the API. Malformed ids and dates answer 400 before
they reach the database."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from steward.changes.models import (
    ChangeRequest,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    ChangeWindow,
    Outcome,
    Problem,
    ProblemPriority,
    ProblemState,
    RiskLevel,
    WindowKind,
)
from steward.core.filtersets import (
    IdFilter,
    IdModelChoiceFilter,
    SearchFilterSet,
)

Team: Any = ChangeRequest._meta.get_field("assignment_team").related_model


ChangesFilterSet = SearchFilterSet


class ChangeRequestFilterSet(ChangesFilterSet):
    search_fields = ("title", "description")
    state = django_filters.MultipleChoiceFilter(choices=ChangeState.choices)
    change_type = django_filters.MultipleChoiceFilter(choices=ChangeType.choices, label=_("Type"))
    risk_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    assignment_team = IdModelChoiceFilter(queryset=Team.objects.all(), label=_("Assignment group"))
    template = IdModelChoiceFilter(queryset=ChangeTemplate.objects.all())
    configuration_item = IdFilter(field_name="ci_links__configuration_item", label=_("Item (id)"))
    planned_after = django_filters.IsoDateTimeFilter(
        field_name="planned_end", lookup_expr="gte", label=_("Planned to end after")
    )
    planned_before = django_filters.IsoDateTimeFilter(
        field_name="planned_start", lookup_expr="lt", label=_("Planned to start before")
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "q",
            "state",
            "change_type",
            "risk_level",
            "outcome",
            "assignment_team",
            "template",
            "configuration_item",
            "planned_after",
            "planned_before",
        ]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """``CHG-12`` (or ``12``) finds the change by reference, anything else by words."""
        ref = value.strip().upper().removeprefix("CHG-")
        condition = Q(title__icontains=value) | Q(description__icontains=value)
        if ref.isascii() and ref.isdecimal() and len(ref) < 19:
            condition |= Q(pk=int(ref))
        return queryset.filter(condition)


class ChangeTemplateFilterSet(ChangesFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = ChangeTemplate
        fields = ["q", "is_active", "risk_level"]


class ChangeWindowFilterSet(ChangesFilterSet):
    kind = django_filters.ChoiceFilter(choices=WindowKind.choices)
    after = django_filters.IsoDateTimeFilter(
        field_name="end", lookup_expr="gte", label=_("Ending after")
    )
    before = django_filters.IsoDateTimeFilter(
        field_name="start", lookup_expr="lt", label=_("Starting before")
    )

    class Meta:
        model = ChangeWindow
        fields = ["q", "kind", "after", "before"]


class ProblemFilterSet(ChangesFilterSet):
    search_fields = ("title", "description", "root_cause", "workaround")
    state = django_filters.MultipleChoiceFilter(choices=ProblemState.choices)
    priority = django_filters.TypedChoiceFilter(choices=ProblemPriority.choices, coerce=int)
    assignment_team = IdModelChoiceFilter(queryset=Team.objects.all(), label=_("Assignment group"))
    incident = IdFilter(field_name="incident_links__ticket_id", label=_("Incident (id)"))

    class Meta:
        model = Problem
        fields = ["q", "state", "priority", "assignment_team", "incident"]
