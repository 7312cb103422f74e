"""Planned vs actual vs forecast of one fiscal year, in one set-based query.

The database groups the costs of the year by cost centre and category (split into what was
spent up to the reference day and what is already booked after it) and adds the planned
amounts of the budget lines, in a single ``GROUP BY`` over a ``UNION ALL``; Python only
derives the forecast and the variance of the few dozen groups and sums them per cost
centre, per category and overall.

**Forecast** of a group = actual to date + the larger of

- the run rate (actual to date / days elapsed) * days left in the year, and
- the costs already booked for dates after the reference day,

so a known future cost is counted once and spending continues at the pace of the year so far.
Before the year starts nothing has run, so the forecast is what is booked; after it ends, the
forecast is the actual. **Variance** = forecast - planned: positive means over budget.

**Cached, never stale.** Grouping a year's costs (a million rows) was most of the CIO
dashboard's time, for figures that change a few times a day. Each process keeps the groups of
costs per fiscal year and reference day under the year's ``costs_version``: a new random value
written in the very transaction of every write of cost records (``costs_changed``: row saves
and deletes by signal, bulk writes by ``CostRecordQuerySet``). The planned amounts and the
cost centres' names are read fresh every time, in the same statement that reads the version,
so cached groups are used only when the version the database holds in that snapshot is the
one they were computed under; otherwise the groups are computed in that same statement and
stored under the version it returned. One query either way.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from steward.strategy.models import BudgetLine, Category, CostRecord, FiscalYear

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Any) -> Decimal:
    """A sum from the database as cents (SQLite sums decimals as floats)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    forecast: Decimal = ZERO

    @property
    def variance(self) -> Decimal:
        return self.forecast - self.planned

    @property
    def variance_percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.variance * 100 / self.planned).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def add(self, other: Figures) -> None:
        self.planned += other.planned
        self.actual += other.actual
        self.forecast += other.forecast

    def as_dict(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "actual": self.actual,
            "forecast": self.forecast,
            "variance": self.variance,
            "variance_percent": self.variance_percent,
        }


@dataclass
class Rollup:
    fiscal_year: FiscalYear
    as_of: datetime.date
    elapsed_days: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    """One per cost centre and category: ids, code, name, category and the figures."""
    by_centre: list[dict[str, Any]] = field(default_factory=list)
    by_category: list[dict[str, Any]] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def elapsed(fy: FiscalYear, as_of: datetime.date) -> int:
    """Days of the year up to and including ``as_of`` (0 before it starts)."""
    return max(0, min(fy.days, (as_of - fy.start).days + 1))


def forecast(*, actual: Decimal, booked: Decimal, elapsed_days: int, days: int) -> Decimal:
    run = actual * (days - elapsed_days) / elapsed_days if elapsed_days else ZERO
    return (actual + max(run, booked)).quantize(CENT, ROUND_HALF_UP)


def _centre_table() -> str:
    """org's cost-centre table, named through the foreign key (strategy never imports org's
    models)."""
    related = CostRecord._meta.get_field("cost_centre").related_model
    assert related is not None and not isinstance(related, str)
    return related._meta.db_table


def _sql(centres: QuerySet[Any] | None) -> tuple[str, list[Any]]:
    """The plain roll-up: costs and planned amounts grouped in one statement."""
    cost, line, centre = CostRecord._meta.db_table, BudgetLine._meta.db_table, _centre_table()
    limit, params = "", []
    if centres is not None:
        inner, inner_params = centres.values("pk").query.sql_with_params()
        limit, params = f" AND cost_centre_id IN ({inner})", list(inner_params)
    sql = f"""
        SELECT g.cost_centre_id, c.code, c.name, g.category,
               SUM(g.planned), SUM(g.actual), SUM(g.booked)
        FROM (
            SELECT cost_centre_id, category, planned, 0 AS actual, 0 AS booked
            FROM {line} WHERE fiscal_year_id = %s{limit}
            UNION ALL
            SELECT cost_centre_id, category, 0,
                   SUM(CASE WHEN "date" <= %s THEN amount ELSE 0 END),
                   SUM(CASE WHEN "date" > %s THEN amount ELSE 0 END)
            FROM {cost} WHERE fiscal_year_id = %s{limit}
            GROUP BY cost_centre_id, category
        ) g JOIN {centre} c ON c.id = g.cost_centre_id
        GROUP BY g.cost_centre_id, c.code, c.name, g.category
        ORDER BY c.code, g.category
    """  # noqa: S608 - table names from the models, values as parameters
    return sql, params


