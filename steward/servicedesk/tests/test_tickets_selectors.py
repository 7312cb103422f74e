import datetime

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk import selectors
from steward.servicedesk.models import Service, Status, Ticket
from steward.servicedesk.services import ticket_reply, ticket_transition
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
new_ticket = w.new_ticket


def test_ticket_list_is_restricted_and_one_query(desk):
    mine = new_ticket(desk)
    new_ticket(desk, requester=desk["agent"])
    assert list(selectors.ticket_list(desk["users"][Role.EMPLOYEE])) == [mine]
    with query_budget(3):
        rows = list(selectors.ticket_list(desk["users"][Role.AGENT]))
        [(t.requester.pk, t.organisation.name, t.team, t.assignee, t.category) for t in rows]
    assert len(rows) == 2


def test_ticket_list_filters(desk):
    agent = desk["users"][Role.AGENT]
    a = new_ticket(desk, actor=agent, team=desk["network"])
    b = new_ticket(desk, actor=agent, team=desk["network"], assignee=desk["agent"])
    ticket_transition(ticket=b, actor=agent, status="resolved", resolution="ok")
    assert set(selectors.ticket_list(agent, open=True)) == {a}
    assert set(selectors.ticket_list(agent, team=desk["network"], unassigned=True)) == {a}
    assert set(selectors.ticket_list(agent, assignee=desk["agent"])) == {b}
    assert set(selectors.ticket_list(agent, requester=desk["employee"])) == {a, b}
    assert set(selectors.ticket_list(agent, status=Status.RESOLVED)) == {b}


def test_breaching_within_leaves_out_paused_breached_and_done(desk):
    now = timezone.now()
    soon, later = now + datetime.timedelta(minutes=30), now + datetime.timedelta(hours=5)
    due_soon, due_later, paused, breached = (new_ticket(desk) for _ in range(4))
    Ticket.objects.filter(pk__in=[due_soon.pk, paused.pk, breached.pk]).update(resolution_due=soon)
    Ticket.objects.filter(pk=due_later.pk).update(resolution_due=later)
    Ticket.objects.filter(pk=paused.pk).update(sla_paused=True)
    Ticket.objects.filter(pk=breached.pk).update(resolution_breached=True)
    assert list(Ticket.objects.breaching_within(60, now=now)) == [due_soon]
    assert set(Ticket.objects.breaching_within(600, now=now)) == {due_soon, due_later}


def test_ticket_get_refuses_malformed_and_foreign_ids(desk):
    ticket = new_ticket(desk, requester=desk["acme_contact"])
    assert selectors.ticket_get(desk["users"]["acme_contact"], ticket.pk) == ticket
    assert selectors.ticket_get(desk["users"]["globex_contact"], ticket.pk) is None
    for bad in ("abc", "²", "-1", 2**70, None):
        assert selectors.ticket_get(desk["users"][Role.AGENT], bad) is None


def test_ticket_by_reference_accepts_brackets_case_and_either_prefix(desk):
    ticket = new_ticket(desk)
    number = ticket.pk
    for text in (ticket.reference, f"[{ticket.reference.lower()}]", f"REQ-{number}"):
        assert selectors.ticket_by_reference(text) == ticket
    assert selectors.ticket_by_reference("INC-99999999") is None
    assert selectors.ticket_by_reference("hello") is None


def test_entries_for_hides_notes_from_requesters(desk):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    ticket_reply(ticket=ticket, actor=agent, body="internal", kind="note")
    ticket_reply(ticket=ticket, actor=agent, body="public")
    employee_view = [e.body for e in selectors.entries_for(ticket, desk["users"][Role.EMPLOYEE])]
    assert "public" in employee_view and "internal" not in employee_view
    assert "internal" in [e.body for e in selectors.entries_for(ticket, agent)]


def test_open_major_incidents_and_service_status(desk):
    mail = Service.objects.create(name="Mail", slug="mail")
    Service.objects.create(name="Payroll", slug="payroll", is_public=False, order=1)
    major = new_ticket(desk, actor=desk["users"][Role.AGENT], is_major=True, service=mail)
    new_ticket(desk, is_major=False, service=mail)
    done = new_ticket(desk, actor=desk["users"][Role.AGENT], is_major=True, service=mail)
    Ticket.objects.filter(pk=done.pk).update(status=Status.CLOSED)
    assert list(selectors.open_major_incidents()) == [major]
    assert [s.slug for s in selectors.service_status_list()] == ["payroll", "mail"]
