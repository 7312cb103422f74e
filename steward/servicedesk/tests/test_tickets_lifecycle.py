import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core.permissions import Role
from steward.servicedesk.models import Status, Ticket, TicketEntry
from steward.servicedesk.services import ticket_transition
from steward.servicedesk.services.lifecycle import TRANSITIONS
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk, spy = w.desk, w.spy  # fixtures
new_ticket = w.new_ticket

FORBIDDEN = [
    (old, new)
    for old, new in itertools.product(Status.values, Status.values)
    if new not in TRANSITIONS[old]
]
ALLOWED = [(old, new) for old in Status.values for new in sorted(TRANSITIONS[old])]


def _at(desk, status):
    """A ticket put straight into ``status`` with what that status needs."""
    ticket = new_ticket(desk, team=desk["network"], assignee=desk["agent"])
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status,
        pending_reason="vendor" if status == Status.PENDING else "",
        resolution="Fixed" if status in (Status.RESOLVED, Status.CLOSED) else "",
    )
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize(("old", "new"), FORBIDDEN)
def test_every_transition_outside_the_table_is_rejected(desk, spy, old, new):
    ticket = _at(desk, old)
    with pytest.raises(ValidationError) as err:
        ticket_transition(
            ticket=ticket,
            actor=desk["users"][Role.AGENT],
            status=new,
            pending_reason="vendor",
            resolution="done",
        )
    assert "status" in err.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == old


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_every_transition_in_the_table_is_accepted(desk, spy, old, new):
    ticket = _at(desk, old)
    ticket_transition(
        ticket=ticket,
        actor=desk["users"][Role.AGENT],
        status=new,
        pending_reason="vendor",
        resolution="done",
    )
    ticket.refresh_from_db()
    assert ticket.status == new
    assert spy.payload("servicedesk.ticket_status_changed") == {
        "ticket_id": ticket.pk,
        "old": old,
        "new": new,
    }
    assert spy.sla[-1][1]["changed"] >= {"status"}


def test_closed_and_cancelled_are_final():
    assert TRANSITIONS[Status.CLOSED] == TRANSITIONS[Status.CANCELLED] == frozenset()


def test_pending_needs_a_reason(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(ValidationError) as err:
        ticket_transition(ticket=ticket, actor=desk["users"][Role.AGENT], status="pending")
    assert "pending_reason" in err.value.message_dict
    ticket_transition(
        ticket=ticket, actor=desk["users"][Role.AGENT], status="pending", pending_reason="vendor"
    )
    entry = TicketEntry.objects.filter(ticket=ticket).latest("id")
    assert entry.body == "Status: Pending (Waiting for a vendor)"


def test_resolved_needs_a_resolution_and_publishes_resolved(desk, spy):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    with pytest.raises(ValidationError) as err:
        ticket_transition(ticket=ticket, actor=agent, status="resolved")
    assert "resolution" in err.value.message_dict
    ticket_transition(ticket=ticket, actor=agent, status="resolved", resolution="Replaced toner")
    ticket.refresh_from_db()
    assert ticket.resolution == "Replaced toner" and ticket.resolved_at is not None
    assert ("servicedesk.ticket_resolved", {"ticket_id": ticket.pk}) in spy.events


def test_reopen_counts_and_clears_resolved_at(desk, spy):
    ticket = _at(desk, Status.RESOLVED)
    ticket_transition(ticket=ticket, actor=desk["users"][Role.AGENT], status="in_progress")
    ticket.refresh_from_db()
    assert (ticket.reopen_count, ticket.resolved_at) == (1, None)
    assert TicketEntry.objects.filter(ticket=ticket).latest("id").body == "Reopened"


def test_assigned_needs_an_assignee(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(ValidationError):
        ticket_transition(ticket=ticket, actor=desk["users"][Role.AGENT], status="assigned")


def test_requester_may_accept_reopen_or_withdraw_but_not_resolve(desk, spy):
    employee = desk["users"][Role.EMPLOYEE]
    ticket = new_ticket(desk)
    with pytest.raises(PermissionDenied):
        ticket_transition(ticket=ticket, actor=employee, status="resolved", resolution="x")
    ticket_transition(ticket=ticket, actor=employee, status="cancelled")
    resolved = _at(desk, Status.RESOLVED)
    ticket_transition(ticket=resolved, actor=employee, status="closed")
    resolved.refresh_from_db()
    assert resolved.status == Status.CLOSED and resolved.closed_at is not None


def test_someone_elses_ticket_cannot_be_withdrawn(desk, spy):
    ticket = new_ticket(desk, requester=desk["agent"])
    with pytest.raises(PermissionDenied):
        ticket_transition(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], status="cancelled")
