import datetime

import pytest
from django.utils import timezone

from steward.core import jobs
from steward.core.models import AuditEntry, Job, Schedule
from steward.core.models.jobs import JobStatus
from steward.org.models import Organisation

pytestmark = pytest.mark.django_db


@jobs.job_handler("test.count_to")
def count_to(*, reporter, user, n):
    for i in range(1, n + 1):
        reporter.progress(i, n, message=f"at {i}")
    reporter.log("counted")
    Organisation.objects.create(name=f"made by job {n}")
    return {"counted": n}


@jobs.job_handler("test.explode")
def explode(*, reporter, user):
    raise RuntimeError("disk full")


def test_job_reports_progress_log_result_and_audits_its_writes_as_task(make_user):
    user = make_user("admin")
    job = jobs.job_start(handler="test.count_to", name="Count", arguments={"n": 3}, user=user)
    job = jobs.job_execute(job)
    assert job.status == JobStatus.SUCCEEDED and job.result == {"counted": 3}
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert "counted" in job.log
    entry = AuditEntry.objects.get(object_repr="made by job 3")
    assert (entry.origin, entry.actor, entry.request_id) == ("task", user, f"job-{job.pk}")


def test_failing_job_is_marked_failed_with_its_reason():
    job = jobs.job_execute(jobs.job_start(handler="test.explode", name="Boom"))
    assert job.status == JobStatus.FAILED
    assert "disk full" in job.message and "disk full" in job.log


def test_job_start_enqueues_the_task_on_commit(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(handler="test.count_to", name="Count", arguments={"n": 1})
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"job_id": str(job.pk)}


def test_unknown_handler_is_refused():
    with pytest.raises(LookupError):
        jobs.job_start(handler="nope", name="x")


def test_a_job_runs_once_even_if_executed_twice():
    job = jobs.job_start(handler="test.count_to", name="Count", arguments={"n": 2})
    jobs.job_execute(job)
    jobs.job_execute(Job.objects.get(pk=job.pk))
    assert Organisation.objects.filter(name="made by job 2").count() == 1


def test_due_schedule_starts_one_job_even_when_two_workers_tick():
    jobs.schedule_ensure(
        name="nightly",
        handler="test.count_to",
        interval=datetime.timedelta(hours=1),
        arguments={"n": 1},
    )
    now = timezone.now()
    first = [j for j in jobs.schedules_tick(now=now) if j.handler == "test.count_to"]
    second = [j for j in jobs.schedules_tick(now=now) if j.handler == "test.count_to"]
    assert len(first) == 1 and second == []
    schedule = Schedule.objects.get(name="nightly")
    assert schedule.next_run_at == now + datetime.timedelta(hours=1)


def test_stale_schedule_snapshot_loses_the_race():
    """A worker that read the schedule before another claimed it must not start it again."""
    schedule = jobs.schedule_ensure(
        name="race",
        handler="test.count_to",
        interval=datetime.timedelta(minutes=5),
        arguments={"n": 1},
    )
    now = timezone.now()
    stale_next = schedule.next_run_at
    assert [j.name for j in jobs.schedules_tick(now=now) if j.handler == "test.count_to"] == [
        "race (scheduled)"
    ]
    won = Schedule.objects.filter(pk=schedule.pk, next_run_at=stale_next).update(
        next_run_at=now + datetime.timedelta(minutes=5)
    )
    assert won == 0
