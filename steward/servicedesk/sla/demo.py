"""Demo service levels: an office-hours calendar with German public holidays, a 24x7
calendar, the Standard SLA, a Gold SLA for one customer, an OLA per team and escalations.
Idempotent: every row is found by its natural key before it is created."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from steward.core.models import User
from steward.org.selectors import person_for_user
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationAction,
    EscalationRule,
    Holiday,
    SLAPolicy,
    SLAPolicyKind,
    SLATarget,
    WorkingHours,
)

H, D = 60, 600  # minutes in an hour; in a business day of 08:00-18:00
# (priority, response minutes, resolution minutes)
STANDARD_BUSINESS = [(2, 4 * H, 1 * D), (3, 8 * H, 3 * D), (4, 1 * D, 5 * D), (5, 2 * D, 10 * D)]
STANDARD_CRITICAL = [(1, 1 * H, 4 * H)]
GOLD = [(1, 15, 2 * H), (2, 30, 6 * H), (3, 2 * H, 24 * H), (4, 4 * H, 48 * H), (5, 8 * H, 120 * H)]
# The organisation's models, reached through the relations (apps never import them).
Organisation = SLAPolicy._meta.get_field("organisation").related_model
Team = SLAPolicy._meta.get_field("team").related_model
OLA = [(1, None, 2 * H), (2, None, 6 * H), (3, None, 2 * D), (4, None, 4 * D), (5, None, 8 * D)]


def easter(year: int) -> datetime.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def german_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The nine nationwide public holidays of Germany."""
    sunday = easter(year)
    return sorted(
        [
            (datetime.date(year, 1, 1), "Neujahr"),
            (sunday - datetime.timedelta(days=2), "Karfreitag"),
            (sunday + datetime.timedelta(days=1), "Ostermontag"),
            (datetime.date(year, 5, 1), "Tag der Arbeit"),
            (sunday + datetime.timedelta(days=39), "Christi Himmelfahrt"),
            (sunday + datetime.timedelta(days=50), "Pfingstmontag"),
            (datetime.date(year, 10, 3), "Tag der Deutschen Einheit"),
            (datetime.date(year, 12, 25), "1. Weihnachtstag"),
            (datetime.date(year, 12, 26), "2. Weihnachtstag"),
        ]
    )


def _calendar(name: str, time_zone: str, hours: list[tuple[int, int, int]]) -> BusinessCalendar:
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name=name, defaults={"time_zone": time_zone}
    )
    if hours and not calendar.hours.exists():
        WorkingHours.objects.bulk_create(
            WorkingHours(
                calendar=calendar,
                weekday=day,
                start=datetime.time(start),
                end=datetime.time(end),
            )
            for day, start, end in hours
        )
    return calendar


def _policy(name: str, targets: list[tuple[int, int | None, int]], **fields: Any) -> SLAPolicy:
    policy, _ = SLAPolicy.objects.get_or_create(name=name, defaults=fields)
    for priority, response, resolution in targets:
        SLATarget.objects.get_or_create(
            policy=policy,
            priority=priority,
            defaults={"response_minutes": response, "resolution_minutes": resolution},
        )
    return policy


def _rule(policy: SLAPolicy, trigger: str, action: str, metric: str = "", **fields: Any) -> None:
    EscalationRule.objects.get_or_create(
        policy=policy, trigger=trigger, action=action, metric=metric, defaults=fields
    )


def load(*, rng: Any = None, log: Callable[[str], None] = print, **kwargs: Any) -> None:
    office = _calendar("Office hours", "Europe/Berlin", [(d, 8, 18) for d in range(5)])
    always = _calendar("24x7", "UTC", [])
    year = timezone.now().year
    known = set(office.holidays.values_list("date", flat=True))
    new = [
        Holiday(calendar=office, date=day, name=name)
        for y in (year, year + 1)
        for day, name in german_holidays(y)
        if day not in known
    ]
    Holiday.objects.bulk_create(new)

    standard = _policy("Standard", STANDARD_BUSINESS, calendar=office, order=100)
    critical = _policy("Standard – critical (24x7)", STANDARD_CRITICAL, calendar=always, order=100)
    customer = Organisation.objects.filter(kind="customer").order_by("name").first()
    gold = None
    if customer is not None:
        gold = _policy("Gold customer", GOLD, calendar=always, organisation=customer, order=10)
    teams = list(Team.objects.order_by("name"))
    for team in teams:
        ola = _policy(f"OLA {team.name}", OLA, kind=SLAPolicyKind.OLA, team=team, calendar=office)
        _rule(ola, "warning", EscalationAction.NOTIFY, notify_assignee=False)

    W, B = EscalationRule.Trigger.WARNING, EscalationRule.Trigger.BREACH
    for policy in (standard, critical):
        _rule(policy, W, EscalationAction.NOTIFY)
        _rule(policy, B, EscalationAction.RAISE_PRIORITY, metric="response")
    manager_login = User.objects.filter(username="manager").first()
    manager = person_for_user(manager_login) if manager_login is not None else None
    _rule(standard, B, EscalationAction.NOTIFY, metric="resolution", notify_person=manager)
    if gold is not None:
        _rule(gold, W, EscalationAction.NOTIFY, notify_person=manager)
        desk = next((t for t in teams if t.name == "Service Desk"), None)
        if desk is not None:
            _rule(gold, B, EscalationAction.REASSIGN, metric="response", reassign_team=desk)
    log(
        f"calendars: 2, holidays added: {len(new)}, OLAs: {len(teams)}"
        + (f", Gold SLA for {customer}" if customer else "")
    )
