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
"""

from __future__ import annotations

import datetime
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


def rollup(
    *, fiscal_year: FiscalYear, as_of: datetime.date, centres: QuerySet[Any] | None
) -> Rollup:
    """The year's figures as of ``as_of``, for the cost centres in ``centres`` (None: all)."""
    sql, limit_params = _sql(centres)
    fy = fiscal_year.pk
    params = [fy, *limit_params, as_of, as_of, fy, *limit_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    days = fiscal_year.days
    done = elapsed(fiscal_year, as_of)
    result = Rollup(fiscal_year=fiscal_year, as_of=as_of, elapsed_days=done)
    centres_seen: dict[int, dict[str, Any]] = {}
    categories = {c.value: Figures() for c in Category}
    for centre_id, code, name, category, planned, actual, booked in groups:
        actual = money(actual)
        figures = Figures(
            planned=money(planned),
            actual=actual,
            forecast=forecast(actual=actual, booked=money(booked), elapsed_days=done, days=days),
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
