"""Clock arithmetic on ``SLAClock`` rows: banking business time, due times, live state.

A clock is *running* (``running_since`` set), *paused* (neither ``running_since`` nor
``stopped_at``) or *stopped* (``stopped_at`` set). Business seconds are banked into
``elapsed_seconds`` whenever a running clock changes state or target.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from steward.core import configcache
from steward.servicedesk.models import BusinessCalendar, Holiday, SLAClock
from steward.servicedesk.sla.calendar import Calendar, add_business_seconds, business_seconds

AROUND_THE_CLOCK = Calendar()


def _all_calendars() -> dict[int, Calendar]:
    """Every business calendar with its hours and holidays, in two queries: configuration
    (a handful of rows), kept per process by ``core.configcache`` between requests."""
    rows = BusinessCalendar.objects.order_by().values_list(
        "pk", "time_zone", "hours__weekday", "hours__start", "hours__end"
    )
    zones: dict[int, str] = {}
    hours: dict[int, list[Any]] = {}
    for pk, time_zone, day, start, end in rows:
        zones[pk] = time_zone
        hours.setdefault(pk, [])
        if day is not None:
            hours[pk].append((day, start, end))
    holidays: dict[int, list[datetime.date]] = {pk: [] for pk in zones}
    if any(hours.values()):
        for calendar_id, day in Holiday.objects.values_list("calendar_id", "date"):
            if calendar_id in holidays:
                holidays[calendar_id].append(day)
    # A calendar without working hours runs round the clock: holidays do not pause it.
    return {
        pk: Calendar.build(
            time_zone=zones[pk], hours=hours[pk], holidays=holidays[pk] if hours[pk] else ()
        )
        for pk in zones
    }


class Calendars:
    """The business calendars one engine call, one request or one scan works with. They come
    from the process's configuration cache, read at most once per instance: a new ticket's
    clocks and its answer read no calendar rows."""

    def __init__(self) -> None:
        self._known: dict[int, Calendar] | None = None

    def _calendars(self) -> dict[int, Calendar]:
        if self._known is None:
            self._known = configcache.get("servicedesk.calendars", _all_calendars)
        return self._known

    def preload(self, calendar_ids: Iterable[int | None]) -> None:
        """Read the calendars now when ``calendar_ids`` names any (a page of clocks)."""
        if any(i is not None for i in calendar_ids):
            self._calendars()

    def preload_for(self, clocks: Iterable[SLAClock]) -> None:
        self.preload(c.policy.calendar_id for c in clocks if c.policy_id and c.policy)

    def get(self, calendar_id: int | None) -> Calendar:
        """No calendar, or one deleted since, means round the clock (UTC)."""
        if calendar_id is None:
            return AROUND_THE_CLOCK
        return self._calendars().get(calendar_id, AROUND_THE_CLOCK)

    def of(self, clock: SLAClock) -> Calendar:
        policy = clock.policy if clock.policy_id else None
        return self.get(policy.calendar_id if policy is not None else None)


def is_running(clock: SLAClock) -> bool:
    return clock.running_since is not None and clock.stopped_at is None


def is_paused(clock: SLAClock) -> bool:
    return clock.running_since is None and clock.stopped_at is None


def elapsed_at(clock: SLAClock, calendar: Calendar, now: datetime.datetime) -> int:
    if is_running(clock) and clock.running_since is not None and now > clock.running_since:
        return clock.elapsed_seconds + business_seconds(calendar, clock.running_since, now)
    return clock.elapsed_seconds


def bank(clock: SLAClock, calendar: Calendar, at: datetime.datetime) -> None:
    """Move business time since ``running_since`` into ``elapsed_seconds``."""
    if is_running(clock):
        clock.elapsed_seconds = elapsed_at(clock, calendar, at)
        clock.running_since = at


def warning_seconds(clock: SLAClock) -> int:
    percent = clock.policy.warning_percent if clock.policy_id and clock.policy else 80
    return clock.target_minutes * 60 * percent // 100


def set_due(clock: SLAClock, calendar: Calendar) -> None:
    """Due and warning instants of a running clock (banked at ``running_since``); a clock
    already past its target is due at once. Paused and stopped clocks have none."""
    if not is_running(clock) or clock.running_since is None:
        clock.due_at = clock.warning_due_at = None
        return
    since = clock.running_since
    remaining = clock.target_minutes * 60 - clock.elapsed_seconds
    clock.due_at = add_business_seconds(calendar, since, remaining) if remaining > 0 else since
    to_warning = warning_seconds(clock) - clock.elapsed_seconds
    clock.warning_due_at = (
        add_business_seconds(calendar, since, to_warning) if to_warning > 0 else since
    )


def is_breached(clock: SLAClock, now: datetime.datetime) -> bool:
    """Past the target in business time, or past the due instant on the wall clock (an
    answer at 17:30 to a target due at 17:00 is late though no business time passed). A
    running clock's due instant stands for the business time since ``running_since``, so no
    calendar is needed; a clock that stopped late got ``breached_at`` when it stopped."""
    if clock.breached_at is not None:
        return True
    if clock.elapsed_seconds > clock.target_minutes * 60:
        return True
    return is_running(clock) and clock.due_at is not None and now > clock.due_at


@dataclass(frozen=True)
class ClockState:
    id: int | None
    metric: str
    team_id: int | None
    policy_id: int | None
    is_active: bool
    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    """Negative once breached."""
    due_at: datetime.datetime | None
    percent: int
    paused: bool
    stopped: bool
    warned: bool
    breached: bool

    def as_dict(self) -> dict[str, Any]:
        # Shallow: every field is an immutable scalar or datetime, and dataclasses.asdict's
        # deep copy cost ~6 ms per page of 50 tickets.
        return {f.name: getattr(self, f.name) for f in fields(self)}


def clock_state(
    clock: SLAClock, now: datetime.datetime, calendars: Calendars | None = None
) -> ClockState:
    calendar = (calendars or Calendars()).of(clock)
    moment = clock.stopped_at or now
    elapsed = elapsed_at(clock, calendar, moment)
    target = clock.target_minutes * 60
    return ClockState(
        id=clock.pk,
        metric=clock.metric,
        team_id=clock.team_id,
        policy_id=clock.policy_id,
        is_active=clock.is_active,
        target_seconds=target,
        elapsed_seconds=elapsed,
        remaining_seconds=target - elapsed,
        due_at=clock.due_at,
        percent=(elapsed * 100 // target) if target else 100,
        paused=is_paused(clock),
        stopped=clock.stopped_at is not None,
        warned=clock.warned_at is not None,
        breached=is_breached(clock, now),
    )
