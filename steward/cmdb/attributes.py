"""Attributes per class of configuration item: the built-in ones every installation has
(what discovery fills in: OS, memory, processors...) and those an administrator adds
(``AttributeDefinition``). Values are checked with core's custom-field validation, so a
CMDB attribute and a custom field accept and reject the same inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from steward.cmdb.models import AttributeDefinition, CIClass
from steward.core import configcache
from steward.core.customfields import clean_values
from steward.core.models.features import FieldType


@dataclass(frozen=True)
class Builtin:
    name: str
    label: Any
    type: str = FieldType.TEXT
    required: bool = False
    choices: list[str] = field(default_factory=list)
    help_text: Any = ""

    def get_type_display(self) -> str:
        return str(FieldType(self.type).label)


_COMPUTE = (
    Builtin("os_name", _("Operating system")),
    Builtin("os_version", _("OS version")),
    Builtin("cpu_cores", _("Processor cores"), FieldType.INTEGER),
    Builtin("memory_mb", _("Memory (MB)"), FieldType.INTEGER),
    Builtin("last_boot", _("Last boot"), help_text=_("ISO date and time")),
)
_NETWORK = (
    Builtin("management_ip", _("Management address")),
    Builtin("firmware", _("Firmware")),
    Builtin("ports", _("Ports"), FieldType.INTEGER),
)

BUILTIN: dict[str, tuple[Builtin, ...]] = {
    CIClass.HARDWARE: (*_COMPUTE, Builtin("model", _("Model")), Builtin("vendor", _("Vendor"))),
    CIClass.SERVER: (*_COMPUTE, Builtin("model", _("Model")), Builtin("vendor", _("Vendor"))),
    CIClass.VIRTUAL_MACHINE: (*_COMPUTE, Builtin("hypervisor", _("Hypervisor"))),
    CIClass.CONTAINER: (Builtin("image", _("Image")), Builtin("namespace", _("Namespace"))),
    CIClass.CLUSTER: (
        Builtin(
            "cluster_type",
            _("Cluster type"),
            FieldType.CHOICE,
            choices=["hypervisor", "kubernetes", "database", "storage", "failover"],
        ),
    ),
    CIClass.NETWORK_DEVICE: (
        *_NETWORK,
        Builtin(
            "role",
            _("Role"),
            FieldType.CHOICE,
            choices=["router", "switch", "firewall", "access_point", "load_balancer", "vpn"],
        ),
    ),
    CIClass.IOT_DEVICE: (
        Builtin("sensor_type", _("Sensor type")),
        Builtin("firmware", _("Firmware")),
        Builtin("protocol", _("Protocol")),
    ),
    CIClass.APPLICATION: (
        Builtin("version", _("Version")),
        Builtin("vendor", _("Vendor")),
        Builtin("url", _("Address"), FieldType.URL),
    ),
    CIClass.DATABASE: (
        Builtin("engine", _("Engine")),
        Builtin("version", _("Version")),
        Builtin("size_gb", _("Size (GB)"), FieldType.DECIMAL),
    ),
    CIClass.BUSINESS_SERVICE: (
        Builtin("service_hours", _("Service hours")),
        Builtin("rto_hours", _("Recovery time objective (h)"), FieldType.DECIMAL),
        Builtin("users", _("Users"), FieldType.INTEGER, help_text=_("How many people use it.")),
    ),
    CIClass.TECHNICAL_SERVICE: (
        Builtin("service_hours", _("Service hours")),
        Builtin("port", _("Port"), FieldType.INTEGER),
    ),
    CIClass.CLOUD_RESOURCE: (
        Builtin("provider", _("Provider")),
        Builtin("region", _("Region")),
        Builtin("resource_id", _("Resource id")),
    ),
}


def definitions_for(ci_class: str) -> list[Any]:
    """The class's attributes, built-in first, then the administrator's by their order
    (cached per process until an ``AttributeDefinition`` changes)."""
    added = configcache.get(
        "cmdb:attributes", lambda: tuple(AttributeDefinition.objects.order_by("order", "name"))
    )
    builtin = BUILTIN.get(ci_class, ())
    taken = {b.name for b in builtin}
    return [*builtin, *(d for d in added if d.ci_class == ci_class and d.name not in taken)]


def clean_attributes(ci_class: str, values: Any) -> dict[str, Any]:
    """``values`` coerced to their types; unknown names and bad values raise a
    ValidationError on ``attributes`` naming each."""
    return clean_values(definitions_for(ci_class), values, key="attributes")
