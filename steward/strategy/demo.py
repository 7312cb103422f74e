"""Two years of budget and actuals for the demo organisation: the last calendar year (closed)
and the current one (running).

The organisation's cost centres (org's demo gives each department one, owned by its head;
IT's is the default), hardware, software and contract costs rolled up from the assets demo, manual
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
    AllocationRule,
    Basis,
    BudgetLine,
    Category,
    CostRecord,
    FiscalYear,
    Source,
    UsageRecord,
)
from steward.strategy.sync import cost_sync

IT_MONTHLY_STAFF = Decimal("7800")  # per IT employee, loaded cost
CLOUD_START = Decimal("18500")  # the first month's bill, growing ~2% a month
METRIC = "vcpu-hours"
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
    it, it_size = _centres(org)
    if it is None:
        log("no default cost centre: load the org demo first")
        return
    counts = cost_sync()
    manual = _manual(rng, years, it, it_size, today)
    lines = sum(_plan(rng, year, today) for year in years)
    usage = _showback(rng, years, today)
    log(
        f"{counts['created']} costs rolled up from assets, "
        f"{manual} manual costs, {lines} budget lines over {len(years)} fiscal years, "
        f"{usage} usage records for showback"
    )


def _centres(org: Any) -> tuple[Any, int]:
    """The default cost centre (org's demo makes it IT's, owned by IT's head) and the size
    of the departments booking on it."""
    default = org_selectors.cost_center_default()
    if default is None:
        return None, 0
    sizes = org_selectors.department_headcounts()
    departments = org_selectors.department_list_for_costs().filter(cost_center=default)
    return default, sum(sizes.get(d.pk, 0) for d in departments)


def _months(year: FiscalYear, today: datetime.date) -> list[datetime.date]:
    first = [datetime.date(year.start.year, m, 1) for m in range(1, 13)]
    return [d for d in first if year.covers(d) and d <= today]


def _manual(rng: Any, years: list[FiscalYear], it: Any, it_size: int, today: datetime.date) -> int:
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


VCPU_PER_HEAD = {"Information Technology": 40, "Operations": 12, "Sales": 6}


def _showback(rng: Any, years: list[FiscalYear], today: datetime.date) -> int:
    """Each year: hardware by assigned assets, cloud by monthly vCPU-hours per department
    (IT and Operations run the heavy workloads), the rest by headcount."""
    heads = org_selectors.department_headcounts()
    departments = list(org_selectors.department_list_for_costs().order_by("pk"))
    records = []
    for year in years:
        AllocationRule.objects.bulk_create(
            [
                AllocationRule(fiscal_year=year, category=Category.HARDWARE, basis=Basis.ASSETS),
                AllocationRule(
                    fiscal_year=year, category=Category.CLOUD, basis=Basis.USAGE, metric=METRIC
                ),
            ]
        )
        for month in _months(year, today):
            for dept in departments:
                per_head = VCPU_PER_HEAD.get(dept.name, 3)
                hours = heads.get(dept.pk, 0) * per_head * rng.uniform(0.85, 1.2)
                records.append(
                    UsageRecord(
                        department=dept,
                        metric=METRIC,
                        period=month,
                        quantity=Decimal(str(round(hours, 1))),
                    )
                )
    UsageRecord.objects.bulk_create(records)
    return len(records)
