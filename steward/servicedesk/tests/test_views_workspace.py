"""The ticket workspace: who may open it, what it shows, and that every action calls its
service and shows the service's refusal on the form (400), never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import (
    CannedResponse,
    EntryKind,
    Status,
    Ticket,
    TicketEntry,
    TicketLink,
    TimeEntry,
)
from steward.servicedesk.services import ticket_assign, ticket_reply
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture


def _url(ticket, name="ticket_detail"):
    return reverse(f"servicedesk:{name}", kwargs={"pk": ticket.pk})


def _agent(client, desk):
    client.force_login(desk["users"][Role.AGENT])
    return client


@pytest.fixture
def ticket(desk):
    return w.new_ticket(desk, title="Laptop will not boot", description="Black screen.")


def test_agent_workspace_shows_header_fields_and_marked_internal_note(client, desk, ticket):
    agent = desk["users"][Role.AGENT]
    ticket_reply(ticket=ticket, actor=agent, body="Checked the warranty.", kind=EntryKind.NOTE)
    ticket_reply(ticket=ticket, actor=agent, body="Please hold the power button.")
    response = _agent(client, desk).get(_url(ticket))
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket.reference in html and "Laptop will not boot" in html and "Black screen." in html
    assert 'class="entry entry-note' in html and "Internal note" in html
    assert "Please hold the power button." in html
    assert str(desk["employee"]) in html  # requester on the side panel


def test_workspace_offers_only_the_transitions_valid_now(client, desk, ticket):
    html = _agent(client, desk).get(_url(ticket)).content.decode()
    assert 'value="resolved"' in html and 'value="pending"' in html
    assert 'name="status" value="closed"' not in html


def test_employee_requester_is_not_given_the_agent_workspace(client, desk, ticket):
    client.force_login(desk["users"][Role.EMPLOYEE])
    response = client.get(_url(ticket))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/portal/" in response["Location"]


def test_customer_of_another_organisation_gets_404(client, desk):
    t = w.new_ticket(desk, requester=desk["acme_contact"])
    client.force_login(desk["users"]["globex_contact"])
    assert client.get(_url(t)).status_code == 404
    assert client.post(_url(t, "ticket_reply"), {"body": "x", "kind": "reply"}).status_code == 404


def test_unknown_ticket_is_404(client, desk):
    _agent(client, desk)
    assert client.get("/servicedesk/tickets/999999/").status_code == 404
    assert client.post("/servicedesk/tickets/999999/reply/", {"body": "x"}).status_code == 404


def test_public_reply_goes_through_the_service_and_counts_as_first_response(client, desk, ticket):
    response = _agent(client, desk).post(
        _url(ticket, "ticket_reply"), {"kind": "reply", "body": "On my way."}
    )
    assert response.status_code == 302
    entry = TicketEntry.objects.get(ticket=ticket, body="On my way.")
    assert entry.kind == EntryKind.REPLY and entry.author == desk["agent"]
    assert response["Location"].endswith(f"#entry-{entry.pk}")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_internal_note_is_stored_as_a_note(client, desk, ticket):
    _agent(client, desk).post(_url(ticket, "ticket_reply"), {"kind": "note", "body": "Hm."})
    assert TicketEntry.objects.get(ticket=ticket, body="Hm.").kind == EntryKind.NOTE
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_empty_reply_is_refused_on_the_form(client, desk, ticket):
    response = _agent(client, desk).post(
        _url(ticket, "ticket_reply"), {"kind": "reply", "body": "  "}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_reply_on_a_closed_ticket_shows_the_service_error(client, desk, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    response = _agent(client, desk).post(
        _url(ticket, "ticket_reply"), {"kind": "reply", "body": "Hello?"}
    )
    assert response.status_code == 400
    assert "open a new one" in response.content.decode()


def test_pending_needs_a_reason_and_the_error_is_shown(client, desk, ticket):
    response = _agent(client, desk).post(_url(ticket, "ticket_transition"), {"status": "pending"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_pending_with_a_reason_then_resolve_with_a_resolution(client, desk, ticket):
    c = _agent(client, desk)
    url = _url(ticket, "ticket_transition")
    assert c.post(url, {"status": "pending", "pending_reason": "requester"}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_reason) == (Status.PENDING, "requester")
    assert (
        c.post(url, {"status": "resolved", "resolution": "Replaced the disk."}).status_code == 302
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.resolution == "Replaced the disk."


def test_a_transition_the_lifecycle_forbids_is_a_400_not_a_500(client, desk, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CANCELLED)
    response = _agent(client, desk).post(_url(ticket, "ticket_transition"), {"status": "pending"})
    assert response.status_code == 400


def test_assign_to_team_and_agent(client, desk, ticket):
    response = _agent(client, desk).post(
        _url(ticket, "ticket_assign"), {"team": desk["network"].pk, "assignee": desk["agent2"].pk}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (desk["network"], desk["agent2"])


def test_assigning_an_agent_outside_the_team_names_the_field(client, desk, ticket):
    outsider = w.person(desk["internal"], Role.AGENT)
    w.team(desk["internal"], "Facilities", [outsider])
    response = _agent(client, desk).post(
        _url(ticket, "ticket_assign"), {"team": desk["network"].pk, "assignee": outsider.pk}
    )
    assert response.status_code == 400
    form = response.context["assign_form"]
    assert "not a member" in " ".join(form.errors["assignee"])


def test_update_fields_and_tags(client, desk, ticket):
    response = _agent(client, desk).post(
        _url(ticket, "ticket_update"),
        {"category": desk["hardware"].pk, "impact": 1, "urgency": 1, "tags": "vip, laptop"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.category == desk["hardware"] and ticket.priority == 1


def test_link_by_reference_and_unknown_reference(client, desk, ticket):
    other = w.new_ticket(desk, title="Same laptop again")
    c = _agent(client, desk)
    url = _url(ticket, "ticket_link")
    assert c.post(url, {"kind": "related_to", "target": other.reference.lower()}).status_code == 302
    assert TicketLink.objects.filter(source=ticket, target=other, kind="related_to").exists()
    response = c.post(url, {"kind": "related_to", "target": "INC-999999"})
    assert response.status_code == 400
    assert "No ticket has this reference" in response.content.decode()


def test_merge_into_another_ticket(client, desk, ticket):
    into = w.new_ticket(desk, title="The original")
    response = _agent(client, desk).post(_url(ticket, "ticket_merge"), {"into": into.reference})
    assert response.status_code == 302 and response["Location"].startswith(_url(into))
    ticket.refresh_from_db()
    assert ticket.merged_into == into


def test_merge_into_itself_is_refused_on_the_form(client, desk, ticket):
    response = _agent(client, desk).post(_url(ticket, "ticket_merge"), {"into": ticket.reference})
    assert response.status_code == 400


def test_log_time_and_bad_minutes(client, desk, ticket):
    c = _agent(client, desk)
    url = _url(ticket, "ticket_time")
    assert c.post(url, {"minutes": 25, "note": "Diagnosis"}).status_code == 302
    assert TimeEntry.objects.get(ticket=ticket).minutes == 25
    assert c.post(url, {"minutes": 0}).status_code == 400
    assert c.post(url, {"minutes": "lots"}).status_code == 400


def test_employee_may_not_post_agent_actions(client, desk, ticket):
    client.force_login(desk["users"][Role.EMPLOYEE])
    for name, data in (
        ("ticket_reply", {"kind": "note", "body": "x"}),
        ("ticket_transition", {"status": "resolved", "resolution": "x"}),
        ("ticket_time", {"minutes": 5}),
    ):
        assert client.post(_url(ticket, name), data).status_code == 403
    assert not TicketEntry.objects.filter(ticket=ticket, kind=EntryKind.NOTE).exists()


def test_canned_response_fills_the_reply_with_placeholders_replaced(client, desk, ticket):
    canned = CannedResponse.objects.create(
        title="Restart", body="Hello {{ requester }}, about {{reference}}: please restart."
    )
    response = _agent(client, desk).get(
        _url(ticket, "ticket_canned"), {"canned": canned.pk, "body": "Hi."}
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith("<textarea")
    first = desk["employee"].first_name
    assert f"Hi.\n\nHello {first}, about {ticket.reference}: please restart." in html


def test_canned_response_text_is_escaped(client, desk, ticket):
    canned = CannedResponse.objects.create(title="x", body="<script>alert(1)</script>")
    html = _agent(client, desk).get(_url(ticket, "ticket_canned"), {"canned": canned.pk})
    assert "<script>" not in html.content.decode()


def _detail_queries(client, ticket, desk, replies):
    agent = desk["users"][Role.AGENT]
    for i in range(replies):
        ticket_reply(ticket=ticket, actor=agent, body=f"r{i}", kind="note" if i % 2 else "reply")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(ticket)).status_code == 200
    return len(ctx.captured_queries)


def test_workspace_query_count_does_not_grow_with_the_conversation(client, desk, ticket):
    _agent(client, desk)
    ticket_assign(ticket=ticket, actor=None, team=desk["network"], assignee=desk["agent"])
    client.get(_url(ticket))  # warm the per-process caches (SLA policies)
    few = _detail_queries(client, ticket, desk, 2)
    many = _detail_queries(client, ticket, desk, 30)
    assert few == many
    with query_budget(20):
        client.get(_url(ticket))


def test_new_ticket_form_opens_a_ticket_through_the_service(client, desk):
    c = _agent(client, desk)
    url = reverse("servicedesk:ticket_add")
    assert c.get(url).status_code == 200
    response = c.post(
        url,
        {
            "requester": desk["employee"].pk,
            "kind": "incident",
            "channel": "phone",
            "title": "Monitor flickers",
            "impact": 3,
            "urgency": 2,
            "description": "Since this morning.",
            "category": desk["hardware"].pk,
        },
    )
    t = Ticket.objects.get(title="Monitor flickers")
    assert response.status_code == 302 and response["Location"] == _url(t)
    assert (t.requester, t.channel, t.category) == (desk["employee"], "phone", desk["hardware"])
    assert t.team == desk["service_desk"]  # routed by the category's default team


def test_new_ticket_without_title_is_refused_with_field_errors(client, desk):
    response = _agent(client, desk).post(
        reverse("servicedesk:ticket_add"),
        {
            "requester": desk["employee"].pk,
            "kind": "incident",
            "channel": "phone",
            "impact": 3,
            "urgency": 2,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"]


def test_new_ticket_form_is_refused_to_employees(client, desk):
    client.force_login(desk["users"][Role.EMPLOYEE])
    assert client.get(reverse("servicedesk:ticket_add")).status_code == 403


def test_new_team_without_an_agent_leaves_the_choice_to_automatic_assignment(client, desk, ticket):
    from steward.servicedesk.models import AssignmentMethod, TeamSetting

    TeamSetting.objects.create(team=desk["network"], assignment=AssignmentMethod.ROUND_ROBIN)
    response = _agent(client, desk).post(
        _url(ticket, "ticket_assign"), {"team": desk["network"].pk, "assignee": ""}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.team == desk["network"]
    assert ticket.assignee in (desk["agent"], desk["agent2"])


def test_clearing_the_agent_of_the_same_team_unassigns(client, desk, ticket):
    ticket_assign(ticket=ticket, actor=None, team=desk["network"], assignee=desk["agent"])
    _agent(client, desk).post(
        _url(ticket, "ticket_assign"), {"team": desk["network"].pk, "assignee": ""}
    )
    ticket.refresh_from_db()
    assert ticket.team == desk["network"] and ticket.assignee is None


def test_link_as_child_sets_the_parent_and_both_sides_show_it(client, desk, ticket):
    parent = w.new_ticket(desk, title="Outage on floor 2")
    c = _agent(client, desk)
    response = c.post(_url(ticket, "ticket_link"), {"kind": "parent", "target": parent.reference})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.parent == parent
    assert ticket.reference in c.get(_url(parent)).content.decode()  # "parent of"
    cycle = c.post(_url(parent, "ticket_link"), {"kind": "parent", "target": ticket.reference})
    assert cycle.status_code == 400 and "cycle" in cycle.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/servicedesk/tickets/{n}/",
        "/servicedesk/tickets/{n}/reply/",
        "/servicedesk/tickets/{n}/canned/",
        "/servicedesk/entries/{n}/",
        "/servicedesk/links/{n}/",
    ],
)
def test_ids_beyond_a_64_bit_integer_are_404_not_500(client, desk, path):
    _agent(client, desk)
    url = path.format(n="9" * 25)
    method = client.post if url.endswith("reply/") else client.get
    assert method(url).status_code == 404
