"""Budget and cost API: fiscal years, budget lines and costs (list, create,
update; costs rolled up from assets are read-only), the roll-up of a year (read-only) and
starting the roll-up from assets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.core.api.viewsets import StewardViewSet
from steward.strategy import filtersets, selectors, services
from steward.strategy.api import serializers as s
from steward.strategy.models import BudgetLine, CostRecord, FiscalYear

JobStarted = inline_serializer("CostSyncStarted", fields={"job": serializers.UUIDField()})


class FiscalYearViewSet(StewardViewSet):
    queryset = FiscalYear.objects.all()
    serializer_class = s.FiscalYearSerializer
    filterset_class = filtersets.FiscalYearFilterSet


class BudgetLineViewSet(StewardViewSet):
    queryset = BudgetLine.objects.all()
    serializer_class = s.BudgetLineSerializer
    filterset_class = filtersets.BudgetLineFilterSet


class CostRecordViewSet(StewardViewSet):
    """Actual costs. Manual entries are created and changed here; those rolled up from
    assets (``source`` other than ``manual``) change only in assets (403 here)."""

    queryset = CostRecord.objects.all()
    serializer_class = s.CostRecordSerializer
    filterset_class = filtersets.CostRecordFilterSet

    @extend_schema(request=None, responses={202: JobStarted, 403: OpenApiResponse()})
    @action(detail=False, methods=["post"], url_path="sync")
    def sync(self, request: Request) -> Response:
        """Roll costs up from assets, licences and contracts now (a background job)."""
        try:
            job = services.cost_sync_start(actor=request.user)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response({"job": str(job.pk)}, status=status.HTTP_202_ACCEPTED)


class RollupView(APIView):
    """Planned vs actual vs forecast of a fiscal year (the current one by default) per cost
    centre and category, over the cost centres you may see. ``as_of`` (default today) is the
    reference day of the forecast."""

    queryset = BudgetLine.objects.all()  # who may read budgets (RestrictedPermission)

    @extend_schema(parameters=[s.RollupQuerySerializer], responses={200: s.RollupSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = s.RollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = request.user
        if "fiscal_year" in params:
            year = selectors.fiscal_year_get(user=user, pk=params["fiscal_year"])
            if year is None:
                raise s.no_year_error()
        else:
            year = selectors.fiscal_year_current(user=user)
            if year is None:
                raise exceptions.NotFound(_("No fiscal year yet."))
        result = selectors.budget_rollup(
            user=user,
            fiscal_year=year,
            as_of=params.get("as_of"),
            cost_centre_id=params.get("cost_centre"),
        )
        return Response(s.RollupSerializer(result).data)
