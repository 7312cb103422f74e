"""The engine rows (E1-E17) of the SLA test matrix, driven through the real ticket services
at frozen times."""

from __future__ import annotations

import pytest

from steward.servicedesk.models import SLAClock, SLAMetric, Ticket
from steward.servicedesk.services import (
    ticket_assign,
    ticket_create,
    ticket_reply,
    ticket_transition,
    ticket_update,
)
from steward.servicedesk.sla.engine import select_sla, ticket_sla_state
from steward.servicedesk.tests.sla_world import Frozen, H, b, build_world, utc

pytestmark = pytest.mark.django_db

P1, P3, P4 = (1, 1), (2, 2), (2, 3)  # (impact, urgency) giving that priority


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def clock(monkeypatch):
    return Frozen(monkeypatch)


def open_ticket(world, clock, moment, *, priority=P3, team=None, organisation=None):
    clock.set(moment)
    impact, urgency = priority
    return ticket_create(
        actor=None,
        requester=world.requester,
        title="Printer on fire",
        impact=impact,
        urgency=urgency,
        team=team,
        organisation=organisation,
    )


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def clocks_of(ticket, metric):
    return list(SLAClock.objects.filter(ticket=ticket, metric=metric).order_by("started_at", "id"))


def active(ticket, metric):
    (clock,) = [c for c in clocks_of(ticket, metric) if c.is_active]
    return clock


def state(ticket, metric, now):
    return ticket_sla_state(fresh(ticket), now)[metric]


def pend(ticket, clock, moment):
    clock.set(moment)
    return ticket_transition(
        ticket=ticket, actor=None, status="pending", pending_reason="requester"
    )


def work(ticket, clock, moment):
    clock.set(moment)
    return ticket_transition(ticket=ticket, actor=None, status="in_progress")


def test_e1_plain_working_hours(world, clock):
    t = fresh(open_ticket(world, clock, b(12, 1, 9)))
    assert t.sla_policy_id == world.standard.pk
    assert t.response_due == b(12, 1, 13)
    assert t.resolution_due == b(12, 2, 16)
    assert state(t, "resolution", b(12, 1, 9)).elapsed_seconds == 0


def test_e2_opened_outside_hours(world, clock):
    t = fresh(open_ticket(world, clock, b(12, 1, 18, 30)))
    assert t.response_due == b(12, 2, 12)
    assert t.resolution_due == b(12, 3, 15)


def test_e3_pause_on_pending_and_resume(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    t = pend(t, clock, b(12, 1, 10))
    row = fresh(t)
    assert row.sla_paused is True
    assert row.resolution_due is None
    paused = state(t, "resolution", b(12, 1, 16))
    assert (paused.paused, paused.elapsed_seconds) == (True, 1 * H)
    work(t, clock, b(12, 2, 10))
    row = fresh(t)
    assert row.sla_paused is False
    assert active(t, "resolution").elapsed_seconds == 1 * H
    assert row.resolution_due == b(12, 3, 16)


def test_e4_several_pauses(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    t = pend(t, clock, b(12, 1, 10))
    t = work(t, clock, b(12, 1, 11))
    t = pend(t, clock, b(12, 1, 12))
    t = work(t, clock, b(12, 2, 9))
    assert active(t, "resolution").elapsed_seconds == 2 * H
    assert fresh(t).resolution_due == b(12, 3, 14)


def test_e5_priority_raised_keeps_elapsed_and_breaches_the_response_at_once(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 11))
    ticket_update(ticket=t, actor=None, data={"priority": 1})
    row = fresh(t)
    resolution, response = active(t, "resolution"), active(t, "response")
    assert (resolution.elapsed_seconds, resolution.target_minutes) == (2 * H, 240)
    assert row.resolution_due == b(12, 1, 13)
    assert response.target_minutes == 60
    assert row.response_due == b(12, 1, 11)
    assert row.response_breached is True
    assert row.resolution_breached is False


def test_e6_priority_raised_after_the_new_target_passed_is_breached(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 2, 10))
    ticket_update(ticket=t, actor=None, data={"priority": 1})
    row = fresh(t)
    assert active(t, "resolution").elapsed_seconds == 10 * H
    assert row.resolution_due == b(12, 2, 10)
    assert row.resolution_breached is True
    assert state(t, "resolution", b(12, 2, 10)).remaining_seconds == -6 * H


def test_e7_organisation_change_selects_another_policy_and_keeps_elapsed(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 11))
    ticket_update(ticket=t, actor=None, data={"organisation": world.gold_org})
    row = fresh(t)
    assert row.sla_policy_id == world.gold.pk
    resolution = active(t, "resolution")
    assert (resolution.policy_id, resolution.elapsed_seconds) == (world.gold.pk, 2 * H)
    assert row.resolution_due == b(12, 1, 17)


