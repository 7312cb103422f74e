"""Filters of the risk register, shared by the list pages and the API. A heat-map cell links
to the list filtered by its likelihood and impact (inherent, or residual where the residual
falls back to the inherent while not assessed)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.core.filtersets import SearchFilterSet
from steward.strategy.models import (
    ControlType,
    Effectiveness,
    Risk,
    RiskCategory,
    RiskControl,
    RiskMatrix,
    RiskStatus,
    Treatment,
)
from steward.strategy.models.risk import MAX_SCALE


def _scale(label: Any, **kw: Any) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(label=label, min_value=1, max_value=MAX_SCALE, **kw)


class RiskMatrixFilterSet(SearchFilterSet):
    class Meta:
        model = RiskMatrix
        fields = ["q"]


class RiskFilterSet(SearchFilterSet):
    search_fields = ("title", "description", "treatment_plan")
    category = django_filters.MultipleChoiceFilter(choices=RiskCategory.choices)
    status = django_filters.MultipleChoiceFilter(choices=RiskStatus.choices)
    treatment = django_filters.MultipleChoiceFilter(choices=Treatment.choices)
    inherent_likelihood = _scale(_("Inherent likelihood"))
    inherent_impact = _scale(_("Inherent impact"))
    residual_likelihood = _scale(_("Residual likelihood"), method="residual")
    residual_impact = _scale(_("Residual impact"), method="residual")
    review_due = django_filters.BooleanFilter(method="due", label=_("Review due"))

    class Meta:
        model = Risk
        fields = [
            "q",
            "category",
            "status",
            "treatment",
            "owner",
            "matrix",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "review_due",
        ]

    def residual(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        inherent = name.replace("residual", "inherent")
        return queryset.filter(
            Q(**{name: int(value)}) | Q(**{f"{name}__isnull": True, inherent: int(value)})
        )

    def due(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if value is None:
            return queryset
        condition = Q(next_review__lte=timezone.localdate()) & ~Q(status=RiskStatus.CLOSED)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class RiskControlFilterSet(SearchFilterSet):
    search_fields = ("name", "description", "risk__title")
    control_type = django_filters.MultipleChoiceFilter(choices=ControlType.choices)
    effectiveness = django_filters.MultipleChoiceFilter(choices=Effectiveness.choices)

    class Meta:
        model = RiskControl
        fields = ["q", "risk", "control_type", "effectiveness", "owner"]
