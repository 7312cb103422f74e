"""Configuration items, the typed relationships between them, and the attributes each class
of item carries.

Which class pairs a relationship kind allows is data (``ALLOWED_PAIRS``) enforced by the
services, so that a bulk import and the API give the same answer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.core.models.features import FieldType


class CIClass(models.TextChoices):
    HARDWARE = "hardware", _("Physical hardware")
    SERVER = "server", _("Server")
    VIRTUAL_MACHINE = "virtual_machine", _("Virtual machine")
    CONTAINER = "container", _("Container")
    CLUSTER = "cluster", _("Cluster")
    NETWORK_DEVICE = "network_device", _("Network device")
    IOT_DEVICE = "iot_device", _("IoT device")
    APPLICATION = "application", _("Application")
    DATABASE = "database", _("Database")
    BUSINESS_SERVICE = "business_service", _("Business service")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    CLOUD_RESOURCE = "cloud_resource", _("Cloud resource")


SERVICE_CLASSES = (CIClass.BUSINESS_SERVICE, CIClass.TECHNICAL_SERVICE)
"""Classes whose items are services: what an impact analysis reports as "services hit"."""


class CIStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    MAINTENANCE = "maintenance", _("In maintenance")
    RETIRED = "retired", _("Retired")


class CISource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    DISCOVERY = "discovery", _("Discovered by an agent")


class Criticality(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class ConfigurationItem(AuditedModel):
    """Anything IT manages whose failure matters: a box, a VM, an application, a service.

    Physical hardware is one-to-one with an asset of the assets app (``asset``); class-specific
    values live in ``attributes``, validated against the class's attribute definitions."""

    name = models.CharField(_("name"), max_length=200)
    ci_class = models.CharField(_("class"), max_length=20, choices=CIClass.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CIStatus.choices, default=CIStatus.ACTIVE
    )
    criticality = models.PositiveSmallIntegerField(
        _("criticality"), choices=Criticality.choices, default=Criticality.MEDIUM
    )
    organisation = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="configuration_items",
        verbose_name=_("organisation"),
        help_text=_("Who owns the item; customer contacts never see items of others."),
    )
    asset = models.OneToOneField(
        "assets.Asset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="configuration_item",
        verbose_name=_("asset"),
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    hardware_uuid = models.CharField(_("hardware UUID"), max_length=64, blank=True)
    hostname = models.CharField(_("host name"), max_length=255, blank=True)
    fqdn = models.CharField(_("FQDN"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    owner_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="configuration_items",
        verbose_name=_("owner group"),
        help_text=_("The team that runs the item and takes its incidents."),
    )
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="configuration_items",
        verbose_name=_("owner"),
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CISource.choices, default=CISource.MANUAL
    )
    last_seen_at = models.DateTimeField(
        _("last seen"), null=True, blank=True, help_text=_("Last inventory from an agent.")
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        indexes = [
            models.Index(fields=["ci_class", "name"], name="cmdb_ci_class_name"),
            models.Index(fields=["status", "name"], name="cmdb_ci_status_name"),
            models.Index(fields=["organisation", "ci_class"], name="cmdb_ci_org_class"),
            models.Index(fields=["serial_number"], name="cmdb_ci_serial"),
            models.Index(fields=["hardware_uuid"], name="cmdb_ci_uuid"),
            models.Index(fields=["hostname"], name="cmdb_ci_hostname"),
            models.Index(fields=["fqdn"], name="cmdb_ci_fqdn"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Attributes checked against the class's definitions (and coerced to their types);
        only physical items link to an asset."""
        from steward.cmdb.attributes import clean_attributes
        from steward.cmdb.rules import PHYSICAL_CLASSES

        if self.ci_class in CIClass.values:
            self.attributes = clean_attributes(self.ci_class, self._without_retired())
        if self.asset_id and self.ci_class not in PHYSICAL_CLASSES:
            raise ValidationError(
                {
                    "asset": _(
                        "Only physical items (hardware, servers, network and IoT devices) "
                        "are linked to an asset."
                    )
                }
            )

    def _without_retired(self) -> Any:
        """The attributes less the values stored under a name no definition of the class has
        any more (an administrator deleted it): they go on the next save, which the audit
        shows, instead of refusing every edit that leaves them as they were."""
        values = self.attributes or {}
        stored = getattr(self, "_audit_raw", {}).get("attributes")
        if not isinstance(values, dict) or not isinstance(stored, dict):
            return values
        from steward.cmdb.attributes import definitions_for

        known = {d.name for d in definitions_for(self.ci_class)}
        return {k: v for k, v in values.items() if k in known or k not in stored or stored[k] != v}


class RelationKind(models.TextChoices):
    """Directed kinds; ``source <kind> target`` reads forward, the reverse label backward."""

    DEPENDS_ON = "depends_on", _("depends on")
    RUNS_ON = "runs_on", _("runs on")
    CONNECTS_TO = "connects_to", _("connects to")
    MEMBER_OF = "member_of", _("member of")
    BACKS_UP = "backs_up", _("backs up")


REVERSE_LABELS: dict[str, Any] = {
    RelationKind.DEPENDS_ON: _("used by"),
    RelationKind.RUNS_ON: _("hosts"),
    RelationKind.CONNECTS_TO: _("connected from"),
    RelationKind.MEMBER_OF: _("has member"),
    RelationKind.BACKS_UP: _("backed up by"),
}


class Relationship(AuditedModel):
    """``source`` *kind* ``target``: "ERP depends on ERP database", "VM runs on host"."""

    source = models.ForeignKey(
        ConfigurationItem,
        on_delete=models.CASCADE,
        related_name="outgoing",
        verbose_name=_("source"),
    )
    target = models.ForeignKey(
        ConfigurationItem,
        on_delete=models.CASCADE,
        related_name="incoming",
        verbose_name=_("target"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["source_id", "kind", "target_id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="cmdb_relationship_unique",
                violation_error_message=_("These two items already have this relationship."),
            ),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="cmdb_relationship_not_self",
                violation_error_message=_("An item cannot be related to itself."),
            ),
        ]
        # The impact walk reads (id, other end) of an item's relationships of some kinds
        # from the index alone (bench/cmdb/impact.py).
        indexes = [
            models.Index(fields=["source", "kind", "target", "id"], name="cmdb_rel_source_walk"),
            models.Index(fields=["target", "kind", "source", "id"], name="cmdb_rel_target_walk"),
        ]

    def __str__(self) -> str:
        if self.source_id and self.target_id and self.kind in RelationKind.values:
            return f"{self.source} {RelationKind(self.kind).label} {self.target}"
        return f"{self.source_id} {self.kind} {self.target_id}"

    def clean(self) -> None:
        """No self-loops; only the class pairs ``rules.ALLOWED_PAIRS`` lists for the kind."""
        from steward.cmdb.rules import check_pair

        if self.source_id is None or self.target_id is None:
            return
        if self.source_id == self.target_id:
            raise ValidationError({"target": _("An item cannot be related to itself.")})
        if self.kind in RelationKind.values:
            check_pair(
                kind=self.kind, source_class=self.source.ci_class, target_class=self.target.ci_class
            )


class AttributeDefinition(AuditedModel):
    """An attribute an administrator adds to one class of item, beyond the built-in ones
    (``steward.cmdb.attributes.BUILTIN``); values live in the item's ``attributes``."""

    ci_class = models.CharField(_("class"), max_length=20, choices=CIClass.choices)
    name = models.SlugField(_("name"), max_length=50, help_text=_("Key in the attributes."))
    label = models.CharField(_("label"), max_length=100)
    type = models.CharField(
        _("type"), max_length=10, choices=FieldType.choices, default=FieldType.TEXT
    )
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )

    class Meta:
        ordering = ["ci_class", "order", "name"]
        verbose_name = _("attribute definition")
        verbose_name_plural = _("attribute definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["ci_class", "name"],
                name="cmdb_attribute_unique",
                violation_error_message=_("This class already has an attribute of this name."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_ci_class_display()}: {self.label}"
