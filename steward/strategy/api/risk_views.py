"""Risk register API: matrices (IT managers keep them), risks with their assessment and
incidents of the last 90 days, linked security incidents (link, unlink, list), reviews,
controls with what they protect, and the heat map (read-only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.core.api.viewsets import StewardViewSet
from steward.strategy import risk_filtersets, risk_selectors, risk_services
from steward.strategy.api import risk_serializers as s
from steward.strategy.models import Risk, RiskControl, RiskMatrix
from steward.strategy.risk import default_matrix


class RiskMatrixViewSet(StewardViewSet):
    queryset = RiskMatrix.objects.all()
    serializer_class = s.RiskMatrixSerializer
    filterset_class = risk_filtersets.RiskMatrixFilterSet


class RiskViewSet(StewardViewSet):
    """The risk register. ``matrix`` defaults to the first matrix; scores must lie inside
    it. Owners change their own risks; IT managers every risk."""

    queryset = Risk.objects.all()
    serializer_class = s.RiskSerializer
    filterset_class = risk_filtersets.RiskFilterSet

    def get_queryset(self) -> QuerySet[Any]:
        return risk_selectors.risk_list(user=self.request.user)

    def create_object(self, data: dict[str, Any]) -> Model:
        return risk_services.risk_create(data=data, actor=self.request.user)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        assert isinstance(obj, Risk)
        return risk_services.risk_update(risk=obj, data=data, actor=self.request.user)

    @extend_schema(responses={200: s.LinkedIncidentSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def incidents(self, request: Request, pk: str | None = None) -> Response:
        """The linked incidents you may see, newest first."""
        found = risk_selectors.risk_incidents(risk=self.get_object(), user=request.user)
        return Response(s.LinkedIncidentSerializer(found, many=True).data)

    @extend_schema(
        request=s.RiskIncidentLinkSerializer, responses={200: s.RiskLinkResultSerializer}
    )
    @action(detail=True, methods=["post"], url_path="link-incidents")
    def link_incidents(self, request: Request, pk: str | None = None) -> Response:
        """Link security incidents (service-desk incident ids); those already linked are
        skipped."""
        body = s.RiskIncidentLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        n = risk_services.risk_link_incidents(
            risk=self.get_object(), ticket_ids=body.validated_data["incidents"], actor=request.user
        )
        return Response({"linked": n})

    @extend_schema(
        request=s.RiskIncidentLinkSerializer, responses={200: s.LinkedIncidentSerializer(many=True)}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="unlink-incidents",
        pagination_class=None,
        filter_backends=[],
    )
    def unlink_incidents(self, request: Request, pk: str | None = None) -> Response:
        risk = self.get_object()
        body = s.RiskIncidentLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        for ticket_id in body.validated_data["incidents"]:
            risk_services.risk_unlink_incident(risk=risk, ticket_id=ticket_id, actor=request.user)
        found = risk_selectors.risk_incidents(risk=risk, user=request.user)
        return Response(s.LinkedIncidentSerializer(found, many=True).data)

    @extend_schema(request=None, responses={200: s.RiskSerializer})
    @action(detail=True, methods=["post"])
    def reviewed(self, request: Request, pk: str | None = None) -> Response:
        """Record a review today; the next one is due a review interval later."""
        risk = risk_services.risk_review(risk=self.get_object(), actor=request.user)
        return Response(s.RiskSerializer(risk, context={"request": request}).data)


class RiskControlViewSet(StewardViewSet):
    """Controls of a risk; whoever may change the risk keeps its controls."""

    queryset = RiskControl.objects.all()
    serializer_class = s.RiskControlSerializer
    filterset_class = risk_filtersets.RiskControlFilterSet
    list_prefetch_related = ("links",)

    def create_object(self, data: dict[str, Any]) -> Model:
        return risk_services.control_save(control=None, data=data, actor=self.request.user)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        assert isinstance(obj, RiskControl)
        return risk_services.control_save(control=obj, data=data, actor=self.request.user)

    def perform_destroy(self, instance: Model) -> None:
        assert isinstance(instance, RiskControl)
        risk_services.control_delete(control=instance, actor=self.request.user)


class RiskHeatMapView(APIView):
    """Open risks per likelihood and impact (inherent or residual) on a matrix (the first
    by default), over the risks you may see; each cell with its band's level and colour."""

    queryset = Risk.objects.all()  # who may read risks (RestrictedPermission)

    @extend_schema(parameters=[s.HeatMapQuerySerializer], responses={200: s.HeatMapSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = s.HeatMapQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "matrix" in params:
            matrix = (
                risk_selectors.risk_matrix_list(user=request.user)
                .filter(pk=params["matrix"])
                .first()
            )
            if matrix is None:
                raise exceptions.ValidationError({"matrix": ["No such matrix."]})
        else:
            matrix = default_matrix()
        result = risk_selectors.heat_map(user=request.user, matrix=matrix, view=params["view"])
        return Response(s.HeatMapSerializer(result).data)
