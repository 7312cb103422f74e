"""Book values on known numbers (worked by hand in the docs)."""

import datetime
from decimal import Decimal

import pytest

from steward.assets.depreciation import (
    book_value,
    declining_balance,
    months_between,
    schedule,
    straight_line,
)

D = Decimal


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ((2024, 1, 15), (2024, 1, 15), 0),
        ((2024, 1, 15), (2024, 2, 14), 0),
        ((2024, 1, 15), (2024, 2, 15), 1),
        ((2024, 1, 31), (2024, 2, 29), 1),
        ((2024, 1, 31), (2024, 2, 28), 0),
        ((2024, 1, 15), (2025, 1, 15), 12),
        ((2024, 5, 1), (2023, 5, 1), 0),
    ],
)
def test_months_between_counts_whole_months(start, end, months):
    assert months_between(datetime.date(*start), datetime.date(*end)) == months


def test_straight_line_spreads_cost_minus_residual_evenly():
    args = {"cost": D(1200), "residual": D(0), "life_months": 36}
    assert straight_line(**args, months=0) == D("1200.00")
    assert straight_line(**args, months=12) == D("800.00")
    assert straight_line(**args, months=18) == D("600.00")
    assert straight_line(**args, months=36) == D("0.00")
    assert straight_line(**args, months=99) == D("0.00")
    with_residual = {"cost": D(1000), "residual": D(100), "life_months": 36}
    assert straight_line(**with_residual, months=12) == D("700.00")
    assert straight_line(**with_residual, months=40) == D("100.00")


def test_declining_balance_compounds_monthly_and_stops_at_residual():
    # rate 2/24 a month: 1200 x (11/12)^12 = 422.39
    assert declining_balance(cost=D(1200), residual=D(0), life_months=24, months=12) == D("422.39")
    # rate 2/36: 1000 x (17/18)^6 = 709.67
    assert declining_balance(cost=D(1000), residual=D(0), life_months=36, months=6) == D("709.67")
    floored = declining_balance(cost=D(1200), residual=D(600), life_months=24, months=12)
    assert floored == D("600.00")
    assert declining_balance(cost=D(1200), residual=D(50), life_months=24, months=24) == D("50.00")


def test_book_value_at_a_date_with_residual_percent_and_unknowns():
    purchased = datetime.date(2024, 3, 10)
    value = book_value(
        cost=D(1000),
        purchased=purchased,
        on=datetime.date(2025, 3, 10),
        method="straight_line",
        life_months=36,
        residual_percent=D(10),
    )
    assert value == D("700.00")
    before = book_value(
        cost=D(1000),
        purchased=purchased,
        on=datetime.date(2020, 1, 1),
        method="declining_balance",
        life_months=36,
    )
    assert before == D("1000.00")
    kept = book_value(
        cost=D(1000),
        purchased=purchased,
        on=datetime.date(2030, 1, 1),
        method="none",
        life_months=1,
    )
    assert kept == D("1000.00")
    assert (
        book_value(
            cost=None, purchased=purchased, on=purchased, method="straight_line", life_months=36
        )
        is None
    )
    assert (
        book_value(cost=D(1), purchased=None, on=purchased, method="straight_line", life_months=36)
        is None
    )


def test_schedule_gives_a_value_per_anniversary_until_end_of_life():
    rows = schedule(
        cost=D(1200),
        purchased=datetime.date(2024, 2, 29),
        method="straight_line",
        life_months=36,
    )
    assert [r.value for r in rows] == [D("1200.00"), D("800.00"), D("400.00"), D("0.00")]
    assert rows[1].on == datetime.date(2025, 2, 28)
