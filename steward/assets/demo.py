"""About 1,500 devices for the demo organisation, with five years of history.

Laptops, desktops, monitors, phones, tablets, servers, network gear, peripherals and IoT
sensors of real manufacturers; most deployed to employees, some in stock, on loan (a few
loans overdue), in repair, lost, retired or disposed; each with its past holders; support,
lease and maintenance contracts. The demo ``employee`` login holds a laptop (acknowledged), a
monitor and a borrowed headset still to acknowledge, for the portal.

Fast: rows are written with ``bulk_create`` through the base manager (the demo history is
not an audit of real actions), with ids assigned here. Fixed seed; idempotent (a second run
finds the first asset tag and stops). ``STEWARD_DEMO_SCALE`` (or ``scale=``) scales the
number of devices like the service-desk demo: 0.05 gives ~75.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from steward.assets.models import (
    Asset,
    AssetAssignment,
    Category,
    Condition,
    Contract,
    ContractKind,
    DepreciationMethod,
    HardwareModel,
    Manufacturer,
    Renewal,
    Status,
)
from steward.core.demodata import keep_timestamps, scale_from_env
from steward.org import selectors as org_selectors

DEVICES = 1500
BATCH = 1000
TAG = "NW-{:06d}"
# (manufacturer, model, category, cost, share of devices, declining balance?)
MODELS: list[tuple[str, str, str, int, float, bool]] = [
    ("Dell", "Latitude 7440", Category.LAPTOP, 1450, 0.16, False),
    ("Lenovo", "ThinkPad T14 Gen 4", Category.LAPTOP, 1380, 0.14, False),
    ("Apple", "MacBook Pro 14 M3", Category.LAPTOP, 2300, 0.05, False),
    ("Dell", "OptiPlex 7010", Category.DESKTOP, 900, 0.06, False),
    ("Dell", "P2723DE", Category.MONITOR, 420, 0.18, False),
    ("LG", "27UP850", Category.MONITOR, 480, 0.06, False),
    ("Apple", "iPhone 15", Category.PHONE, 950, 0.09, True),
    ("Samsung", "Galaxy S24", Category.PHONE, 850, 0.05, True),
    ("Apple", "iPad Air", Category.TABLET, 700, 0.03, True),
    ("Dell", "PowerEdge R760", Category.SERVER, 9800, 0.01, False),
    ("Cisco", "Catalyst 9200L", Category.NETWORK, 3200, 0.01, False),
    ("Ubiquiti", "UniFi U6 Pro", Category.NETWORK, 160, 0.02, False),
    ("Jabra", "Evolve2 65", Category.PERIPHERAL, 230, 0.06, False),
    ("Logitech", "MX Keys Combo", Category.PERIPHERAL, 140, 0.02, False),
    ("Bosch", "XDK Environment Sensor", Category.IOT, 180, 0.01, False),
]
SUPPLIERS = [("Bechtle Direct", "bechtle.example"), ("CDW Europe", "cdw.example")]
# Status of a device by age (years since purchase): weights per status.
YOUNG = ((Status.DEPLOYED, 0.78), (Status.IN_STOCK, 0.10), (Status.LOANED, 0.06),
         (Status.IN_REPAIR, 0.03), (Status.LOST, 0.01), (Status.ORDERED, 0.02))  # fmt: skip
OLD = ((Status.DEPLOYED, 0.55), (Status.IN_STOCK, 0.06), (Status.LOANED, 0.03),
       (Status.IN_REPAIR, 0.03), (Status.LOST, 0.02), (Status.RETIRED, 0.16),
       (Status.DISPOSED, 0.15))  # fmt: skip
CONDITION_BY_AGE = (Condition.NEW, Condition.GOOD, Condition.GOOD, Condition.FAIR, Condition.POOR)


def _pick(rng: Any, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def load(*, rng: Any, log: Callable[[str], None], scale: float | None = None, **_: Any) -> None:
    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    if Asset.objects.filter(asset_tag=TAG.format(1)).exists():
        log("assets already loaded")
        return
    scale = scale_from_env() if scale is None else scale
    people = list(org_selectors.active_employees(org).order_by("pk"))
    if not people:
        log("no employees: load the org demo first")
        return
    count = max(round(DEVICES * scale), 20)
    suppliers = _suppliers()
    catalogue = _catalogue()
    now = timezone.now()
    assets, assignments = _assets(rng, org, people, catalogue, suppliers, count, now)
    _employee_login(assets, assignments, now)
    _write(assets, assignments)
    contracts = _contracts(rng, suppliers, assets, now.date())
    tickets = _problem_tickets(assets, assignments)
    overdue = sum(1 for a in assets if a.status == Status.LOANED and a.loan_due < now.date())
    log(
        f"{len(assets)} devices, {len(assignments)} assignments, {overdue} overdue loans, "
        f"{contracts} contracts, {tickets} problem tickets"
    )


def _suppliers() -> list[Any]:
    """Vendor organisations (kind supplier). The org app has no service for them yet, so
    they are written through the related model, as the system."""
    organisation = Asset._meta.get_field("supplier").related_model
    found = []
    for name, domain in SUPPLIERS:
        row, _created = organisation.objects.get_or_create(
            name=name, defaults={"kind": "supplier", "mail_domain": domain}
        )
        found.append(row)
    return found


def _catalogue() -> list[tuple[HardwareModel, int, float]]:
    out = []
    makers: dict[str, Manufacturer] = {}
    for maker, name, category, cost, share, declining in MODELS:
        if maker not in makers:
            makers[maker] = Manufacturer.objects.get_or_create(name=maker)[0]
        method = (
            DepreciationMethod.DECLINING_BALANCE if declining else DepreciationMethod.STRAIGHT_LINE
        )
        model, _created = HardwareModel.objects.get_or_create(
            manufacturer=makers[maker],
            name=name,
            defaults={"category": category, "depreciation_method": method},
        )
        out.append((model, cost, share))
    return out


def _assets(
    rng: Any,
    org: Any,
    people: list[Any],
    catalogue: list[tuple[HardwareModel, int, float]],
    suppliers: list[Any],
    count: int,
    now: datetime.datetime,
) -> tuple[list[Asset], list[AssetAssignment]]:
    start_pk = (Asset._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    assignment_pk = (AssetAssignment._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
    locations = sorted({p.location for p in people if p.location_id}, key=lambda loc: loc.pk)
    today = now.date()
    assets: list[Asset] = []
    assignments: list[AssetAssignment] = []
    weights = [share for _m, _c, share in catalogue]
    for i in range(count):
        model, cost, _share = rng.choices(catalogue, weights)[0]
        age_days = int(rng.triangular(5, 5 * 365, 400))
        purchased = today - datetime.timedelta(days=age_days)
        years = age_days // 365
        status = _pick(rng, YOUNG if years < 3 else OLD)
        bought = timezone.make_aware(datetime.datetime.combine(purchased, datetime.time(10)))
        asset = Asset(
            pk=start_pk + i,
            asset_tag=TAG.format(start_pk + i),
            name=_name(model, start_pk + i),
            model=model,
            serial=f"{model.manufacturer.name[:2].upper()}{rng.randrange(10**9):09d}",
            organisation=org,
            location=rng.choice(locations) if locations else None,
            status=status,
            condition=CONDITION_BY_AGE[min(years, 4)],
            purchase_cost=Decimal(cost) * Decimal(rng.uniform(0.9, 1.1)).quantize(Decimal("0.01")),
            purchase_date=purchased,
            supplier=rng.choice(suppliers),
            invoice_number=f"INV-{purchased.year}-{rng.randrange(10**5):05d}",
            warranty_end=purchased + datetime.timedelta(days=365 * rng.choice((1, 3, 3, 5))),
            created_at=bought,
            updated_at=bought,
            status_changed_at=bought,
        )
        if status == Status.ORDERED:
            asset.purchase_date = asset.warranty_end = None
            asset.created_at = asset.updated_at = now - datetime.timedelta(days=rng.randint(1, 20))
        cursor = bought + datetime.timedelta(days=rng.randint(1, 10))
        # Earlier holders, each for months, then the present state.
        for _n in range(rng.choice((0, 0, 1, 1, 2)) if years >= 1 else 0):
            length = datetime.timedelta(days=rng.randint(60, 500))
            if cursor + length > now - datetime.timedelta(days=30):
                break
            pk, holder = assignment_pk + len(assignments), rng.choice(people)
            assignments.append(_assignment(pk, asset, holder, cursor, cursor + length, None))
            cursor += length + datetime.timedelta(days=rng.randint(1, 30))
        if status in (Status.DEPLOYED, Status.LOANED) and cursor < now:
            holder = rng.choice(people)
            due = None
            if status == Status.LOANED:
                cursor = max(cursor, now - datetime.timedelta(days=rng.randint(3, 60)))
                due = (cursor + datetime.timedelta(days=rng.randint(7, 45))).date()
            assignments.append(
                _assignment(assignment_pk + len(assignments), asset, holder, cursor, None, due)
            )
            asset.assigned_person, asset.loan_due = holder, due
            asset.acknowledged_at = cursor + datetime.timedelta(hours=rng.randint(1, 72))
            if rng.random() < 0.08:
                asset.acknowledged_at = None
                assignments[-1].acknowledged_at = None
            else:
                assignments[-1].acknowledged_at = asset.acknowledged_at
            asset.status_changed_at = cursor
        elif status in (Status.DEPLOYED, Status.LOANED):
            asset.status = Status.IN_STOCK
        elif status != Status.ORDERED:
            asset.status_changed_at = min(now, max(cursor, bought))
            _reason(rng, asset)
        assets.append(asset)
    return assets, assignments


def _name(model: HardwareModel, number: int) -> str:
    prefix = {
        Category.LAPTOP: "LT",
        Category.DESKTOP: "PC",
        Category.SERVER: "SRV",
        Category.NETWORK: "NET",
    }.get(model.category)  # type: ignore[call-overload]
    return f"{prefix}-{number:05d}" if prefix else ""


def _reason(rng: Any, asset: Asset) -> None:
    if asset.status == Status.IN_REPAIR:
        asset.repair_reference = f"RMA-{rng.randrange(10**6):06d}"
        asset.status_note = rng.choice(("Broken screen", "Battery swells", "Does not boot"))
    elif asset.status == Status.LOST:
        asset.status_note = rng.choice(("Stolen from a car", "Left on a train", "Not found"))
    elif asset.status == Status.DISPOSED:
        asset.disposal_certificate = f"WEEE-{rng.randrange(10**6):06d}"
        asset.status_note = "Recycled by a certified partner"
    elif asset.status == Status.RETIRED:
        asset.status_note = "End of life"


def _assignment(
    pk: int,
    asset: Asset,
    person: Any,
    start: datetime.datetime,
    end: datetime.datetime | None,
    due: datetime.date | None,
) -> AssetAssignment:
    return AssetAssignment(
        pk=pk,
        asset=asset,
        person=person,
        started_at=start,
        ended_at=end,
        loan_due=due,
        acknowledged_at=start + datetime.timedelta(hours=4),
        created_at=start,
        updated_at=end or start,
    )


def _employee_login(
    assets: list[Asset], assignments: list[AssetAssignment], now: datetime.datetime
) -> None:
    """The demo ``employee`` holds a laptop, a monitor and a headset to acknowledge."""
    from steward.core.models import User

    user = User.objects.filter(username="employee").first()
    person = org_selectors.person_for_user(user) if user else None
    if person is None:
        return
    wanted = {Category.LAPTOP: None, Category.MONITOR: None, Category.PERIPHERAL: None}
    for asset in assets:
        category = asset.model.category
        if category in wanted and wanted[category] is None and asset.status == Status.DEPLOYED:
            wanted[category] = asset  # type: ignore[assignment]
    for category, asset in wanted.items():
        if asset is None:
            continue
        current = next(a for a in assignments if a.asset is asset and a.ended_at is None)
        current.person = asset.assigned_person = person
        if category == Category.PERIPHERAL:
            asset.status = Status.LOANED
            asset.loan_due = current.loan_due = (now + datetime.timedelta(days=2)).date()
            asset.acknowledged_at = current.acknowledged_at = None


PROBLEM_TICKETS = 12


def _problem_tickets(assets: list[Asset], assignments: list[AssetAssignment]) -> int:
    """Repair history: the last holder of some devices in repair reported the problem, and
    the demo employee's laptop has an open one; opened through the service desk's service
    (routing, SLA), linked to the asset."""
    from steward.servicedesk import services as sd_services

    last_holder: dict[int, Any] = {}
    for a in sorted(assignments, key=lambda a: a.started_at):
        if a.person is not None:
            last_holder[a.asset.pk] = a.person
    wanted: list[tuple[Asset, Any, str]] = [
        (asset, last_holder[asset.pk], asset.status_note or "It does not work")
        for asset in assets
        if asset.status == Status.IN_REPAIR and asset.pk in last_holder
    ][:PROBLEM_TICKETS]
    from steward.core.models import User

    user = User.objects.filter(username="employee").first()
    employee = org_selectors.person_for_user(user) if user else None
    laptop = next(
        (
            a
            for a in assets
            if employee is not None
            and a.assigned_person_id == employee.pk
            and a.model.category == Category.LAPTOP
        ),
        None,
    )
    if laptop is not None:
        wanted.append((laptop, laptop.assigned_person, "Battery drains in two hours"))
    for asset, person, what in wanted:
        sd_services.ticket_create(
            actor=None,
            requester=person,
            title=f"{asset.asset_tag}: {what}",
            description=(
                f"Asset tag: {asset.asset_tag}\nModel: {asset.model}\n"
                f"Serial number: {asset.serial or '—'}"
            ),
            channel="portal",
            asset_id=asset.pk,
        )
    return len(wanted)


def _write(assets: list[Asset], assignments: list[AssetAssignment]) -> None:
    with keep_timestamps(Asset, AssetAssignment):
        Asset._base_manager.bulk_create(assets, batch_size=BATCH)
        AssetAssignment._base_manager.bulk_create(assignments, batch_size=BATCH)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Asset, AssetAssignment]):
            cursor.execute(sql)


def _contracts(rng: Any, suppliers: list[Any], assets: list[Asset], today: datetime.date) -> int:
    plans = [
        ("Dell ProSupport Plus", ContractKind.SUPPORT, "Dell", 1, 28_000, Renewal.MANUAL),
        ("Lenovo Premier Support", ContractKind.SUPPORT, "Lenovo", 1, 19_500, Renewal.AUTOMATIC),
        ("Apple device lease 2024", ContractKind.LEASE, "Apple", 3, 96_000, Renewal.NONE),
        ("Cisco SmartNet", ContractKind.MAINTENANCE, "Cisco", 1, 7_400, Renewal.AUTOMATIC),
        ("Server room maintenance", ContractKind.MAINTENANCE, "Dell", 2, 12_000, Renewal.MANUAL),
    ]
    through = Contract.assets.through
    links = []
    for number, (name, kind, maker, years, cost, renewal) in enumerate(plans, start=1):
        start = today - datetime.timedelta(days=rng.randint(30, 360 * years - 10))
        end = start + datetime.timedelta(days=365 * years)
        contract = Contract.objects.create(
            name=name,
            reference=f"CT-{start.year}-{number:03d}",
            kind=kind,
            vendor=rng.choice(suppliers),
            cost=Decimal(cost),
            start_date=start,
            end_date=end,
            renewal=renewal,
            renewal_terms="12 months at list price minus 5 %" if renewal != Renewal.NONE else "",
            notice_days=rng.choice((30, 60, 90)),
        )
        covered = [
            a
            for a in assets
            if a.model.manufacturer.name == maker
            and a.status not in (Status.DISPOSED, Status.RETIRED, Status.ORDERED)
        ]
        links += [through(contract_id=contract.pk, asset_id=a.pk) for a in covered]
    through.objects.bulk_create(links, batch_size=BATCH)
    return len(plans)
