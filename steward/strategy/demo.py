"""Two years of budget and actuals for the demo organisation: the last calendar year (closed)
and the current one (running).

A cost centre per department of the organisation (its code, its head as owner; IT's is the
default), hardware, software and contract costs rolled up from the assets demo, manual
entries for what assets do not know (IT staff, the monthly cloud bill, consulting each
quarter), and budget lines planned close to what was spent, a few of them too tight or too
generous so the variance tells a story. Fixed seed, idempotent (stops when the current
year exists), quick: a few hundred rows written in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from steward.org import selectors as org_selectors
from steward.strategy import rollup
from steward.strategy.models import (
    BudgetLine,
    Category,
    CostCentre,
    CostRecord,
    FiscalYear,
    Source,
)
from steward.strategy.sync import cost_sync

IT_MONTHLY_STAFF = Decimal("7800")  # per IT employee, loaded cost
CLOUD_START = Decimal("18500")  # the first month's bill, growing ~2% a month
CONSULTING = ("Security audit", "ERP upgrade support", "Network design review", "Licence audit")


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    today = timezone.localdate()
    name = f"FY{today.year}"
    if FiscalYear.objects.filter(name=name).exists():
        log("budget already loaded")
        return
    years = [
        FiscalYear.objects.create(
            name=f"FY{y}", start=datetime.date(y, 1, 1), end=datetime.date(y, 12, 31)
        )
        for y in (today.year - 1, today.year)
    ]
    centres, it_size = _centres(org)
    if not centres:
        log("no departments: load the org demo first")
        return
    counts = cost_sync()
    manual = _manual(rng, years, centres[0], it_size, today)
    lines = sum(_plan(rng, year, today) for year in years)
    log(
        f"{len(centres)} cost centres, {counts['created']} costs rolled up from assets, "
        f"{manual} manual costs, {lines} budget lines over {len(years)} fiscal years"
    )


def _centres(org: Any) -> tuple[list[CostCentre], int]:
    """One cost centre per department, IT's first (the default); its head owns it."""
    departments: dict[int, Any] = {}
    heads: dict[int, Any] = {}
    sizes: dict[int, int] = {}
    people = org_selectors.active_employees(org).select_related("department__cost_center")
    for person in people.order_by("pk"):
        dept = person.department
        if dept is None:
            continue
        departments.setdefault(dept.pk, dept)
        heads.setdefault(dept.pk, person)
        sizes[dept.pk] = sizes.get(dept.pk, 0) + 1
    ordered = sorted(departments.values(), key=lambda d: ("Information" not in d.name, d.pk))
    centres = []
    for index, dept in enumerate(ordered):
        code = dept.cost_center.code if dept.cost_center_id else f"CC-{dept.pk}"
        centres.append(
            CostCentre.objects.create(
                code=code,
                name=dept.name,
                owner=heads[dept.pk],
                department=dept,
                is_default=index == 0,
            )
        )
    return centres, sizes[ordered[0].pk] if ordered else 0


def _months(year: FiscalYear, today: datetime.date) -> list[datetime.date]:
    first = [datetime.date(year.start.year, m, 1) for m in range(1, 13)]
    return [d for d in first if year.covers(d) and d <= today]


def _manual(
    rng: Any, years: list[FiscalYear], it: CostCentre, it_size: int, today: datetime.date
) -> int:
    records = []
    cloud = CLOUD_START
    for year in years:
        for month in _months(year, today):
            last = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            payday = last - datetime.timedelta(days=1)
            staff = IT_MONTHLY_STAFF * it_size * Decimal(str(round(rng.uniform(0.98, 1.03), 3)))
            records.append((year, payday, staff, Category.STAFF, "IT payroll"))
            cloud = cloud * Decimal(str(round(rng.uniform(1.0, 1.04), 3)))
            records.append((year, month.replace(day=5), cloud, Category.CLOUD, "Cloud bill"))
            if month.month % 3 == 0:
                what = CONSULTING[(month.month // 3 - 1) % len(CONSULTING)]
                fee = Decimal(rng.randrange(12_000, 45_000, 500))
                records.append((year, month.replace(day=20), fee, Category.SERVICES, what))
    CostRecord.objects.bulk_create(
        CostRecord(
            fiscal_year=year,
            date=day,
            amount=amount.quantize(rollup.CENT),
            cost_centre=it,
            category=category,
            description=text,
            source=Source.MANUAL,
        )
        for year, day, amount, category, text in records
    )
    return len(records)


def _plan(rng: Any, year: FiscalYear, today: datetime.date) -> int:
    """Budget lines near what the year spends (its forecast), most within ±10 %, one in
    five under- or over-planned by a quarter."""
    result = rollup.rollup(fiscal_year=year, as_of=min(today, year.end), centres=None)
    lines = []
    for row in result.rows:
        base = row["forecast"]
        if base <= 0:
            continue
        factor = rng.uniform(0.75, 1.25) if rng.random() < 0.2 else rng.uniform(0.92, 1.1)
        planned = (base * Decimal(str(round(factor, 3)))).quantize(Decimal("100"))
        lines.append(
            BudgetLine(
                fiscal_year=year,
                cost_centre_id=row["cost_centre"],
                category=row["category"],
                planned=max(planned, Decimal("100")),
            )
        )
    BudgetLine.objects.bulk_create(lines)
    return len(lines)
