"""Showback and TCO API: allocation rules and usage records (list, create, update, delete;
usage is how a department's consumption is fed), the showback of a fiscal year and the total
cost of ownership per asset and per business service (read-only, for IT and asset
managers)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from steward.core.api.viewsets import StewardViewSet
from steward.strategy import filtersets, selectors
from steward.strategy.api import serializers as s
from steward.strategy.models import AllocationRule, BudgetLine, UsageRecord


class AllocationRuleViewSet(StewardViewSet):
    queryset = AllocationRule.objects.all()
    serializer_class = s.AllocationRuleSerializer
    filterset_class = filtersets.AllocationRuleFilterSet


class UsageRecordViewSet(StewardViewSet):
    """Usage per department, metric and period: entered by hand or fed by a metering job."""

    queryset = UsageRecord.objects.all()
    serializer_class = s.UsageRecordSerializer
    filterset_class = filtersets.UsageRecordFilterSet


class _ReadersOnly(APIView):
    queryset = BudgetLine.objects.all()  # who may read budgets (RestrictedPermission)

    def _guard(self, request: Request) -> None:
        try:
            selectors.ensure_reads_all_budgets(request.user)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc


class ShowbackView(_ReadersOnly):
    """Costs of a fiscal year (the current one by default) per department: direct costs of
    their cost centre plus their share of the shared costs by the year's allocation rules.
    ``as_of`` (default the year's end) leaves out costs dated later."""

    @extend_schema(
        parameters=[s.ShowbackQuerySerializer],
        responses={200: s.ShowbackSerializer, 403: OpenApiResponse()},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = s.ShowbackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self._guard(request)
        params, user = query.validated_data, request.user
        if "fiscal_year" in params:
            year = selectors.fiscal_year_get(user=user, pk=params["fiscal_year"])
            if year is None:
                raise s.no_year_error()
        else:
            year = selectors.fiscal_year_current(user=user)
            if year is None:
                raise exceptions.NotFound(_("No fiscal year yet."))
        result = selectors.showback_get(user=user, fiscal_year=year, as_of=params.get("as_of"))
        return Response(s.ShowbackSerializer(result).data)


class AssetTCOView(_ReadersOnly):
    """Total cost of ownership per asset (purchase, contract and licence shares), the
    ``limit`` largest (100 by default) and the number of assets."""

    @extend_schema(
        parameters=[s.AssetTCOQuerySerializer],
        responses={200: s.AssetTCOListSerializer, 403: OpenApiResponse()},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = s.AssetTCOQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self._guard(request)
        count, rows = selectors.asset_tco_list(
            user=request.user, limit=query.validated_data["limit"]
        )
        return Response(s.AssetTCOListSerializer({"count": count, "results": rows}).data)


class ServiceTCOView(_ReadersOnly):
    """Total cost of ownership per business service: the assets behind the CMDB items it
    needs, each shared evenly between the services needing it."""

    @extend_schema(responses={200: s.ServiceTCOListSerializer, 403: OpenApiResponse()})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._guard(request)
        rows = selectors.service_tco_list(user=request.user)
        return Response(s.ServiceTCOListSerializer({"results": rows}).data)


def register(router: SimpleRouter) -> list[URLPattern]:
    router.register("allocation-rules", AllocationRuleViewSet)
    router.register("usage-records", UsageRecordViewSet)
    return [
        path("showback/", ShowbackView.as_view(), name="showback"),
        path("tco/assets/", AssetTCOView.as_view(), name="tco_assets"),
        path("tco/services/", ServiceTCOView.as_view(), name="tco_services"),
    ]
