"""Pages of stock and procurement: lists and details of every model, with the action forms
on the stock item, purchase request and purchase order pages (the actions themselves are in
``procurement_actions``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from steward.approvals import selectors as approval_selectors
from steward.assets import procurement, procurement_filters, stock
from steward.assets import procurement_forms as f
from steward.assets.models import (
    AssetHealthReading,
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseRequest,
    PurchaseRequestLine,
    PurchaseRequestStatus,
    StockItem,
    StockLevel,
    StockMovement,
)
from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.org import selectors as org_selectors


class StockItemList(ObjectListView):
    model, url_prefix = StockItem, "assets:stockitem"
    filterset_class = procurement_filters.StockItemFilterSet
    select_related = ("hardware_model", "vendor")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("on_hand", _("On hand"), sort="on_hand"),
        Column("unit", _("Unit")),
        Column("reorder_point", _("Reorder point"), sort="reorder_point"),
        Column("reorder_quantity", _("Reorder quantity")),
        Column("unit_cost", _("Unit cost")),
        Column("vendor", _("Vendor")),
    ]

    def get_queryset(self) -> Any:
        return procurement.annotate_on_hand(super().get_queryset())


class StockItemDetail(ObjectDetailView):
    model, url_prefix = StockItem, "assets:stockitem"
    template_name = "assets/stockitem_detail.html"
    select_related = ("hardware_model__manufacturer", "vendor", "catalogue_item")
    fields = [
        Column("get_kind_display", _("Kind")),
        Column("unit", _("Unit")),
        Column("hardware_model", _("Hardware model")),
        Column("vendor", _("Preferred vendor")),
        Column("reorder_point", _("Reorder point")),
        Column("reorder_quantity", _("Reorder quantity")),
        Column("unit_cost", _("Unit cost")),
        Column("catalogue_item", _("Ordered in the catalogue as")),
        Column("notes", _("Notes")),
    ]

    def extra_context(self, obj: StockItem) -> dict[str, Any]:
        user = self.request.user
        levels = list(
            permissions.restrict(StockLevel.objects.filter(item=obj), user).select_related(
                "location"
            )
        )
        can_move = permissions.can(user, stock.STOCK, StockLevel)
        qs = form_querysets(user)
        return {
            "levels": levels,
            "on_hand": sum(level.quantity for level in levels),
            "movements": list(
                permissions.restrict(StockMovement.objects.filter(item=obj), user)
                .select_related("from_location", "to_location", "person", "actor")
                .order_by("-created_at", "-pk")[:20]
            ),
            "forms": (
                [
                    ("receive", _("Receive"), f.ReceiveForm(querysets=qs)),
                    ("issue", _("Issue to a person"), f.IssueForm(querysets=qs)),
                    ("transfer", _("Transfer"), f.TransferForm(querysets=qs)),
                    ("adjust", _("Adjust after a count"), f.AdjustForm(querysets=qs)),
                ]
                if can_move
                else []
            ),
        }


def form_querysets(user: Any) -> dict[str, Any]:
    location = permissions.restrict(f.Location.objects.all(), user)
    return {
        "location": location,
        "from_location": location,
        "to_location": location,
        "person": permissions.restrict(f.Person.objects.all(), user),
    }


class StockLevelList(ObjectListView):
    model, url_prefix = StockLevel, "assets:stocklevel"
    filterset_class = procurement_filters.StockLevelFilterSet
    select_related = ("item", "location")
    columns = [
        Column("item", _("Item"), sort="item__name"),
        Column("location", _("Location"), sort="location__name"),
        Column("quantity", _("Quantity"), sort="quantity"),
    ]


class StockLevelDetail(ObjectDetailView):
    model, url_prefix = StockLevel, "assets:stocklevel"
    select_related = ("item", "location")
    fields = [
        Column("item", _("Item")),
        Column("location", _("Location")),
        Column("quantity", _("Quantity")),
    ]


MOVEMENT_COLUMNS = [
    Column("created_at", _("When"), sort="created_at"),
    Column("item", _("Item")),
    Column("get_kind_display", _("Kind"), sort="kind"),
    Column("quantity", _("Quantity")),
    Column("from_location", _("From")),
    Column("to_location", _("To")),
    Column("person", _("Issued to")),
    Column("actor", _("By")),
    Column("reason", _("Reason")),
]


class StockMovementList(ObjectListView):
    model, url_prefix = StockMovement, "assets:stockmovement"
    filterset_class = procurement_filters.StockMovementFilterSet
    select_related = ("item", "from_location", "to_location", "person", "actor")
    columns = MOVEMENT_COLUMNS


class StockMovementDetail(ObjectDetailView):
    model, url_prefix = StockMovement, "assets:stockmovement"
    select_related = ("item", "from_location", "to_location", "person", "actor", "order_line")
    fields = [*MOVEMENT_COLUMNS, Column("unit_cost", _("Unit cost"))]


class PurchaseRequestList(ObjectListView):
    model, url_prefix = PurchaseRequest, "assets:purchaserequest"
    filterset_class = procurement_filters.PurchaseRequestFilterSet
    select_related = ("requester",)
    columns = [
        Column("__str__", _("Request")),
        Column("requester", _("Requester")),
        Column("get_source_display", _("Source"), sort="source"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("justification", _("Justification")),
        Column("created_at", _("Raised"), sort="created_at"),
        Column("submitted_at", _("Submitted"), sort="submitted_at"),
    ]


class PurchaseRequestDetail(ObjectDetailView):
    model, url_prefix = PurchaseRequest, "assets:purchaserequest"
    template_name = "assets/purchaserequest_detail.html"
    select_related = ("requester", "location")
    fields = [
        Column("requester", _("Requester")),
        Column("get_source_display", _("Source")),
        Column("requested_item_id", _("Catalogue request")),
        Column("get_status_display", _("Status")),
        Column("justification", _("Justification")),
        Column("location", _("Deliver to")),
        Column("submitted_at", _("Submitted")),
        Column("decided_at", _("Decided")),
    ]

    def extra_context(self, obj: PurchaseRequest) -> dict[str, Any]:
        user = self.request.user
        procure = permissions.can(user, procurement.PROCURE, PurchaseRequest)
        own = obj.requester_id == user.pk or (obj.requester_id is None and procure)
        approval = None
        if obj.approval_request_id:
            approval = approval_selectors.approval_request_get(
                user=user, pk=obj.approval_request_id
            )
        stage = approval_selectors.current_stage(approval) if approval else None
        can_decide = bool(
            stage
            and obj.status == PurchaseRequestStatus.PENDING
            and approval_selectors.voter_for(stage, user) is not None
        )
        return {
            "lines": list(obj.lines.select_related("stock_item", "hardware_model__manufacturer")),
            "orders": list(obj.orders.all()) if procure else [],
            "approval": approval,
            "can_submit": (own or procure) and obj.status == PurchaseRequestStatus.DRAFT,
            "can_cancel": (own or procure) and obj.status in procurement.OPEN_REQUEST,
            "decide_form": f.DecideForm() if can_decide else None,
            "order_form": (
                f.OrderForm(
                    querysets={"location": form_querysets(user)["location"]},
                    initial={"location": obj.location_id},
                )
                if procure and obj.status == PurchaseRequestStatus.APPROVED
                else None
            ),
        }


class PurchaseRequestLineList(ObjectListView):
    model, url_prefix = PurchaseRequestLine, "assets:purchaserequestline"
    filterset_class = procurement_filters.PurchaseRequestLineFilterSet
    select_related = ("request", "stock_item", "hardware_model__manufacturer")
    title = _("Purchase request lines")
    columns = [
        Column("__str__", _("Line")),
        Column("request", _("Request")),
        Column("estimated_unit_cost", _("Estimated unit cost")),
    ]


class PurchaseRequestLineDetail(ObjectDetailView):
    model, url_prefix = PurchaseRequestLine, "assets:purchaserequestline"
    select_related = ("request", "stock_item", "hardware_model__manufacturer")
    fields = [
        Column("request", _("Request")),
        Column("stock_item", _("Stock item")),
        Column("hardware_model", _("Hardware model")),
        Column("quantity", _("Quantity")),
        Column("estimated_unit_cost", _("Estimated unit cost")),
    ]


class PurchaseOrderList(ObjectListView):
    model, url_prefix = PurchaseOrder, "assets:purchaseorder"
    filterset_class = procurement_filters.PurchaseOrderFilterSet
    select_related = ("vendor", "location")
    columns = [
        Column("number", _("Order number"), sort="number"),
        Column("vendor", _("Vendor")),
        Column("get_status_display", _("Status"), sort="status"),
        Column("location", _("Deliver to")),
        Column("ordered_on", _("Ordered on"), sort="ordered_on"),
        Column("expected_on", _("Expected on"), sort="expected_on"),
    ]


class PurchaseOrderDetail(ObjectDetailView):
    model, url_prefix = PurchaseOrder, "assets:purchaseorder"
    template_name = "assets/purchaseorder_detail.html"
    select_related = ("vendor", "location", "request", "ordered_by")
    fields = [
        Column("vendor", _("Vendor")),
        Column("get_status_display", _("Status")),
        Column("request", _("Purchase request")),
        Column("location", _("Deliver to")),
        Column("ordered_on", _("Ordered on")),
        Column("expected_on", _("Expected on")),
        Column("ordered_by", _("Ordered by")),
        Column("notes", _("Notes")),
    ]

    def extra_context(self, obj: PurchaseOrder) -> dict[str, Any]:
        lines = list(obj.lines.select_related("stock_item", "hardware_model__manufacturer"))
        can_change = permissions.can(self.request.user, "change", obj)
        is_open = obj.status in procurement.OPEN_ORDER
        contacts = org_selectors.person_list(user=self.request.user).filter(
            organisation_id=obj.vendor_id, is_active=True
        )
        return {
            "lines": lines,
            "contacts": list(contacts[:10]),
            "total": sum((line.unit_cost * line.quantity for line in lines), Decimal(0)),
            "receipts": list(obj.receipts.select_related("received_by")),
            "receipt_form": f.ReceiptForm(lines=lines) if can_change and is_open else None,
            "cancel_form": f.CancelOrderForm() if can_change and is_open else None,
        }


class PurchaseOrderLineList(ObjectListView):
    model, url_prefix = PurchaseOrderLine, "assets:purchaseorderline"
    filterset_class = procurement_filters.PurchaseOrderLineFilterSet
    select_related = ("order", "stock_item", "hardware_model__manufacturer")
    columns = [
        Column("__str__", _("Line")),
        Column("order", _("Order")),
        Column("unit_cost", _("Unit cost")),
        Column("received_quantity", _("Received")),
        Column("outstanding", _("Outstanding")),
    ]


class PurchaseOrderLineDetail(ObjectDetailView):
    model, url_prefix = PurchaseOrderLine, "assets:purchaseorderline"
    select_related = ("order", "stock_item", "hardware_model__manufacturer")
    fields = [
        Column("order", _("Order")),
        Column("stock_item", _("Stock item")),
        Column("hardware_model", _("Hardware model")),
        Column("quantity", _("Quantity")),
        Column("unit_cost", _("Unit cost")),
        Column("received_quantity", _("Received")),
        Column("outstanding", _("Outstanding")),
    ]


class GoodsReceiptList(ObjectListView):
    model, url_prefix = GoodsReceipt, "assets:goodsreceipt"
    filterset_class = procurement_filters.GoodsReceiptFilterSet
    select_related = ("order", "received_by")
    columns = [
        Column("__str__", _("Receipt")),
        Column("order", _("Order")),
        Column("received_on", _("Received on"), sort="received_on"),
        Column("received_by", _("Received by")),
        Column("invoice_number", _("Invoice number")),
    ]


class GoodsReceiptDetail(ObjectDetailView):
    model, url_prefix = GoodsReceipt, "assets:goodsreceipt"
    select_related = ("order", "received_by")
    fields = [
        Column("order", _("Order")),
        Column("received_on", _("Received on")),
        Column("received_by", _("Received by")),
        Column("invoice_number", _("Invoice number")),
        Column("note", _("Note")),
    ]


class GoodsReceiptLineList(ObjectListView):
    model, url_prefix = GoodsReceiptLine, "assets:goodsreceiptline"
    filterset_class = procurement_filters.GoodsReceiptLineFilterSet
    select_related = (
        "receipt",
        "order_line__stock_item",
        "order_line__hardware_model__manufacturer",
    )
    columns = [
        Column("__str__", _("Line")),
        Column("receipt", _("Receipt")),
        Column("quantity", _("Quantity")),
    ]


class GoodsReceiptLineDetail(ObjectDetailView):
    model, url_prefix = GoodsReceiptLine, "assets:goodsreceiptline"
    select_related = (
        "receipt",
        "order_line__stock_item",
        "order_line__hardware_model__manufacturer",
    )
    fields = [
        Column("receipt", _("Receipt")),
        Column("order_line", _("Order line")),
        Column("quantity", _("Quantity")),
    ]


class HealthReadingList(ObjectListView):
    model, url_prefix = AssetHealthReading, "assets:assethealthreading"
    filterset_class = procurement_filters.AssetHealthReadingFilterSet
    select_related = ("asset",)
    columns = [
        Column("asset", _("Asset")),
        Column("read_at", _("Read at"), sort="read_at"),
        Column("battery_wear_percent", _("Battery wear (%)")),
        Column("disk_health_percent", _("Disk health (%)")),
        Column("source", _("Source")),
    ]


class HealthReadingDetail(ObjectDetailView):
    model, url_prefix = AssetHealthReading, "assets:assethealthreading"
    select_related = ("asset",)
    fields = list(HealthReadingList.columns)
