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


# --- Software and licences ---
# The software catalogue (publishers, products, versions), what is installed on each device,
# licences with their seats, each device's operating system and update status, and the
# minimum-version policies. Services: ``licensing.py``; compliance: ``compliance.py``.

RETIRED_STATUSES = (Status.RETIRED, Status.DISPOSED)
"""Devices in these statuses consume no licence: their installations do not count."""


class InstallSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    DISCOVERY = "discovery", _("Discovery")
    IMPORT = "import", _("Import")


class LicenceType(models.TextChoices):
    PER_USER = "per_user", _("Per user")
    PER_DEVICE = "per_device", _("Per device")
    PER_CORE = "per_core", _("Per core")
    CONCURRENT = "concurrent", _("Concurrent users")
    SUBSCRIPTION = "subscription", _("Subscription seats")


PERSON_SEATS = (LicenceType.PER_USER, LicenceType.CONCURRENT, LicenceType.SUBSCRIPTION)
"""Licence types whose seats go to people; the others' seats go to devices."""


class Publisher(AuditedModel):
    name = models.CharField(_("name"), max_length=150)
    key = models.CharField(
        _("normalised name"),
        max_length=150,
        unique=True,
        blank=True,
        editable=False,
        help_text=_("Lower case, without legal suffixes (Inc., Corporation, GmbH...)."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("software publisher")
        verbose_name_plural = _("software publishers")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.assets.software_names import publisher_key

        self.key = publisher_key(self.name)
        if not self.key:
            raise ValidationError({"name": _("Give the publisher's name.")})


class SoftwareProduct(AuditedModel):
    """One product whatever the spelling discovery reports: names are matched on ``key``
    (see ``software_names.product_key``) and on the keys of the ``aliases``."""

    publisher = models.ForeignKey(
        Publisher, on_delete=models.PROTECT, related_name="products", verbose_name=_("publisher")
    )
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("normalised name"), max_length=200, blank=True, editable=False)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_("Other names of the product, one per line (e.g. Microsoft 365 Apps)."),
    )
    licence_required = models.BooleanField(
        _("licence required"),
        default=True,
        help_text=_("Off for free software: it never shows as over-deployed."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("software product")
        verbose_name_plural = _("software products")
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "key"],
                name="assets_softwareproduct_unique_key",
                violation_error_message=_("This publisher already has a product of this name."),
            )
        ]
        indexes = [models.Index(fields=["key"], name="assets_product_key")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.assets.software_names import product_key

        publisher = self.publisher.name if self.publisher_id else ""
        self.key = product_key(self.name, publisher)
        if not self.key:
            raise ValidationError({"name": _("Give the product's name.")})


class SoftwareVersion(AuditedModel):
    product = models.ForeignKey(
        SoftwareProduct,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("product"),
    )
    version = models.CharField(_("version"), max_length=100)
    version_key = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    released_on = models.DateField(_("released"), null=True, blank=True)

    class Meta:
        ordering = ["product__name", "-version_key"]
        verbose_name = _("software version")
        verbose_name_plural = _("software versions")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "version"],
                name="assets_softwareversion_unique",
                violation_error_message=_("This product already has this version."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.version}" if self.product_id else self.version

    def clean(self) -> None:
        from steward.assets.versions import version_key

        self.version_key = version_key(self.version)


class Installation(AuditedModel):
    """A product installed on a device, at one version (discovery reports the newest when a
    device has several). ``product`` repeats the version's product so that compliance counts
    devices per product from this table's index alone."""

    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="installations", verbose_name=_("device")
    )
    product = models.ForeignKey(
        SoftwareProduct,
        on_delete=models.PROTECT,
        related_name="installations",
        verbose_name=_("product"),
    )
    version = models.ForeignKey(
        SoftwareVersion,
        on_delete=models.PROTECT,
        related_name="installations",
        verbose_name=_("version"),
    )
    installed_on = models.DateField(_("installed"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=InstallSource.choices, default=InstallSource.MANUAL
    )

    audit_exclude = ("updated_at", "discovered_at")

    class Meta:
        ordering = ["asset_id", "product__name"]
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "product"],
                name="assets_installation_one_per_product",
                violation_error_message=_("This product is already recorded on this device."),
            )
        ]
        indexes = [models.Index(fields=["product", "asset"], name="assets_install_product")]

    def __str__(self) -> str:
        return f"{self.version} @ {self.asset_id}"

    def clean(self) -> None:
        if self.version_id and self.product_id and self.version.product_id != self.product_id:
            raise ValidationError({"version": _("This version belongs to another product.")})


