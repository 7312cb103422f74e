"""Holidays from an iCalendar (RFC 5545) file: every all-day VEVENT, one holiday per day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import icalendar
from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024
MAX_DAYS_PER_EVENT = 31


class MalformedCalendar(ValueError):
    """The file is not an iCalendar file at all (the message says why)."""


@dataclass
class ParsedHolidays:
    days: list[tuple[datetime.date, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """One line per event that could not be read, naming it and the reason."""


def _label(index: int, event: icalendar.cal.Component) -> str:
    summary = str(event.get("SUMMARY", "") or "").strip()
    return (
        _("Event %(n)s (%(s)s)") % {"n": index, "s": summary}
        if summary
        else _("Event %(n)s") % {"n": index}
    )


def _date_of(event: icalendar.cal.Component, name: str) -> datetime.date | datetime.datetime | None:
    prop = event.get(name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except Exception as exc:  # a broken property: icalendar raises its own error types
        raise ValueError(str(exc)) from exc
    if not isinstance(value, datetime.date):
        raise ValueError(_("%(name)s is not a date") % {"name": name})
    return value


def parse_holidays(data: bytes) -> ParsedHolidays:
    """Raises MalformedCalendar for a file that is not iCalendar; events that cannot be
    read are reported in ``errors`` and the rest is kept."""
    if len(data) > MAX_BYTES:
        raise MalformedCalendar(
            _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // (1024 * 1024)}
        )
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError, TypeError, UnicodeError) as exc:
        raise MalformedCalendar(
            _("This is not an iCalendar file: %(reason)s") % {"reason": str(exc)[:200]}
        ) from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise MalformedCalendar(_("This is not an iCalendar file: no VCALENDAR."))
    parsed = ParsedHolidays()
    for index, event in enumerate(calendar.walk("VEVENT"), start=1):
        label = _label(index, event)
        try:
            start = _date_of(event, "DTSTART")
            end = _date_of(event, "DTEND")
        except ValueError as exc:
            parsed.errors.append(f"{label}: {exc}")
            continue
        if start is None:
            parsed.errors.append(_("%(e)s: no start date (DTSTART).") % {"e": label})
            continue
        if isinstance(start, datetime.datetime):
            parsed.errors.append(
                _("%(e)s: starts at a time, not on a whole day; holidays are all-day events.")
                % {"e": label}
            )
            continue
        if start >= datetime.date.max - datetime.timedelta(days=MAX_DAYS_PER_EVENT):
            parsed.errors.append(_("%(e)s: the date is out of range.") % {"e": label})
            continue
        if end is None or isinstance(end, datetime.datetime) or end <= start:
            end = start + datetime.timedelta(days=1)
        days = (end - start).days
        if days > MAX_DAYS_PER_EVENT:
            parsed.errors.append(
                _("%(e)s: lasts %(n)s days; at most %(max)s are taken as holidays.")
                % {"e": label, "n": days, "max": MAX_DAYS_PER_EVENT}
            )
            continue
        if event.get("RRULE") is not None:
            parsed.errors.append(
                _("%(e)s: repeats (RRULE); only the dates listed in the file are imported.")
                % {"e": label}
            )
        name = str(event.get("SUMMARY", "") or "").replace("\x00", "").strip() or _("Holiday")
        for offset in range(days):
            parsed.days.append((start + datetime.timedelta(days=offset), name[:150]))
    return parsed


EXAMPLE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Steward//Holiday example//EN\r
BEGIN:VEVENT\r
UID:2027-01-01@holidays.example\r
DTSTAMP:20261201T000000Z\r
DTSTART;VALUE=DATE:20270101\r
DTEND;VALUE=DATE:20270102\r
SUMMARY:New Year's Day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2027-12-24@holidays.example\r
DTSTAMP:20261201T000000Z\r
DTSTART;VALUE=DATE:20271224\r
DTEND;VALUE=DATE:20271227\r
SUMMARY:Christmas\r
END:VEVENT\r
END:VCALENDAR\r
"""
"""A small example: one single-day and one three-day holiday."""