def test_e8_reassignment_restarts_the_ola_and_keeps_the_old_one_as_history(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    assert active(t, "ola").team_id == world.team_a.pk
    clock.set(b(12, 1, 12))
    ticket_assign(ticket=t, actor=None, team=world.team_b)
    old, new = clocks_of(t, "ola")
    assert (old.team_id, old.is_active, old.stopped_at) == (world.team_a.pk, False, b(12, 1, 12))
    assert old.elapsed_seconds == 3 * H
    assert (new.team_id, new.is_active, new.elapsed_seconds) == (world.team_b.pk, True, 0)
    assert new.due_at == b(12, 2, 11)
    assert fresh(t).resolution_due == b(12, 2, 16)


def test_e9_reopening_resumes_the_resolution_clock_with_its_elapsed_time(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 12))
    t = ticket_transition(ticket=t, actor=None, status="resolved", resolution="Rebooted.")
    stopped = active(t, "resolution")
    assert (stopped.stopped_at, stopped.elapsed_seconds) == (b(12, 1, 12), 3 * H)
    assert fresh(t).resolution_due is None
    work(t, clock, b(12, 3, 9))
    resumed = active(t, "resolution")
    assert (resumed.stopped_at, resumed.elapsed_seconds) == (None, 3 * H)
    assert fresh(t).resolution_due == b(12, 4, 13)


def test_e10_24x7_policy(world, clock):
    t = fresh(open_ticket(world, clock, utc(12, 5, 22), organisation=world.gold_org))
    assert t.sla_policy_id == world.gold.pk
    assert t.response_due == utc(12, 5, 23)
    assert t.resolution_due == utc(12, 6, 6)


def test_e11_created_on_a_holiday(world, clock):
    t = fresh(open_ticket(world, clock, b(12, 24, 10)))
    assert t.response_due == b(12, 28, 12)
    assert t.resolution_due == b(12, 29, 15)


@pytest.mark.parametrize(("answered", "breached"), [((17, 0), False), ((17, 30), True)])
def test_e12_target_exactly_at_the_end_of_a_working_day(world, clock, answered, breached):
    t = open_ticket(world, clock, b(12, 1, 8), priority=P4)
    assert fresh(t).response_due == b(12, 1, 17)
    clock.set(b(12, 1, *answered))
    ticket_reply(ticket=t, actor=world.agent, body="On it.")
    response = active(t, "response")
    assert response.stopped_at == b(12, 1, *answered)
    assert fresh(t).response_breached is breached


def test_e13_first_response_stops_the_response_clock_only(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9))
    clock.set(b(12, 1, 10, 30))
    ticket_reply(ticket=t, actor=world.agent, body="Looking into it.")
    response = active(t, "response")
    assert (response.stopped_at, response.elapsed_seconds) == (b(12, 1, 10, 30), int(1.5 * H))
    row = fresh(t)
    assert (row.response_breached, row.response_due) == (False, None)
    assert active(t, "resolution").running_since is not None
    assert row.resolution_due == b(12, 2, 16)


