"""An inventory into the CMDB and the assets app: the device is found (``match``), then its
configuration item, asset, installations, OS, health readings, interfaces, addresses and
disks are made to say what the agent reported, writing only what differs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from steward.assets import licensing
from steward.assets import selectors as asset_selectors
from steward.assets import services as asset_services
from steward.cmdb.discovery.inventory import Inventory, category_of
from steward.cmdb.discovery.match import NeedsReview, match
from steward.cmdb.models import (
    CIClass,
    CISource,
    ConfigurationItem,
    DiscoveryAgent,
    Disk,
    InventoryToken,
    IPAddress,
    NetworkInterface,
)
from steward.core import audit
from steward.org import selectors as org_selectors

LISTED = 15
"""Packages named one by one in an audit entry; more are counted."""


@dataclass
class Outcome:
    status: str
    """created, updated, unchanged or review"""
    item: ConfigurationItem | None = None
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    candidates: list[int] = field(default_factory=list)


# --- writing ---------------------------------------------------------------------------


def _gb(mb: int | None) -> str:
    if not mb:
        return "unknown"
    gb = round(mb / 1024, 1)
    return f"{gb:g} GB"


def facts_of(inventory: Inventory) -> dict[str, Any]:
    return {
        "name": inventory.name,
        "uuid": inventory.uuid,
        "serial": inventory.serial,
        "manufacturer": inventory.manufacturer,
        "model": inventory.model,
        "chassis": inventory.chassis,
        "virtualization": inventory.virtualization,
        "memory_mb": inventory.memory_mb,
        "cpu": inventory.cpu,
        "cpu_cores": inventory.cpu_cores,
        "os": f"{inventory.os_name} {inventory.os_version}".strip(),
        "kernel": inventory.kernel,
        "arch": inventory.arch,
        "agent": inventory.agent,
        "tag": inventory.tag,
        "packages": {n: v for n, _p, v in sorted(inventory.packages)},
    }


def describe(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The differences between two inventories of one agent, as a person would say them."""
    if not before:
        return []
    changes = []
    if before.get("memory_mb") != after.get("memory_mb"):
        changes.append(f"memory {_gb(before.get('memory_mb'))} → {_gb(after.get('memory_mb'))}")
    labels = {
        "name": "name",
        "cpu": "processor",
        "cpu_cores": "CPU cores",
        "os": "operating system",
        "kernel": "kernel",
        "serial": "serial number",
        "uuid": "hardware UUID",
        "manufacturer": "manufacturer",
        "model": "model",
    }
    for key, label in labels.items():
        old, new = before.get(key), after.get(key)
        if old != new:
            changes.append(f"{label} {old or 'unknown'} → {new or 'unknown'}")
    old_p, new_p = before.get("packages") or {}, after.get("packages") or {}
    added = sorted(set(new_p) - set(old_p))
    removed = sorted(set(old_p) - set(new_p))
    upgraded = sorted(n for n in set(old_p) & set(new_p) if old_p[n] != new_p[n])
    changes += [f"package {n} {new_p[n]} installed" for n in added[:LISTED]]
    changes += [f"package {n} {old_p[n]} → {new_p[n]}" for n in upgraded[:LISTED]]
    changes += [f"package {n} removed" for n in removed[:LISTED]]
    for verb, names in (("installed", added), ("changed", upgraded), ("removed", removed)):
        if len(names) > LISTED:
            changes.append(f"and {len(names) - LISTED} more packages {verb}")
    return changes


