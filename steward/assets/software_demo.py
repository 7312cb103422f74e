"""The demo's software estate: about 40 products of real publishers, the operating system
and installations of every demo computer, licences of each type (some expiring within 90
days, Visio and AutoCAD over-deployed), seats for the people using the software, and
minimum-version policies that some devices fail.

Runs after the hardware demo (it needs its computers). Fast: installations, device OS rows
and seats are written with ``bulk_create`` through the base manager (the demo estate is
not an audit of real actions). Fixed seed; idempotent (a second run finds the catalogue's
first product and stops). ``STEWARD_DEMO_SCALE`` scales with the number of devices.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from steward.assets.demo import BATCH, keep_timestamps
from steward.assets.models import (
    RETIRED_STATUSES,
    Asset,
    Category,
    DeviceOS,
    Installation,
    InstallSource,
    Licence,
    LicenceSeat,
    LicenceType,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
    VersionPolicy,
)
from steward.assets.software_names import product_key, publisher_key
from steward.assets.versions import version_key

# (publisher, product, licence required, share of computers, versions (newest last), aliases)
CATALOGUE: list[tuple[str, str, bool, float, tuple[str, ...], str]] = [
    (
        "Microsoft Corporation",
        "Microsoft 365 Apps for enterprise",
        True,
        0.97,
        ("16.0.16827.20166", "16.0.17328.20162"),
        "Microsoft Office 365 ProPlus\nOffice 365 ProPlus",
    ),
    (
        "Microsoft Corporation",
        "Microsoft Teams",
        False,
        0.95,
        ("24004.1307.2669", "24033.811.2738"),
        "",
    ),
    (
        "Microsoft Corporation",
        "Microsoft Visio Professional",
        True,
        0.14,
        ("16.0.17328.20162",),
        "Visio",
    ),
    (
        "Microsoft Corporation",
        "Microsoft Project Professional",
        True,
        0.06,
        ("16.0.17328.20162",),
        "",
    ),
    ("Microsoft Corporation", "Microsoft Power BI Desktop", True, 0.12, ("2.128.751.0",), ""),
    (
        "Microsoft Corporation",
        "Microsoft Visual Studio Professional 2022",
        True,
        0.08,
        ("17.8.3", "17.9.2"),
        "",
    ),
    ("Microsoft Corporation", "Microsoft Edge", False, 0.9, ("122.0.2365.92", "123.0.2420.65"), ""),
    (
        "Google LLC",
        "Google Chrome",
        False,
        0.85,
        ("118.0.5993.88", "123.0.6312.86", "124.0.6367.60"),
        "",
    ),
    ("Mozilla", "Mozilla Firefox", False, 0.35, ("115.9.1esr", "124.0.1"), ""),
    ("Adobe Inc.", "Adobe Acrobat Reader", False, 0.8, ("23.008.20470", "24.001.20604"), ""),
    ("Adobe Inc.", "Adobe Acrobat Pro", True, 0.1, ("24.001.20604",), ""),
    ("Adobe Inc.", "Adobe Creative Cloud", True, 0.05, ("6.1.0.587",), ""),
    ("Adobe Inc.", "Adobe Photoshop 2024", True, 0.04, ("25.5.1",), ""),
    ("Autodesk, Inc.", "AutoCAD 2024", True, 0.04, ("24.3.61.0",), ""),
    ("Zoom Video Communications, Inc.", "Zoom Workplace", True, 0.6, ("5.17.11", "6.0.2"), ""),
    ("Slack Technologies", "Slack", True, 0.3, ("4.36.140",), ""),
    ("Igor Pavlov", "7-Zip", False, 0.5, ("22.01", "23.01"), ""),
    ("win.rar GmbH", "WinRAR", True, 0.05, ("6.24.0",), ""),
    ("Notepad++ Team", "Notepad++", False, 0.25, ("8.6.4",), ""),
    ("JetBrains s.r.o.", "IntelliJ IDEA Ultimate", True, 0.07, ("2023.3.4", "2024.1"), ""),
    ("JetBrains s.r.o.", "PyCharm Professional", True, 0.05, ("2024.1",), ""),
    ("Python Software Foundation", "Python", False, 0.12, ("3.11.8", "3.12.2"), ""),
    ("Git", "Git", False, 0.14, ("2.43.0.windows.1", "2.44.0.windows.1"), ""),
    ("Docker Inc.", "Docker Desktop", True, 0.06, ("4.28.0",), ""),
    ("Postman, Inc.", "Postman", False, 0.06, ("10.24.7",), ""),
    ("VideoLAN", "VLC media player", False, 0.2, ("3.0.20",), ""),
    ("Cisco Systems, Inc.", "Cisco Secure Client", False, 0.9, ("5.1.2.42",), "Cisco AnyConnect"),
    ("CrowdStrike, Inc.", "CrowdStrike Falcon Sensor", True, 0.99, ("7.10.17706.0",), ""),
    ("TeamViewer Germany GmbH", "TeamViewer", True, 0.1, ("15.51.5",), ""),
    ("Tableau Software", "Tableau Desktop", True, 0.03, ("2024.1.0",), ""),
    ("SAP SE", "SAP GUI for Windows", True, 0.1, ("8.00", "8.10"), ""),
    ("Citrix Systems, Inc.", "Citrix Workspace", False, 0.3, ("2402",), ""),
    ("KeePassXC Team", "KeePassXC", False, 0.1, ("2.7.7",), ""),
    ("1Password", "1Password", True, 0.2, ("8.10.28",), ""),
]
SERVER_CATALOGUE: list[tuple[str, str, bool, tuple[str, ...]]] = [
    ("Microsoft Corporation", "Microsoft SQL Server 2022 Standard", True, ("16.0.4105.2",)),
    ("VMware, Inc.", "VMware Tools", False, ("12.3.5",)),
    ("Veeam Software", "Veeam Agent", True, ("6.1.0.349",)),
    ("Zabbix SIA", "Zabbix Agent 2", False, ("6.4.12",)),
    ("Red Hat, Inc.", "Red Hat Enterprise Linux", True, ("9.3",)),
    ("Elastic", "Elastic Agent", True, ("8.12.2",)),
]  # fmt: skip
COMPUTERS = (Category.LAPTOP, Category.DESKTOP, Category.SERVER)
# (product, type, quantity as a share of its installs or users, expiry in days, cost per unit)
LICENCES: list[tuple[str, str, float, int | None, int]] = [
    ("Microsoft 365 Apps for enterprise", LicenceType.SUBSCRIPTION, 1.05, 210, 264),
    ("Microsoft Visio Professional", LicenceType.PER_DEVICE, 0.8, None, 580),  # over-deployed
    ("Microsoft Project Professional", LicenceType.PER_USER, 1.2, None, 1_200),
    ("Microsoft Power BI Desktop", LicenceType.PER_USER, 1.0, 58, 120),
    ("Microsoft Visual Studio Professional 2022", LicenceType.SUBSCRIPTION, 1.1, 330, 540),
    ("Adobe Acrobat Pro", LicenceType.PER_USER, 1.3, 45, 240),
    ("Adobe Creative Cloud", LicenceType.PER_USER, 1.0, 27, 840),
    ("Adobe Photoshop 2024", LicenceType.PER_USER, 1.2, 27, 290),
    ("AutoCAD 2024", LicenceType.PER_DEVICE, 0.6, 84, 2_000),  # over-deployed, expiring
    ("Zoom Workplace", LicenceType.CONCURRENT, 0.5, 150, 160),
    ("Slack", LicenceType.SUBSCRIPTION, 1.0, 300, 90),
    ("WinRAR", LicenceType.PER_DEVICE, 2.0, None, 30),
    ("IntelliJ IDEA Ultimate", LicenceType.PER_USER, 1.1, 19, 600),
    ("PyCharm Professional", LicenceType.PER_USER, 1.5, 19, 250),
    ("Docker Desktop", LicenceType.SUBSCRIPTION, 1.0, 120, 290),
    ("CrowdStrike Falcon Sensor", LicenceType.PER_DEVICE, 1.02, 365, 60),
    ("TeamViewer", LicenceType.CONCURRENT, 0.3, 200, 1_500),
    ("Tableau Desktop", LicenceType.PER_USER, 2.0, 95, 900),
    ("SAP GUI for Windows", LicenceType.PER_USER, 1.0, None, 0),
    ("1Password", LicenceType.SUBSCRIPTION, 1.2, 240, 48),
    ("Microsoft SQL Server 2022 Standard", LicenceType.PER_CORE, 0.75, None, 1_000),
    ("Veeam Agent", LicenceType.PER_DEVICE, 1.0, 60, 300),
    ("Red Hat Enterprise Linux", LicenceType.SUBSCRIPTION, 1.0, 400, 350),
    ("Elastic Agent", LicenceType.PER_DEVICE, 1.0, 500, 95),
]
POLICIES = [
    ("Windows 11 23H2 or later", "", "Windows 11", "10.0.22631"),
    ("macOS 14 Sonoma or later", "", "macOS", "14.0"),
    ("Chrome 123 or later", "Google Chrome", "", "123.0"),
    ("Firefox 115 ESR or later", "Mozilla Firefox", "", "115.0"),
]


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    first = CATALOGUE[0]
    if SoftwareProduct.objects.filter(key=product_key(first[1], first[0])).exists():
        log("software already loaded")
        return
    computers = list(
        Asset.objects.filter(model__category__in=COMPUTERS)
        .exclude(status__in=RETIRED_STATUSES)
        .select_related("model__manufacturer", "assigned_person")
        .order_by("pk")
    )
    if not computers:
        log("no computers: load the assets demo first")
        return
    now = timezone.now()
    products, versions = _catalogue()
    _device_os(rng, computers, now)
    installs = _installations(rng, computers, products, versions, now)
    licences, seats = _licences(rng, products, installs, now.date())
    _policies(products)
    log(
        f"{len(products)} products, {len(installs)} installations on {len(computers)} "
        f"computers, {licences} licences, {seats} seats"
    )


def _catalogue() -> tuple[dict[str, SoftwareProduct], dict[str, list[SoftwareVersion]]]:
    publishers: dict[str, Publisher] = {}
    products: dict[str, SoftwareProduct] = {}
    versions: dict[str, list[SoftwareVersion]] = {}
    rows = [(p, n, req, vs, aliases) for p, n, req, _s, vs, aliases in CATALOGUE]
    rows += [(p, n, req, vs, "") for p, n, req, vs in SERVER_CATALOGUE]
    for publisher, name, required, numbers, aliases in rows:
        if publisher not in publishers:
            publishers[publisher] = Publisher.objects.get_or_create(
                key=publisher_key(publisher), defaults={"name": publisher}
            )[0]
        pub = publishers[publisher]
        product = SoftwareProduct.objects.create(
            publisher=pub,
            name=name,
            key=product_key(name, pub.name),
            aliases=aliases,
            licence_required=required,
        )
        products[name] = product
        versions[name] = [
            SoftwareVersion.objects.create(product=product, version=v, version_key=version_key(v))
            for v in numbers
        ]
    return products, versions


def _os_of(rng: Any, asset: Asset) -> tuple[str, str, int]:
    maker = asset.model.manufacturer.name
    if asset.model.category == Category.SERVER:
        if rng.random() < 0.5:
            return "Windows Server 2022 Standard", "10.0.20348.2340", rng.choice((16, 32, 64))
        return "Red Hat Enterprise Linux", rng.choice(("9.2", "9.3")), rng.choice((16, 32))
    if maker == "Apple":
        return "macOS", rng.choice(("13.6.4", "14.3.1", "14.4", "14.4")), rng.choice((8, 12))
    version = rng.choices(("10.0.19045.4170", "10.0.22621.3296", "10.0.22631.3296"), (1, 2, 7))[0]
    name = "Windows 10 Enterprise" if version.startswith("10.0.19") else "Windows 11 Enterprise"
    return name, version, rng.choice((4, 8, 8, 12))


def _device_os(rng: Any, computers: list[Asset], now: datetime.datetime) -> None:
    rows = []
    for asset in computers:
        name, version, cores = _os_of(rng, asset)
        asset.demo_cores = cores  # type: ignore[attr-defined]
        rows.append(
            DeviceOS(
                asset=asset,
                os_name=name,
                os_version=version,
                version_key=version_key(version),
                last_update=(
                    now - datetime.timedelta(days=rng.choice((2, 5, 9, 16, 40, 95)))
                ).date(),
                cpu_cores=cores,
                reported_at=now - datetime.timedelta(hours=rng.randint(1, 72)),
            )
        )
    DeviceOS._base_manager.bulk_create(rows, batch_size=BATCH)


def _installations(
    rng: Any,
    computers: list[Asset],
    products: dict[str, SoftwareProduct],
    versions: dict[str, list[SoftwareVersion]],
    now: datetime.datetime,
) -> list[Installation]:
    rows: list[Installation] = []
    for asset in computers:
        server = asset.model.category == Category.SERVER
        if server:
            chosen = [n for _p, n, _r, _v in SERVER_CATALOGUE if rng.random() < 0.8]
        else:
            chosen = [n for _p, n, _r, share, _v, _a in CATALOGUE if rng.random() < share]
        for name in chosen:
            options = versions[name]
            version = options[-1] if rng.random() < 0.75 else rng.choice(options)
            installed = now - datetime.timedelta(days=rng.randint(1, 700))
            rows.append(
                Installation(
                    asset=asset,
                    product=products[name],
                    version=version,
                    installed_on=installed.date(),
                    discovered_at=now - datetime.timedelta(hours=rng.randint(1, 48)),
                    source=InstallSource.DISCOVERY,
                    created_at=installed,
                    updated_at=installed,
                )
            )
    with keep_timestamps(Installation):
        Installation._base_manager.bulk_create(rows, batch_size=BATCH)
    return rows


def _licences(
    rng: Any,
    products: dict[str, SoftwareProduct],
    installs: list[Installation],
    today: datetime.date,
) -> tuple[int, int]:
    by_product: dict[int, list[Asset]] = {}
    for row in installs:
        by_product.setdefault(row.product_id, []).append(row.asset)
    seats: list[LicenceSeat] = []
    for number, (name, kind, share, days, unit) in enumerate(LICENCES, start=1):
        product = products[name]
        devices = by_product.get(product.pk, [])
        people = list(
            {
                a.assigned_person_id: a.assigned_person for a in devices if a.assigned_person_id
            }.values()
        )
        if kind == LicenceType.PER_CORE:
            base = sum(getattr(a, "demo_cores", 1) for a in devices)
        elif kind in (LicenceType.PER_DEVICE,):
            base = len(devices)
        else:
            base = len(people)
        quantity = max(1, round(base * share))
        expiry = today + datetime.timedelta(days=days) if days is not None else None
        start = (expiry or today) - datetime.timedelta(days=365 if days is not None else 700)
        licence = Licence.objects.create(
            product=product,
            name=f"{name} ({LicenceType(kind).label})",
            reference=f"LIC-{today.year}-{number:03d}",
            licence_type=kind,
            quantity=quantity,
            cost=Decimal(unit * quantity),
            currency="EUR",
            start_date=start,
            expiry_date=expiry,
        )
        if kind in (LicenceType.PER_USER, LicenceType.SUBSCRIPTION, LicenceType.CONCURRENT):
            given = people[:quantity]
            seats += [LicenceSeat(licence=licence, person=p) for p in given]
        elif kind == LicenceType.PER_DEVICE:
            seats += [LicenceSeat(licence=licence, asset=a) for a in devices[:quantity]]
    LicenceSeat._base_manager.bulk_create(seats, batch_size=BATCH)
    return len(LICENCES), len(seats)


def _policies(products: dict[str, SoftwareProduct]) -> None:
    for name, product, os_name, minimum in POLICIES:
        VersionPolicy.objects.create(
            name=name,
            product=products.get(product) if product else None,
            os_name=os_name,
            minimum_version=minimum,
            version_key=version_key(minimum),
        )
