"""Serializers of the stock and procurement API (``api/procurement.py``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from steward.assets import procurement, stock
from steward.assets.api.serializers import _Restricted
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
from steward.core import permissions
from steward.core.api.serializers import StrictSerializer

COMMON = ["custom_fields", "created_at", "updated_at"]
Person = Asset._meta.get_field("assigned_person").related_model
Location = Asset._meta.get_field("location").related_model
Organisation = Asset._meta.get_field("organisation").related_model
User = PurchaseRequest._meta.get_field("requester").related_model


class StockItemSerializer(StrictSerializer):
    on_hand = serializers.IntegerField(read_only=True)

    class Meta:
        model = StockItem
        fields = [
            "id",
            "name",
            "kind",
            "unit",
            "hardware_model",
            "vendor",
            "reorder_point",
            "reorder_quantity",
            "unit_cost",
            "on_hand",
            "catalogue_item",
            "notes",
            *COMMON,
        ]


class StockLevelSerializer(StrictSerializer):
    class Meta:
        model = StockLevel
        fields = ["id", "item", "location", "quantity", *COMMON]
        read_only_fields = fields


class StockMovementSerializer(StrictSerializer):
    class Meta:
        model = StockMovement
        fields = [
            "id",
            "item",
            "kind",
            "quantity",
            "from_location",
            "to_location",
            "person",
            "actor",
            "reason",
            "unit_cost",
            "order_line",
            *COMMON,
        ]
        read_only_fields = fields


def _location() -> Any:
    return serializers.PrimaryKeyRelatedField(queryset=Location.objects.none())


class StockReceiveSerializer(_Restricted):
    location = _location()
    quantity = serializers.IntegerField(min_value=1, max_value=stock.MAX_MOVE)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    unit_cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class StockIssueSerializer(_Restricted):
    location = _location()
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    quantity = serializers.IntegerField(min_value=1, max_value=stock.MAX_MOVE)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class StockTransferSerializer(_Restricted):
    from_location = _location()
    to_location = _location()
    quantity = serializers.IntegerField(min_value=1, max_value=stock.MAX_MOVE)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        for name in ("from_location", "to_location"):
            self.fields[name].queryset = permissions.restrict(Location.objects.all(), user)


class StockAdjustSerializer(_Restricted):
    location = _location()
    quantity = serializers.IntegerField(
        min_value=-stock.MAX_MOVE, max_value=stock.MAX_MOVE, help_text="Signed: + found, - lost."
    )
    reason = serializers.CharField(max_length=500)


class PurchaseRequestLineSerializer(StrictSerializer):
    class Meta:
        model = PurchaseRequestLine
        fields = [
            "id",
            "request",
            "stock_item",
            "hardware_model",
            "quantity",
            "estimated_unit_cost",
        ]
        read_only_fields = ["id", "request"]


class PurchaseRequestSerializer(StrictSerializer):
    lines = PurchaseRequestLineSerializer(many=True)

    class Meta:
        model = PurchaseRequest
        fields = [
            "id",
            "requester",
            "source",
            "status",
            "justification",
            "location",
            "lines",
            "approval_request_id",
            "requested_item_id",
            "submitted_at",
            "decided_at",
            *COMMON,
        ]
        read_only_fields = [
            "requester",
            "source",
            "status",
            "approval_request_id",
            "requested_item_id",
            "submitted_at",
            "decided_at",
        ]

    def validate_lines(self, value: list[Any]) -> list[Any]:
        if not value:
            raise serializers.ValidationError("Add at least one line.")
        if len(value) > procurement.MAX_LINES:
            raise serializers.ValidationError(f"At most {procurement.MAX_LINES} lines.")
        return value


class PurchaseOrderLineSerializer(StrictSerializer):
    outstanding = serializers.IntegerField(read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "order",
            "stock_item",
            "hardware_model",
            "quantity",
            "unit_cost",
            "received_quantity",
            "outstanding",
        ]
        read_only_fields = fields


class PurchaseOrderSerializer(StrictSerializer):
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "vendor",
            "request",
            "status",
            "location",
            "ordered_on",
            "expected_on",
            "ordered_by",
            "notes",
            "lines",
            *COMMON,
        ]
        read_only_fields = [
            "number",
            "vendor",
            "request",
            "status",
            "location",
            "ordered_on",
            "ordered_by",
        ]


class GoodsReceiptLineSerializer(StrictSerializer):
    class Meta:
        model = GoodsReceiptLine
        fields = ["id", "receipt", "order_line", "quantity", "assets"]
        read_only_fields = fields


class GoodsReceiptSerializer(StrictSerializer):
    lines = GoodsReceiptLineSerializer(many=True, read_only=True)

    class Meta:
        model = GoodsReceipt
        fields = [
            "id",
            "order",
            "received_on",
            "received_by",
            "invoice_number",
            "note",
            "lines",
            *COMMON,
        ]
        read_only_fields = fields


class AssetHealthReadingSerializer(StrictSerializer):
    class Meta:
        model = AssetHealthReading
        fields = [
            "id",
            "asset",
            "read_at",
            "battery_wear_percent",
            "disk_health_percent",
            "source",
            *COMMON,
        ]


class PurchaseSubmitSerializer(_Restricted):
    approver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The IT manager who approves; default: the first active IT manager.",
    )


class PurchaseDecideSerializer(_Restricted):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class PurchaseCancelSerializer(_Restricted):
    """No fields."""


class PurchaseOrderPlaceSerializer(_Restricted):
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(kind="supplier")
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(),
        required=False,
        allow_null=True,
        help_text="Where the goods arrive; default: the request's location.",
    )
    expected_on = serializers.DateField(required=False, allow_null=True)
    number = serializers.CharField(required=False, allow_blank=True, max_length=30)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class GoodsReceiveLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    line = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=0, max_value=100_000)


class GoodsReceiveSerializer(_Restricted):
    lines = GoodsReceiveLineSerializer(
        many=True, allow_empty=False, max_length=procurement.MAX_LINES
    )
    invoice_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    received_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_lines(self, value: list[dict[str, int]]) -> list[dict[str, int]]:
        ids = [row["line"] for row in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each order line once.")
        return value


class PurchaseOrderCancelSerializer(_Restricted):
    reason = serializers.CharField(max_length=500)


class RefreshForecastQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    threshold = serializers.IntegerField(min_value=0, max_value=100, required=False)


class RefreshForecastQuarterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    quarter = serializers.CharField()
    assets = serializers.IntegerField()
    cost = serializers.DecimalField(max_digits=16, decimal_places=2)


class RefreshForecastRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    quarter = serializers.CharField()
    asset = serializers.IntegerField(source="asset.pk")
    asset_tag = serializers.CharField(source="asset.asset_tag")
    model = serializers.CharField(source="asset.model")
    score_now = serializers.IntegerField()
    score_then = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=["score", "age"])
    replacement_cost = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class RefreshForecastSerializer(serializers.Serializer):  # type: ignore[type-arg]
    threshold = serializers.IntegerField()
    quarters = RefreshForecastQuarterSerializer(many=True)
    assets = RefreshForecastRowSerializer(many=True)
