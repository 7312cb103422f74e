"""The change calendar as iCalendar (RFC 5545) for calendar applications, built with the
``icalendar`` library: one VEVENT per change with a planned window, one per maintenance or
blackout window. Times are UTC; UIDs are stable (``change-<id>@<host>``), SEQUENCE grows with
each save so clients replace an event that moved, and a cancelled change is sent with
STATUS:CANCELLED rather than dropped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

import icalendar
from django.utils import timezone

from steward.changes.models import ChangeRequest, ChangeState, ChangeWindow, WindowKind

PRODID = "-//Steward//Change calendar//EN"
STATUS = {
    ChangeState.DRAFT: "TENTATIVE",
    ChangeState.ASSESSMENT: "TENTATIVE",
    ChangeState.AUTHORISATION: "TENTATIVE",
    ChangeState.SCHEDULED: "CONFIRMED",
    ChangeState.IMPLEMENTATION: "CONFIRMED",
    ChangeState.REVIEW: "CONFIRMED",
    ChangeState.CLOSED: "CONFIRMED",
    ChangeState.CANCELLED: "CANCELLED",
}


def _utc(value: Any) -> Any:
    return value.astimezone(UTC)


def _sequence(obj: Any) -> int:
    """Seconds between creation and the last save: grows with every change of the row."""
    return max(0, int((obj.updated_at - obj.created_at).total_seconds()))


def build(
    *,
    name: str,
    changes: Iterable[ChangeRequest],
    windows: Iterable[ChangeWindow],
    base_url: str,
    host: str,
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    now = _utc(timezone.now())
    for change in changes:
        event = icalendar.Event()
        event.add("uid", f"change-{change.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", _utc(change.planned_start))
        event.add("dtend", _utc(change.planned_end))
        event.add("summary", f"{change.reference} {change.title}")
        details = [
            f"{change.get_change_type_display()} · {change.get_state_display()}",
        ]
        if change.risk_level:
            details.append(f"Risk: {change.get_risk_level_display()} ({change.risk_score})")
        if change.description:
            details.append(change.description)
        event.add("description", "\n".join(details))
        event.add("status", STATUS[ChangeState(change.state)])
        event.add("categories", ["Change", change.get_change_type_display()])
        event.add("sequence", _sequence(change))
        event.add("last-modified", _utc(change.updated_at))
        event.add("url", f"{base_url}/changes/requests/{change.pk}/")
        cal.add_component(event)
    for window in windows:
        event = icalendar.Event()
        event.add("uid", f"change-window-{window.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", _utc(window.start))
        event.add("dtend", _utc(window.end))
        label = "Blackout" if window.kind == WindowKind.BLACKOUT else "Maintenance window"
        event.add("summary", f"{label}: {window.name}")
        if window.description:
            event.add("description", window.description)
        event.add("transp", "TRANSPARENT")
        event.add("categories", [label])
        event.add("sequence", _sequence(window))
        event.add("last-modified", _utc(window.updated_at))
        cal.add_component(event)
    return bytes(cal.to_ical())
