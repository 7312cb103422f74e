"""Which configuration item an inventory is about. Matching rule order
(docs/administration/discovery.md):

1. the agent's own device id, once an inventory of it was taken;
2. hardware UUID (SMBIOS), ignoring well-known placeholder UUIDs;
3. serial number (BIOS), on items and on assets registered before discovery, ignoring
   placeholders such as "To be filled by O.E.M.";
4. MAC address of a physical interface (loopback, ifb, bridges, veth… left out);
5. host name, only when no rule above found anything.

Rules 1 to 4 are strong: when they point at more than one item, or the item found carries a
different UUID or serial than the report, the inventory waits in the review queue. So
does a device nothing matches when its token does not create devices.
"""

from __future__ import annotations

from typing import Any

from steward.assets import selectors as asset_selectors
from steward.cmdb.discovery.inventory import Inventory
from steward.cmdb.models import CIClass, ConfigurationItem, DiscoveryAgent, NetworkInterface

DISCOVERED_CLASSES = (CIClass.HARDWARE, CIClass.SERVER, CIClass.VIRTUAL_MACHINE)


class NeedsReview(Exception):
    def __init__(self, reason: str, candidates: list[int]) -> None:
        super().__init__(reason)
        self.reason, self.candidates = reason, sorted(set(candidates))


# --- matching --------------------------------------------------------------------------


def _items(**lookup: Any) -> set[int]:
    return set(
        ConfigurationItem.objects.filter(ci_class__in=DISCOVERED_CLASSES, **lookup).values_list(
            "pk", flat=True
        )[:10]
    )


def match(inventory: Inventory, agent: DiscoveryAgent) -> ConfigurationItem | None:
    """The item this inventory is about, None for a new device. Raises NeedsReview."""
    found: dict[str, set[int]] = {}
    if agent.configuration_item_id:
        found["device id"] = {agent.configuration_item_id}
    if inventory.uuid:
        found["hardware UUID"] = _items(hardware_uuid__iexact=inventory.uuid)
    if inventory.serial:
        by_serial = _items(serial_number=inventory.serial)
        for asset in asset_selectors.assets_by_serial(inventory.serial):
            item = ConfigurationItem.objects.filter(asset_id=asset.pk).first()
            if item is not None:
                by_serial.add(item.pk)
        found["serial number"] = by_serial
    macs = inventory.macs()
    if macs:
        found["MAC address"] = set(
            NetworkInterface.objects.filter(mac_address__in=macs)
            .values_list("configuration_item_id", flat=True)
            .distinct()[:10]
        )
    strong = set().union(*found.values()) if found else set()
    if len(strong) > 1:
        rules = ", ".join(f"{rule} → {sorted(ids)}" for rule, ids in found.items() if ids)
        raise NeedsReview(f"Identifiers point at different items: {rules}.", list(strong))
    if strong:
        item = ConfigurationItem.objects.select_related("asset").get(pk=strong.pop())
        clash = [
            label
            for label, mine, theirs in (
                ("hardware UUID", item.hardware_uuid.lower(), inventory.uuid),
                ("serial number", item.serial_number, inventory.serial),
            )
            if mine and theirs and mine != theirs
        ]
        if clash:
            raise NeedsReview(
                f"{item} (#{item.pk}) has another {' and '.join(clash)} than this report.",
                [item.pk],
            )
        return item
    if inventory.name:
        by_name = _items(hostname__iexact=inventory.hostname) | _items(
            name__iexact=inventory.hostname
        )
        if len(by_name) > 1:
            raise NeedsReview(f"Several items are called {inventory.hostname}.", sorted(by_name))
        if by_name:
            return ConfigurationItem.objects.select_related("asset").get(pk=by_name.pop())
    return None
