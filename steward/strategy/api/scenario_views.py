"""Scenario plans API: growth plans (saved with their hires and computed at once;
``compute`` and ``purchase-request`` actions), recovery plans with their ``order``,
recovery targets, backup reports (idempotent per item, job and finish time), tabletop
exercises and their actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core.api.viewsets import StewardViewSet
from steward.strategy import growth, recovery
from steward.strategy import scenario_filtersets as filtersets
from steward.strategy.api import scenario_serializers as s
from steward.strategy.models import (
    BackupReport,
    Exercise,
    ExerciseAction,
    GrowthPlan,
    RecoveryPlan,
    RecoveryTarget,
)


def _drf(exc: Exception) -> Exception:
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    if isinstance(exc, ValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return exceptions.ValidationError(detail)
    return exc


class GrowthPlanViewSet(StewardViewSet):
    queryset = GrowthPlan.objects.all()
    serializer_class = s.GrowthPlanSerializer
    filterset_class = filtersets.GrowthPlanFilterSet
    list_prefetch_related = ("hires",)

    def _save(self, obj: GrowthPlan | None, data: dict[str, Any]) -> Model:
        hires = data.pop("hires", None)
        if hires is None and obj is not None:
            hires = [{"department": h.department, "count": h.count} for h in obj.hires.all()]
        return growth.growth_plan_save(
            actor=self.request.user, data=data, hires=hires or [], plan=obj
        )

    def create_object(self, data: dict[str, Any]) -> Model:
        return self._save(None, data)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        assert isinstance(obj, GrowthPlan)
        return self._save(obj, data)

    @extend_schema(request=None, responses={200: s.GrowthPlanSerializer})
    @action(detail=True, methods=["post"])
    def compute(self, request: Request, pk: Any = None) -> Response:
        """Recompute the plan's lines from today's data."""
        try:
            plan = growth.growth_compute(plan=self.get_object(), actor=request.user)
        except (PermissionDenied, ValidationError) as exc:
            raise _drf(exc) from exc
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=None, responses={201: OpenApiResponse(), 400: OpenApiResponse()})
    @action(detail=True, methods=["post"], url_path="purchase-request")
    def purchase_request(self, request: Request, pk: Any = None) -> Response:
        """Draft a purchase request (assets' procurement) for the plan's hardware."""
        try:
            draft = growth.growth_purchase_request(plan=self.get_object(), actor=request.user)
        except (PermissionDenied, ValidationError) as exc:
            raise _drf(exc) from exc
        return Response({"purchase_request": draft.pk}, status=status.HTTP_201_CREATED)


class RecoveryPlanViewSet(StewardViewSet):
    queryset = RecoveryPlan.objects.all()
    serializer_class = s.RecoveryPlanSerializer
    filterset_class = filtersets.RecoveryPlanFilterSet

    @extend_schema(responses={200: s.RecoveryOrderSerializer})
    @action(detail=True, methods=["get"])
    def order(self, request: Request, pk: Any = None) -> Response:
        """The recovery order from the CMDB's dependencies, with backup status and RPO flags."""
        result = recovery.plan_recovery(plan=self.get_object(), user=request.user)
        return Response(s.RecoveryOrderSerializer(result).data)


class RecoveryTargetViewSet(StewardViewSet):
    queryset = RecoveryTarget.objects.all()
    serializer_class = s.RecoveryTargetSerializer
    filterset_class = filtersets.RecoveryTargetFilterSet


class BackupReportViewSet(StewardViewSet):
    """Backup runs per configuration item, as backup systems report them. Posting the same
    (item, job, finished at) again answers 200 with the stored report, unchanged."""

    queryset = BackupReport.objects.all()
    serializer_class = s.BackupReportSerializer
    filterset_class = filtersets.BackupReportFilterSet

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report, created = recovery.backup_report_record(
                actor=request.user, data=dict(serializer.validated_data)
            )
        except (PermissionDenied, ValidationError) as exc:
            raise _drf(exc) from exc
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(report).data, status=code)


class ExerciseViewSet(StewardViewSet):
    queryset = Exercise.objects.all()
    serializer_class = s.ExerciseSerializer
    filterset_class = filtersets.ExerciseFilterSet


class ExerciseActionViewSet(StewardViewSet):
    queryset = ExerciseAction.objects.all()
    serializer_class = s.ExerciseActionSerializer
    filterset_class = filtersets.ExerciseActionFilterSet
