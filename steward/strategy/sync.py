"""The roll-up of costs from assets: asset purchases, licences and contracts become cost
records of the fiscal year their date falls in.

Where a cost lands (cost centres are org's: a department points to its centre): an asset's
on the cost centre of its holder's department, a licence's on
the cost centre of its owner's department, anything else (contracts, stock, people of a
department without an active cost centre) on the default cost centre. Costs dated outside every
fiscal year are not rolled up; those with nowhere to land (no default centre) are skipped
and counted.

Idempotent: a record is keyed by its source and the source's id (unique in the database);
running again creates nothing new, updates what changed in assets and removes the records
whose source no longer has a cost in a fiscal year. Runs as a job every few hours and on
demand (``cost_sync_start``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from steward.assets import selectors as assets
from steward.core import permissions
from steward.core.jobs import JobReporter, job_handler, job_start
from steward.core.models import Job
from steward.org import selectors as org
from steward.strategy.models import Category, CostRecord, FiscalYear, Source

HANDLER = "strategy.cost_sync"
CATEGORY = {
    Source.ASSET: Category.HARDWARE,
    Source.LICENCE: Category.SOFTWARE,
    Source.CONTRACT: Category.SERVICES,
}
FIELDS = ("fiscal_year_id", "date", "amount", "cost_centre_id", "category", "description")
BATCH = 2000


def _landing() -> tuple[dict[int, int], int | None]:
    """Department id -> its active cost centre (``Department.cost_center`` in org), and the
    active default centre."""
    default = org.cost_center_default()
    return org.cost_center_of_departments(), default.pk if default else None


@transaction.atomic
def cost_sync() -> dict[str, int]:
    """Bring the rolled-up cost records in line with assets; returns the counts."""
    years = list(FiscalYear.objects.order_by("start"))
    counts = {"created": 0, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    existing = {
        (source, source_id): (pk, row)
        for pk, source, source_id, *row in CostRecord.objects.exclude(source=Source.MANUAL)
        .order_by()
        .values_list("pk", "source", "source_id", *FIELDS)
        .iterator(chunk_size=BATCH)
    }
    wanted: dict[tuple[str, int], tuple[Any, ...]] = {}
    if years:
        by_department, default = _landing()
        for item in assets.cost_items(since=years[0].start, until=years[-1].end):
            year = next((y for y in years if y.covers(item["date"])), None)
            centre = by_department.get(item["department_id"], default)
            if year is None or centre is None:
                counts["skipped"] += 1
                continue
            source = Source(item["source"])
            wanted[(source.value, item["source_id"])] = (
                year.pk,
                item["date"],
                Decimal(item["amount"]),
                centre,
                CATEGORY[source].value,
                str(item["description"])[:300],
            )
    create, update = [], []
    for key, row in wanted.items():
        found = existing.pop(key, None)
        record = CostRecord(source=key[0], source_id=key[1], **dict(zip(FIELDS, row, strict=True)))
        if found is None:
            create.append(record)
        elif tuple(found[1]) != row:
            record.pk = found[0]
            update.append(record)
        else:
            counts["unchanged"] += 1
    CostRecord.objects.bulk_create(create, batch_size=BATCH)
    CostRecord.objects.bulk_update(
        update, [f.removesuffix("_id") for f in FIELDS], batch_size=BATCH
    )
    stale = [pk for pk, _row in existing.values()]
    for start in range(0, len(stale), BATCH):
        CostRecord.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    counts.update(created=len(create), updated=len(update), removed=len(stale))
    return counts


@job_handler(HANDLER)
def run_cost_sync(*, reporter: JobReporter, user: Any = None) -> dict[str, int]:
    counts = cost_sync()
    reporter.log(", ".join(f"{n} {k}" for k, n in counts.items()))
    return counts


def cost_sync_start(*, actor: Any) -> Job:
    """Start the roll-up now (IT managers: those who may add costs)."""
    permissions.ensure(actor, "add", CostRecord)
    return job_start(handler=HANDLER, name="Cost roll-up from assets", user=actor)
