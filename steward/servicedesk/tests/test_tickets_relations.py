import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.core.models import AuditEntry, Watch
from steward.core.permissions import Role
from steward.servicedesk.models import Status, Ticket, TicketEntry, TicketLink, TimeEntry
from steward.servicedesk.services import (
    ticket_bulk_update,
    ticket_link,
    ticket_merge,
    ticket_reply,
    ticket_update,
    time_entry_add,
)
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk, spy = w.desk, w.spy  # fixtures
new_ticket = w.new_ticket


def test_link_refuses_self_and_duplicates_and_related_counts_both_ways(desk, spy):
    agent = desk["users"][Role.AGENT]
    a, b = new_ticket(desk), new_ticket(desk)
    with pytest.raises(ValidationError) as err:
        ticket_link(source=a, target=a, kind="related_to", actor=agent)
    assert "target" in err.value.message_dict
    ticket_link(source=a, target=b, kind="related_to", actor=agent)
    for source, target in ((a, b), (b, a)):
        with pytest.raises(ValidationError):
            ticket_link(source=source, target=target, kind="related_to", actor=agent)
    ticket_link(source=a, target=b, kind="caused_by", actor=agent)
    assert TicketLink.objects.count() == 2
    assert TicketEntry.objects.filter(ticket=a, body__startswith="Linked: caused by").exists()


def test_link_kind_must_be_known_and_employee_cannot_link(desk, spy):
    a, b = new_ticket(desk), new_ticket(desk)
    with pytest.raises(ValidationError) as err:
        ticket_link(source=a, target=b, kind="blocks", actor=desk["users"][Role.AGENT])
    assert "kind" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        ticket_link(source=a, target=b, kind="related_to", actor=desk["users"][Role.EMPLOYEE])


def test_merge_moves_conversation_links_children_time_and_watchers(desk, spy):
    agent_user = desk["users"][Role.AGENT]
    dup, target, other, child = (new_ticket(desk) for _ in range(4))
    ticket_reply(ticket=dup, actor=agent_user, body="Seen this")
    ticket_link(source=dup, target=other, kind="related_to", actor=agent_user)
    ticket_link(source=dup, target=target, kind="duplicate_of", actor=agent_user)
    ticket_update(ticket=child, actor=agent_user, data={"parent": dup})
    time_entry_add(ticket=dup, actor=agent_user, minutes=30)
    kind = ContentType.objects.get_for_model(Ticket)
    Watch.objects.create(user=desk["users"][Role.ADMIN], content_type=kind, object_id=str(dup.pk))

    result = ticket_merge(ticket=dup, into=target, actor=agent_user)

    dup.refresh_from_db()
    assert result.pk == target.pk
    assert (dup.status, dup.merged_into_id) == (Status.CANCELLED, target.pk)
    assert TicketEntry.objects.filter(ticket=target, body="Seen this").exists()
    assert TicketEntry.objects.filter(ticket=dup, body__contains=target.reference).exists()
    assert TicketEntry.objects.filter(
        ticket=target, body=f"{dup.reference} was merged into this ticket"
    ).exists()
    assert list(TicketLink.objects.values_list("source", "target")) == [(target.pk, other.pk)]
    assert Ticket.objects.get(pk=child.pk).parent_id == target.pk
    assert Ticket.objects.get(pk=target.pk).time_spent_minutes == 30
    assert TimeEntry.objects.get().ticket_id == target.pk
    assert Watch.objects.get(content_type=kind).object_id == str(target.pk)


def test_merge_refuses_self_closed_and_merged_targets(desk, spy):
    agent = desk["users"][Role.AGENT]
    a, b, c = new_ticket(desk), new_ticket(desk), new_ticket(desk)
    with pytest.raises(ValidationError):
        ticket_merge(ticket=a, into=a, actor=agent)
    ticket_merge(ticket=b, into=c, actor=agent)
    with pytest.raises(ValidationError) as err:
        ticket_merge(ticket=a, into=b, actor=agent)
    assert "into" in err.value.message_dict
    with pytest.raises(ValidationError):
        ticket_merge(ticket=b, into=a, actor=agent)


def test_time_entry_adds_to_the_ticket_total_and_is_audited(desk, spy):
    agent = desk["users"][Role.AGENT]
    ticket = new_ticket(desk)
    time_entry_add(ticket=ticket, actor=agent, minutes=15, note="Called user")
    entry = time_entry_add(ticket=ticket, actor=agent, minutes=20)
    assert Ticket.objects.get(pk=ticket.pk).time_spent_minutes == 35
    assert entry.person == desk["agent"] and entry.date == timezone.localdate()
    assert AuditEntry.objects.filter(content_type__model="timeentry", action="create").count() == 2


@pytest.mark.parametrize("minutes", [0, -5, 1441, "10", True])
def test_time_entry_minutes_out_of_range_are_rejected(desk, spy, minutes):
    with pytest.raises(ValidationError) as err:
        time_entry_add(ticket=new_ticket(desk), actor=desk["users"][Role.AGENT], minutes=minutes)
    assert "minutes" in err.value.message_dict


def test_time_entry_in_the_future_is_rejected(desk, spy):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        time_entry_add(
            ticket=new_ticket(desk), actor=desk["users"][Role.AGENT], minutes=5, date=tomorrow
        )
    assert "date" in err.value.message_dict


def test_bulk_update_goes_through_the_single_ticket_rules(desk, spy):
    agent = desk["users"][Role.AGENT]
    tickets = [new_ticket(desk) for _ in range(3)]
    count = ticket_bulk_update(
        tickets=tickets,
        actor=agent,
        data={"team": desk["network"], "assignee": desk["agent2"], "priority": 1},
    )
    assert count == 3
    rows = Ticket.objects.filter(pk__in=[t.pk for t in tickets])
    assert {(t.team_id, t.assignee_id, t.priority, t.status) for t in rows} == {
        (desk["network"].pk, desk["agent2"].pk, 1, Status.ASSIGNED)
    }
    assert spy.names().count("servicedesk.ticket_assigned") >= 3


def test_bulk_update_is_all_or_nothing(desk, spy):
    agent = desk["users"][Role.AGENT]
    ok, done = new_ticket(desk), new_ticket(desk)
    Ticket.objects.filter(pk=done.pk).update(status=Status.CLOSED)
    done.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        ticket_bulk_update(
            tickets=[ok, done], actor=agent, data={"status": "resolved", "resolution": "Fixed"}
        )
    assert done.reference in err.value.message_dict["tickets"][0]
    assert Ticket.objects.get(pk=ok.pk).status == Status.NEW


def test_bulk_update_refuses_other_fields_and_too_many(desk, spy):
    agent = desk["users"][Role.AGENT]
    with pytest.raises(ValidationError) as err:
        ticket_bulk_update(tickets=[new_ticket(desk)], actor=agent, data={"title": "x"})
    assert "title" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        ticket_bulk_update(tickets=[new_ticket(desk)] * 501, actor=agent, data={"priority": 1})
    assert "tickets" in err.value.message_dict


def test_bulk_update_needs_agent_role(desk, spy):
    with pytest.raises(PermissionDenied):
        ticket_bulk_update(
            tickets=[new_ticket(desk)], actor=desk["users"][Role.EMPLOYEE], data={"priority": 1}
        )
