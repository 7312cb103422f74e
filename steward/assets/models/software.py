"""The software catalogue (publishers, products, versions), what is installed on each device,
licences with their seats, each device's operating system and update status, and the
minimum-version policies. Services: ``licensing.py``; compliance: ``compliance.py``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.assets.models.hardware import NOT_NEGATIVE, SUPPLIER, Asset, Contract, Renewal, Status
from steward.core.models import AuditedModel

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
