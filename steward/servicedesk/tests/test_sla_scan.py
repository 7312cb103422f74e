"""The scan rows (S1-S6) of the SLA test matrix: warnings and breaches once, escalations."""

from __future__ import annotations

import pytest
from django.test.utils import CaptureQueriesContext

from steward.core import events
from steward.core.jobs import job_execute, job_start
from steward.core.models.jobs import Schedule
from steward.notifications.models import Notification
from steward.servicedesk.models import EscalationAction, EscalationRule, SLAClock, Ticket
from steward.servicedesk.sla.scan import HANDLER, sla_scan
from steward.servicedesk.tests.sla_world import Frozen, b, build_world
from steward.servicedesk.tests.test_sla_engine import active, fresh, open_ticket, pend

pytestmark = pytest.mark.django_db
WARNING, BREACH = EscalationRule.Trigger.WARNING, EscalationRule.Trigger.BREACH


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clock(monkeypatch):
    return Frozen(monkeypatch)


@pytest.fixture
def published(monkeypatch):
    seen = []
    monkeypatch.setattr(events, "publish", lambda name, **payload: seen.append((name, payload)))
    return seen


def sla_events(published, name):
    return [p for n, p in published if n == name]


def test_s1_warning_once_when_the_clock_passes_the_threshold(world, clock, published):
    t = open_ticket(world, clock, b(12, 1, 9))  # response 4 h: warns at 3 h 12 min (12:12)
    EscalationRule.objects.create(
        policy=world.standard, trigger=WARNING, metric="response", action=EscalationAction.NOTIFY
    )
    assert sla_scan(now=b(12, 1, 12, 11)) == {"warnings": 0, "breaches": 0}
    assert sla_scan(now=b(12, 1, 12, 13)) == {"warnings": 1, "breaches": 0}
    assert sla_scan(now=b(12, 1, 12, 14)) == {"warnings": 0, "breaches": 0}
    response = active(t, "response")
    assert response.warned_at == b(12, 1, 12, 13)
    assert response.breached_at is None
    warnings = sla_events(published, "servicedesk.sla_warning")
    assert warnings == [{"clock_id": response.pk, "ticket_id": t.pk, "metric": "response"}]


def test_s2_breach_once_sets_the_ticket_flag(world, clock, published):
    t = open_ticket(world, clock, b(12, 1, 9))
    EscalationRule.objects.create(
        policy=world.standard, trigger=BREACH, action=EscalationAction.NOTIFY
    )
    assert sla_scan(now=b(12, 1, 13, 1)) == {"warnings": 0, "breaches": 1}
    assert sla_scan(now=b(12, 1, 13, 2)) == {"warnings": 0, "breaches": 0}
    response = active(t, "response")
    assert response.breached_at == b(12, 1, 13, 1)
    assert response.warned_at == b(12, 1, 13, 1)
    assert fresh(t).response_breached is True
    assert fresh(t).resolution_breached is False
    assert len(sla_events(published, "servicedesk.sla_breached")) == 1


def test_s3_notify_reaches_team_lead_assignee_and_named_person(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    Ticket.objects.filter(pk=t.pk).update(assignee=world.agent_person)
    EscalationRule.objects.create(
        policy=world.standard,
        trigger=BREACH,
        metric="response",
        action=EscalationAction.NOTIFY,
        notify_person=world.requester,  # no login: skipped
    )
    sla_scan(now=b(12, 1, 13, 1))
    sla_scan(now=b(12, 1, 13, 5))
    notified = Notification.objects.filter(event="servicedesk.sla_breached")
    assert sorted(n.recipient.username for n in notified) == ["sla_agent", "sla_lead"]


def test_s4_reassign_moves_the_ticket_and_restarts_the_ola(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    EscalationRule.objects.create(
        policy=world.standard,
        trigger=BREACH,
        metric="response",
        action=EscalationAction.REASSIGN,
        reassign_team=world.team_b,
    )
    clock.set(b(12, 1, 13, 1))
    sla_scan(now=b(12, 1, 13, 1))
    assert fresh(t).team_id == world.team_b.pk
    assert active(t, "ola").team_id == world.team_b.pk
    old = SLAClock.objects.get(ticket=t, metric="ola", is_active=False)
    assert old.team_id == world.team_a.pk


def test_s5_raise_priority_by_one_and_targets_follow(world, clock):
    from steward.servicedesk.models import SLATarget

    SLATarget.objects.create(
        policy=world.standard, priority=2, response_minutes=120, resolution_minutes=480
    )
    t = open_ticket(world, clock, b(12, 1, 9))
    EscalationRule.objects.create(
        policy=world.standard,
        trigger=WARNING,
        metric="resolution",
        action=EscalationAction.RAISE_PRIORITY,
    )
    # Resolution 16 h warns at 12 h 48 min: Wed 2 Dec 12:48.
    clock.set(b(12, 2, 12, 49))
    sla_scan(now=b(12, 2, 12, 49))
    row = fresh(t)
    assert row.priority == 2
    assert active(t, "resolution").target_minutes == 480
    assert row.resolution_breached is True  # 11 h 49 min elapsed against 8 h


def test_raise_priority_stays_at_p1(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), priority=(1, 1))
    EscalationRule.objects.create(
        policy=world.standard, trigger=BREACH, action=EscalationAction.RAISE_PRIORITY
    )
    clock.set(b(12, 1, 10, 1))
    sla_scan(now=b(12, 1, 10, 1))
    assert fresh(t).priority == 1


def test_s6_paused_and_stopped_clocks_are_never_warned_or_breached(world, clock):
    from steward.servicedesk.services import ticket_transition

    paused = open_ticket(world, clock, b(12, 1, 9))
    pend(paused, clock, b(12, 1, 10))
    done = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 10))
    ticket_transition(ticket=done, actor=None, status="resolved", resolution="ok")
    assert sla_scan(now=b(12, 9, 9)) == {"warnings": 0, "breaches": 0}
    assert not SLAClock.objects.filter(breached_at__isnull=False).exists()


def test_the_scan_reads_due_clocks_by_index_not_every_ticket(world, clock):
    from django.db import connection

    for _ in range(5):
        open_ticket(world, clock, b(12, 1, 9))
    with CaptureQueriesContext(connection) as ctx:
        sla_scan(now=b(12, 1, 9, 30))
    assert len(ctx.captured_queries) == 2
    assert all("servicedesk_ticket" not in q["sql"] for q in ctx.captured_queries)


def test_the_scan_runs_as_a_job_on_a_one_minute_schedule(world, clock):
    schedule = Schedule.objects.get(handler=HANDLER)
    assert schedule.interval_seconds == 60
    open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 13, 1))
    job = job_execute(job_start(handler=HANDLER, name="scan"))
    assert job.result == {"warnings": 0, "breaches": 1}
