"""Asset data for the assets benchmark (bench/assets/run.py), with a fixed seed.

Run inside an installation that has the demo organisation loaded (it reads the internal
organisation, its locations, its people and the suppliers from it):

    STEWARD_DATA_DIR=... .venv/bin/python bench/assets/generate.py --assets 1000000
    STEWARD_DATA_DIR=... .venv/bin/python bench/assets/generate.py --csv /tmp/a.csv --rows 100000

Both first make sure the hardware catalogue exists (8 manufacturers, 40 models across the
categories, uniquely named so that an import can name a model alone).

``--assets N`` writes N assets straight into the table, like bench/servicedesk/generate.py:
PostgreSQL gets COPY, SQLite ``executemany`` in 20,000-row transactions. Statuses follow a
fleet in use (60 % deployed to a person, 20 % in stock, the rest loaned, in repair,
retired, disposed, lost, ordered); assignment history rows are not written (the lists
measured do not read them). ``--csv PATH --rows N`` writes an import file in the column
layout of the ``assets.asset`` import resource instead (tags ``IMP-…``, all new).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from steward.assets.models import Asset, HardwareModel, Manufacturer  # noqa: E402
from steward.org.models import (  # noqa: E402
    Location,
    Organisation,
    OrganisationKind,
    Person,
    PersonKind,
)

BATCH = 20_000
CATALOGUE = {
    "Dell": [("Latitude 5440", "laptop"), ("Latitude 7440", "laptop"), ("OptiPlex 7010", "desktop"),
             ("P2423D", "monitor"), ("PowerEdge R760", "server")],
    "Lenovo": [("ThinkPad T14", "laptop"), ("ThinkPad X1 Carbon", "laptop"),
               ("ThinkCentre M70q", "desktop"), ("ThinkVision T24i", "monitor"),
               ("ThinkPad USB-C Dock", "peripheral")],
    "HP": [("EliteBook 840", "laptop"), ("ProBook 450", "laptop"), ("EliteDesk 800", "desktop"),
           ("E24 G5", "monitor"), ("LaserJet M507", "peripheral")],
    "Apple": [("MacBook Air 13", "laptop"), ("MacBook Pro 14", "laptop"), ("iPhone 15", "phone"),
              ("iPad 10", "tablet"), ("Mac mini M2", "desktop")],
    "Samsung": [("Galaxy S24", "phone"), ("Galaxy Tab S9", "tablet"), ("ViewFinity S8", "monitor"),
                ("Galaxy A55", "phone"), ("Smart Monitor M7", "monitor")],
    "Cisco": [("Catalyst 9200", "network"), ("Meraki MR46", "network"), ("ISR 1100", "network"),
              ("IP Phone 8845", "phone"), ("Webex Desk Pro", "peripheral")],
    "Logitech": [("MX Keys", "peripheral"), ("MX Master 3S", "peripheral"),
                 ("Zone Vibe 100", "peripheral"), ("Rally Bar", "peripheral"),
                 ("Brio 4K", "peripheral")],
    "Bosch": [("Climate Sensor CS1", "iot"), ("Door Sensor DS2", "iot"),
              ("Smoke Detector SD3", "iot"), ("Gateway G4", "iot"), ("Camera FLEXIDOME", "iot")],
}  # fmt: skip
STATUSES = [
    ("deployed", 60),
    ("in_stock", 20),
    ("loaned", 5),
    ("in_repair", 4),
    ("retired", 6),
    ("disposed", 3),
    ("lost", 1),
    ("ordered", 1),
]
CONDITIONS = ["new", "good", "good", "good", "fair", "fair", "poor", "broken"]
PRICE = {"laptop": 1300, "desktop": 900, "monitor": 250, "server": 8000, "network": 1500,
         "phone": 700, "tablet": 600, "peripheral": 90, "iot": 150}  # fmt: skip
CSV_HEADER = [
    "asset_tag",
    "name",
    "model",
    "serial",
    "organisation",
    "location",
    "condition",
    "purchase_cost",
    "purchase_date",
    "supplier",
    "invoice_number",
    "warranty_end",
    "notes",
]


def catalogue() -> list[tuple[int, str, str]]:
    """(id, name, category) of the benchmark's models, created once."""
    out = []
    for maker, models in CATALOGUE.items():
        manufacturer, _ = Manufacturer.objects.get_or_create(name=maker)
        for name, category in models:
            model, _ = HardwareModel.objects.get_or_create(
                manufacturer=manufacturer, name=name, defaults={"category": category}
            )
            out.append((model.pk, model.name, model.category))
    return out


