"""Demo stock and procurement, loaded right after the assets demo: vendors with a contact
each, consumables and accessories (several at or near their reorder points) with a history
of movements, an open purchase order partially received (its laptops arrived as assets), a
purchase request from the demo ``employee`` waiting for the demo IT manager (``manager``),
health readings (battery wear, disk health) on some laptops, phones and tablets, and the
catalogue's laptop, monitor and phone items linked to the models most deployed (an approved
request for one with none in stock raises a purchase request).

The purchase loop runs through the real services as the demo administrator, so approvals,
audit and events look as in real use; stock history is written in bulk. Fixed seed,
idempotent (a second run finds the first stock item and stops), fast; the number of health
readings follows ``STEWARD_DEMO_SCALE`` through the number of assets.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from steward.assets import procurement
from steward.assets.demo import keep_timestamps
from steward.assets.models import (
    Asset,
    AssetHealthReading,
    Category,
    HardwareModel,
    MovementKind,
    PurchaseRequestStatus,
    Status,
    StockItem,
    StockKind,
    StockLevel,
    StockMovement,
)
from steward.catalogue import selectors as catalogue_selectors
from steward.org import selectors as org_selectors

Organisation = Asset._meta.get_field("organisation").related_model
Person = Asset._meta.get_field("assigned_person").related_model
# name, kind, unit, on hand per location (first two), reorder point, reorder quantity, cost
ITEMS: list[tuple[str, str, str, tuple[int, int], int, int, str]] = [
    ("Toner HP 26X black", StockKind.CONSUMABLE, "cartridge", (3, 1), 6, 12, "129.00"),
    ("USB-C charger 65 W", StockKind.ACCESSORY, "piece", (9, 4), 15, 20, "39.90"),
    ("USB-C docking station", StockKind.ACCESSORY, "piece", (5, 2), 8, 10, "189.00"),
    ("Wireless mouse", StockKind.ACCESSORY, "piece", (25, 14), 15, 30, "24.50"),
    ("Laptop backpack", StockKind.ACCESSORY, "piece", (2, 0), 5, 10, "45.00"),
    ("HDMI cable 2 m", StockKind.CONSUMABLE, "piece", (40, 22), 20, 50, "6.90"),
    ("Cat6 patch cable 3 m", StockKind.CONSUMABLE, "piece", (18, 9), 30, 100, "3.20"),
    ("A4 paper 80 g", StockKind.CONSUMABLE, "box", (6, 3), 10, 20, "27.00"),
]
VENDORS = [
    ("Bechtle Direct", "bechtle.example", ("Nadia", "Keller", "orders@bechtle.example")),
    ("CDW Europe", "cdw.example", ("Tom", "Reyes", "sales@cdw.example")),
]
WORN = (Category.LAPTOP, Category.PHONE, Category.TABLET)


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    from steward.core.models import User

    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    if StockItem.objects.filter(name=ITEMS[0][0]).exists():
        log("stock and procurement already loaded")
        return
    users = {
        u.username: u for u in User.objects.filter(username__in=["admin", "manager", "employee"])
    }
    locations = sorted(
        {p.location for p in org_selectors.active_employees(org)[:200] if p.location_id},
        key=lambda loc: loc.pk,
    )
    if len(users) < 3 or not locations:
        log("demo logins or locations missing: no stock or procurement loaded")
        return
    vendors = _vendors()
    items = _stock(rng, vendors, locations[:2], users["admin"])
    order = _order(vendors[0], locations[0], items, users)
    _waiting_request(users)
    readings = _health(rng)
    linked = _catalogue_links(users["admin"])
    log(
        f"{len(vendors)} vendors, {len(items)} stock items "
        f"({procurement.low_stock_items().count()} low), order {order}, "
        f"{readings} health readings, {linked} catalogue items linked"
    )


CATALOGUE = {
    "new-laptop": Category.LAPTOP,
    "monitor": Category.MONITOR,
    "mobile-phone": Category.PHONE,
}


def _catalogue_links(admin: Any) -> int:
    """The hardware model most deployed in each category is what the catalogue hands out."""
    linked = 0
    for slug, category in CATALOGUE.items():
        item = catalogue_selectors.item_get(user=admin, slug=slug)
        model = (
            HardwareModel.objects.filter(category=category)
            .annotate(n=Count("assets"))
            .order_by("-n", "pk")
            .first()
        )
        if item is not None and model is not None:
            HardwareModel.objects.filter(pk=model.pk).update(catalogue_item=item)
            linked += 1
    return linked


def _vendors() -> list[Any]:
    """Supplier organisations and one contact each (the org app has no service for them;
    written as the system, like the assets demo's suppliers)."""
    found = []
    for name, domain, (first, last, email) in VENDORS:
        vendor, _created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": "supplier", "mail_domain": domain}
        )
        Person.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "organisation": vendor,
                "kind": "contact",
                "job_title": "Account manager",
            },
        )
        found.append(vendor)
    return found