def _sync_interfaces(item: ConfigurationItem, inventory: Inventory) -> list[str]:
    changes: list[str] = []
    existing = {i.name: i for i in item.network_interfaces.prefetch_related("addresses")}
    for reported in inventory.interfaces:
        row = existing.pop(reported.name, None)
        values = {
            "mac_address": reported.mac,
            "kind": reported.kind,
            "status": reported.status,
            "speed_mbps": reported.speed_mbps,
            "virtual": reported.virtual,
        }
        if row is None:
            row = NetworkInterface.objects.create(
                configuration_item=item, name=reported.name, **values
            )
            changes.append(f"interface {reported.name} added")
            have: dict[str, IPAddress] = {}
        else:
            diff = [k for k, v in values.items() if getattr(row, k) != v]
            if diff:
                if "mac_address" in diff:
                    changes.append(
                        f"interface {row.name} MAC {row.mac_address or '-'} → {reported.mac or '-'}"
                    )
                for key in diff:
                    setattr(row, key, values[key])
                row.save(update_fields=[*diff, "updated_at"])
            have = {a.address: a for a in row.addresses.all()}
        for address, prefix in reported.addresses:
            current = have.pop(address, None)
            if current is None:
                IPAddress.objects.create(interface=row, address=address, prefix_length=prefix)
                changes.append(f"address {address} added on {row.name}")
            elif current.prefix_length != prefix:
                current.prefix_length = prefix
                current.save(update_fields=["prefix_length", "updated_at"])
        for gone in have.values():
            gone.delete()
            changes.append(f"address {gone.address} removed from {row.name}")
    for gone_if in existing.values():
        gone_if.delete()
        changes.append(f"interface {gone_if.name} removed")
    return changes


def _sync_disks(item: ConfigurationItem, inventory: Inventory) -> list[str]:
    changes: list[str] = []
    existing = {d.name: d for d in item.disks.all()}
    for reported in inventory.disks:
        values = {
            "size_mb": reported.size_mb,
            "serial_number": reported.serial,
            "manufacturer": reported.manufacturer,
            "model": reported.model,
            "kind": reported.kind,
        }
        row = existing.pop(reported.name, None)
        if row is None:
            Disk.objects.create(configuration_item=item, name=reported.name, **values)
            changes.append(f"disk {reported.name} ({_gb(reported.size_mb)}) added")
            continue
        diff = [k for k, v in values.items() if getattr(row, k) != v]
        if diff:
            if "size_mb" in diff:
                changes.append(f"disk {row.name} {_gb(row.size_mb)} → {_gb(reported.size_mb)}")
            if "serial_number" in diff:
                changes.append(
                    f"disk {row.name} serial {row.serial_number or '-'} → {reported.serial or '-'}"
                )
            for key in diff:
                setattr(row, key, values[key])
            row.save(update_fields=[*diff, "updated_at"])
    for gone in existing.values():
        gone.delete()
        changes.append(f"disk {gone.name} removed")
    return changes


def _asset_tag(inventory: Inventory) -> str:
    key = inventory.uuid or inventory.serial or inventory.deviceid
    return "DISC-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()


def _item_values(inventory: Inventory) -> dict[str, Any]:
    values = {"hostname": inventory.hostname[:255], "fqdn": inventory.fqdn}
    if inventory.serial:
        values["serial_number"] = inventory.serial
    if inventory.uuid:
        values["hardware_uuid"] = inventory.uuid
    return values


def _organisation(token: InventoryToken | None) -> Any:
    if token is not None and token.organisation_id:
        return token.organisation
    found = org_selectors.internal_organisation()
    if found is None:
        raise NeedsReview("No organisation to own the device: create the IT organisation.", [])
    return found


def _save_item(
    item: ConfigurationItem | None, inventory: Inventory, token: InventoryToken | None
) -> tuple[ConfigurationItem, bool]:
    values = _item_values(inventory)
    if item is None:
        category = category_of(inventory)
        item = ConfigurationItem(
            name=inventory.hostname[:200] or inventory.deviceid[:200],
            ci_class=CIClass.SERVER if category == "server" else CIClass.HARDWARE,
            source=CISource.DISCOVERY,
            description=f"Discovered by {inventory.agent or 'an inventory agent'}."[:500],
            **values,
        )
        item.full_clean()
        item.save()
        return item, True
    changed = [k for k, v in values.items() if v and getattr(item, k) != v]
    if "hostname" in changed and item.name == item.hostname:
        item.name = inventory.hostname[:200]
        changed.append("name")
    if changed:
        for key in changed:
            if key != "name":
                setattr(item, key, values[key])
        item.full_clean()
        item.save()
    return item, False


