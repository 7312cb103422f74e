"""The calendar rows (C1-C22) of the SLA test matrix in docs/user-guide/sla.md."""

from __future__ import annotations

import datetime
import random
import time
from zoneinfo import ZoneInfo

import pytest

from steward.servicedesk.sla.calendar import Calendar, add_business_seconds, business_seconds

H = 3600
T = datetime.time
WEEKDAYS = range(5)
EVERY_DAY = range(7)

CALENDARS = {
    "OFFICE": Calendar.build(
        time_zone="Europe/Berlin",
        hours=[(d, T(8), T(17)) for d in WEEKDAYS],
        holidays=[
            datetime.date(2026, 12, 24),
            datetime.date(2026, 12, 25),
            datetime.date(2027, 1, 1),
        ],
    ),
    "SPLIT": Calendar.build(
        time_zone="Europe/Berlin",
        hours=[(d, T(8), T(12)) for d in WEEKDAYS] + [(d, T(13), T(17)) for d in WEEKDAYS],
    ),
    "DAILY-BER": Calendar.build(
        time_zone="Europe/Berlin", hours=[(d, T(8), T(17)) for d in EVERY_DAY]
    ),
    "DAILY-NY": Calendar.build(
        time_zone="America/New_York", hours=[(d, T(8), T(17)) for d in EVERY_DAY]
    ),
    "24x7": Calendar.build(holidays=[datetime.date(2026, 12, 24), datetime.date(2026, 12, 25)]),
}


def at(calendar: str, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=CALENDARS[calendar].zone)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=datetime.UTC)


# (row, calendar, start, business seconds to add, expected due)
ADD_ROWS = [
    ("C1", "OFFICE", (2026, 12, 1, 9), 4 * H, at("OFFICE", 2026, 12, 1, 13)),
    ("C2", "OFFICE", (2026, 12, 1, 18, 30), 2 * H, at("OFFICE", 2026, 12, 2, 10)),
    ("C3", "OFFICE", (2026, 12, 1, 6), 1 * H, at("OFFICE", 2026, 12, 1, 9)),
    ("C4", "OFFICE", (2026, 12, 4, 15), 4 * H, at("OFFICE", 2026, 12, 7, 10)),
    ("C5", "OFFICE", (2026, 12, 23, 16), 3 * H, at("OFFICE", 2026, 12, 28, 10)),
    ("C6", "OFFICE", (2026, 12, 24, 10), 1 * H, at("OFFICE", 2026, 12, 28, 9)),
    ("C7", "OFFICE", (2026, 12, 1, 8), 9 * H, at("OFFICE", 2026, 12, 1, 17)),
    ("C8", "OFFICE", (2026, 12, 1, 16), 1 * H, at("OFFICE", 2026, 12, 1, 17)),
    ("C9", "SPLIT", (2026, 12, 1, 11), 2 * H, at("SPLIT", 2026, 12, 1, 14)),
    ("C11", "DAILY-BER", (2026, 3, 28, 16), 3 * H, utc(2026, 3, 29, 8)),
    ("C13", "DAILY-BER", (2026, 10, 24, 16), 3 * H, utc(2026, 10, 25, 9)),
    ("C15", "DAILY-NY", (2026, 3, 7, 16), 3 * H, utc(2026, 3, 8, 14)),
    ("C17", "DAILY-NY", (2026, 10, 31, 16), 3 * H, utc(2026, 11, 1, 15)),
    ("C18", "OFFICE", (2026, 3, 27, 16), 2 * H, utc(2026, 3, 30, 7)),
    ("C19", "24x7", (2026, 12, 4, 20), 24 * H, utc(2026, 12, 5, 20)),
]

# (row, calendar, start, end, expected business seconds)
BETWEEN_ROWS = [
    ("C1", "OFFICE", (2026, 12, 1, 9), (2026, 12, 1, 13), 4 * H),
    ("C2", "OFFICE", (2026, 12, 1, 18, 30), (2026, 12, 2, 10), 2 * H),
    ("C4", "OFFICE", (2026, 12, 4, 15), (2026, 12, 7, 10), 4 * H),
    ("C5", "OFFICE", (2026, 12, 23, 16), (2026, 12, 28, 10), 3 * H),
    ("C9", "SPLIT", (2026, 12, 1, 11), (2026, 12, 1, 14), 2 * H),
    ("C10", "DAILY-BER", (2026, 3, 29), (2026, 3, 30), 9 * H),
    ("C12", "DAILY-BER", (2026, 10, 25), (2026, 10, 26), 9 * H),
    ("C14", "DAILY-NY", (2026, 3, 8), (2026, 3, 9), 9 * H),
    ("C16", "DAILY-NY", (2026, 11, 1), (2026, 11, 2), 9 * H),
    ("C20", "24x7", (2026, 12, 24, 10), (2026, 12, 25, 10), 24 * H),
    ("C22", "OFFICE", (2026, 12, 1, 12), (2026, 12, 1, 10), 0),
]


