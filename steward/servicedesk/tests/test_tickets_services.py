import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.core.models import AuditEntry, Tag, TaggedItem
from steward.core.permissions import Role
from steward.servicedesk.models import (
    EntryKind,
    Impact,
    PriorityRule,
    Status,
    Ticket,
    TicketEntry,
    TicketKind,
    Urgency,
)
from steward.servicedesk.services import (
    ticket_assign,
    ticket_create,
    ticket_reply,
    ticket_transition,
    ticket_update,
)
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk, spy = w.desk, w.spy  # fixtures
new_ticket = w.new_ticket


def test_create_allocates_reference_from_primary_key_with_kind_prefix(desk, spy):
    incident = new_ticket(desk)
    request = new_ticket(desk, kind=TicketKind.REQUEST, title="New laptop")
    assert incident.reference == f"INC-{incident.pk:06d}"
    assert request.reference == f"REQ-{request.pk:06d}"
    assert Ticket.objects.get(pk=incident.pk).reference == incident.reference


def test_create_takes_priority_from_the_matrix_and_the_requester_organisation(desk, spy):
    PriorityRule.objects.filter(impact=Impact.HIGH, urgency=Urgency.HIGH).update(priority=2)
    ticket = new_ticket(desk, impact=Impact.HIGH, urgency=Urgency.HIGH)
    assert ticket.priority == 2
    assert ticket.organisation == desk["internal"]
    assert new_ticket(desk, impact=Impact.LOW, urgency=Urgency.LOW).priority == 5


def test_create_is_audited_published_timelined_and_starts_sla(desk, spy):
    ticket = new_ticket(desk, description="It EATS paper")
    assert AuditEntry.objects.filter(
        content_type__model="ticket", object_id=str(ticket.pk), action="create"
    ).exists()
    assert ("servicedesk.ticket_created", {"ticket_id": ticket.pk}) in spy.events
    assert ("opened", {}) in spy.sla
    assert ticket.search_text == f"{ticket.reference.lower()} printer jams it eats paper"
    assert TicketEntry.objects.filter(ticket=ticket, kind=EntryKind.EVENT).exists()


