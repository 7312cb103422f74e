import datetime

import pytest
from django.utils import timezone

from steward.core.permissions import Role
from steward.servicedesk.models import (
    AssignmentMethod,
    Category,
    RoutingRule,
    Status,
    TeamSetting,
    TicketEntry,
)
from steward.servicedesk.services import ticket_assign
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk, spy = w.desk, w.spy  # fixtures
new_ticket, person, team = w.new_ticket, w.person, w.team


def test_first_active_rule_by_order_sets_team_category_and_priority(desk, spy):
    vpn = Category.objects.create(name="VPN")
    RoutingRule.objects.create(
        name="off",
        order=1,
        is_active=False,
        set_team=desk["hardware"].default_team,
        match_keywords="vpn",
    )
    RoutingRule.objects.create(
        name="vpn",
        order=5,
        match_keywords="tunnel, vpn",
        set_team=desk["network"],
        set_category=vpn,
        set_priority=2,
    )
    RoutingRule.objects.create(
        name="later", order=9, match_keywords="vpn", set_team=desk["service_desk"]
    )
    ticket = new_ticket(desk, title="My VPN drops", channel="email")
    assert (ticket.team, ticket.category, ticket.priority) == (desk["network"], vpn, 2)
    assert TicketEntry.objects.filter(ticket=ticket, body__contains="rule “vpn”").exists()


def test_rule_conditions_must_all_match(desk, spy):
    RoutingRule.objects.create(
        name="acme mail",
        match_organisation=desk["acme"],
        match_channel="email",
        match_kind="incident",
        set_team=desk["network"],
    )
    assert new_ticket(desk, requester=desk["acme_contact"], channel="portal").team is None
    assert new_ticket(desk, channel="email").team is None
    assert new_ticket(desk, requester=desk["acme_contact"], channel="email").team == desk["network"]


def test_without_a_matching_rule_the_category_default_team_takes_it(desk, spy):
    ticket = new_ticket(desk, category=desk["hardware"])
    assert ticket.team == desk["service_desk"]
    child = Category.objects.create(name="Printers", parent=desk["hardware"])
    assert new_ticket(desk, category=child).team == desk["service_desk"]


def test_explicit_team_skips_routing(desk, spy):
    RoutingRule.objects.create(name="all", set_team=desk["network"])
    ticket = new_ticket(desk, actor=desk["users"][Role.AGENT], team=desk["service_desk"])
    assert ticket.team == desk["service_desk"]


def _crew(desk):
    internal = desk["internal"]
    today = timezone.localdate()
    a = person(internal, Role.AGENT, first_name="A")
    away = person(internal, Role.AGENT, first_name="Away", away_until=today)
    b = person(internal, Role.AGENT, first_name="B", away_until=today - datetime.timedelta(days=1))
    nologin = person(internal, login=False, first_name="NoLogin")
    inactive = person(internal, Role.AGENT, first_name="Gone", is_active=False)
    crew = team(internal, "Crew", [a, away, b, nologin, inactive])
    return crew, a, b


def test_round_robin_takes_turns_and_skips_away_inactive_and_loginless(desk, spy):
    crew, a, b = _crew(desk)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    RoutingRule.objects.create(name="crew", set_team=crew)
    picks = [new_ticket(desk).assignee for _ in range(4)]
    assert picks == [a, b, a, b]


def test_round_robin_ticket_is_assigned_status(desk, spy):
    crew, a, _b = _crew(desk)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    ticket = new_ticket(desk, actor=desk["users"][Role.AGENT], team=crew)
    assert (ticket.assignee, ticket.status) == (a, Status.ASSIGNED)
    assert spy.payload("servicedesk.ticket_assigned")["assignee_id"] == a.pk


