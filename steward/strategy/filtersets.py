"""Filters shared by the list pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import SearchFilterSet
from steward.strategy.models import (
    AllocationRule,
    Basis,
    BudgetLine,
    Category,
    CostRecord,
    FiscalYear,
    Source,
    UsageRecord,
)


class FiscalYearFilterSet(SearchFilterSet):
    class Meta:
        model = FiscalYear
        fields = ["q"]


class BudgetLineFilterSet(SearchFilterSet):
    search_fields = ("cost_centre__code", "cost_centre__name", "notes")
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)

    class Meta:
        model = BudgetLine
        fields = ["q", "fiscal_year", "cost_centre", "category"]


class CostRecordFilterSet(SearchFilterSet):
    search_fields = ("description",)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    source = django_filters.MultipleChoiceFilter(choices=Source.choices)
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("Since"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = CostRecord
        fields = ["q", "fiscal_year", "cost_centre", "category", "source", "since", "until"]


class AllocationRuleFilterSet(SearchFilterSet):
    search_fields = ("metric",)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    basis = django_filters.MultipleChoiceFilter(choices=Basis.choices)

    class Meta:
        model = AllocationRule
        fields = ["q", "fiscal_year", "category", "basis"]


class UsageRecordFilterSet(SearchFilterSet):
    search_fields = ("metric", "department__name")
    since = django_filters.DateFilter(field_name="period", lookup_expr="gte", label=_("Since"))
    until = django_filters.DateFilter(field_name="period", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = UsageRecord
        fields = ["q", "department", "metric", "since", "until"]