def _stock(rng: Any, vendors: list[Any], locations: list[Any], admin: Any) -> list[StockItem]:
    items, levels, moves = [], [], []
    now = timezone.now()
    for index, (name, kind, unit, counts, point, quantity, cost) in enumerate(ITEMS):
        item = StockItem.objects.create(
            name=name,
            kind=kind,
            unit=unit,
            vendor=vendors[index % len(vendors)],
            reorder_point=point,
            reorder_quantity=quantity,
            unit_cost=Decimal(cost),
        )
        items.append(item)
        for location, count in zip(locations, counts, strict=False):
            levels.append(StockLevel(item=item, location=location, quantity=count))
            received = count + rng.randint(2, 12)
            moves.append(
                StockMovement(
                    item=item,
                    kind=MovementKind.RECEIVE,
                    quantity=received,
                    to_location=location,
                    actor=admin,
                    reason="Opening stock",
                    unit_cost=item.unit_cost,
                    created_at=now - datetime.timedelta(days=90),
                )
            )
            if received > count:
                moves.append(
                    StockMovement(
                        item=item,
                        kind=MovementKind.ISSUE,
                        quantity=received - count,
                        from_location=location,
                        actor=admin,
                        reason="Handed out at the IT desk",
                        unit_cost=item.unit_cost,
                        created_at=now - datetime.timedelta(days=rng.randint(1, 80)),
                    )
                )
    for move in moves:
        move.updated_at = move.created_at
    StockLevel.objects.bulk_create(levels)
    with keep_timestamps(StockMovement):
        StockMovement.objects.bulk_create(moves)
    return items


def _decided(request: Any) -> None:
    """The engine announces its decision after commit; the demo runs in one transaction,
    so the handler is called here (it ignores the later, duplicate announcement)."""
    procurement.on_approval_decided(
        event="approvals.request_approved",
        content_type=procurement.CONTENT_TYPE,
        request_id=request.approval_request_id,
    )


def _order(vendor: Any, location: Any, items: list[StockItem], users: dict[str, Any]) -> Any:
    from steward.approvals import services as approvals

    laptop = HardwareModel.objects.filter(category=Category.LAPTOP).order_by("pk").first()
    lines = [
        {"stock_item": items[0], "quantity": 12, "estimated_unit_cost": items[0].unit_cost},
        {"stock_item": items[4], "quantity": 10, "estimated_unit_cost": items[4].unit_cost},
    ]
    if laptop is not None:
        lines.append(
            {"hardware_model": laptop, "quantity": 6, "estimated_unit_cost": Decimal("1395.00")}
        )
    admin = users["admin"]
    request = procurement.purchase_request_create(
        actor=admin,
        lines=lines,
        justification="New joiners in January and toner for the second floor.",
        location=location,
    )
    request = procurement.purchase_request_submit(
        request=request, actor=admin, approver=users["manager"]
    )
    approval = _approval(request)
    approvals.approval_decide(
        request=approval, approver=users["manager"], decision="approve", comment="Budgeted."
    )
    _decided(request)
    request.refresh_from_db()
    assert request.status == PurchaseRequestStatus.APPROVED
    order = procurement.purchase_order_create(
        request=request,
        vendor=vendor,
        actor=admin,
        expected_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    first = {line.pk: line for line in order.lines.all()}
    partial = {}
    for pk, line in first.items():
        partial[pk] = line.quantity if line.stock_item_id == items[0].pk else line.quantity // 2
    procurement.purchase_order_receive(
        order=order, actor=admin, quantities=partial, invoice_number="INV-DEMO-0001"
    )
    return order


def _approval(request: Any) -> Any:
    from steward.approvals.selectors import approval_request_list
    from steward.core.models import User

    admin = User.objects.get(username="admin")
    return approval_request_list(user=admin).get(pk=request.approval_request_id)


def _waiting_request(users: dict[str, Any]) -> None:
    model = HardwareModel.objects.filter(category=Category.MONITOR).order_by("pk").first()
    if model is None:
        return
    employee = users["employee"]
    request = procurement.purchase_request_create(
        actor=employee,
        lines=[{"hardware_model": model, "quantity": 1, "estimated_unit_cost": Decimal("420")}],
        justification="A second screen for the sales dashboards.",
    )
    procurement.purchase_request_submit(request=request, actor=employee, approver=users["manager"])


def _health(rng: Any) -> int:
    assets = list(
        Asset.objects.filter(model__category__in=WORN, status=Status.DEPLOYED)
        .order_by("pk")
        .values_list("pk", "purchase_date")[:5000]
    )
    today = timezone.localdate()
    now = timezone.now()
    readings = []
    for pk, purchased in assets:
        if rng.random() > 0.3:
            continue
        years = (today - purchased).days / 365 if purchased else 1.0
        wear = min(Decimal(95), Decimal(round(years * rng.uniform(6, 16), 1)))
        disk = max(Decimal(5), Decimal(round(100 - years * rng.uniform(2, 12), 1)))
        readings.append(
            AssetHealthReading(
                asset_id=pk,
                read_at=now - datetime.timedelta(days=rng.randint(0, 20)),
                battery_wear_percent=wear,
                disk_health_percent=disk,
                source="demo",
            )
        )
    AssetHealthReading.objects.bulk_create(readings, batch_size=1000)
    return len(readings)
