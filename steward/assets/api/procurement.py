"""API of stock and procurement: stock items with receive / issue / transfer / adjust,
stock levels and movements (read-only), purchase requests with submit / decide / cancel /
order, purchase orders with receive / cancel, receipts (read-only), health readings and the
refresh forecast. Every action is one service call; errors are 400 (bad input or a move the
state tables forbid), 403 (role), 404 (not visible)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.assets import condition, procurement, procurement_filters, stock
from steward.assets.api.procurement_serializers import (
    AssetHealthReadingSerializer,
    GoodsReceiptLineSerializer,
    GoodsReceiptSerializer,
    GoodsReceiveSerializer,
    PurchaseCancelSerializer,
    PurchaseDecideSerializer,
    PurchaseOrderCancelSerializer,
    PurchaseOrderLineSerializer,
    PurchaseOrderPlaceSerializer,
    PurchaseOrderSerializer,
    PurchaseRequestLineSerializer,
    PurchaseRequestSerializer,
    PurchaseSubmitSerializer,
    RefreshForecastQuerySerializer,
    RefreshForecastSerializer,
    StockAdjustSerializer,
    StockIssueSerializer,
    StockItemSerializer,
    StockLevelSerializer,
    StockMovementSerializer,
    StockReceiveSerializer,
    StockTransferSerializer,
)
from steward.assets.models import (
    Asset,
    AssetHealthReading,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    StockItem,
    StockLevel,
    StockMovement,
)
from steward.core.api.viewsets import StewardViewSet

COMMON = ["custom_fields", "created_at", "updated_at"]
READ_ONLY = ["get", "head", "options"]
Person = Asset._meta.get_field("assigned_person").related_model
Location = Asset._meta.get_field("location").related_model
Organisation = Asset._meta.get_field("organisation").related_model
User = PurchaseRequest._meta.get_field("requester").related_model


class _Actions(StewardViewSet):
    action_names: frozenset[str] = frozenset()

    @property
    def required_action(self) -> str | None:
        """Actions are permission-checked by their services; the gate asks only ``view``."""
        return "view" if self.action in self.action_names else None

    def _body(self, serializer_class: Any, request: Request) -> dict[str, Any]:
        body = serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _one(self, pk: str | None) -> Any:
        return get_object_or_404(self.get_queryset(), pk=pk)


class StockItemViewSet(_Actions):
    queryset = procurement.annotate_on_hand(StockItem.objects.all())
    serializer_class = StockItemSerializer
    filterset_class = procurement_filters.StockItemFilterSet
    ordering_fields = ["name", "kind", "reorder_point", "on_hand", "created_at"]
    action_names = frozenset({"receive", "issue", "transfer", "adjust"})

    def perform_create(self, serializer: Any) -> None:
        super().perform_create(serializer)
        serializer.instance = self._one(serializer.instance.pk)  # with ``on_hand``

    def perform_update(self, serializer: Any) -> None:
        super().perform_update(serializer)
        serializer.instance = self._one(serializer.instance.pk)  # with ``on_hand``

    def _moved(self, movement: StockMovement) -> Response:
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StockReceiveSerializer,
        responses={201: StockMovementSerializer},
        summary="Receive items into stock at a location",
        description="403 for roles other than asset manager, IT manager, administrator.",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        item = self._one(pk)
        data = self._body(StockReceiveSerializer, request)
        return self._moved(stock.stock_receive(item=item, actor=request.user, **data))

    @extend_schema(
        request=StockIssueSerializer,
        responses={201: StockMovementSerializer},
        summary="Issue items to a person",
        description="400 when the location holds fewer than asked (stock never goes below "
        "zero) or the person is inactive; 403 for roles that may not move stock.",
    )
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        item = self._one(pk)
        data = self._body(StockIssueSerializer, request)
        return self._moved(stock.stock_issue(item=item, actor=request.user, **data))

    @extend_schema(
        request=StockTransferSerializer,
        responses={201: StockMovementSerializer},
        summary="Move items between two locations",
        description="400 when the source holds fewer than asked or both are the same.",
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        item = self._one(pk)
        data = self._body(StockTransferSerializer, request)
        return self._moved(stock.stock_transfer(item=item, actor=request.user, **data))

    @extend_schema(
        request=StockAdjustSerializer,
        responses={201: StockMovementSerializer},
        summary="Correct the count after a stock-take (signed quantity, reason required)",
        description="400 when the count would fall below zero.",
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request: Request, pk: str | None = None) -> Response:
        item = self._one(pk)
        data = self._body(StockAdjustSerializer, request)
        return self._moved(stock.stock_adjust(item=item, actor=request.user, **data))


class StockLevelViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = StockLevel.objects.all()
    serializer_class = StockLevelSerializer
    filterset_class = procurement_filters.StockLevelFilterSet
    ordering_fields = ["quantity", "created_at"]


class StockMovementViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = StockMovement.objects.all()
    serializer_class = StockMovementSerializer
    filterset_class = procurement_filters.StockMovementFilterSet
    ordering_fields = ["created_at", "quantity"]


class PurchaseRequestViewSet(_Actions):
    """Anyone internal raises a request for themselves and sees their own; procurement
    staff see and handle all."""

    http_method_names = ["get", "post", "head", "options"]
    queryset = PurchaseRequest.objects.all()
    serializer_class = PurchaseRequestSerializer
    filterset_class = procurement_filters.PurchaseRequestFilterSet
    list_prefetch_related = ("lines",)
    ordering_fields = ["created_at", "submitted_at", "status"]
    action_names = frozenset({"submit", "decide", "cancel", "order"})

    def create_object(self, data: dict[str, Any]) -> PurchaseRequest:
        return procurement.purchase_request_create(
            actor=self.request.user,
            lines=data.pop("lines"),
            justification=data.get("justification", ""),
            location=data.get("location"),
        )

    def _out(self, obj: PurchaseRequest) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(PurchaseRequestSerializer(fresh).data)

    @extend_schema(
        request=PurchaseSubmitSerializer,
        responses={200: PurchaseRequestSerializer},
        summary="Send a draft request for approval (the platform's approval engine)",
        description="Stages: the requester's line manager when they have one, then an IT "
        "manager. 400 when the request is not a draft or nobody can approve; 403 for "
        "someone else's request unless procurement staff.",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        obj = self._one(pk)
        data = self._body(PurchaseSubmitSerializer, request)
        return self._out(
            procurement.purchase_request_submit(request=obj, actor=request.user, **data)
        )

    @extend_schema(
        request=PurchaseDecideSerializer,
        responses={200: PurchaseRequestSerializer},
        summary="Approve or reject the open approval stage of a request",
        description="Through the approval engine: 403 unless you are an approver (or their "
        "delegate) of the open stage; 400 when the request is not waiting for approval. "
        "The last approval makes the request approved, a rejection rejected.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        obj = self._one(pk)
        data = self._body(PurchaseDecideSerializer, request)
        procurement.purchase_request_decide(request=obj, actor=request.user, **data)
        return self._out(obj)

    @extend_schema(
        request=PurchaseCancelSerializer,
        responses={200: PurchaseRequestSerializer},
        summary="Withdraw a request (draft, pending or approved, not yet ordered)",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        obj = self._one(pk)
        self._body(PurchaseCancelSerializer, request)
        return self._out(procurement.purchase_request_cancel(request=obj, actor=request.user))

    @extend_schema(
        request=PurchaseOrderPlaceSerializer,
        responses={201: PurchaseOrderSerializer},
        summary="Order an approved request from a vendor (creates the purchase order)",
        description="Lines are copied with their estimated unit cost. 400 when the request "
        "is not approved, a line has no cost or no delivery location is known; 403 for "
        "roles other than asset manager, IT manager, administrator.",
    )
    @action(detail=True, methods=["post"])
    def order(self, request: Request, pk: str | None = None) -> Response:
        obj = self._one(pk)
        data = self._body(PurchaseOrderPlaceSerializer, request)
        order = procurement.purchase_order_create(request=obj, actor=request.user, **data)
        fresh = PurchaseOrder.objects.prefetch_related("lines").get(pk=order.pk)
        return Response(PurchaseOrderSerializer(fresh).data, status=status.HTTP_201_CREATED)


class PurchaseRequestLineViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = PurchaseRequestLine.objects.all()
    serializer_class = PurchaseRequestLineSerializer
    filterset_class = procurement_filters.PurchaseRequestLineFilterSet
    ordering_fields = ["created_at"]


class PurchaseOrderViewSet(_Actions):
    """Orders are created from approved requests (``purchase-requests/{id}/order/``);
    expected date and notes may be changed."""

    http_method_names = ["get", "patch", "post", "head", "options"]
    queryset = PurchaseOrder.objects.all()
    serializer_class = PurchaseOrderSerializer
    filterset_class = procurement_filters.PurchaseOrderFilterSet
    list_prefetch_related = ("lines",)
    ordering_fields = ["ordered_on", "expected_on", "number", "status"]
    action_names = frozenset({"receive", "cancel"})

    def create_object(self, data: dict[str, Any]) -> PurchaseOrder:
        raise MethodNotAllowed("POST", detail="Order an approved purchase request instead.")

    @extend_schema(
        request=GoodsReceiveSerializer,
        responses={201: GoodsReceiptSerializer},
        summary="Record a delivery, partial or whole",
        description="Each line names an order line and what arrived; more than is outstanding "
        "is refused (400), as is a closed order. Hardware lines create assets in stock, "
        "stock lines raise the stock level.",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: str | None = None) -> Response:
        order = self._one(pk)
        data = self._body(GoodsReceiveSerializer, request)
        quantities = {row["line"]: row["quantity"] for row in data.pop("lines")}
        receipt = procurement.purchase_order_receive(
            order=order, actor=request.user, quantities=quantities, **data
        )
        fresh = GoodsReceipt.objects.prefetch_related("lines__assets").get(pk=receipt.pk)
        return Response(GoodsReceiptSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PurchaseOrderCancelSerializer,
        responses={200: PurchaseOrderSerializer},
        summary="Cancel what is still outstanding on an order (reason required)",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        order = self._one(pk)
        data = self._body(PurchaseOrderCancelSerializer, request)
        order = procurement.purchase_order_cancel(order=order, actor=request.user, **data)
        fresh = self.get_queryset().get(pk=order.pk)
        return Response(PurchaseOrderSerializer(fresh).data)


class PurchaseOrderLineViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = PurchaseOrderLine.objects.all()
    serializer_class = PurchaseOrderLineSerializer
    filterset_class = procurement_filters.PurchaseOrderLineFilterSet
    ordering_fields = ["created_at"]


class GoodsReceiptViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = GoodsReceipt.objects.all()
    serializer_class = GoodsReceiptSerializer
    filterset_class = procurement_filters.GoodsReceiptFilterSet
    list_prefetch_related = ("lines__assets",)
    ordering_fields = ["received_on", "created_at"]


class GoodsReceiptLineViewSet(StewardViewSet):
    http_method_names = READ_ONLY
    queryset = GoodsReceiptLine.objects.all()
    serializer_class = GoodsReceiptLineSerializer
    filterset_class = procurement_filters.GoodsReceiptLineFilterSet
    list_prefetch_related = ("assets",)
    ordering_fields = ["created_at"]


class AssetHealthReadingViewSet(StewardViewSet):
    """Battery wear and disk health of an asset, sent by discovery or any client."""

    queryset = AssetHealthReading.objects.all()
    serializer_class = AssetHealthReadingSerializer
    filterset_class = procurement_filters.AssetHealthReadingFilterSet
    ordering_fields = ["read_at", "created_at"]


class RefreshForecastView(APIView):
    """Assets to replace in each of the next four quarters and what that costs."""

    queryset = PurchaseOrder.objects.all()  # the role gate: procurement staff

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "threshold", int, description="Score below which an asset is due (default 40)"
            )
        ],
        responses={200: RefreshForecastSerializer},
        summary="Refresh forecast: assets due per quarter with their replacement cost",
    )
    def get(self, request: Request) -> Response:
        query = RefreshForecastQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        threshold = query.validated_data.get("threshold", condition.THRESHOLD)
        today = timezone.localdate()
        rows = condition.refresh_forecast(user=request.user, today=today, threshold=threshold)
        body = {
            "threshold": threshold,
            "quarters": condition.forecast_totals(rows, today),
            "assets": rows,
        }
        return Response(RefreshForecastSerializer(body).data)


ROUTES = [
    ("stock-items", StockItemViewSet),
    ("stock-levels", StockLevelViewSet),
    ("stock-movements", StockMovementViewSet),
    ("purchase-requests", PurchaseRequestViewSet),
    ("purchase-request-lines", PurchaseRequestLineViewSet),
    ("purchase-orders", PurchaseOrderViewSet),
    ("purchase-order-lines", PurchaseOrderLineViewSet),
    ("goods-receipts", GoodsReceiptViewSet),
    ("goods-receipt-lines", GoodsReceiptLineViewSet),
    ("health-readings", AssetHealthReadingViewSet),
]
URLS = [
    path("refresh-forecast/", RefreshForecastView.as_view(), name="refresh-forecast"),
]
