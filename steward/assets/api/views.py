from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from steward.assets import filtersets, services
from steward.assets.api import serializers as s
from steward.assets.models import Asset, AssetAssignment, Contract, HardwareModel, Manufacturer
from steward.core.api.viewsets import StewardViewSet

READ_ONLY = ["get", "head", "options"]
LIFECYCLE_ACTIONS = frozenset({"check_out", "check_in", "transition", "acknowledge"})


class ManufacturerViewSet(StewardViewSet):
    queryset = Manufacturer.objects.all()
    serializer_class = s.ManufacturerSerializer
    filterset_class = filtersets.ManufacturerFilterSet
    ordering_fields = ["name", "created_at"]


class HardwareModelViewSet(StewardViewSet):
    queryset = HardwareModel.objects.all()
    serializer_class = s.HardwareModelSerializer
    filterset_class = filtersets.HardwareModelFilterSet
    ordering_fields = ["name", "category", "created_at"]


class AssetViewSet(StewardViewSet):
    """Hardware assets. Create and update change catalogue data; the lifecycle moves through
    ``check-out``, ``check-in``, ``transition`` and ``acknowledge``, each one service call."""

    queryset = Asset.objects.all()
    serializer_class = s.AssetSerializer
    filterset_class = filtersets.AssetFilterSet
    list_select_related = ("model",)
    ordering_fields = [
        "asset_tag",
        "name",
        "status",
        "purchase_date",
        "warranty_end",
        "loan_due",
        "created_at",
    ]

    @property
    def required_action(self) -> str | None:
        """The lifecycle actions are checked by their services (agents check out, the
        holder acknowledges); the role gate only asks that the user may view assets."""
        return "view" if self.action in LIFECYCLE_ACTIONS or self.action == "book_value" else None

    def create_object(self, data: dict[str, Any]) -> Asset:
        return services.asset_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Asset:
        return services.asset_update(asset=obj, data=data, actor=self.request.user)

    def _asset(self, pk: str | None) -> Asset:
        asset: Asset = get_object_or_404(self.get_queryset(), pk=pk)
        return asset

    def _out(self, asset: Asset) -> Response:
        fresh = self.get_queryset().get(pk=asset.pk)
        return Response(s.AssetSerializer(fresh, context=self.get_serializer_context()).data)

    def _body(self, serializer_class: Any, request: Request) -> dict[str, Any]:
        body = serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(
        request=s.AssetCheckOutSerializer,
        responses={200: s.AssetSerializer},
        summary="Check an asset in stock out to a person or a location",
        description="With loan_due the asset becomes loaned, else deployed. 400 when the "
        "asset is not in stock or the holder is missing or inactive; 403 for roles other "
        "than asset manager, agent, IT manager and administrator.",
    )
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset(pk)
        data = self._body(s.AssetCheckOutSerializer, request)
        return self._out(services.asset_check_out(asset=asset, actor=request.user, **data))

    @extend_schema(
        request=s.AssetCheckInSerializer,
        responses={200: s.AssetSerializer},
        summary="Take a deployed or loaned asset back into stock",
        description="Ends the holder's assignment. 400 when the asset is not deployed or "
        "loaned; 403 for roles that may not check assets in.",
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset(pk)
        data = self._body(s.AssetCheckInSerializer, request)
        return self._out(services.asset_check_in(asset=asset, actor=request.user, **data))

    @extend_schema(
        request=s.AssetTransitionSerializer,
        responses={200: s.AssetSerializer},
        summary="Move an asset along its lifecycle",
        description="Allowed moves are listed in the user guide. in_repair needs "
        "repair_reference or note, lost needs note, disposed needs disposal_certificate; "
        "otherwise 400. 403 for roles other than asset manager, IT manager, administrator.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset(pk)
        data = self._body(s.AssetTransitionSerializer, request)
        return self._out(services.asset_transition(asset=asset, actor=request.user, **data))

    @extend_schema(
        request=s.AssetAcknowledgeSerializer,
        responses={200: s.AssetSerializer},
        summary="Acknowledge receipt (by the person the asset is assigned to)",
        description="403 for anyone but the holder; 400 when already acknowledged.",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset(pk)
        self._body(s.AssetAcknowledgeSerializer, request)
        return self._out(services.asset_acknowledge(asset=asset, actor=request.user))

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="A date (YYYY-MM-DD); today")],
        request=None,
        responses={200: s.AssetBookValueSerializer},
        summary="Book value of the asset at a date",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="book-value",
        pagination_class=None,
        filter_backends=[],
    )
    def book_value(self, request: Request, pk: str | None = None) -> Response:
        asset = self._asset(pk)
        query = s.AssetBookValueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        body = s.AssetBookValueSerializer.of(asset, query.validated_data.get("on"))
        return Response(s.AssetBookValueSerializer(body).data)


class AssetAssignmentViewSet(StewardViewSet):
    """The history of holders, read-only: written by check-out and check-in. ``at`` gives
    who held what at an instant."""

    http_method_names = READ_ONLY
    queryset = AssetAssignment.objects.all()
    serializer_class = s.AssetAssignmentSerializer
    filterset_class = filtersets.AssetAssignmentFilterSet
    ordering_fields = ["started_at", "ended_at"]


class ContractViewSet(StewardViewSet):
    queryset = Contract.objects.all()
    serializer_class = s.ContractSerializer
    filterset_class = filtersets.ContractFilterSet
    list_prefetch_related = ("assets",)
    ordering_fields = ["name", "start_date", "end_date", "cost"]