def _save_asset(item: ConfigurationItem, inventory: Inventory, token: InventoryToken | None) -> Any:
    data: dict[str, Any] = {"name": inventory.hostname[:150]}
    if inventory.serial:
        data["serial"] = inventory.serial
    asset = item.asset
    if asset is None and inventory.serial:
        spare = [
            a
            for a in asset_selectors.assets_by_serial(inventory.serial)
            if not ConfigurationItem.objects.filter(asset_id=a.pk).exists()
        ]
        asset = spare[0] if len(spare) == 1 else None
    if asset is None:
        data["organisation"] = _organisation(token)
        if token is not None and token.location_id:
            data["location"] = token.location
    asset = asset_services.asset_discovered(
        asset=asset,
        data=data,
        manufacturer=inventory.manufacturer,
        model_name=inventory.model,
        category=category_of(inventory),
        asset_tag=_asset_tag(inventory),
    )
    if item.asset_id != asset.pk:
        item.asset = asset
        item.full_clean()
        item.save()
    return asset


@transaction.atomic
def reconcile(
    *,
    inventory: Inventory,
    agent: DiscoveryAgent,
    token: InventoryToken | None,
    item: ConfigurationItem | None = None,
    create: bool = False,
) -> Outcome:
    """Take one inventory. ``item`` (an administrator's link from the review queue) skips
    matching; ``create`` makes a new item whatever matches. Raises NeedsReview."""
    now = timezone.now()
    digest = inventory.digest()
    if item is None and not create:
        if agent.digest == digest and agent.configuration_item_id:
            DiscoveryAgent._base_manager.filter(pk=agent.pk).update(
                last_inventory_at=now, inventories=agent.inventories + 1
            )
            ConfigurationItem._base_manager.filter(pk=agent.configuration_item_id).update(
                last_seen_at=now
            )
            return Outcome("unchanged", agent.configuration_item)
        item = match(inventory, agent)
        if item is None and token is not None and not token.auto_create:
            raise NeedsReview("No item matches this device and its token creates none.", [])
    item, created = _save_item(None if create else item, inventory, token)
    asset = _save_asset(item, inventory, token)
    try:
        licensing.installations_sync(asset=asset, packages=inventory.packages, seen_at=now)
    except ValidationError as exc:
        raise NeedsReview(" ".join(exc.messages), [item.pk]) from None
    asset_services.device_os_report(
        asset=asset,
        os_name=inventory.os_name,
        os_version=inventory.os_version,
        cpu_cores=inventory.cpu_cores,
        reported_at=now,
    )
    asset_services.health_reading_record(
        asset=asset, read_at=now, battery_wear_percent=inventory.battery_wear_percent
    )
    facts = facts_of(inventory)
    changes = [] if created else describe(agent.facts, facts)
    if agent.configuration_item_id not in (None, item.pk):
        moved = f"agent {agent.deviceid} moved here from item #{agent.configuration_item_id}"
        changes.insert(0, moved)
    layout = _sync_interfaces(item, inventory) + _sync_disks(item, inventory)
    if not created:
        changes += layout
    if changes:
        audit.record(item, before={"inventory": None}, after={"inventory": changes})
    ConfigurationItem._base_manager.filter(pk=item.pk).update(last_seen_at=now)
    agent.configuration_item = item
    agent.digest, agent.facts = digest, facts
    agent.last_inventory_at, agent.last_boot_at = now, inventory.boot_time
    agent.inventories += 1
    agent.save()
    return Outcome("created" if created else "updated", item, changes)
