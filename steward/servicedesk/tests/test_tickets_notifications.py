import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core import registry
from steward.core.context import change_context
from steward.core.models import Watch
from steward.core.permissions import Role
from steward.core.search import search
from steward.notifications.models import Notification
from steward.servicedesk.models import AssignmentMethod, TeamSetting, Ticket
from steward.servicedesk.services import (
    ticket_assign,
    ticket_reply,
    ticket_transition,
)
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
new_ticket = w.new_ticket


def _titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("event", "title"))


def test_assignee_is_told_in_app(desk, django_capture_on_commit_callbacks):
    ticket = new_ticket(desk)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(
            ticket=ticket,
            actor=desk["users"][Role.ADMIN],
            team=desk["network"],
            assignee=desk["agent2"],
        )
    assert _titles(desk["agent2"].user) == [
        ("servicedesk.assigned_to_me", f"Assigned to you: {ticket.reference} Printer jams")
    ]


def test_nobody_is_told_about_their_own_assignment(desk, django_capture_on_commit_callbacks):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    with change_context(origin="api", user=agent), django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, actor=agent, team=desk["network"], assignee=desk["agent"])
    assert _titles(agent) == []


def test_team_is_told_of_an_unassigned_ticket_in_its_queue(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(desk, team=desk["network"])
    for member in (desk["agent"], desk["agent2"]):
        assert [e for e, _ in _titles(member.user)] == ["servicedesk.assigned_to_team"]
    assert ticket.assignee is None


def test_auto_assigned_agent_is_told(desk, django_capture_on_commit_callbacks):
    TeamSetting.objects.create(team=desk["network"], assignment=AssignmentMethod.ROUND_ROBIN)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = new_ticket(desk, team=desk["network"])
    assert [e for e, _ in _titles(ticket.assignee.user)] == ["servicedesk.assigned_to_me"]


def test_requester_reply_tells_assignee_and_watchers(desk, django_capture_on_commit_callbacks):
    ticket = new_ticket(desk, team=desk["network"], assignee=desk["agent2"])
    admin = desk["users"][Role.ADMIN]
    Watch.objects.create(
        user=admin, content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk)
    )
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, actor=desk["users"][Role.EMPLOYEE], body="Any news?")
        ticket_reply(ticket=ticket, actor=desk["users"][Role.AGENT], body="Soon")
    assert [e for e, _ in _titles(desk["agent2"].user)] == ["servicedesk.requester_replied"]
    assert [e for e, _ in _titles(admin)] == ["servicedesk.requester_replied"]


def test_watchers_hear_of_resolution(desk, django_capture_on_commit_callbacks):
    ticket = new_ticket(desk)
    admin = desk["users"][Role.ADMIN]
    Watch.objects.create(
        user=admin, content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(
            ticket=ticket, actor=desk["users"][Role.AGENT], status="resolved", resolution="Done"
        )
    assert [e for e, _ in _titles(admin)] == ["servicedesk.watched_resolved"]


def test_tickets_are_in_the_global_search_for_whom_may_see_them(desk):
    assert any(e.model is Ticket for e in registry.search_entries)
    ticket = new_ticket(desk, title="Projector flickers")
    hits = search(user=desk["users"][Role.AGENT], query="projector")
    assert [h.obj.pk for h in hits if h.obj.__class__ is Ticket] == [ticket.pk]
    assert not [h for h in search(user=desk["users"]["acme_contact"], query="projector")]
