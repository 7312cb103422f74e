"""Licence compliance benchmark: 50,000 devices with 200 installations each (10 million
installation rows) on PostgreSQL, then the compliance computation timed.

    .venv/bin/python bench/assets/compliance.py                    # full size (~10M rows)
    .venv/bin/python bench/assets/compliance.py --devices 2000     # smoke run

The script creates its own database (``BENCH_PG_ADMIN``, default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, writes the estate with COPY
(fixed seed): 2,000 products of 50 publishers (80 % needing a licence; per-device, per-core
and per-user licences, some expiring within 90 days), three versions each, the devices
(5 % retired or disposed, whose installations must not count) with their OS and core count,
and ``--installs`` distinct products per device drawn with a skew (popular products on most
devices). After ``VACUUM ANALYZE`` it runs ``steward.assets.compliance.compliance()`` once
to warm up, then ``--repeat`` times, and prints (and with ``--json`` writes) the timings.
The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402  (the repository root is on the path only now)

PRODUCTS, PUBLISHERS, VERSIONS = 2000, 50, 3


def _world(rng: random.Random, devices: int) -> dict[str, Any]:
    from django.utils import timezone

    from steward.assets.models import (
        Category,
        HardwareModel,
        Licence,
        LicenceType,
        Manufacturer,
        Publisher,
        SoftwareProduct,
        SoftwareVersion,
    )
    from steward.assets.software_names import product_key, publisher_key
    from steward.assets.versions import version_key
    from steward.org.models import Organisation, OrganisationKind

    now = timezone.now()
    today = now.date()
    org = Organisation.objects.create(name="Bench Org", kind=OrganisationKind.INTERNAL)
    maker = Manufacturer.objects.create(name="Bench")
    model = HardwareModel.objects.create(
        manufacturer=maker, name="Laptop", category=Category.LAPTOP
    )
    common.bulk_write(
        Publisher,
        ["id", "name", "key", "created_at", "updated_at"],
        (
            (i, f"Publisher {i} Inc.", publisher_key(f"Publisher {i}"), now, now)
            for i in range(1, PUBLISHERS + 1)
        ),
    )
    common.bulk_write(
        SoftwareProduct,
        ["id", "publisher_id", "name", "key", "licence_required", "created_at", "updated_at"],
        (
            (
                p,
                1 + p % PUBLISHERS,
                f"Product {p}",
                product_key(f"Product {p}"),
                p % 5 != 0,
                now,
                now,
            )
            for p in range(1, PRODUCTS + 1)
        ),
    )
    common.bulk_write(
        SoftwareVersion,
        ["id", "product_id", "version", "version_key", "created_at", "updated_at"],
        (
            ((p - 1) * VERSIONS + v, p, f"{v}.0.{p}", version_key(f"{v}.0.{p}"), now, now)
            for p in range(1, PRODUCTS + 1)
            for v in range(1, VERSIONS + 1)
        ),
    )
    types = [LicenceType.PER_DEVICE] * 6 + [LicenceType.PER_CORE] + [LicenceType.PER_USER] * 3
    licences = []
    for p in range(1, PRODUCTS + 1):
        if p % 5 == 0:
            continue  # free software: no licence
        kind = types[p % len(types)]
        quantity = max(1, int(devices * rng.uniform(0.01, 0.9)))
        if kind == LicenceType.PER_CORE:
            quantity *= 8
        expiry = today + datetime.timedelta(days=rng.choice((20, 45, 80, 200, 400, 700)))
        licences.append(
            (
                p,
                f"Licence {p}",
                kind,
                quantity,
                today - datetime.timedelta(days=300),
                expiry,
                now,
                now,
            )
        )
    common.bulk_write(
        Licence,
        ["product_id", "name", "licence_type", "quantity", "start_date", "expiry_date",
         "created_at", "updated_at"],
        licences,
    )  # fmt: skip
    return {"org": org.pk, "model": model.pk, "now": now}


def _assets(devices: int, world: dict[str, Any], rng: random.Random) -> Iterator[tuple]:
    now = world["now"]
    for i in range(1, devices + 1):
        status = (
            "retired" if rng.random() < 0.03 else "disposed" if rng.random() < 0.02 else "deployed"
        )
        yield (i, f"BC-{i:07d}", world["model"], f"SN{i:09d}", world["org"], status, now, now)


def _installations(
    devices: int, per_device: int, world: dict[str, Any], rng: random.Random
) -> Iterator[tuple]:
    now = world["now"]
    weights = [1 / (rank**0.6) for rank in range(1, PRODUCTS + 1)]
    population = list(range(1, PRODUCTS + 1))
    pk = 0
    for device in range(1, devices + 1):
        chosen: set[int] = set()
        while len(chosen) < per_device:
            chosen.update(rng.choices(population, weights, k=per_device - len(chosen)))
        for product in chosen:
            pk += 1
            version = (product - 1) * VERSIONS + rng.randint(1, VERSIONS)
            yield (pk, device, product, version, "discovery", now, now, now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--installs", type=int, default=200, help="products per device")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    args = parser.parse_args()
    if args.installs > PRODUCTS:
        raise SystemExit(f"--installs is at most {PRODUCTS}")

    name = f"steward_bench_{secrets.token_hex(4)}"
    os.environ["STEWARD_DATABASE_URL"] = common.create_database(name)
    os.environ.setdefault("STEWARD_DATA_DIR", tempfile.mkdtemp(prefix="steward-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.config.settings")
    try:
        results = _run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            common.drop_database(name)
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


def _run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from steward.assets import compliance
    from steward.assets.models import Asset, DeviceOS, Installation

    call_command("migrate", verbosity=0)
    rng = random.Random(20261202)
    started = time.perf_counter()
    world = _world(rng, args.devices)
    common.bulk_write(
        Asset,
        ["id", "asset_tag", "model_id", "serial", "organisation_id", "status", "created_at",
         "updated_at"],
        _assets(args.devices, world, rng),
    )  # fmt: skip
    common.bulk_write(
        DeviceOS,
        ["asset_id", "os_name", "os_version", "cpu_cores", "created_at", "updated_at"],
        (
            (
                i,
                "Windows 11 Enterprise",
                "10.0.22631",
                rng.choice((4, 8, 8, 16)),
                world["now"],
                world["now"],
            )
            for i in range(1, args.devices + 1)
            if i % 10
        ),
    )
    rows = common.bulk_write(
        Installation,
        ["id", "asset_id", "product_id", "version_id", "source", "discovered_at", "created_at",
         "updated_at"],
        _installations(args.devices, args.installs, world, rng),
    )  # fmt: skip
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # Django runs in autocommit outside atomic blocks
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    compliance.compliance()  # warm-up
    timings = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        out = compliance.compliance()
        timings.append(time.perf_counter() - t)
    return {
        "engine": f"postgresql {version}",
        "devices": args.devices,
        "installations": rows,
        "products": PRODUCTS,
        "compliance_rows": len(out),
        "over_deployed_rows": sum(1 for r in out if r.over_deployed),
        "generate_s": round(generated, 1),
        "compliance_s": {
            "min": round(min(timings), 3),
            "median": round(statistics.median(timings), 3),
            "max": round(max(timings), 3),
        },
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


if __name__ == "__main__":
    main()