def rollup_uncached(
    *, fiscal_year: FiscalYear, as_of: datetime.date, centres: QuerySet[Any] | None
) -> Rollup:
    """``rollup`` straight from the costs, one GROUP BY (what the cache must always equal)."""
    sql, limit_params = _sql(centres)
    fy = fiscal_year.pk
    params = [fy, *limit_params, as_of, as_of, fy, *limit_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    return _result(fiscal_year, as_of, groups)


# The cache ---------------------------------------------------------------------------

CACHED = 32
"""Entries per process: (fiscal year, version, reference day) -> the year's cost groups."""
_cache: OrderedDict[tuple[int, uuid.UUID, datetime.date], list[tuple[Any, ...]]] = OrderedDict()
_cache_lock = threading.Lock()


def costs_changed() -> None:
    """Call in the transaction of every write of cost records (signals and
    ``CostRecordQuerySet`` do): every year gets a new version, so no process uses groups
    computed before. All years, as a cost may move from one year to another. Rolled back
    with the write; the row locks order concurrent writers, so versions follow commits."""
    FiscalYear._base_manager.update(costs_version=uuid.uuid4())


def _version(value: Any) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


def _cached(key: tuple[int, uuid.UUID, datetime.date]) -> list[tuple[Any, ...]] | None:
    with _cache_lock:
        groups = _cache.get(key)
        if groups is not None:
            _cache.move_to_end(key)
        return groups


def _store(key: tuple[int, uuid.UUID, datetime.date], groups: list[tuple[Any, ...]]) -> None:
    with _cache_lock:
        _cache[key] = groups
        while len(_cache) > CACHED:
            _cache.popitem(last=False)


def _centres_sql(centres: QuerySet[Any] | None) -> tuple[str, list[Any]]:
    """Every cost centre (``centres`` only, if given) with its planned amount per category
    of the year (none: one row of NULLs), and the year's costs version."""
    line, centre, year = BudgetLine._meta.db_table, _centre_table(), FiscalYear._meta.db_table
    limit, params = "", []
    if centres is not None:
        inner, inner_params = centres.values("pk").query.sql_with_params()
        limit, params = f" WHERE c.id IN ({inner})", list(inner_params)
    sql = f"""
        SELECT 'l', c.id, l.category, l.planned, 0, 0, c.code, c.name,
               (SELECT costs_version FROM {year} WHERE id = %s)
        FROM {centre} c
        LEFT JOIN {line} l ON l.cost_centre_id = c.id AND l.fiscal_year_id = %s{limit}
    """  # noqa: S608 - table names from the models, values as parameters
    return sql, params


def _costs_sql() -> str:
    cost, year = CostRecord._meta.db_table, FiscalYear._meta.db_table
    return f"""
        SELECT 'c', cost_centre_id, category, 0,
               SUM(CASE WHEN "date" <= %s THEN amount ELSE 0 END),
               SUM(CASE WHEN "date" > %s THEN amount ELSE 0 END),
               NULL, NULL, (SELECT costs_version FROM {year} WHERE id = %s)
        FROM {cost} WHERE fiscal_year_id = %s
        GROUP BY cost_centre_id, category
    """  # noqa: S608 - table names from the models, values as parameters


def _read(
    fiscal_year: FiscalYear, as_of: datetime.date, centres: QuerySet[Any] | None, costs: bool
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], uuid.UUID | None]:
    """One statement: the centres with their planned amounts, the version, and (``costs``)
    the year's cost groups of every centre. Returns (centre rows, cost groups, version)."""
    fy = fiscal_year.pk
    sql, params = _centres_sql(centres)
    params = [fy, fy, *params]
    if costs:
        sql = f"{sql} UNION ALL {_costs_sql()}"
        params += [as_of, as_of, fy, fy]
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 1, 7, 2, 3", params)
        rows = cursor.fetchall()
    lines = [r for r in rows if r[0] == "l"]
    groups = [(r[1], r[2], money(r[4]), money(r[5])) for r in rows if r[0] == "c"]
    version = _version(rows[0][8]) if rows else None
    return lines, groups, version


