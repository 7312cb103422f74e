"""Keep due times right when the configuration changes: a holiday added to a calendar moves
the due time of every clock running on it, a new target re-targets the open tickets.

Changes of calendars, hours, holidays, policies and targets are heard on the event bus (the
generic services announce ``servicedesk.<model>_<verb>``); each starts one background job,
unless one is already waiting, which re-synchronises the affected open tickets.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from steward.core import events
from steward.core.jobs import job_handler, job_start
from steward.core.models.jobs import Job, JobStatus
from steward.servicedesk.models import Holiday, SLAClock, Ticket, WorkingHours
from steward.servicedesk.models.tickets import OPEN_STATUSES
from steward.servicedesk.sla import engine

HANDLER = "servicedesk.sla_recalculate"
BATCH = 500
CALENDAR_ROWS = {"servicedesk.Holiday": Holiday, "servicedesk.WorkingHours": WorkingHours}
EVENTS = [
    f"servicedesk.{model}_{verb}"
    for model in ("businesscalendar", "workinghours", "holiday", "slapolicy", "slatarget")
    for verb in ("created", "updated", "deleted")
]


def recalculate(*, calendar_id: int | None = None, now: datetime.datetime | None = None) -> int:
    """Re-synchronise the open tickets with a clock running on ``calendar_id`` (all open
    tickets when None: a policy or target change may choose other policies). Returns how
    many tickets were looked at."""
    now = now or timezone.now()
    if calendar_id is not None:
        ids = (
            SLAClock.objects.filter(
                is_active=True, stopped_at__isnull=True, policy__calendar_id=calendar_id
            )
            .order_by("ticket_id")
            .values_list("ticket_id", flat=True)
            .distinct()
        )
    else:
        ids = (
            Ticket.objects.filter(status__in=OPEN_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    done, last = 0, 0
    while True:
        chunk = list(ids.filter(**{"ticket_id__gt" if calendar_id else "pk__gt": last})[:BATCH])
        if not chunk:
            return done
        for ticket in Ticket.objects.filter(pk__in=chunk):
            with transaction.atomic():
                engine.ticket_recalculate(ticket, at=now)
        done += len(chunk)
        last = chunk[-1]


@job_handler(HANDLER)
def recalculate_job(
    *, reporter: Any, user: Any = None, calendar_id: int | None = None
) -> dict[str, int]:
    count = recalculate(calendar_id=calendar_id)
    reporter.log(f"re-synchronised {count} tickets")
    return {"tickets": count}


def _calendar_of(model: str, pk: Any, event: str) -> int | None:
    """The calendar a changed row belongs to; None when every open ticket is concerned (a
    policy or target, or a deleted row whose calendar is gone with it)."""
    if event.endswith("_deleted"):
        return None
    if model == "servicedesk.BusinessCalendar":
        return int(pk)
    row_model = CALENDAR_ROWS.get(model)
    if row_model is None:
        return None
    return row_model.objects.filter(pk=pk).values_list("calendar_id", flat=True).first()


def on_change(*, event: str, model: str = "", pk: Any = None, **payload: Any) -> None:
    if event == "servicedesk.holidays_imported":
        calendar = payload.get("calendar_id")
    else:
        calendar = _calendar_of(model, pk, event)
    arguments = {"calendar_id": calendar} if calendar else {}
    waiting = Job.objects.filter(handler=HANDLER, status=JobStatus.QUEUED).only("arguments")
    if any(job.arguments in ({}, arguments) for job in waiting[:20]):
        return
    with transaction.atomic():
        job_start(handler=HANDLER, name="Recalculate SLA due times", arguments=arguments)


def register() -> None:
    for name in [*EVENTS, "servicedesk.holidays_imported"]:
        events.subscribe(name, on_change)