class Licence(AuditedModel):
    product = models.ForeignKey(
        SoftwareProduct,
        on_delete=models.PROTECT,
        related_name="licences",
        verbose_name=_("product"),
    )
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(_("licence number"), max_length=100, blank=True)
    licence_type = models.CharField(_("type"), max_length=12, choices=LicenceType.choices)
    quantity = models.PositiveIntegerField(
        _("quantity"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
        help_text=_("Seats, devices or cores (per-core licences) bought."),
    )
    cost = models.DecimalField(
        _("cost"), null=True, blank=True, validators=NOT_NEGATIVE, max_digits=12, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    start_date = models.DateField(_("start"))
    expiry_date = models.DateField(
        _("expiry"), null=True, blank=True, help_text=_("Blank: perpetual.")
    )
    renewal = models.CharField(
        _("renewal"), max_length=10, choices=Renewal.choices, default=Renewal.MANUAL
    )
    vendor = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="software_licences",
        limit_choices_to={"kind": SUPPLIER},
        verbose_name=_("vendor"),
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="licences",
        verbose_name=_("contract"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
        help_text=_("Hears about the renewal, with the asset managers."),
    )
    alerted_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    audit_exclude = ("updated_at", "alerted_days")

    class Meta:
        ordering = ["expiry_date", "name"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        indexes = [
            models.Index(fields=["product", "licence_type"], name="assets_licence_product"),
            models.Index(fields=["expiry_date"], name="assets_licence_expiry"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.expiry_date and self.expiry_date < self.start_date:
            errors["expiry_date"] = _("The licence cannot expire before it starts.")
        if self.currency and not (len(self.currency) == 3 and self.currency.isalpha()):
            errors["currency"] = _("Use a three-letter ISO 4217 code (EUR, USD).")
        if errors:
            raise ValidationError(errors)

    @property
    def seats_go_to_people(self) -> bool:
        return self.licence_type in PERSON_SEATS


class LicenceSeat(AuditedModel):
    """One seat of a licence given to a person (per user, concurrent, subscription) or to a
    device (per device, per core). Written by ``licensing.licence_seat_assign``."""

    licence = models.ForeignKey(
        Licence, on_delete=models.CASCADE, related_name="seats", verbose_name=_("licence")
    )
    person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="licence_seats",
        verbose_name=_("person"),
    )
    asset = models.ForeignKey(
        Asset,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="licence_seats",
        verbose_name=_("device"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["licence", "pk"]
        verbose_name = _("licence seat")
        verbose_name_plural = _("licence seats")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, asset__isnull=True)
                | Q(person__isnull=True, asset__isnull=False),
                name="assets_seat_person_xor_asset",
                violation_error_message=_("A seat goes to a person or to a device."),
            ),
            models.UniqueConstraint(
                fields=["licence", "person"],
                condition=Q(person__isnull=False),
                name="assets_seat_unique_person",
                violation_error_message=_("This person already has a seat of this licence."),
            ),
            models.UniqueConstraint(
                fields=["licence", "asset"],
                condition=Q(asset__isnull=False),
                name="assets_seat_unique_asset",
                violation_error_message=_("This device already has a seat of this licence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence_id}: {self.person or self.asset}"

    @property
    def holder(self) -> Any:
        return self.person or self.asset


class DeviceOS(AuditedModel):
    """A device's operating system, core count and last update, as discovery (or a person)
    reports them."""

    asset = models.OneToOneField(
        Asset, on_delete=models.CASCADE, related_name="device_os", verbose_name=_("device")
    )
    os_name = models.CharField(_("operating system"), max_length=150)
    os_version = models.CharField(_("OS version"), max_length=100, blank=True)
    version_key = models.CharField(
        max_length=64, blank=True, editable=False, db_index=True, default=""
    )
    last_update = models.DateField(_("last update"), null=True, blank=True)
    cpu_cores = models.PositiveSmallIntegerField(
        _("CPU cores"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4096)],
        help_text=_("Counted by per-core licences (blank counts as one)."),
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    audit_exclude = ("updated_at", "reported_at")

    class Meta:
        ordering = ["asset_id"]
        verbose_name = _("device OS")
        verbose_name_plural = _("device OS")
        indexes = [models.Index(fields=["os_name", "version_key"], name="assets_deviceos_name")]

    def __str__(self) -> str:
        return f"{self.os_name} {self.os_version}".strip()

    def clean(self) -> None:
        from steward.assets.versions import version_key

        self.version_key = version_key(self.os_version)


class VersionPolicy(AuditedModel):
    """Devices must run at least ``minimum_version`` of a product, or of an operating system
    whose name contains ``os_name``."""

    name = models.CharField(_("name"), max_length=150)
    product = models.ForeignKey(
        SoftwareProduct,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="version_policies",
        verbose_name=_("product"),
    )
    os_name = models.CharField(
        _("operating system"),
        max_length=150,
        blank=True,
        help_text=_("Matches devices whose OS name contains this (Windows 11, macOS)."),
    )
    minimum_version = models.CharField(_("minimum version"), max_length=100)
    version_key = models.CharField(max_length=64, blank=True, editable=False, default="")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("version policy")
        verbose_name_plural = _("version policies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(os_name=""))
                | (Q(product__isnull=True) & ~Q(os_name="")),
                name="assets_versionpolicy_product_xor_os",
                violation_error_message=_("A policy is about a product or an operating system."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.assets.versions import version_key

        self.os_name = self.os_name.strip()
        if (self.product_id is None) == (not self.os_name):
            raise ValidationError(
                {"os_name": _("Give a product or an operating system, not both.")}
            )
        self.version_key = version_key(self.minimum_version)


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
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
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
