"""A believable estate for the demo organisation: business services (e-mail, ERP, web shop,
VPN, intranet, building monitoring) over applications, databases, virtual machines, a
hypervisor cluster of three hosts, network devices and IoT sensors, and the laptops of some
employees (linked to their assets through the assets app's selectors) using the services.

Known single points of failure, for the impact analysis to find: the core switch (every
host connects through it), the SAN-backed ERP database VM, and the one VPN gateway.

Fast: two ``bulk_create`` calls through the base manager (the demo is not an audit of real
actions). Idempotent: a second run finds the first item and stops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from steward.cmdb.models import (
    CIClass,
    CISource,
    ConfigurationItem,
    Criticality,
    RelationKind,
    Relationship,
)
from steward.org import selectors as org_selectors

C, K, CR = CIClass, RelationKind, Criticality
FIRST = "Core switch"

# name: (class, criticality, attributes)
ITEMS: dict[str, tuple[str, int, dict[str, Any]]] = {
    "E-mail": (C.BUSINESS_SERVICE, CR.CRITICAL, {"service_hours": "24x7", "users": 450}),
    "ERP": (C.BUSINESS_SERVICE, CR.CRITICAL, {"service_hours": "Mon-Fri 6-20", "users": 180}),
    "Web shop": (C.BUSINESS_SERVICE, CR.CRITICAL, {"service_hours": "24x7"}),
    "VPN": (C.BUSINESS_SERVICE, CR.HIGH, {"service_hours": "24x7", "users": 300}),
    "Intranet": (C.BUSINESS_SERVICE, CR.MEDIUM, {"users": 450}),
    "Building monitoring": (C.BUSINESS_SERVICE, CR.MEDIUM, {}),
    "DNS": (C.TECHNICAL_SERVICE, CR.CRITICAL, {"port": 53}),
    "Directory (LDAP)": (C.TECHNICAL_SERVICE, CR.CRITICAL, {"port": 636}),
    "Postfix + Dovecot": (C.APPLICATION, CR.CRITICAL, {"version": "3.8", "vendor": "Debian"}),
    "Odoo ERP": (C.APPLICATION, CR.CRITICAL, {"version": "17.0", "vendor": "Odoo"}),
    "Shop front (Django)": (C.APPLICATION, CR.HIGH, {"version": "5.2"}),
    "Shop payments": (C.APPLICATION, CR.HIGH, {}),
    "Intranet wiki": (C.APPLICATION, CR.LOW, {"vendor": "BookStack"}),
    "Home Assistant": (C.APPLICATION, CR.LOW, {"version": "2026.11"}),
    "ERP database": (C.DATABASE, CR.CRITICAL, {"engine": "PostgreSQL", "version": "16"}),
    "Shop database": (C.DATABASE, CR.HIGH, {"engine": "PostgreSQL", "version": "16"}),
    "Wiki database": (C.DATABASE, CR.LOW, {"engine": "MariaDB", "version": "10.11"}),
    "vm-mail-01": (C.VIRTUAL_MACHINE, CR.HIGH, {"os_name": "Debian", "os_version": "12"}),
    "vm-erp-app-01": (C.VIRTUAL_MACHINE, CR.HIGH, {"os_name": "Debian", "memory_mb": 16384}),
    "vm-erp-db-01": (C.VIRTUAL_MACHINE, CR.CRITICAL, {"os_name": "Debian", "memory_mb": 65536}),
    "vm-shop-01": (C.VIRTUAL_MACHINE, CR.HIGH, {"os_name": "Debian"}),
    "vm-shop-02": (C.VIRTUAL_MACHINE, CR.HIGH, {"os_name": "Debian"}),
    "vm-shop-db-01": (C.VIRTUAL_MACHINE, CR.HIGH, {"os_name": "Debian"}),
    "vm-intranet-01": (C.VIRTUAL_MACHINE, CR.MEDIUM, {"os_name": "Ubuntu", "os_version": "24.04"}),
    "vm-dns-01": (C.VIRTUAL_MACHINE, CR.CRITICAL, {"os_name": "Debian"}),
    "vm-ldap-01": (C.VIRTUAL_MACHINE, CR.CRITICAL, {"os_name": "Debian"}),
    "vm-iot-01": (C.VIRTUAL_MACHINE, CR.LOW, {"os_name": "Debian"}),
    "Proxmox cluster": (C.CLUSTER, CR.CRITICAL, {"cluster_type": "hypervisor"}),
    "pve-01": (C.SERVER, CR.HIGH, {"vendor": "Dell", "model": "PowerEdge R760", "cpu_cores": 32}),
    "pve-02": (C.SERVER, CR.HIGH, {"vendor": "Dell", "model": "PowerEdge R760", "cpu_cores": 32}),
    "pve-03": (C.SERVER, CR.HIGH, {"vendor": "Dell", "model": "PowerEdge R760", "cpu_cores": 32}),
    "backup-01": (C.SERVER, CR.MEDIUM, {"vendor": "Dell", "model": "PowerEdge R660"}),
    FIRST: (C.NETWORK_DEVICE, CR.CRITICAL, {"role": "switch", "ports": 48}),
    "Edge firewall": (C.NETWORK_DEVICE, CR.CRITICAL, {"role": "firewall"}),
    "VPN gateway": (C.NETWORK_DEVICE, CR.HIGH, {"role": "vpn"}),
    "Office Wi-Fi AP": (C.NETWORK_DEVICE, CR.MEDIUM, {"role": "access_point"}),
    "Object storage (S3)": (C.CLOUD_RESOURCE, CR.HIGH, {"provider": "AWS", "region": "eu-west-3"}),
    "Server room temperature": (C.IOT_DEVICE, CR.MEDIUM, {"sensor_type": "temperature"}),
    "Server room humidity": (C.IOT_DEVICE, CR.LOW, {"sensor_type": "humidity"}),
    "UPS monitor": (C.IOT_DEVICE, CR.HIGH, {"sensor_type": "power", "protocol": "MQTT"}),
}

EDGES: list[tuple[str, str, str]] = [
    ("E-mail", K.DEPENDS_ON, "Postfix + Dovecot"),
    ("E-mail", K.DEPENDS_ON, "DNS"),
    ("Postfix + Dovecot", K.RUNS_ON, "vm-mail-01"),
    ("Postfix + Dovecot", K.DEPENDS_ON, "Directory (LDAP)"),
    ("ERP", K.DEPENDS_ON, "Odoo ERP"),
    ("Odoo ERP", K.RUNS_ON, "vm-erp-app-01"),
    ("Odoo ERP", K.DEPENDS_ON, "ERP database"),
    ("Odoo ERP", K.DEPENDS_ON, "Directory (LDAP)"),
    ("ERP database", K.RUNS_ON, "vm-erp-db-01"),
    ("Web shop", K.DEPENDS_ON, "Shop front (Django)"),
    ("Shop front (Django)", K.RUNS_ON, "vm-shop-01"),
    ("Shop front (Django)", K.RUNS_ON, "vm-shop-02"),
    ("Shop front (Django)", K.DEPENDS_ON, "Shop database"),
    ("Shop front (Django)", K.DEPENDS_ON, "Shop payments"),
    ("Shop front (Django)", K.DEPENDS_ON, "Object storage (S3)"),
    ("Shop payments", K.RUNS_ON, "vm-shop-02"),
    ("Shop payments", K.DEPENDS_ON, "ERP database"),
    ("Shop database", K.RUNS_ON, "vm-shop-db-01"),
    ("Intranet", K.DEPENDS_ON, "Intranet wiki"),
    ("Intranet wiki", K.RUNS_ON, "vm-intranet-01"),
    ("Intranet wiki", K.DEPENDS_ON, "Wiki database"),
    ("Intranet wiki", K.DEPENDS_ON, "Directory (LDAP)"),
    ("Wiki database", K.RUNS_ON, "vm-intranet-01"),
    ("VPN", K.DEPENDS_ON, "Directory (LDAP)"),
    ("VPN", K.DEPENDS_ON, "VPN gateway"),  # one gateway: a single point of failure
    ("DNS", K.RUNS_ON, "vm-dns-01"),
    ("Directory (LDAP)", K.RUNS_ON, "vm-ldap-01"),
    ("Building monitoring", K.DEPENDS_ON, "Home Assistant"),
    ("Home Assistant", K.RUNS_ON, "vm-iot-01"),
    *(
        (vm, K.RUNS_ON, "Proxmox cluster")
        for vm in (
            "vm-mail-01",
            "vm-erp-app-01",
            "vm-shop-01",
            "vm-shop-02",
            "vm-shop-db-01",
            "vm-intranet-01",
            "vm-dns-01",
            "vm-ldap-01",
            "vm-iot-01",
        )
    ),
    ("vm-erp-db-01", K.RUNS_ON, "pve-03"),  # pinned to the host with the SAN card
    *((h, K.MEMBER_OF, "Proxmox cluster") for h in ("pve-01", "pve-02", "pve-03")),
    *((h, K.CONNECTS_TO, FIRST) for h in ("pve-01", "pve-02", "pve-03", "backup-01")),
    ("Proxmox cluster", K.CONNECTS_TO, FIRST),
    (FIRST, K.CONNECTS_TO, "Edge firewall"),
    ("VPN gateway", K.CONNECTS_TO, "Edge firewall"),
    ("Office Wi-Fi AP", K.CONNECTS_TO, FIRST),
    ("Object storage (S3)", K.CONNECTS_TO, "Edge firewall"),
    ("backup-01", K.BACKS_UP, "ERP database"),
    ("backup-01", K.BACKS_UP, "Shop database"),
    *(
        (s, K.CONNECTS_TO, "Office Wi-Fi AP")
        for s in ("Server room temperature", "Server room humidity", "UPS monitor")
    ),
    *(
        (s, K.DEPENDS_ON, "Building monitoring")
        for s in ("Server room temperature", "Server room humidity", "UPS monitor")
    ),
]

LAPTOPS = 25
"""Employees' laptops (hardware items linked to their assets) that use VPN, e-mail, ERP."""


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    if ConfigurationItem._base_manager.filter(name=FIRST).exists():
        log("CMDB already loaded")
        return
    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    items = [
        ConfigurationItem(
            name=name,
            ci_class=ci_class,
            criticality=criticality,
            attributes=attributes,
            organisation=org,
            hostname=name if name.startswith(("vm-", "pve-", "backup-")) else "",
        )
        for name, (ci_class, criticality, attributes) in ITEMS.items()
    ]
    laptops = _laptops(org, rng)
    created = ConfigurationItem._base_manager.bulk_create([*items, *laptops])
    by_name = {ci.name: ci for ci in created}
    edges = [(by_name[s], k, by_name[t]) for s, k, t in EDGES]
    for laptop in laptops:
        for service in rng.sample(["VPN", "E-mail", "ERP", "Intranet"], 2):
            edges.append((laptop, K.DEPENDS_ON, by_name[service]))
    Relationship._base_manager.bulk_create(
        [Relationship(source=s, kind=k, target=t) for s, k, t in edges]
    )
    log(f"CMDB: {len(created)} configuration items, {len(edges)} relationships")


def _laptops(org: Any, rng: Any) -> list[ConfigurationItem]:
    """Hardware items for laptops some employees hold, through the assets app's selectors."""
    from steward.assets import selectors as asset_selectors

    out = []
    people = list(org_selectors.active_employees(org).order_by("pk")[: LAPTOPS * 3])
    for person in people:
        if len(out) >= LAPTOPS:
            break
        held = asset_selectors.assets_held_by(person).filter(model__category="laptop").first()
        if held is None:
            continue
        out.append(
            ConfigurationItem(
                name=held.name or held.asset_tag,
                ci_class=C.HARDWARE,
                criticality=CR.LOW,
                organisation=org,
                asset_id=held.pk,
                serial_number=held.serial,
                source=CISource.IMPORT,
                attributes={"model": str(held.model.name)},
            )
        )
    return out
