"""Depreciation: the book value of an asset at any date. Pure functions, no database.

Both methods count whole months from the purchase date (a month is complete on the same day
of a later month, or on its last day when it is shorter) and never go below the residual
value; at the end of the useful life the book value is the residual value.

- Straight line: the depreciable amount (cost minus residual) is spread evenly over the
  months of the useful life.
- Declining balance: each month loses ``factor / life_months`` of the value at the start of
  the month (``factor`` 2: double-declining), floored at the residual value.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
STRAIGHT_LINE, DECLINING_BALANCE, NONE = "straight_line", "declining_balance", "none"


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is before ``start``); 31 January
    to 29 February is one month."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    last_of_month = (end + datetime.timedelta(days=1)).day == 1
    if end.day < start.day and not last_of_month:
        months -= 1
    return max(months, 0)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def straight_line(*, cost: Decimal, residual: Decimal, life_months: int, months: int) -> Decimal:
    if life_months <= 0 or months >= life_months:
        return _money(min(cost, residual))
    spent = (cost - residual) * Decimal(months) / Decimal(life_months)
    return _money(cost - spent)


def declining_balance(
    *,
    cost: Decimal,
    residual: Decimal,
    life_months: int,
    months: int,
    factor: Decimal = Decimal(2),
) -> Decimal:
    if life_months <= 0 or months >= life_months:
        return _money(min(cost, residual))
    rate = min(factor / Decimal(life_months), Decimal(1))
    value = cost * (Decimal(1) - rate) ** months
    return _money(max(value, min(cost, residual)))


def book_value(
    *,
    cost: Decimal | None,
    purchased: datetime.date | None,
    on: datetime.date,
    method: str,
    life_months: int,
    residual_percent: Decimal = Decimal(0),
) -> Decimal | None:
    """The value at ``on``; None when cost or purchase date is unknown; the cost itself
    before the purchase date and for assets that are not depreciated."""
    if cost is None or purchased is None:
        return None
    if method == NONE:
        return _money(cost)
    residual = cost * residual_percent / Decimal(100)
    months = months_between(purchased, on)
    if method == DECLINING_BALANCE:
        return declining_balance(
            cost=cost, residual=residual, life_months=life_months, months=months
        )
    return straight_line(cost=cost, residual=residual, life_months=life_months, months=months)


@dataclass(frozen=True)
class ScheduleRow:
    on: datetime.date
    value: Decimal


def schedule(
    *,
    cost: Decimal | None,
    purchased: datetime.date | None,
    method: str,
    life_months: int,
    residual_percent: Decimal = Decimal(0),
) -> list[ScheduleRow]:
    """The book value on each anniversary of the purchase until the end of the useful life."""
    if cost is None or purchased is None:
        return []
    rows = []
    for year in range(0, (life_months + 11) // 12 + 1):
        on = _add_years(purchased, year)
        value = book_value(
            cost=cost,
            purchased=purchased,
            on=on,
            method=method,
            life_months=life_months,
            residual_percent=residual_percent,
        )
        assert value is not None
        rows.append(ScheduleRow(on, value))
    return rows


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
