"""Configuration changes move the due times of running clocks (through a background job)."""

from __future__ import annotations

import datetime

import pytest

from steward.core import services
from steward.core.jobs import job_execute
from steward.core.models.jobs import Job, JobStatus
from steward.core.permissions import Role
from steward.core.testing import make_user
from steward.servicedesk.models import Holiday, SLATarget
from steward.servicedesk.sla.recalculate import HANDLER
from steward.servicedesk.sla.services import holidays_import
from steward.servicedesk.tests.sla_world import Frozen, b, build_world
from steward.servicedesk.tests.test_sla_engine import fresh, open_ticket, pend
from steward.servicedesk.tests.test_sla_ical import ics

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clock(monkeypatch):
    return Frozen(monkeypatch)


@pytest.fixture
def manager(db):
    return make_user(Role.IT_MANAGER)


def run_queued():
    jobs = list(Job.objects.filter(handler=HANDLER, status=JobStatus.QUEUED))
    return [job_execute(job) for job in jobs]


def test_a_new_holiday_on_the_due_day_moves_the_due_time(
    world, clock, manager, django_capture_on_commit_callbacks
):
    t = open_ticket(world, clock, b(12, 1, 9))  # resolution due Wed 2 Dec 16:00
    clock.set(b(12, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.object_create(
            model=Holiday,
            data={"calendar": world.office, "date": datetime.date(2026, 12, 2), "name": "Strike"},
            actor=manager,
        )
    (job,) = run_queued()
    assert job.status == JobStatus.SUCCEEDED, job.log
    row = fresh(t)
    assert row.resolution_due == b(12, 3, 16)  # Wed is off now: Thu 16:00
    assert row.response_due == b(12, 1, 13)  # today's hours are unchanged


def test_an_imported_holiday_file_moves_the_due_time_too(
    world, clock, manager, django_capture_on_commit_callbacks
):
    t = open_ticket(world, clock, b(12, 1, 9))
    with django_capture_on_commit_callbacks(execute=True):
        holidays_import(
            calendar=world.office,
            data=ics("DTSTART;VALUE=DATE:20261202\r\nSUMMARY:Strike\r\n"),
            actor=manager,
        )
    run_queued()
    assert fresh(t).resolution_due == b(12, 3, 16)


def test_a_changed_target_re_targets_open_tickets_and_keeps_elapsed(
    world, clock, manager, django_capture_on_commit_callbacks
):
    t = open_ticket(world, clock, b(12, 1, 9))
    pend(t, clock, b(12, 1, 11))
    target = SLATarget.objects.get(policy=world.standard, priority=3)
    clock.set(b(12, 1, 12))
    with django_capture_on_commit_callbacks(execute=True):
        services.object_update(obj=target, data={"resolution_minutes": 480}, actor=manager)
        services.object_update(obj=target, data={"response_minutes": 120}, actor=manager)
    assert Job.objects.filter(handler=HANDLER, status=JobStatus.QUEUED).count() == 1
    run_queued()
    row = fresh(t)
    assert row.sla_paused is True
    assert row.response_breached is False  # 2 h of 2 h, paused
    clock.set(b(12, 1, 13))
    from steward.servicedesk.services import ticket_transition

    ticket_transition(ticket=row, actor=None, status="in_progress")
    assert fresh(t).resolution_due == b(12, 2, 10)  # 2 h used of 8 h: 4 h today, 2 h Wed
