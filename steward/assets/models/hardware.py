"""Hardware assets: the catalogue of models, the assets themselves with their lifecycle, the
history of who (or which location) held each one, and the contracts that cover them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel

SUPPLIER = "supplier"
"""``org`` organisation kind of vendors (org's models stay private to org)."""

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


class Category(models.TextChoices):
    LAPTOP = "laptop", _("Laptop")
    DESKTOP = "desktop", _("Desktop")
    MONITOR = "monitor", _("Monitor")
    PHONE = "phone", _("Phone")
    TABLET = "tablet", _("Tablet")
    SERVER = "server", _("Server")
    NETWORK = "network", _("Network device")
    PERIPHERAL = "peripheral", _("Peripheral")
    IOT = "iot", _("IoT device")


DEFAULT_LIFE_MONTHS: dict[str, int] = {
    Category.LAPTOP: 36,
    Category.DESKTOP: 48,
    Category.MONITOR: 60,
    Category.PHONE: 24,
    Category.TABLET: 36,
    Category.SERVER: 60,
    Category.NETWORK: 60,
    Category.PERIPHERAL: 36,
    Category.IOT: 48,
}
"""Useful life by category when a model does not set its own (common accounting practice)."""


class DepreciationMethod(models.TextChoices):
    STRAIGHT_LINE = "straight_line", _("Straight line")
    DECLINING_BALANCE = "declining_balance", _("Declining balance")
    NONE = "none", _("Not depreciated")


class Status(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    IN_STOCK = "in_stock", _("In stock")
    DEPLOYED = "deployed", _("Deployed")
    IN_REPAIR = "in_repair", _("In repair")
    LOANED = "loaned", _("Loaned")
    LOST = "lost", _("Lost or stolen")
    RETIRED = "retired", _("Retired")
    DISPOSED = "disposed", _("Disposed")


HELD = (Status.DEPLOYED, Status.LOANED)
"""Statuses in which someone (or some location) holds the asset."""


class Condition(models.TextChoices):
    NEW = "new", _("New")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    BROKEN = "broken", _("Broken")


class Manufacturer(AuditedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")

    def __str__(self) -> str:
        return self.name


class HardwareModel(AuditedModel):
    """A product assets are instances of, with how its assets depreciate by default."""

    manufacturer = models.ForeignKey(
        Manufacturer,
        on_delete=models.PROTECT,
        related_name="hardware_models",
        verbose_name=_("manufacturer"),
    )
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    depreciation_method = models.CharField(
        _("depreciation method"),
        max_length=20,
        choices=DepreciationMethod.choices,
        default=DepreciationMethod.STRAIGHT_LINE,
    )
    useful_life_months = models.PositiveSmallIntegerField(
        _("useful life (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Blank: the category's default (laptops 36, servers 60, ...)."),
    )
    residual_percent = models.DecimalField(
        _("residual value (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the cost left at the end of the useful life."),
    )
    catalogue_item = models.ForeignKey(
        "catalogue.CatalogueItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordered in the catalogue as"),
        help_text=_(
            "An approved catalogue request for this item raises a purchase request when no "
            "asset of this model is in stock."
        ),
    )

    class Meta:
        ordering = ["manufacturer__name", "name"]
        verbose_name = _("hardware model")
        verbose_name_plural = _("hardware models")
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "name"],
                name="assets_hardwaremodel_unique",
                violation_error_message=_("This manufacturer already has a model of this name."),
            )
        ]
        indexes = [models.Index(fields=["category", "name"], name="assets_model_category_name")]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}" if self.manufacturer_id else self.name

    @property
    def life_months(self) -> int:
        return self.useful_life_months or DEFAULT_LIFE_MONTHS.get(self.category, 36)


