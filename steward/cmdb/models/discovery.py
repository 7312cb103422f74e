"""Discovery: the tokens inventory agents authenticate with, each agent's last state, what the
agents reported about a configuration item (network interfaces and their addresses, disks),
and the submissions that could not be taken as they came (quarantined or waiting for review).

Interfaces, addresses and disks are written only by reconciliation, which records every
difference in human terms on the configuration item's audit trail ("interface eth1 added"),
so the rows themselves are not audited one by one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel, TimeStampedModel

__all__ = [
    "DiscoveryAgent",
    "Disk",
    "IPAddress",
    "InventorySubmission",
    "InventoryToken",
    "NetworkInterface",
    "SubmissionStatus",
]


class InventoryToken(AuditedModel):
    """A secret an agent sends as the password of HTTP basic authentication (or as
    ``?token=`` for replays). Per site (``location``) or per agent (``deviceid``). Only a
    SHA-256 digest is stored; the secret is shown once when created."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Owner of the devices this token discovers (default: the IT organisation)."),
    )
    location = models.ForeignKey(
        "org.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("New devices discovered with this token are placed at this site."),
    )
    deviceid = models.CharField(
        _("agent device id"),
        max_length=255,
        blank=True,
        help_text=_("When set, only this agent may use the token."),
    )
    auto_create = models.BooleanField(
        _("create unknown devices"),
        default=True,
        help_text=_("Otherwise a device that matches nothing waits in the review queue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    audit_exclude = ("updated_at", "last_used_at")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("inventory token")
        verbose_name_plural = _("inventory tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DiscoveryAgent(TimeStampedModel):
    """One inventory agent (FusionInventory or OCS) by its device id, the item it reports
    for, and the facts of its last inventory (what the next one is compared with)."""

    deviceid = models.CharField(_("device id"), max_length=255, unique=True)
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="discovery_agents",
        verbose_name=_("configuration item"),
    )
    token = models.ForeignKey(
        InventoryToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="agents"
    )
    user_agent = models.CharField(_("agent"), max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    last_prolog_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_inventory_at = models.DateTimeField(_("last inventory"), null=True, blank=True)
    last_boot_at = models.DateTimeField(_("last boot"), null=True, blank=True)
    digest = models.CharField(max_length=64, blank=True, editable=False)
    facts = models.JSONField(default=dict, blank=True, editable=False)
    inventories = models.PositiveIntegerField(_("inventories"), default=0)

    class Meta:
        ordering = ["deviceid"]
        verbose_name = _("discovery agent")
        verbose_name_plural = _("discovery agents")

    def __str__(self) -> str:
        return self.deviceid


class NetworkInterface(TimeStampedModel):
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem", on_delete=models.CASCADE, related_name="network_interfaces"
    )
    name = models.CharField(_("name"), max_length=100)
    mac_address = models.CharField(_("MAC address"), max_length=17, blank=True)
    kind = models.CharField(_("type"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, blank=True)
    speed_mbps = models.PositiveIntegerField(_("speed (Mbit/s)"), null=True, blank=True)
    virtual = models.BooleanField(_("virtual"), default=False)

    class Meta:
        ordering = ["configuration_item_id", "name"]
        verbose_name = _("network interface")
        verbose_name_plural = _("network interfaces")
        constraints = [
            models.UniqueConstraint(
                fields=["configuration_item", "name"], name="cmdb_netif_unique_name"
            )
        ]
        indexes = [models.Index(fields=["mac_address"], name="cmdb_netif_mac")]

    def __str__(self) -> str:
        return self.name


class IPAddress(TimeStampedModel):
    interface = models.ForeignKey(
        NetworkInterface, on_delete=models.CASCADE, related_name="addresses"
    )
    address = models.GenericIPAddressField(_("address"))
    prefix_length = models.PositiveSmallIntegerField(_("prefix length"), null=True, blank=True)

    class Meta:
        ordering = ["interface_id", "address"]
        verbose_name = _("IP address")
        verbose_name_plural = _("IP addresses")
        constraints = [
            models.UniqueConstraint(fields=["interface", "address"], name="cmdb_ip_unique")
        ]
        indexes = [models.Index(fields=["address"], name="cmdb_ip_address")]

    def __str__(self) -> str:
        return f"{self.address}/{self.prefix_length}" if self.prefix_length else self.address


class Disk(TimeStampedModel):
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem", on_delete=models.CASCADE, related_name="disks"
    )
    name = models.CharField(_("name"), max_length=100)
    size_mb = models.PositiveBigIntegerField(_("size (MB)"), null=True, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=100, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=30, blank=True)

    class Meta:
        ordering = ["configuration_item_id", "name"]
        verbose_name = _("disk")
        verbose_name_plural = _("disks")
        constraints = [
            models.UniqueConstraint(fields=["configuration_item", "name"], name="cmdb_disk_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    QUARANTINED = "quarantined", _("Quarantined")
    REVIEW = "review", _("Waiting for review")
    PROCESSED = "processed", _("Processed")
    DISCARDED = "discarded", _("Discarded")


class InventorySubmission(AuditedModel):
    """A request the inventory endpoint did not take as it came: refused input (kept in
    quarantine with its reason, raw bytes up to a cap) or a device that matched nothing or
    several items (the review queue). Administrators re-process, link, create or discard."""

    received_at = models.DateTimeField(_("received"), db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SubmissionStatus.choices, db_index=True
    )
    reason_code = models.CharField(_("reason code"), max_length=30)
    reason = models.CharField(_("reason"), max_length=500)
    deviceid = models.CharField(_("device id"), max_length=255, blank=True)
    user_agent = models.CharField(_("agent"), max_length=200, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    token = models.ForeignKey(
        InventoryToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raw = models.BinaryField(_("raw bytes"), editable=False, default=b"")
    raw_size = models.PositiveBigIntegerField(_("size received (bytes)"), default=0)
    truncated = models.BooleanField(_("truncated"), default=False)
    candidates = models.JSONField(_("candidate items"), default=list, blank=True)
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("configuration item"),
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("result"), max_length=500, blank=True)

    audit_exclude = ("updated_at", "raw")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inventory submission")
        verbose_name_plural = _("inventory submissions")
        indexes = [
            models.Index(fields=["status", "received_at"], name="cmdb_submission_status"),
            models.Index(fields=["deviceid"], name="cmdb_submission_device"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.deviceid or self.remote_addr or self.pk}"
