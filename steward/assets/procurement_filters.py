"""Filters of the stock and procurement lists, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from steward.assets.filtersets import (
    SUPPLIER,
    AssetsFilterSet,
    IdFilter,
    IdModelChoiceFilter,
    Organisation,
    Person,
)
from steward.assets.models import (
    AssetHealthReading,
    GoodsReceipt,
    GoodsReceiptLine,
    HardwareModel,
    MovementKind,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestLine,
    PurchaseRequestStatus,
    PurchaseSource,
    StockItem,
    StockKind,
    StockLevel,
    StockMovement,
)
from steward.core.ui.lookup import LookupSelect


def _model_filter() -> IdModelChoiceFilter:
    return IdModelChoiceFilter(
        queryset=HardwareModel.objects.select_related("manufacturer"), label=_("Hardware model")
    )


class StockItemFilterSet(AssetsFilterSet):
    hardware_model = _model_filter()
    kind = django_filters.ChoiceFilter(choices=StockKind.choices)
    below_reorder = django_filters.BooleanFilter(
        method="filter_below_reorder", label=_("At or below the reorder point")
    )
    vendor = IdModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Vendor")
    )

    class Meta:
        model = StockItem
        fields = ["q", "kind", "hardware_model", "vendor", "below_reorder"]

    def filter_below_reorder(
        self, queryset: QuerySet[Any], name: str, value: bool
    ) -> QuerySet[Any]:
        if "on_hand" not in queryset.query.annotations:
            queryset = queryset.annotate(on_hand=Coalesce(Sum("levels__quantity"), 0))
        low = queryset.filter(reorder_point__gt=0, on_hand__lte=F("reorder_point"))
        return low if value else queryset.exclude(pk__in=low.values("pk"))


class StockLevelFilterSet(AssetsFilterSet):
    search_fields = ("item__name", "location__name")

    class Meta:
        model = StockLevel
        fields = ["q", "item", "location"]


class StockMovementFilterSet(AssetsFilterSet):
    search_fields = ("item__name", "reason")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices)
    person = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Issued to")
    )

    class Meta:
        model = StockMovement
        fields = ["q", "item", "kind", "person"]


class PurchaseRequestFilterSet(AssetsFilterSet):
    search_fields = ("justification",)
    status = django_filters.MultipleChoiceFilter(choices=PurchaseRequestStatus.choices)
    source = django_filters.ChoiceFilter(choices=PurchaseSource.choices)

    class Meta:
        model = PurchaseRequest
        fields = ["q", "status", "source"]


class PurchaseRequestLineFilterSet(AssetsFilterSet):
    search_fields = ("stock_item__name", "hardware_model__name")
    request = IdFilter(label=_("Purchase request (id)"))
    hardware_model = _model_filter()

    class Meta:
        model = PurchaseRequestLine
        fields = ["q", "request", "stock_item", "hardware_model"]


class PurchaseOrderFilterSet(AssetsFilterSet):
    search_fields = ("number", "notes")
    request = IdFilter(label=_("Purchase request (id)"))
    status = django_filters.MultipleChoiceFilter(choices=PurchaseOrderStatus.choices)
    vendor = IdModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Vendor")
    )

    class Meta:
        model = PurchaseOrder
        fields = ["q", "status", "vendor", "request"]


class PurchaseOrderLineFilterSet(AssetsFilterSet):
    search_fields = ("order__number", "stock_item__name", "hardware_model__name")
    hardware_model = _model_filter()

    class Meta:
        model = PurchaseOrderLine
        fields = ["q", "order", "stock_item", "hardware_model"]


class GoodsReceiptFilterSet(AssetsFilterSet):
    search_fields = ("order__number", "invoice_number")

    class Meta:
        model = GoodsReceipt
        fields = ["q", "order"]


class GoodsReceiptLineFilterSet(AssetsFilterSet):
    search_fields = ("receipt__order__number",)
    receipt = IdFilter(label=_("Receipt (id)"))
    order_line = IdFilter(label=_("Order line (id)"))

    class Meta:
        model = GoodsReceiptLine
        fields = ["q", "receipt", "order_line"]


class AssetHealthReadingFilterSet(AssetsFilterSet):
    search_fields = ("asset__asset_tag", "source")
    asset = IdFilter(label=_("Asset (id)"))

    class Meta:
        model = AssetHealthReading
        fields = ["q", "asset", "source"]