def rollup(
    *, fiscal_year: FiscalYear, as_of: datetime.date, centres: QuerySet[Any] | None
) -> Rollup:
    """The year's figures as of ``as_of``, for the cost centres in ``centres`` (None: all).
    Equal to ``rollup_uncached``; one query, the cost groups from the cache when they are
    those of the version the database holds (see the module's docstring)."""
    guess = _version(fiscal_year.costs_version)
    groups = _cached((fiscal_year.pk, guess, as_of)) if guess is not None else None
    lines, fresh, version = _read(fiscal_year, as_of, centres, costs=groups is None)
    if groups is None or (version is not None and version != guess):
        if groups is not None:  # our copy of the year was older than the costs: read them
            lines, fresh, version = _read(fiscal_year, as_of, centres, costs=True)
        groups = fresh
        if version is not None:
            _store((fiscal_year.pk, version, as_of), groups)
    return _merge(fiscal_year, as_of, lines, groups)


def _merge(
    fiscal_year: FiscalYear,
    as_of: datetime.date,
    lines: list[tuple[Any, ...]],
    groups: list[tuple[Any, ...]],
) -> Rollup:
    """The rows of ``rollup_uncached`` from centre rows (ordered by code) and cost groups:
    a group per centre and category with a budget line or a cost."""
    costs: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
    for centre_id, category, actual, booked in groups:
        costs.setdefault(centre_id, {})[category] = (actual, booked)
    merged: list[tuple[Any, ...]] = []
    seen: set[int] = set()
    planned: dict[str, Any] = {}
    for index, (_kind, centre_id, category, amount, _a, _b, code, name, _v) in enumerate(lines):
        if category is not None:
            planned[category] = amount
        last = index + 1 == len(lines) or lines[index + 1][1] != centre_id
        if not last or centre_id in seen:
            continue
        seen.add(centre_id)
        spent = costs.get(centre_id, {})
        for cat in sorted(set(planned) | set(spent)):
            actual, booked = spent.get(cat, (ZERO, ZERO))
            amount = money(planned[cat]) if cat in planned else ZERO
            merged.append((centre_id, code, name, cat, amount, actual, booked))
        planned = {}
    return _result(fiscal_year, as_of, merged, clean=True)


def _result(
    fiscal_year: FiscalYear, as_of: datetime.date, groups: list[Any], clean: bool = False
) -> Rollup:
    """The figures of ``groups`` (centre id, code, name, category, planned, actual, booked);
    ``clean``: the amounts are cents already (``money``)."""
    days = fiscal_year.days
    done = elapsed(fiscal_year, as_of)
    result = Rollup(fiscal_year=fiscal_year, as_of=as_of, elapsed_days=done)
    centres_seen: dict[int, dict[str, Any]] = {}
    categories = {c.value: Figures() for c in Category}
    for centre_id, code, name, category, planned, actual, booked in groups:
        if not clean:
            planned, actual, booked = money(planned), money(actual), money(booked)
        figures = Figures(
            planned=planned,
            actual=actual,
            forecast=forecast(actual=actual, booked=booked, elapsed_days=done, days=days),
        )
        result.rows.append(
            {
                "cost_centre": centre_id,
                "code": code,
                "name": name,
                "category": category,
                **figures.as_dict(),
            }
        )
        entry = centres_seen.setdefault(
            centre_id,
            {"cost_centre": centre_id, "code": code, "name": name, "f": Figures(), "rows": []},
        )
        entry["f"].add(figures)
        entry["rows"].append(result.rows[-1])
        categories.setdefault(category, Figures()).add(figures)
        result.total.add(figures)
    result.by_centre = [
        {k: v for k, v in e.items() if k != "f"} | e["f"].as_dict() for e in centres_seen.values()
    ]
    labels = dict(Category.choices)
    result.by_category = [
        {"category": key, "name": str(labels.get(key, key)), **f.as_dict()}
        for key, f in categories.items()
    ]
    return result
