"""Jobs: long work with status, progress, log and result, run by ``steward worker``.

An app registers a handler (``@job_handler("imports.run")``); ``job_start`` records the Job
and enqueues it on commit; the worker runs it in a ``task`` change context. Schedules start
jobs periodically, claimed with a conditional update so two workers never run one twice.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from steward.core.context import Origin, change_context
from steward.core.models.jobs import Job, JobStatus, Schedule
from steward.core.tasks import task

log = logging.getLogger(__name__)


class JobReporter:
    """Handed to a handler so that it can report progress and log lines."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        fields: dict[str, Any] = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["message"] = message[:255]
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def log(self, line: str) -> None:
        stamp = timezone.now().strftime("%H:%M:%S")
        Job.objects.filter(pk=self.job.pk).update(log=Concat(F("log"), Value(f"{stamp} {line}\n")))


Handler = Callable[..., Any]
_handlers: dict[str, Handler] = {}


def job_handler(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[name] = fn
        return fn

    return register


def handlers() -> dict[str, Handler]:
    return dict(_handlers)


def job_start(
    *, handler: str, name: str, arguments: dict[str, Any] | None = None, user: Any = None
) -> Job:
    if handler not in _handlers:
        raise LookupError(f"no job handler named {handler!r}")
    job = Job.objects.create(
        name=name[:200],
        handler=handler,
        arguments=arguments or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: run_job.enqueue(job_id=str(job.pk)))
    return job


def job_execute(job: Job) -> Job:
    """Run a job in this process (the worker calls this; so do tests)."""
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        job.refresh_from_db()
        return job
    reporter = JobReporter(job)
    user = job.created_by
    try:
        with change_context(origin=Origin.TASK, user=user, request_id=f"job-{job.pk}"):
            result = _handlers[job.handler](reporter=reporter, user=user, **job.arguments)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        reporter.log("".join(traceback.format_exception_only(exc)).strip())
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=str(exc)[:255], finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


@task()
def run_job(job_id: str) -> str:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return str(job_execute(job).status)


def schedule_ensure(
    *,
    name: str,
    handler: str,
    interval: datetime.timedelta,
    arguments: dict[str, Any] | None = None,
) -> Schedule:
    schedule, _ = Schedule.objects.get_or_create(
        name=name,
        defaults={
            "handler": handler,
            "arguments": arguments or {},
            "interval_seconds": int(interval.total_seconds()),
            "next_run_at": timezone.now(),
        },
    )
    return schedule


def schedules_tick(now: datetime.datetime | None = None) -> list[Job]:
    """Start every due schedule once. Safe to call from any number of workers at once."""
    now = now or timezone.now()
    started = []
    for schedule in Schedule.objects.filter(enabled=True, next_run_at__lte=now):
        following = now + datetime.timedelta(seconds=schedule.interval_seconds)
        # Run bookkeeping is not audited (those fields are excluded), so skip the audited
        # queryset's extra reads.
        won = Schedule._base_manager.filter(
            pk=schedule.pk, next_run_at=schedule.next_run_at
        ).update(next_run_at=following, last_run_at=now)
        if won and schedule.handler in _handlers:
            with transaction.atomic():
                started.append(
                    job_start(
                        handler=schedule.handler,
                        name=f"{schedule.name} (scheduled)",
                        arguments=schedule.arguments,
                    )
                )
    return started
