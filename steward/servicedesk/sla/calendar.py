"""Business time on a calendar: pure functions, no database.

Working hours are wall-clock intervals in the calendar's zone. Each day's intervals are turned
into UTC instants separately, so a working day of 08:00-17:00 counts 9 hours on the days
daylight saving time starts or ends. Long spans skip whole weeks: a week without a holiday
and without a change of UTC offset holds exactly the nominal weekly hours.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
MAX_DAYS = 366 * 20
"""A guard against calendars whose working time never comes (holidays on every working day)."""

Interval = tuple[datetime.time, datetime.time]


def _seconds(t: datetime.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _merge(intervals: list[Interval]) -> tuple[Interval, ...]:
    """Overlapping or touching intervals of one weekday counted once."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


@dataclass(frozen=True)
class Calendar:
    """``hours`` maps a weekday (0 is Monday) to its working intervals; empty means 24x7."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    hours: Mapping[int, tuple[Interval, ...]] = field(default_factory=dict)
    holidays: tuple[datetime.date, ...] = ()
    """Sorted, unique."""
    _days: dict[datetime.date, list[Any]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @classmethod
    def build(
        cls,
        *,
        time_zone: str = "UTC",
        hours: Iterable[tuple[int, datetime.time, datetime.time]] = (),
        holidays: Iterable[datetime.date] = (),
    ) -> Calendar:
        by_day: dict[int, list[Interval]] = {}
        for weekday, start, end in hours:
            by_day.setdefault(int(weekday), []).append((start, end))
        merged = {day: _merge(intervals) for day, intervals in by_day.items()}
        return cls(ZoneInfo(time_zone), merged, tuple(sorted(set(holidays))))

    @functools.cached_property
    def is_24x7(self) -> bool:
        return not any(self.hours.values())

    @functools.cached_property
    def weekly_seconds(self) -> int:
        return sum(self._nominal(day) for day in range(7))

    def _nominal(self, weekday: int) -> int:
        return sum(self._end_seconds(e) - _seconds(s) for s, e in self.hours.get(weekday, ()))

    @staticmethod
    def _end_seconds(end: datetime.time) -> int:
        return 86400 if end >= datetime.time(23, 59) else _seconds(end)

    def is_holiday(self, day: datetime.date) -> bool:
        i = bisect.bisect_left(self.holidays, day)
        return i < len(self.holidays) and self.holidays[i] == day

    def _holiday_between(self, first: datetime.date, last: datetime.date) -> bool:
        """Any holiday in [first, last)?"""
        i = bisect.bisect_left(self.holidays, first)
        return i < len(self.holidays) and self.holidays[i] < last

    def intervals(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The day's working intervals as UTC instants (none on a holiday); memoised: a
        calendar lives in the process's configuration cache until a calendar changes (or
        five minutes), so the memo holds at most the days its clocks touched meanwhile."""
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._intervals(day)
        return known

    def _intervals(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        if self.is_holiday(day):
            return []
        out = []
        for start, end in self.hours.get(day.weekday(), ()):
            a = datetime.datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)
            if end >= datetime.time(23, 59):
                b = datetime.datetime.combine(day + DAY, datetime.time(), tzinfo=self.zone)
            else:
                b = datetime.datetime.combine(day, end, tzinfo=self.zone)
            b = b.astimezone(UTC)
            if b > a:
                out.append((a, b))
        return out

    def _local_date(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.zone).date()

    def _clean_week(self, day: datetime.date) -> bool:
        """No holiday and no change of UTC offset in the 7 days from ``day``."""
        if self._holiday_between(day, day + WEEK):
            return False
        midnight = datetime.time()
        a = datetime.datetime.combine(day, midnight, tzinfo=self.zone).utcoffset()
        b = datetime.datetime.combine(day + WEEK, midnight, tzinfo=self.zone).utcoffset()
        return a == b


def _aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("business time needs aware datetimes")
    return moment.astimezone(UTC)


def business_seconds(calendar: Calendar, start: datetime.datetime, end: datetime.datetime) -> int:
    """Whole business seconds in [start, end); 0 when ``end`` is not after ``start``."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0
    if calendar.is_24x7:
        return int((end - start).total_seconds())
    day, last = calendar._local_date(start), calendar._local_date(end)
    weekly = calendar.weekly_seconds
    total = datetime.timedelta()
    first = True
    while day <= last:
        if not first and day + WEEK < last and calendar._clean_week(day):
            total += datetime.timedelta(seconds=weekly)
            day += WEEK
            continue
        first = False
        for a, b in calendar.intervals(day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += hi - lo
        day += DAY
    return int(total.total_seconds())


def add_business_seconds(
    calendar: Calendar, start: datetime.datetime, seconds: float
) -> datetime.datetime:
    """The instant at which ``seconds`` of business time after ``start`` have passed.

    A target that ends exactly at closing time is due at closing time, not at the next
    opening. Raises ValueError when the calendar has no working time for twenty years."""
    start = _aware(start)
    if seconds <= 0:
        return start
    if calendar.is_24x7:
        return start + datetime.timedelta(seconds=seconds)
    remaining = datetime.timedelta(seconds=seconds)
    weekly = datetime.timedelta(seconds=calendar.weekly_seconds)
    day = calendar._local_date(start)
    first = True
    for _ in range(MAX_DAYS):
        if not first and remaining > weekly and calendar._clean_week(day):
            remaining -= weekly
            day += WEEK
            continue
        first = False
        for a, b in calendar.intervals(day):
            lo = max(a, start)
            if b <= lo:
                continue
            available = b - lo
            if remaining <= available:
                return lo + remaining
            remaining -= available
        day += DAY
    raise ValueError("the calendar has no working time in the next twenty years")