class Asset(AuditedModel):
    """One physical device. Status, holder and loan fields change only through the services
    (check-out, check-in, transitions), which also write the assignment history."""

    asset_tag = models.CharField(_("asset tag"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True, help_text=_("E.g. host name"))
    model = models.ForeignKey(
        HardwareModel, on_delete=models.PROTECT, related_name="assets", verbose_name=_("model")
    )
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("organisation"),
        help_text=_("Who owns the asset."),
    )
    location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
        verbose_name=_("location"),
        help_text=_("Where the asset is kept or installed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IN_STOCK
    )
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.NEW
    )
    purchase_cost = models.DecimalField(
        _("cost"),
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        max_digits=12,
        decimal_places=2,
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    supplier = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplied_assets",
        limit_choices_to={"kind": SUPPLIER},
        verbose_name=_("supplier"),
    )
    invoice_number = models.CharField(_("invoice number"), max_length=60, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    assigned_person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("assigned to"),
    )
    assigned_location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_assets",
        verbose_name=_("assigned to location"),
    )
    loan_due = models.DateField(_("loan due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("receipt acknowledged"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_note = models.TextField(_("status note"), blank=True)
    repair_reference = models.CharField(
        _("repair ticket"), max_length=60, blank=True, help_text=_("Ticket or vendor RMA number.")
    )
    disposal_certificate = models.CharField(_("disposal certificate"), max_length=100, blank=True)
    loan_reminded_on = models.DateField(null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    audit_exclude = ("updated_at", "loan_reminded_on")

    class Meta:
        ordering = ["asset_tag"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "serial"],
                condition=~Q(serial=""),
                name="assets_asset_serial_unique",
                violation_error_message=_("Another asset of this model has this serial number."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "asset_tag"], name="assets_asset_status_tag"),
            models.Index(fields=["organisation", "status"], name="assets_asset_org_status"),
            models.Index(fields=["loan_due"], name="assets_asset_loan_due"),
            models.Index(fields=["warranty_end"], name="assets_asset_warranty_end"),
            models.Index(fields=["serial"], name="assets_asset_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_tag} {self.name}".strip() if self.name else self.asset_tag

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.purchase_date and self.warranty_end and self.warranty_end < self.purchase_date:
            errors["warranty_end"] = _("The warranty cannot end before the purchase date.")
        if self.assigned_person_id and self.assigned_location_id:
            errors["assigned_location"] = _("Assign to a person or a location, not both.")
        if errors:
            raise ValidationError(errors)

    @property
    def holder(self) -> Any:
        """The person or location holding the asset now, if any."""
        return self.assigned_person or self.assigned_location


class AssetAssignment(AuditedModel):
    """One period during which a person or a location held an asset: the history that
    answers "who had it on that date". Open while ``ended_at`` is empty."""

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("asset")
    )
    person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_assignments",
        verbose_name=_("person"),
    )
    location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asset_assignments",
        verbose_name=_("location"),
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    loan_due = models.DateField(_("loan due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("receipt acknowledged"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked out by"),
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("asset assignment")
        verbose_name_plural = _("asset assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, location__isnull=True)
                | Q(person__isnull=True, location__isnull=False),
                name="assets_assignment_person_xor_location",
                violation_error_message=_("An assignment is to a person or to a location."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="assets_assignment_ends_after_start",
                violation_error_message=_("An assignment cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["asset"],
                condition=Q(ended_at__isnull=True),
                name="assets_assignment_one_open",
                violation_error_message=_("The asset is already checked out."),
            ),
        ]
        indexes = [
            models.Index(fields=["asset", "started_at"], name="assets_assign_asset_start"),
            models.Index(fields=["person", "started_at"], name="assets_assign_person_start"),
            models.Index(fields=["location", "started_at"], name="assets_assign_loc_start"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} → {self.person or self.location}"

    @property
    def holder(self) -> Any:
        return self.person or self.location


class ContractKind(models.TextChoices):
    SUPPORT = "support", _("Support")
    LEASE = "lease", _("Lease")
    MAINTENANCE = "maintenance", _("Maintenance")


class Renewal(models.TextChoices):
    NONE = "none", _("Ends")
    MANUAL = "manual", _("Renewed on request")
    AUTOMATIC = "automatic", _("Renews automatically")


class Contract(AuditedModel):
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(_("contract number"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ContractKind.choices)
    vendor = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="asset_contracts",
        limit_choices_to={"kind": SUPPLIER},
        verbose_name=_("vendor"),
    )
    cost = models.DecimalField(
        _("cost"), null=True, blank=True, validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    renewal = models.CharField(
        _("renewal"), max_length=10, choices=Renewal.choices, default=Renewal.MANUAL
    )
    renewal_terms = models.TextField(_("renewal terms"), blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("notice (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    assets = models.ManyToManyField(
        Asset, blank=True, related_name="contracts", verbose_name=_("assets")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["end_date", "name"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["kind", "end_date"], name="assets_contract_kind_end")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The contract cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def notice_by(self) -> object:
        import datetime

        return self.end_date - datetime.timedelta(days=self.notice_days) if self.end_date else None