def test_least_loaded_picks_fewest_open_tickets(desk, spy):
    crew, a, b = _crew(desk)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.LEAST_LOADED)
    agent = desk["users"][Role.AGENT]
    new_ticket(desk, actor=agent, team=crew, assignee=a)
    new_ticket(desk, actor=agent, team=crew, assignee=a)
    closed = new_ticket(desk, actor=agent, team=crew, assignee=b)
    closed.status = Status.CANCELLED
    closed.save()
    assert new_ticket(desk, actor=agent, team=crew).assignee == b
    assert new_ticket(desk, actor=agent, team=crew).assignee == b
    assert new_ticket(desk, actor=agent, team=crew).assignee in (a, b)


def test_team_without_setting_leaves_ticket_in_queue(desk, spy):
    ticket = new_ticket(desk, actor=desk["users"][Role.AGENT], team=desk["network"])
    assert (ticket.assignee, ticket.status) == (None, Status.NEW)


def test_everyone_away_leaves_ticket_unassigned(desk, spy):
    internal = desk["internal"]
    away = person(
        internal, Role.AGENT, away_until=timezone.localdate() + datetime.timedelta(days=3)
    )
    crew = team(internal, "Away crew", [away])
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    assert new_ticket(desk, actor=desk["users"][Role.AGENT], team=crew).assignee is None


def test_reassigning_to_a_team_auto_assigns_inside_it(desk, spy):
    crew, a, _b = _crew(desk)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    ticket = new_ticket(
        desk, actor=desk["users"][Role.AGENT], team=desk["network"], assignee=desk["agent"]
    )
    ticket = ticket_assign(ticket=ticket, actor=desk["users"][Role.AGENT], team=crew)
    assert (ticket.team, ticket.assignee) == (crew, a)


def test_an_auto_assigned_member_is_not_read_again_to_be_checked(desk, spy):
    """The pick reads each available member once, with what the assignment check needs
    (active, login): the chosen person is not loaded a second time, field by field."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    crew, a, _b = _crew(desk)
    TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    ticket = new_ticket(
        desk, actor=desk["users"][Role.AGENT], team=desk["network"], assignee=desk["agent"]
    )
    with CaptureQueriesContext(connection) as ctx:
        ticket = ticket_assign(ticket=ticket, actor=desk["users"][Role.AGENT], team=crew)
    assert ticket.assignee == a
    person_reads = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "org_person"')
    ]
    # The ticket's agent until now, and the new team's available members: nothing more.
    assert len(person_reads) == 2, person_reads


def test_the_round_robin_cursor_moving_is_not_audited_but_the_assignment_is(desk, spy):
    """Every routed ticket moves the team's cursor: bookkeeping that would bury the
    setting's real history. The ticket's own entry records whom it went to."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core.models import AuditEntry
    from steward.servicedesk.models import Ticket

    crew, a, b = _crew(desk)
    setting = TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.ROUND_ROBIN)
    RoutingRule.objects.create(name="crew", set_team=crew)
    ours = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TeamSetting), object_id=str(setting.pk)
    )
    before = ours.count()
    tickets = [new_ticket(desk) for _ in range(3)]
    setting.refresh_from_db()
    assert (ours.count(), setting.last_assigned) == (before, a)
    opened = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id__in=[str(t.pk) for t in tickets],
        action="create",
    )
    assert sorted(e.after["assignee_id"] for e in opened) == sorted([a.pk, b.pk, a.pk])


def test_least_loaded_moves_the_cursor_without_auditing_it(desk, spy):
    from django.contrib.contenttypes.models import ContentType

    from steward.core.models import AuditEntry

    crew, _a, b = _crew(desk)
    setting = TeamSetting.objects.create(team=crew, assignment=AssignmentMethod.LEAST_LOADED)
    agent = desk["users"][Role.AGENT]
    new_ticket(desk, actor=agent, team=crew, assignee=_a)
    ours = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TeamSetting), object_id=str(setting.pk)
    )
    before = ours.count()
    assert new_ticket(desk, actor=agent, team=crew).assignee == b
    setting.refresh_from_db()
    assert (ours.count(), setting.last_assigned) == (before, b)
