"""The CIO dashboard's figures as JSON (read only; IT managers and administrators)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.strategy import dashboard
from steward.strategy.api.serializers import CategoryTotalSerializer, FiguresSerializer
from steward.strategy.models import FiscalYear, Health, Phase

S = serializers.Serializer


class DashboardGoalProgressSerializer(S):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    it_goals = serializers.IntegerField()
    progress = serializers.FloatField()


class DashboardAlignmentSerializer(S):  # type: ignore[type-arg]
    overall = serializers.FloatField()
    goals = DashboardGoalProgressSerializer(many=True)


class DashboardYearSerializer(S):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()


class DashboardBudgetBurnSerializer(S):  # type: ignore[type-arg]
    fiscal_year = DashboardYearSerializer()
    as_of = serializers.DateField()
    elapsed_days = serializers.IntegerField()
    days = serializers.IntegerField()
    year_elapsed_percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    burn_percent = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    total = FiguresSerializer()
    by_category = CategoryTotalSerializer(many=True)


class DashboardHeatCellSerializer(S):  # type: ignore[type-arg]
    impact = serializers.IntegerField()
    count = serializers.IntegerField()
    level = serializers.CharField()
    colour = serializers.CharField()


class DashboardHeatRowSerializer(S):  # type: ignore[type-arg]
    likelihood = serializers.IntegerField()
    label = serializers.CharField()
    cells = DashboardHeatCellSerializer(many=True)


class DashboardHeatMapSerializer(S):  # type: ignore[type-arg]
    matrix = serializers.CharField()
    view = serializers.CharField()
    total = serializers.IntegerField()
    impact_labels = serializers.ListField(child=serializers.CharField())
    rows = DashboardHeatRowSerializer(many=True)


class DashboardServiceHealthSerializer(S):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    open_incidents = serializers.IntegerField()
    major_incidents = serializers.IntegerField()
    sla_met = serializers.IntegerField()
    sla_breached = serializers.IntegerField()
    sla_percent = serializers.FloatField(allow_null=True)


class DashboardHealthCountSerializer(S):  # type: ignore[type-arg]
    health = serializers.ChoiceField(choices=Health.choices)
    name = serializers.CharField()
    count = serializers.IntegerField()


class DashboardPhaseCountSerializer(S):  # type: ignore[type-arg]
    phase = serializers.ChoiceField(choices=Phase.choices)
    name = serializers.CharField()
    count = serializers.IntegerField()


class DashboardLateMilestoneSerializer(S):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    due = serializers.DateField()
    days_late = serializers.IntegerField()
    project_id = serializers.IntegerField()
    project = serializers.CharField()


class DashboardPortfolioStatusSerializer(S):  # type: ignore[type-arg]
    total = serializers.IntegerField()
    by_health = DashboardHealthCountSerializer(many=True)
    by_phase = DashboardPhaseCountSerializer(many=True)
    late_milestones_count = serializers.IntegerField()
    late_milestones = DashboardLateMilestoneSerializer(many=True)


class DashboardSerializer(S):  # type: ignore[type-arg]
    today = serializers.DateField()
    alignment = DashboardAlignmentSerializer()
    budget = DashboardBudgetBurnSerializer(allow_null=True)
    risks = DashboardHeatMapSerializer(allow_null=True)
    services = DashboardServiceHealthSerializer(many=True)
    portfolio = DashboardPortfolioStatusSerializer()


class DashboardView(APIView):
    """The CIO dashboard: alignment progress, budget burn of the current fiscal year, the
    residual risk heat map, service health with SLA met % over 30 days, portfolio status.
    IT managers and administrators only (others 403)."""

    queryset = FiscalYear.objects.all()

    @extend_schema(responses={200: DashboardSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dashboard.as_dict(dashboard.dashboard_get(user=request.user))
        return Response(DashboardSerializer(data).data)


urlpatterns: list[URLPattern] = [
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
]
