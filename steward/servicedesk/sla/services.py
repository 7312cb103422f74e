"""State changes of the SLA configuration beyond plain CRUD."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from steward.core import events, permissions
from steward.servicedesk.models import BusinessCalendar, Holiday
from steward.servicedesk.sla.ical import parse_holidays


@dataclass
class HolidayImport:
    created: list[tuple[datetime.date, str]] = field(default_factory=list)
    skipped: list[tuple[datetime.date, str]] = field(default_factory=list)
    """Dates already on the calendar (or twice in the file)."""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": [{"date": d.isoformat(), "name": n} for d, n in self.created],
            "skipped": [{"date": d.isoformat(), "name": n} for d, n in self.skipped],
            "errors": self.errors,
        }


@transaction.atomic
def holidays_import(*, calendar: BusinessCalendar, data: bytes, actor: Any) -> HolidayImport:
    """Adds the all-day events of an iCalendar file as holidays of ``calendar``. Raises
    PermissionDenied, or ``ical.MalformedCalendar`` for a file that is not iCalendar."""
    permissions.ensure(actor, "change", calendar)
    permissions.ensure(actor, "add", Holiday)
    parsed = parse_holidays(data)
    result = HolidayImport(errors=parsed.errors)
    taken = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
    rows = []
    for day, name in parsed.days:
        if day in taken:
            result.skipped.append((day, name))
            continue
        taken.add(day)
        rows.append(Holiday(calendar=calendar, date=day, name=name))
        result.created.append((day, name))
    Holiday.objects.bulk_create(rows)
    if rows:
        events.publish("servicedesk.holidays_imported", calendar_id=calendar.pk, created=len(rows))
    return result
