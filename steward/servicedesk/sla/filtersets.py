"""Filters of the SLA configuration, shared by the list pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import RestrictedFilterSet
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    Priority,
    SLAClock,
    SLAMetric,
    SLAPolicy,
    SLAPolicyKind,
    SLATarget,
    WorkingHours,
)


class IntegerFilter(django_filters.Filter):
    """Whole numbers in a range, so that a huge or fractional value is a 400, not a 500."""

    field_class = forms.IntegerField


class _Search(RestrictedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class BusinessCalendarFilterSet(_Search):
    class Meta:
        model = BusinessCalendar
        fields = ["q", "time_zone"]


class WorkingHoursFilterSet(RestrictedFilterSet):
    class Meta:
        model = WorkingHours
        fields = ["calendar", "weekday"]


class HolidayFilterSet(_Search):
    year = IntegerFilter(
        field_name="date", lookup_expr="year", label=_("Year"), min_value=1900, max_value=2999
    )

    class Meta:
        model = Holiday
        fields = ["q", "calendar", "year"]


class SLAPolicyFilterSet(_Search):
    kind = django_filters.ChoiceFilter(choices=SLAPolicyKind.choices)

    class Meta:
        model = SLAPolicy
        fields = ["q", "kind", "is_active", "organisation", "service", "team", "calendar"]


class SLATargetFilterSet(RestrictedFilterSet):
    priority = django_filters.ChoiceFilter(choices=Priority.choices)

    class Meta:
        model = SLATarget
        fields = ["policy", "priority"]


class EscalationRuleFilterSet(RestrictedFilterSet):
    trigger = django_filters.ChoiceFilter(choices=EscalationRule.Trigger.choices)

    class Meta:
        model = EscalationRule
        fields = ["policy", "trigger", "action"]


class SLAClockFilterSet(RestrictedFilterSet):
    metric = django_filters.ChoiceFilter(choices=SLAMetric.choices)
    ticket = IntegerFilter(
        field_name="ticket_id", label=_("Ticket"), min_value=1, max_value=2**63 - 1
    )
    breached = django_filters.BooleanFilter(
        field_name="breached_at", lookup_expr="isnull", exclude=True, label=_("Breached")
    )

    class Meta:
        model = SLAClock
        fields = ["ticket", "metric", "is_active", "policy", "team", "breached"]
