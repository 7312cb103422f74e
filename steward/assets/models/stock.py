"""Consumables and accessories kept in stock per location, the purchase requests, orders and
receipts that refill it (and bring new assets), and health readings for the wear score.
Vendors are the org app's supplier organisations; their people are the vendor contacts."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.assets.models.hardware import NOT_NEGATIVE, SUPPLIER, Asset, HardwareModel
from steward.core.models import AuditedModel

# --- Stock and procurement ---
# Consumables and accessories kept in stock per location, the purchase requests, orders and
# receipts that refill it (and bring new assets), and health readings for the wear score.
# Vendors are the org app's supplier organisations; their people are the vendor contacts.


class StockKind(models.TextChoices):
    CONSUMABLE = "consumable", _("Consumable")
    ACCESSORY = "accessory", _("Accessory")


class StockItem(AuditedModel):
    """Something counted rather than tracked one by one (toner, cables, docking stations)."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=StockKind.choices, default=StockKind.CONSUMABLE
    )
    unit = models.CharField(_("unit"), max_length=20, default="piece")
    hardware_model = models.ForeignKey(
        HardwareModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_items",
        verbose_name=_("hardware model"),
    )
    vendor = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_items",
        limit_choices_to={"kind": SUPPLIER},
        verbose_name=_("preferred vendor"),
    )
    reorder_point = models.PositiveIntegerField(
        _("reorder point"),
        default=0,
        validators=[MaxValueValidator(10**8)],
        help_text=_("Order more when the stock of all locations falls to this level."),
    )
    reorder_quantity = models.PositiveIntegerField(
        _("reorder quantity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10**6)],
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    notes = models.TextField(_("notes"), blank=True)
    catalogue_item = models.ForeignKey(
        "catalogue.CatalogueItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordered in the catalogue as"),
        help_text=_(
            "An approved catalogue request for this item raises a purchase request when none "
            "is on hand."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        indexes = [models.Index(fields=["kind", "name"], name="assets_stockitem_kind_name")]

    def __str__(self) -> str:
        return self.name


class StockLevel(AuditedModel):
    """How many of an item one location holds. Written only by the stock services, each
    change with its ``StockMovement``."""

    item = models.ForeignKey(
        StockItem, on_delete=models.CASCADE, related_name="levels", verbose_name=_("item")
    )
    location = models.ForeignKey(
        "org.Location",
        on_delete=models.PROTECT,
        related_name="stock_levels",
        verbose_name=_("location"),
    )
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        ordering = ["item__name", "location__name"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "location"],
                name="assets_stocklevel_unique",
                violation_error_message=_("This location already has a level for this item."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="assets_stocklevel_not_negative",
                violation_error_message=_("Stock cannot fall below zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.location_id}: {self.quantity}"


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Received")
    ISSUE = "issue", _("Issued")
    TRANSFER = "transfer", _("Transferred")
    ADJUST = "adjust", _("Adjusted")


class StockMovement(AuditedModel):
    """One change of stock: who moved how many of what, from where to where, and why."""

    item = models.ForeignKey(
        StockItem, on_delete=models.CASCADE, related_name="movements", verbose_name=_("item")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    quantity = models.IntegerField(
        _("quantity"), help_text=_("Positive, except an adjustment that lowers the count.")
    )
    from_location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from"),
    )
    to_location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("to"),
    )
    person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_issued",
        verbose_name=_("issued to"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    unit_cost = models.DecimalField(
        _("unit cost"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    order_line = models.ForeignKey(
        "PurchaseOrderLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_movements",
        verbose_name=_("order line"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [
            models.Index(fields=["item", "created_at"], name="assets_stockmove_item_at"),
            models.Index(fields=["kind", "created_at"], name="assets_stockmove_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} × {self.item_id}"


class PurchaseRequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ORDERED = "ordered", _("Ordered")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseSource(models.TextChoices):
    PERSON = "person", _("A person's request")
    REORDER = "reorder", _("Low stock")
    CATALOGUE = "catalogue", _("A catalogue request")


class PurchaseRequest(AuditedModel):
    """What someone (or the low-stock job) asks to buy. Its status moves only through the
    procurement services and the approval engine's decision."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("requester"),
        help_text=_("Empty for requests raised by the low-stock job until someone submits them."),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=PurchaseSource.choices, default=PurchaseSource.PERSON
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PurchaseRequestStatus.choices,
        default=PurchaseRequestStatus.DRAFT,
    )
    justification = models.TextField(_("justification"), blank=True)
    location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deliver to"),
    )
    approval_request_id = models.PositiveIntegerField(_("approval"), null=True, blank=True)
    requested_item_id = models.PositiveIntegerField(
        _("catalogue request"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The approved catalogue request this purchase supplies."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        constraints = [
            models.UniqueConstraint(
                fields=["requested_item_id"],
                condition=Q(requested_item_id__isnull=False),
                name="assets_purreq_one_per_catalogue_request",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="assets_purreq_status_at"),
            models.Index(fields=["requester", "created_at"], name="assets_purreq_requester_at"),
        ]

    def __str__(self) -> str:
        return _("Purchase request %(n)s") % {"n": self.pk or "–"}


def _one_of_item_or_model() -> Q:
    return Q(stock_item__isnull=False, hardware_model__isnull=True) | Q(
        stock_item__isnull=True, hardware_model__isnull=False
    )


class PurchaseRequestLine(AuditedModel):
    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    stock_item = models.ForeignKey(
        StockItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stock item"),
    )
    hardware_model = models.ForeignKey(
        HardwareModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hardware model"),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    estimated_unit_cost = models.DecimalField(
        _("estimated unit cost"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )

    class Meta:
        ordering = ["request", "pk"]
        verbose_name = _("purchase request line")
        verbose_name_plural = _("purchase request lines")
        constraints = [
            models.CheckConstraint(
                condition=_one_of_item_or_model(),
                name="assets_purreqline_item_xor_model",
                violation_error_message=_("A line is a stock item or a hardware model."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.stock_item or self.hardware_model}"


class PurchaseOrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    PARTIAL = "partial", _("Partially received")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(AuditedModel):
    number = models.CharField(_("order number"), max_length=30, unique=True)
    vendor = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        limit_choices_to={"kind": SUPPLIER},
        verbose_name=_("vendor"),
    )
    request = models.ForeignKey(
        PurchaseRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("purchase request"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.ORDERED,
    )
    location = models.ForeignKey(
        "org.Location",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deliver to"),
    )
    ordered_on = models.DateField(_("ordered on"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-ordered_on", "-pk"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [models.Index(fields=["status", "ordered_on"], name="assets_po_status_on")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if self.ordered_on and self.expected_on and self.expected_on < self.ordered_on:
            raise ValidationError({"expected_on": _("Expected before it was ordered.")})


class PurchaseOrderLine(AuditedModel):
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    stock_item = models.ForeignKey(
        StockItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("stock item"),
    )
    hardware_model = models.ForeignKey(
        HardwareModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("hardware model"),
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    unit_cost = models.DecimalField(
        _("unit cost"), validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        constraints = [
            models.CheckConstraint(
                condition=_one_of_item_or_model(),
                name="assets_poline_item_xor_model",
                violation_error_message=_("A line is a stock item or a hardware model."),
            ),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=models.F("quantity")),
                name="assets_poline_not_over_received",
                violation_error_message=_("More received than ordered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.stock_item or self.hardware_model}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.received_quantity


class GoodsReceipt(AuditedModel):
    """One delivery against an order (there may be several: partial receipts)."""

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("order")
    )
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("received by"),
    )
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")

    def __str__(self) -> str:
        return _("Receipt %(n)s") % {"n": self.pk or "–"}


class GoodsReceiptLine(AuditedModel):
    receipt = models.ForeignKey(
        GoodsReceipt, on_delete=models.CASCADE, related_name="lines", verbose_name=_("receipt")
    )
    order_line = models.ForeignKey(
        PurchaseOrderLine,
        on_delete=models.PROTECT,
        related_name="receipt_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    assets = models.ManyToManyField(
        Asset, blank=True, related_name="receipt_lines", verbose_name=_("assets created")
    )

    class Meta:
        ordering = ["receipt", "pk"]
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line}"


PERCENT_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class AssetHealthReading(AuditedModel):
    """A measurement of an asset's wear (from discovery, or sent through the API)."""

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="health_readings", verbose_name=_("asset")
    )
    read_at = models.DateTimeField(_("read at"))
    battery_wear_percent = models.DecimalField(
        _("battery wear (%)"),
        null=True,
        blank=True,
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_RANGE,
        help_text=_("Capacity lost against the design capacity: 0 is like new."),
    )
    disk_health_percent = models.DecimalField(
        _("disk health (%)"),
        null=True,
        blank=True,
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_RANGE,
        help_text=_("SMART remaining life: 100 is like new."),
    )
    source = models.CharField(_("source"), max_length=30, default="api")

    class Meta:
        ordering = ["-read_at", "-pk"]
        verbose_name = _("asset health reading")
        verbose_name_plural = _("asset health readings")
        indexes = [models.Index(fields=["asset", "read_at"], name="assets_health_asset_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(battery_wear_percent__isnull=False)
                | Q(disk_health_percent__isnull=False),
                name="assets_health_has_a_value",
                violation_error_message=_("Give the battery wear, the disk health or both."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} @ {str(self.read_at)[:16]}"