def test_e14_resolving_stops_every_clock(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    clock.set(b(12, 1, 12))
    ticket_transition(ticket=t, actor=None, status="resolved", resolution="Done.")
    for metric in (SLAMetric.RESPONSE, SLAMetric.RESOLUTION, SLAMetric.OLA):
        assert active(t, metric).stopped_at == b(12, 1, 12), metric


def test_most_specific_policy_wins_then_order(world, clock):
    from steward.servicedesk.models import Service, SLAPolicy, SLATarget

    mail = Service.objects.create(name="Mail", slug="mail")
    by_service = SLAPolicy.objects.create(name="Mail SLA", service=mail, order=1)
    SLATarget.objects.create(policy=by_service, priority=3, resolution_minutes=100)
    both = SLAPolicy.objects.create(
        name="Gold mail", service=mail, organisation=world.gold_org, order=200
    )
    SLATarget.objects.create(policy=both, priority=3, resolution_minutes=50)
    t = Ticket(priority=3, organisation=world.internal, service=mail)
    assert select_sla(t).policy == by_service
    t.organisation = world.gold_org
    assert select_sla(t).policy == both
    t.service = None
    assert select_sla(t).policy == world.gold
    t.priority = 5
    assert select_sla(t) is None


def test_a_policy_without_a_target_for_the_priority_starts_no_clocks(world, clock):
    t = fresh(open_ticket(world, clock, b(12, 1, 9), priority=(3, 3)))  # P5
    assert t.sla_policy_id is None
    assert (t.response_due, t.resolution_due) == (None, None)
    assert not SLAClock.objects.filter(ticket=t).exists()


def test_a_change_that_moves_no_clock_writes_nothing_and_loads_no_calendar(world, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.servicedesk.sla.engine import ticket_changed

    t = fresh(open_ticket(world, clock, b(12, 1, 9), team=world.team_a))
    before = [(c.pk, c.updated_at) for c in SLAClock.objects.filter(ticket=t)]
    with CaptureQueriesContext(connection) as ctx:
        ticket_changed(t, changed={"assignee"}, previous={"assignee": None}, at=b(12, 1, 10))
    assert len(ctx.captured_queries) == 3  # clocks, SLA choice, OLA choice
    assert [(c.pk, c.updated_at) for c in SLAClock.objects.filter(ticket=t)] == before


def test_e15_over_the_spring_forward_weekend(world, clock):
    t = fresh(open_ticket(world, clock, b(3, 27, 16)))
    assert t.response_due == utc(3, 30, 9)
    assert t.resolution_due == utc(3, 31, 12)


def test_e16_paused_across_the_fall_back_weekend(world, clock):
    t = open_ticket(world, clock, b(10, 23, 15))
    t = pend(t, clock, b(10, 23, 16))
    work(t, clock, b(10, 26, 8))
    assert active(t, "resolution").elapsed_seconds == 1 * H
    assert fresh(t).resolution_due == utc(10, 27, 13)


def test_e17_a_whole_life_pause_reassign_resolve_and_reopen_by_the_requester(world, clock):
    t = open_ticket(world, clock, b(12, 1, 9), team=world.team_a)
    t = pend(t, clock, b(12, 1, 10))
    clock.set(b(12, 1, 11))
    t = ticket_assign(ticket=t, actor=None, team=world.team_b)
    clock.set(b(12, 2, 9))
    ticket_reply(ticket=t, actor=None, author=world.requester, body="Here is the log.")
    assert fresh(t).status == "in_progress"
    clock.set(b(12, 2, 12))
    t = ticket_transition(ticket=fresh(t), actor=None, status="resolved", resolution="Fixed.")
    assert active(t, "resolution").elapsed_seconds == 4 * H
    clock.set(b(12, 3, 9))
    ticket_reply(ticket=t, actor=None, author=world.requester, body="Broken again.")
    row = fresh(t)
    assert row.status == "in_progress"
    old_ola, new_ola = clocks_of(t, "ola")
    assert (old_ola.team_id, old_ola.is_active, old_ola.elapsed_seconds) == (
        world.team_a.pk,
        False,
        1 * H,
    )
    assert (new_ola.team_id, new_ola.elapsed_seconds, new_ola.due_at) == (
        world.team_b.pk,
        3 * H,
        b(12, 3, 14),
    )
    assert row.resolution_due == b(12, 4, 12)
    assert row.response_due == b(12, 3, 9)  # 4 h of 4 h used: due at once
    assert row.sla_paused is False


def test_live_state_of_a_ticket_costs_a_fixed_number_of_queries(world, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = fresh(open_ticket(world, clock, b(12, 1, 9), team=world.team_a))
    ticket_sla_state(t, b(12, 1, 10))  # policies now in the process cache
    with CaptureQueriesContext(connection) as ctx:
        state = ticket_sla_state(t, b(12, 1, 10))
    # clocks; the configuration generation (read per use outside a request); a calendar
    # with hours; its days
    assert len(ctx.captured_queries) == 4
    assert state["ola"].elapsed_seconds == state["resolution"].elapsed_seconds == 1 * H


def test_calendars_come_from_the_process_cache_and_follow_their_changes(
    world, clock, django_capture_on_commit_callbacks
):
    """A new ticket's clocks read no calendar rows once the process holds them; a holiday
    added one by one (signals) or imported from iCalendar (bulk) moves the next due time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.core import configcache
    from steward.core.permissions import Role
    from steward.core.testing import make_user
    from steward.servicedesk.models import Holiday
    from steward.servicedesk.sla.services import holidays_import

    manager = make_user(Role.ADMIN, username="calendar_admin")
    configcache.reset()  # the world as committed: the cache is live
    wednesday_4pm = b(12, 2, 16)  # 1 h of Wednesday's hours left, a 4 h response target
    assert open_ticket(world, clock, wednesday_4pm).response_due == b(12, 3, 11)
    with CaptureQueriesContext(connection) as ctx:
        assert open_ticket(world, clock, wednesday_4pm).response_due == b(12, 3, 11)
    tables = ("servicedesk_businesscalendar", "servicedesk_holiday")
    assert not [q for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]

    with django_capture_on_commit_callbacks(execute=True):
        Holiday.objects.create(calendar=world.office, date=b(12, 3).date(), name="Closed")
    assert open_ticket(world, clock, wednesday_4pm).response_due == b(12, 4, 11)

    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
        b"DTSTART;VALUE=DATE:20261204\r\nSUMMARY:Bridge day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert holidays_import(calendar=world.office, data=ics, actor=manager).created
    assert open_ticket(world, clock, wednesday_4pm).response_due == b(12, 7, 11)  # Monday