@pytest.mark.parametrize(
    ("row", "calendar", "start", "seconds", "due"), ADD_ROWS, ids=[r[0] for r in ADD_ROWS]
)
def test_adding_business_time_gives_the_matrix_due_time(row, calendar, start, seconds, due):
    assert add_business_seconds(CALENDARS[calendar], at(calendar, *start), seconds) == due


@pytest.mark.parametrize(
    ("row", "calendar", "start", "end", "expected"), BETWEEN_ROWS, ids=[r[0] for r in BETWEEN_ROWS]
)
def test_business_time_between_two_moments_matches_the_matrix(row, calendar, start, end, expected):
    cal = CALENDARS[calendar]
    assert business_seconds(cal, at(calendar, *start), at(calendar, *end)) == expected


DST_DAYS = [datetime.date(2026, m, d) for m, d in ((3, 8), (3, 29), (10, 25), (11, 1))]


def test_a_working_day_of_nine_hours_counts_nine_hours_on_both_dst_days():
    for name in ("DAILY-BER", "DAILY-NY"):
        cal = CALENDARS[name]
        for day in DST_DAYS:
            ((a, b),) = cal.intervals(day)
            assert b - a == datetime.timedelta(hours=9), (name, day)


def reference_seconds(cal: Calendar, start: datetime.datetime, end: datetime.datetime) -> int:
    """Slow and obvious: every day's intervals, clipped."""
    if end <= start:
        return 0
    if cal.is_24x7:
        return int((end - start).total_seconds())
    total = 0.0
    day = start.astimezone(cal.zone).date() - datetime.timedelta(days=1)
    while day <= end.astimezone(cal.zone).date():
        for a, b in cal.intervals(day):
            lo, hi = max(a, start), min(b, end)
            total += max(0.0, (hi - lo).total_seconds())
        day += datetime.timedelta(days=1)
    return int(total)


def test_c21_long_span_equals_the_day_by_day_reference_and_is_fast():
    cal = CALENDARS["OFFICE"]
    start, end = at("OFFICE", 2026, 1, 5, 8), at("OFFICE", 2027, 6, 30, 12)
    expected = reference_seconds(cal, start, end)
    began = time.perf_counter()
    got = business_seconds(cal, start, end)
    due = add_business_seconds(cal, start, got)
    elapsed = time.perf_counter() - began
    assert got == expected
    assert due == end
    assert elapsed < 0.05


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_random_intervals_agree_with_the_reference_and_round_trip(name):
    cal = CALENDARS[name]
    rng = random.Random(f"sla-{name}")
    base = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for _ in range(300):
        start = base + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 720))
        end = start + datetime.timedelta(minutes=rng.randrange(0, 60 * 24 * 90))
        seconds = business_seconds(cal, start, end)
        assert seconds == reference_seconds(cal, start, end), (start, end)
        due = add_business_seconds(cal, start, seconds)
        assert due <= end
        assert business_seconds(cal, start, due) == seconds
        assert business_seconds(cal, due, end) == 0


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        business_seconds(CALENDARS["OFFICE"], datetime.datetime(2026, 1, 1), utc(2026, 1, 2))


def test_a_calendar_without_working_time_is_refused_instead_of_looping_forever():
    cal = Calendar.build(hours=[(0, T(8), T(9))], holidays=[])
    # Every Monday a holiday for twenty years and more.
    mondays = [datetime.date(2026, 1, 5) + datetime.timedelta(weeks=w) for w in range(52 * 21)]
    cal = Calendar.build(hours=[(0, T(8), T(9))], holidays=mondays)
    with pytest.raises(ValueError):
        add_business_seconds(cal, utc(2026, 1, 1), 60)


def test_zone_is_the_calendars():
    assert CALENDARS["DAILY-NY"].zone == ZoneInfo("America/New_York")


def test_overlapping_intervals_of_a_weekday_count_once():
    cal = Calendar.build(
        time_zone="UTC", hours=[(1, T(8), T(12)), (1, T(10), T(14)), (1, T(14), T(15))]
    )
    assert cal.hours[1] == ((T(8), T(15)),)
    assert business_seconds(cal, utc(2026, 12, 1), utc(2026, 12, 2)) == 7 * H
