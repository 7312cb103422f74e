"""What an INVENTORY says about a device, read the same way from both agents.

The two agents share the top-level layout and differ in fields (see
docs/administration/discovery.md): FusionInventory has OPERATINGSYSTEM (name, version,
boot time) and reports the kernel in HARDWARE/OSVERSION; OCS has only HARDWARE/OSNAME and
OSVERSION. CPUs count CORE/THREAD (FusionInventory) or CORES/THREADS (OCS); software
architecture is ARCH or ARCHITECTURE; OCS leaves zero values out and writes sizes as floats
(``274877.906944``) and speeds as ``"1000 Mbps"``. Every number is read from text.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from django.utils import timezone

from steward.cmdb.discovery.protocol import element_dict, section_list

BOGUS_SERIALS = {
    "",
    "0",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "default string",
    "to be filled by o.e.m.",
    "to be filled by oem",
    "system serial number",
    "not specified",
    "not available",
    "not applicable",
    "chassis serial number",
    "0123456789",
    "123456789",
    "serial",
    "xxxxxxxxxxx",
}
BOGUS_UUIDS = {
    "",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "03000200-0400-0500-0006-000700080009",
    "00020003-0004-0005-0006-000700080009",
}
VIRTUAL_IF = re.compile(r"^(lo|ifb|docker|veth|br-|virbr|vnet|tun|tap|wg|dummy|bond\d+\.)")
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
LAPTOP_CHASSIS = {
    "notebook",
    "laptop",
    "portable",
    "sub notebook",
    "hand held",
    "tablet",
    "convertible",
    "detachable",
}
DESKTOP_CHASSIS = {
    "desktop",
    "low profile desktop",
    "tower",
    "mini tower",
    "all in one",
    "mini pc",
    "space-saving",
    "lunch box",
    "stick pc",
}


@dataclass
class Interface:
    name: str
    mac: str = ""
    kind: str = ""
    status: str = ""
    speed_mbps: int | None = None
    virtual: bool = False
    addresses: list[tuple[str, int | None]] = field(default_factory=list)


@dataclass
class Disk:
    name: str
    size_mb: int | None = None
    serial: str = ""
    manufacturer: str = ""
    model: str = ""
    kind: str = ""


@dataclass
class Inventory:
    deviceid: str
    agent: str = ""
    name: str = ""
    fqdn: str = ""
    uuid: str = ""
    serial: str = ""
    manufacturer: str = ""
    model: str = ""
    chassis: str = ""
    virtualization: str = ""
    memory_mb: int | None = None
    cpu: str = ""
    cpu_cores: int | None = None
    os_name: str = ""
    os_version: str = ""
    kernel: str = ""
    arch: str = ""
    boot_time: datetime.datetime | None = None
    battery_wear_percent: float | None = None
    tag: str = ""
    packages: list[tuple[str, str, str]] = field(default_factory=list)
    interfaces: list[Interface] = field(default_factory=list)
    disks: list[Disk] = field(default_factory=list)

    @property
    def hostname(self) -> str:
        return self.name.split(".")[0]

    def macs(self) -> list[str]:
        """Addresses that identify the machine: physical interfaces only (loopback, ifb,
        bridges, veth and other virtual devices are left out; so is 00:00:00:00:00:00)."""
        return sorted(
            {
                i.mac
                for i in self.interfaces
                if i.mac and not i.virtual and i.mac != "00:00:00:00:00:00"
                if not VIRTUAL_IF.match(i.name)
            }
        )

    def digest(self) -> str:
        """A fingerprint of everything reconciliation writes: the same digest twice means
        the second inventory has nothing new."""
        data = asdict(self)
        data["boot_time"] = self.boot_time.isoformat() if self.boot_time else None
        data["packages"] = sorted(self.packages)
        blob = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def _text(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _number(text: str) -> float | None:
    found = re.match(r"\s*(-?\d+(?:\.\d+)?)", text or "")
    return float(found.group(1)) if found else None


def _int(text: str) -> int | None:
    value = _number(text)
    return int(value) if value is not None and 0 <= value < 2**62 else None


def clean_serial(value: str) -> str:
    value = value.strip()
    return "" if value.lower() in BOGUS_SERIALS else value[:100]


def clean_uuid(value: str) -> str:
    value = value.strip().lower()
    return "" if value in BOGUS_UUIDS else value[:64]


def _boot_time(text: str) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(parsed, datetime.UTC)


def _prefix(mask: str) -> int | None:
    if not mask:
        return None
    try:
        return ipaddress.ip_network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def _prefix6(mask: str) -> int | None:
    if not mask:
        return None
    try:
        return bin(int(ipaddress.IPv6Address(mask))).count("1")
    except ValueError:
        return _int(mask)


def _address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.split("%")[0]))
    except ValueError:
        return ""


def _interfaces(rows: list[dict[str, Any]]) -> list[Interface]:
    """One NETWORKS element per address: an interface with IPv4 and IPv6 comes twice."""
    found: dict[str, Interface] = {}
    for row in rows:
        name = _text(row, "DESCRIPTION") or _text(row, "MACADDR")
        if not name:
            continue
        mac = _text(row, "MACADDR").lower()
        speed = _int(_text(row, "SPEED"))
        iface = found.setdefault(
            name[:100],
            Interface(
                name=name[:100],
                mac=mac if MAC.match(mac) else "",
                kind=_text(row, "TYPE")[:30],
                status=_text(row, "STATUS")[:10],
                speed_mbps=speed if speed and speed > 0 else None,
                virtual=_text(row, "VIRTUALDEV") == "1",
            ),
        )
        v4 = _address(_text(row, "IPADDRESS"))
        if v4:
            iface.addresses.append((v4, _prefix(_text(row, "IPMASK"))))
        v6 = _address(_text(row, "IPADDRESS6"))
        if v6:
            iface.addresses.append((v6, _prefix6(_text(row, "IPMASK6"))))
    for iface in found.values():
        iface.addresses = sorted(set(iface.addresses))
    return list(found.values())


def _disks(rows: list[dict[str, Any]]) -> list[Disk]:
    disks: dict[str, Disk] = {}
    for row in rows:
        name = _text(row, "NAME")
        if not name or name in disks:
            continue
        size = _number(_text(row, "DISKSIZE"))
        disks[name] = Disk(
            name=name[:100],
            size_mb=int(size) if size and size > 0 else None,
            serial=clean_serial(_text(row, "SERIALNUMBER", "SERIAL")),
            manufacturer=_text(row, "MANUFACTURER")[:100],
            model=_text(row, "MODEL")[:100],
            kind=_text(row, "TYPE")[:30],
        )
    return list(disks.values())


def _battery_wear(rows: list[dict[str, Any]]) -> float | None:
    """Capacity lost against the design capacity, from the first battery that reports both."""
    for row in rows:
        design = _number(_text(row, "CAPACITY"))
        real = _number(_text(row, "REAL_CAPACITY"))
        if design and real is not None and design > 0:
            return round(max(0.0, min(100.0, (1 - real / design) * 100)), 2)
    return None


def _cores(cpus: list[dict[str, Any]]) -> int | None:
    total = sum(_int(_text(c, "CORE", "CORES")) or 0 for c in cpus)
    return total or None


def read(root: Element, *, deviceid: str, user_agent: str = "") -> Inventory:
    """The facts of an INVENTORY request, whichever agent sent it."""
    content = root.find("CONTENT")
    found = content.find("HARDWARE") if content is not None else None
    hardware = element_dict(found) if found is not None else {}
    bios = (section_list(content, "BIOS") or [{}])[0]
    os_ = (section_list(content, "OPERATINGSYSTEM") or [{}])[0]
    cpus = section_list(content, "CPUS")
    if os_:
        os_name = _text(os_, "NAME") or _text(hardware, "OSNAME")
        os_version = _text(os_, "VERSION")
        kernel = _text(os_, "KERNEL_VERSION") or _text(hardware, "OSVERSION")
    else:
        os_name, os_version = _text(hardware, "OSNAME"), _text(hardware, "OSVERSION")
        kernel = ""
    tag = ""
    for info in section_list(content, "ACCOUNTINFO"):
        if _text(info, "KEYNAME") == "TAG":
            tag = _text(info, "KEYVALUE")
    packages = []
    for row in section_list(content, "SOFTWARES"):
        name = _text(row, "NAME")
        if name:
            publisher, version = _text(row, "PUBLISHER"), _text(row, "VERSION")
            packages.append((name[:200], publisher[:150], version[:100]))
    name = _text(hardware, "NAME") or _text(os_, "FQDN") or deviceid
    memory = _int(_text(hardware, "MEMORY"))
    virtualization = _text(hardware, "VMSYSTEM")
    return Inventory(
        deviceid=deviceid,
        agent=((content.findtext("VERSIONCLIENT") or "") if content is not None else "").strip()[
            :200
        ]
        or user_agent[:200],
        name=name[:200],
        fqdn=_text(os_, "FQDN")[:255],
        uuid=clean_uuid(_text(hardware, "UUID")),
        serial=clean_serial(_text(bios, "SSN")),
        manufacturer=_text(bios, "SMANUFACTURER", "MMANUFACTURER")[:100],
        model=_text(bios, "SMODEL", "MMODEL")[:150],
        chassis=_text(hardware, "CHASSIS_TYPE") or _text(bios, "TYPE"),
        virtualization="" if virtualization.lower() == "physical" else virtualization[:50],
        memory_mb=memory if memory else None,
        cpu=(_text(hardware, "PROCESSORT") or (_text(cpus[0], "NAME", "TYPE") if cpus else ""))[
            :150
        ],
        cpu_cores=_cores(cpus),
        os_name=os_name[:150],
        os_version=os_version[:100],
        kernel=kernel[:100],
        arch=_text(os_, "ARCH")[:30],
        boot_time=_boot_time(_text(os_, "BOOT_TIME")),
        battery_wear_percent=_battery_wear(section_list(content, "BATTERIES")),
        tag=tag[:100],
        packages=packages,
        interfaces=_interfaces(section_list(content, "NETWORKS")),
        disks=_disks(section_list(content, "STORAGES")),
    )


def category_of(inventory: Inventory) -> str:
    """The asset category (and with it the CI class) from the chassis type: laptops and
    desktops are hardware, everything else (rack servers, virtual machines, unknown) a
    server."""
    chassis = inventory.chassis.strip().lower()
    if chassis in LAPTOP_CHASSIS:
        return "laptop"
    if chassis in DESKTOP_CHASSIS:
        return "desktop"
    return "server"