def world() -> dict[str, Any]:
    internal = Organisation.objects.filter(kind=OrganisationKind.INTERNAL).order_by("pk").first()
    if internal is None:
        raise SystemExit("Load the demo organisation first (steward demo --no-serve)")
    locations = list(
        Location.objects.filter(organisation=internal).values_list("id", "name").order_by("pk")
    )
    people = list(
        Person.objects.filter(organisation=internal, kind=PersonKind.EMPLOYEE)
        .order_by("pk")
        .values_list("id", flat=True)
    )
    suppliers = list(
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)
        .order_by("pk")
        .values_list("id", "name")
    )
    return {
        "org": (internal.pk, internal.name),
        "locations": locations or [(None, "")],
        "people": people,
        "suppliers": suppliers or [(None, "")],
        "models": catalogue(),
    }


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def fleet(rng: random.Random, n: int, w: dict[str, Any], prefix: str, first: int) -> Iterator[dict]:
    """One dict per asset, with foreign keys as (id, name) pairs."""
    today = datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    models, locations, suppliers = w["models"], w["locations"], w["suppliers"]
    for i in range(first, first + n):
        model_id, model_name, category = models[rng.randrange(len(models))]
        bought = today - datetime.timedelta(days=rng.randrange(5 * 365))
        status = _pick(rng, STATUSES)
        person = None
        if status in ("deployed", "loaned") and w["people"]:
            person = w["people"][rng.randrange(len(w["people"]))]
        elif status == "deployed":
            status = "in_stock"
        yield {
            "asset_tag": f"{prefix}-{i:07d}",
            "name": f"{category[:3]}-{i:07d}",
            "model": (model_id, model_name),
            "serial": f"S{rng.getrandbits(40):010X}{i:07d}",
            "organisation": w["org"],
            "location": locations[rng.randrange(len(locations))],
            "status": status,
            "condition": rng.choice(CONDITIONS),
            "purchase_cost": Decimal(PRICE[category] * rng.randint(80, 120)) / 100,
            "purchase_date": bought,
            "supplier": suppliers[rng.randrange(len(suppliers))],
            "invoice_number": f"INV-{bought.year}-{rng.randrange(100000):05d}",
            "warranty_end": bought + datetime.timedelta(days=3 * 365),
            "assigned_person": person,
            "loan_due": today + datetime.timedelta(days=rng.randint(1, 60))
            if status == "loaned"
            else None,
            "acknowledged_at": now if person and rng.random() < 0.7 else None,
            "status_changed_at": now,
        }


def write_csv(path: Path, rows: Iterator[dict]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for r in rows:
            writer.writerow(
                [r["asset_tag"], r["name"], r["model"][1], r["serial"], r["organisation"][1],
                 r["location"][1], r["condition"], f"{r['purchase_cost']:.2f}",
                 r["purchase_date"].isoformat(), r["supplier"][1], r["invoice_number"],
                 r["warranty_end"].isoformat(), ""]
            )  # fmt: skip
            count += 1
    return count


DB_FIELDS = [
    "asset_tag",
    "name",
    "model_id",
    "serial",
    "organisation_id",
    "location_id",
    "status",
    "condition",
    "purchase_cost",
    "purchase_date",
    "supplier_id",
    "invoice_number",
    "warranty_end",
    "assigned_person_id",
    "loan_due",
    "acknowledged_at",
    "status_changed_at",
    "created_at",
    "updated_at",
]


def db_rows(rows: Iterator[dict]) -> Iterator[tuple]:
    """The table's values of each asset, in ``DB_FIELDS`` order."""
    for r in rows:
        yield (
            r["asset_tag"], r["name"], r["model"][0], r["serial"], r["organisation"][0],
            r["location"][0], r["status"], r["condition"], r["purchase_cost"],
            r["purchase_date"], r["supplier"][0], r["invoice_number"], r["warranty_end"],
            r["assigned_person"], r["loan_due"], r["acknowledged_at"], r["status_changed_at"],
            r["status_changed_at"], r["status_changed_at"],
        )  # fmt: skip


def _columns(model: Any, given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Every concrete column but the id: the generated ones first, then the rest with their
    defaults (so that fields added to the model later are filled too)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [n for n in fields if n not in given and not fields[n].primary_key]
    defaults = []
    for name in rest:
        f = fields[name]
        value = None if f.null and not f.has_default() else f.get_default()
        defaults.append(json.dumps(value) if isinstance(value, dict | list) else value)
    return [*given, *rest], defaults


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def copy_rows(rows: Iterator[tuple], table: str | None = None) -> int:
    """COPY (PostgreSQL) or batched INSERT (SQLite) of ``db_rows`` into the asset table (or
    ``table``, a copy of it). Returns the number of rows."""
    columns, defaults = _columns(Asset, DB_FIELDS)
    fields = {f.attname: f for f in Asset._meta.concrete_fields}
    table = table or Asset._meta.db_table
    count = 0
    if connection.vendor == "postgresql":
        names = ", ".join(fields[c].column for c in columns)
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, *defaults))
                count += 1
        return count
    names = ", ".join(f'"{fields[c].column}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - constant names
    batch: list[tuple] = []
    raw = connection.connection
    for row in rows:
        batch.append(tuple(_sqlite(v) for v in (*row, *defaults)))
        if len(batch) >= BATCH:
            with transaction.atomic():
                raw.executemany(sql, batch)
            count, batch = count + len(batch), []
    if batch:
        with transaction.atomic():
            raw.executemany(sql, batch)
        count += len(batch)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=0, help="assets to add to the table")
    parser.add_argument("--csv", type=Path, help="write an import file instead")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import file")
    parser.add_argument("--prefix", default="", help="asset tag prefix (default BN, or IMP)")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    w = world()
    started = time.monotonic()
    if args.csv:
        n = write_csv(args.csv, fleet(rng, args.rows, w, args.prefix or "IMP", 1))
        print(json.dumps({"csv": str(args.csv), "rows": n}))
        return
    first = (Asset.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")
    n = copy_rows(db_rows(fleet(rng, args.assets, w, args.prefix or "BN", first)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('assets_asset', 'id'), "
                "(SELECT max(id) FROM assets_asset))"
            )
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "assets": n,
                "assets_total": Asset.objects.count(),
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