def test_create_without_title_or_requester_names_the_fields(desk, spy):
    with pytest.raises(ValidationError) as err:
        ticket_create(actor=None, requester=None, title="  ")
    assert {"title", "requester"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        new_ticket(desk, impact=7, channel="pigeon")
    assert {"impact", "channel"} <= set(err.value.message_dict)


def test_employee_opens_tickets_for_themselves_only(desk, spy):
    employee = desk["users"][Role.EMPLOYEE]
    with pytest.raises(PermissionDenied):
        ticket_create(actor=employee, requester=desk["agent"], title="On behalf")
    with pytest.raises(PermissionDenied):
        ticket_create(actor=employee, requester=desk["employee"], title="x", team=desk["network"])
    ticket = ticket_create(actor=employee, requester=desk["employee"], title="Mine")
    assert ticket.created_by == employee


def test_customer_cannot_open_a_ticket_for_another_organisation(desk, spy):
    contact = desk["users"]["acme_contact"]
    with pytest.raises(ValidationError) as err:
        ticket_create(
            actor=contact,
            requester=desk["acme_contact"],
            title="x",
            organisation=desk["globex"],
        )
    assert "organisation" in err.value.message_dict
    ticket = ticket_create(actor=contact, requester=desk["acme_contact"], title="Mine")
    assert ticket.organisation == desk["acme"]


def test_changing_impact_recomputes_priority_unless_priority_is_given(desk, spy):
    agent = desk["users"][Role.AGENT]
    ticket = new_ticket(desk, impact=Impact.LOW, urgency=Urgency.LOW)
    ticket = ticket_update(ticket=ticket, actor=agent, data={"impact": Impact.HIGH})
    assert ticket.priority == 3
    assert spy.sla[-1][0] == "changed" and "priority" in spy.sla[-1][1]["changed"]
    assert spy.sla[-1][1]["previous"]["priority"] == 5
    ticket = ticket_update(
        ticket=ticket, actor=agent, data={"urgency": Urgency.HIGH, "priority": 4}
    )
    assert ticket.priority == 4
    assert spy.payload("servicedesk.ticket_updated")["changed"] == ["urgency", "priority"]


def test_update_refuses_fields_it_does_not_own(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(ValidationError) as err:
        ticket_update(
            ticket=ticket, actor=desk["users"][Role.AGENT], data={"reference": "X", "reopen": 1}
        )
    assert set(err.value.message_dict) == {"reference", "reopen"}


def test_employee_may_not_update_a_ticket(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(PermissionDenied):
        ticket_update(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], data={"title": "x"})


def test_parent_cannot_make_a_cycle(desk, spy):
    agent = desk["users"][Role.AGENT]
    a, b, c = new_ticket(desk), new_ticket(desk), new_ticket(desk)
    ticket_update(ticket=b, actor=agent, data={"parent": a})
    ticket_update(ticket=c, actor=agent, data={"parent": b})
    for child, parent in ((a, c), (a, a)):
        with pytest.raises(ValidationError) as err:
            ticket_update(ticket=child, actor=agent, data={"parent": parent})
        assert "parent" in err.value.message_dict


def test_assign_sets_team_and_agent_writes_timeline_and_publishes(desk, spy):
    agent = desk["users"][Role.AGENT]
    ticket = new_ticket(desk)
    ticket = ticket_assign(
        ticket=ticket, actor=agent, team=desk["network"], assignee=desk["agent2"]
    )
    assert (ticket.team, ticket.assignee, ticket.status) == (
        desk["network"],
        desk["agent2"],
        Status.ASSIGNED,
    )
    bodies = list(TicketEntry.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert "Assigned to team Network" in bodies and f"Assigned to {desk['agent2']}" in bodies
    assert spy.payload("servicedesk.ticket_assigned") == {
        "ticket_id": ticket.pk,
        "team_id": desk["network"].pk,
        "assignee_id": desk["agent2"].pk,
    }
    changed = spy.sla[-1][1]["changed"]
    assert {"team", "assignee", "status"} <= changed


def test_assignee_must_be_a_member_of_the_team(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(ValidationError) as err:
        ticket_assign(
            ticket=ticket,
            actor=desk["users"][Role.AGENT],
            team=desk["service_desk"],
            assignee=desk["agent2"],
        )
    assert "assignee" in err.value.message_dict


def test_reply_by_staff_records_first_response_once(desk, spy):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    ticket_reply(ticket=ticket, actor=agent, body="Looking into it")
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None and spy.sla.count(("response", {})) == 1
    ticket_reply(ticket=ticket, actor=agent, body="Still looking")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first and spy.sla.count(("response", {})) == 1


def test_internal_note_does_not_count_as_first_response(desk, spy):
    ticket = new_ticket(desk)
    ticket_reply(ticket=ticket, actor=desk["users"][Role.AGENT], body="hm", kind="note")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert spy.payload("servicedesk.entry_added")["public"] is False


def test_requester_reply_resumes_a_pending_ticket(desk, spy):
    ticket = new_ticket(desk)
    ticket_transition(
        ticket=ticket, actor=desk["users"][Role.AGENT], status="pending", pending_reason="requester"
    )
    entry = ticket_reply(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], body="Here it is")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_reason) == (Status.IN_PROGRESS, "")
    assert spy.payload("servicedesk.entry_added") == {
        "entry_id": entry.pk,
        "ticket_id": ticket.pk,
        "kind": "reply",
        "public": True,
        "by_requester": True,
    }


def test_requester_reply_reopens_a_resolved_ticket(desk, spy):
    ticket = new_ticket(desk)
    ticket_transition(
        ticket=ticket, actor=desk["users"][Role.AGENT], status="resolved", resolution="Fixed"
    )
    ticket_reply(ticket=ticket, actor=None, author=desk["employee"], body="Still broken")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reopen_count, ticket.resolved_at) == (
        Status.IN_PROGRESS,
        1,
        None,
    )


def test_reply_to_a_closed_ticket_is_refused(desk, spy):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    ticket_transition(ticket=ticket, actor=agent, status="resolved", resolution="Fixed")
    ticket_transition(ticket=ticket, actor=agent, status="closed")
    with pytest.raises(ValidationError) as err:
        ticket_reply(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], body="Again")
    assert "body" in err.value.message_dict


def test_employee_may_not_write_internal_notes(desk, spy):
    ticket = new_ticket(desk)
    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], body="x", kind="note")


def test_customer_of_another_organisation_cannot_reply(desk, spy):
    ticket = new_ticket(desk, requester=desk["acme_contact"])
    with pytest.raises(PermissionDenied):
        ticket_reply(ticket=ticket, actor=desk["users"]["globex_contact"], body="hello")


def test_empty_reply_names_the_body_field(desk, spy):
    with pytest.raises(ValidationError) as err:
        ticket_reply(ticket=new_ticket(desk), actor=desk["users"][Role.AGENT], body="  ")
    assert "body" in err.value.message_dict


def test_tags_on_create_use_the_shared_tags(desk, spy):
    ticket = new_ticket(desk, actor=desk["users"][Role.AGENT], tags=["vpn", "VPN ", "urgent"])
    names = set(Tag.objects.filter(items__object_id=str(ticket.pk)).values_list("name", flat=True))
    assert {n.lower() for n in names} == {"vpn", "urgent"}
    ticket_update(ticket=ticket, actor=desk["users"][Role.AGENT], data={"tags": ["urgent"]})
    assert TaggedItem.objects.filter(object_id=str(ticket.pk)).count() == 1


def test_customer_cannot_tag_on_create(desk, spy):
    with pytest.raises(PermissionDenied):
        ticket_create(
            actor=desk["users"]["acme_contact"],
            requester=desk["acme_contact"],
            title="x",
            tags=["mine"],
        )
