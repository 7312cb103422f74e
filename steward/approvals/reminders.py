"""Stages left pending too long: reminders (schedule ``approvals.remind``) and escalations of
stages with a timeout (schedule ``approvals.escalate``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from steward.approvals.models import ApprovalStage, RequestStatus, StageStatus
from steward.core.jobs import job_handler

HANDLER = "approvals.remind"
ESCALATE_HANDLER = "approvals.escalate"
DEFAULT_HOURS = 24


def stages_due(*, hours: float, now: datetime.datetime | None = None) -> Any:
    """Pending stages opened, and last reminded, more than ``hours`` ago."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=hours)
    return (
        ApprovalStage.objects.filter(
            status=StageStatus.PENDING,
            request__status=RequestStatus.PENDING,
            opened_at__lte=cutoff,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
        .select_related("request__requester")
        .prefetch_related("approvers", "decisions")
    )


def remind_pending(*, hours: float = DEFAULT_HOURS, now: datetime.datetime | None = None) -> int:
    """Remind the undecided approvers of every overdue stage once per ``hours``."""
    from steward.approvals.services import EVENT_REMINDER, notify_approvers

    now = now or timezone.now()
    count = 0
    for stage in stages_due(hours=hours, now=now):
        notify_approvers(stage, event=EVENT_REMINDER)
        ApprovalStage.objects.filter(pk=stage.pk).update(reminded_at=now)
        count += 1
    return count


@job_handler(HANDLER)
def remind_job(*, reporter: Any, user: Any = None, hours: float = DEFAULT_HOURS) -> dict[str, int]:
    count = remind_pending(hours=float(hours))
    reporter.log(f"reminded approvers of {count} stages")
    return {"stages": count}


def stages_to_escalate(*, now: datetime.datetime | None = None) -> Any:
    """Pending stages past their ``escalate_at`` that have not escalated yet."""
    return ApprovalStage.objects.filter(
        status=StageStatus.PENDING,
        request__status=RequestStatus.PENDING,
        escalate_at__lte=now or timezone.now(),
        escalated_at__isnull=True,
    ).select_related("request__requester", "escalate_to")


def escalate_overdue(*, now: datetime.datetime | None = None) -> int:
    """Hand every timed-out stage to its escalation approver, who joins the approvers and may
    decide it alone; they are told by a mail they can answer, the requester is told too.
    Each stage escalates once (a stage already escalated is skipped on the next run)."""
    from steward.approvals.services import escalate_stage

    now = now or timezone.now()
    count = 0
    for stage in stages_to_escalate(now=now):
        if escalate_stage(stage, now=now):
            count += 1
    return count


@job_handler(ESCALATE_HANDLER)
def escalate_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
    count = escalate_overdue()
    reporter.log(f"escalated {count} stages")
    return {"stages": count}
