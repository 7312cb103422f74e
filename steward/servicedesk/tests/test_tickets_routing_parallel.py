"""Round robin with writers side by side (PostgreSQL): concurrent tickets of one team take
turns, and a new ticket does not wait for another of the team that is still being written.
SQLite runs one writer at a time, so neither question arises there."""

import collections
import itertools
import threading

import pytest
from django.db import connection, transaction

from steward.core.permissions import Role
from steward.servicedesk.models import AssignmentMethod, RoutingRule, TeamSetting, Ticket
from steward.servicedesk.services import routing
from steward.servicedesk.sla import engine
from steward.servicedesk.tests import tickets_world as w

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite", reason="SQLite has one writer at a time: no parallel picks"
    ),
]
desk = w.desk  # fixture


def _crew(desk, size=2):
    internal = desk["internal"]
    people = [w.person(internal, Role.AGENT, first_name=f"M{i}") for i in range(size)]
    crew = w.team(internal, "Parallel crew", people)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    return crew, people


def _in_thread(target):
    failures: list[BaseException] = []

    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


def test_picks_in_open_transactions_take_turns(desk):
    """Six transactions pick at once and stay open a moment: each UPDATE waits for the row
    and then reads the cursor the previous one left, so nobody gets a turn twice in a row."""
    crew, (a, b) = _crew(desk)
    start = threading.Barrier(6)
    picks: list[int] = []

    def pick_and_hold():
        setting = routing.team_setting(crew.pk)
        start.wait(10)
        with transaction.atomic():
            picks.append(routing.pick(setting).pk)
            threading.Event().wait(0.1)

    runs = [_in_thread(pick_and_hold) for _ in range(6)]
    for thread, failures in runs:
        thread.join(30)
        assert not failures, failures
    assert collections.Counter(picks) == {a.pk: 3, b.pk: 3}
    assert all(x != y for x, y in itertools.pairwise(picks)), picks


def test_a_new_ticket_does_not_wait_for_another_of_its_team_being_written(desk, monkeypatch):
    crew, (a, b) = _crew(desk)
    RoutingRule.objects.create(name="all to the crew", set_team=crew)
    writing, release = threading.Event(), threading.Event()
    opened = engine.ticket_opened

    def slow_write(ticket, at):
        if ticket.title == "slow":
            writing.set()
            release.wait(20)
        return opened(ticket, at=at)

    monkeypatch.setattr(engine, "ticket_opened", slow_write)
    thread, failures = _in_thread(lambda: w.new_ticket(desk, title="slow"))
    try:
        assert writing.wait(10), failures
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting for the slow one fails
        quick = w.new_ticket(desk, title="quick")
    finally:
        release.set()
        thread.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not failures, failures
    slow = Ticket.objects.get(title="slow")
    assert (slow.assignee, quick.assignee) == (a, b)
