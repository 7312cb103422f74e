"""The agent queue: who may open it, the built-in and saved queues, bulk actions, export,
and a query count that does not grow with the rows shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import Priority, SavedQueue, Status, Ticket
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
URL = reverse("servicedesk:ticket_list")


def _login(client, desk, role):
    client.force_login(desk["users"][role])
    return client


def _refs(response):
    return {t.reference for t, _ in response.context["rows"]}


def test_agent_sees_the_queue_with_priority_badge_and_due_time(client, desk):
    t = w.new_ticket(desk, title="VPN down for the whole floor")
    due = timezone.now() + datetime.timedelta(minutes=30)
    Ticket.objects.filter(pk=t.pk).update(resolution_due=due, priority=Priority.CRITICAL)
    response = _login(client, desk, Role.AGENT).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert t.reference in html and "VPN down for the whole floor" in html
    assert 'class="prio prio-1"' in html
    assert "sla-warning" in html  # due within the hour: amber


def test_breached_due_time_is_shown_red(client, desk):
    t = w.new_ticket(desk)
    past = timezone.now() - datetime.timedelta(hours=2)
    Ticket.objects.filter(pk=t.pk).update(resolution_due=past)
    html = _login(client, desk, Role.AGENT).get(URL).content.decode()
    assert "sla-breached" in html and "overdue" in html


def test_a_row_reads_as_before_it_was_written_in_python(client, desk):
    """The rows are built in Python (``ticket_rows``): escaping, badges, links, the
    unassigned marker, the due time in the viewer's zone and the bulk-select box."""
    t = w.new_ticket(desk, title="<script>alert(1)</script> " + "x" * 100)
    due = datetime.datetime(2030, 1, 2, 8, 30, tzinfo=datetime.UTC)
    Ticket.objects.filter(pk=t.pk).update(
        resolution_due=due, is_major=True, assignee=None, priority=Priority.HIGH
    )
    html = _login(client, desk, Role.AGENT).get(URL).content.decode()
    row = html[html.rindex("<tr", 0, html.index(f'aria-label="Select {t.reference}"')) :]
    row = row[: row.index("</tr>")]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert "…" in row and "x" * 80 not in row  # the title cut at 80 characters
    assert '<span class="badge major">Major</span>' in row
    assert '<span class="muted">Unassigned</span>' in row
    assert f'href="{reverse("servicedesk:ticket_detail", kwargs={"pk": t.pk})}"' in row
    assert f'aria-label="Select {t.reference}"' in row
    local = timezone.localtime(due)
    assert f'<time datetime="{local.isoformat()}"' in row and local.strftime("%d %b %H:%M") in row
    assert 'class="prio prio-2"' in row and 'class="due sla-ok"' in row


def test_an_empty_queue_says_nothing_matches(client, desk):
    html = _login(client, desk, Role.AGENT).get(URL, {"q": "no-such-ticket-anywhere"})
    assert "Nothing matches." in html.content.decode()


@pytest.mark.parametrize("role", [Role.EMPLOYEE, "acme_contact"])
def test_employees_and_customer_contacts_are_refused_the_agent_queue(client, desk, role):
    assert _login(client, desk, role).get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client, desk):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_open_queue_lists_only_open_tickets_assigned_to_me(client, desk):
    mine = w.new_ticket(desk, title="mine")
    w.new_ticket(desk, title="someone else's")
    done = w.new_ticket(desk, title="mine but resolved")
    Ticket.objects.filter(pk__in=[mine.pk, done.pk]).update(
        team=desk["network"], assignee=desk["agent"]
    )
    Ticket.objects.filter(pk=done.pk).update(status=Status.RESOLVED)
    response = _login(client, desk, Role.AGENT).get(URL, {"queue": "mine"})
    assert _refs(response) == {mine.reference}


def test_unassigned_in_my_groups_lists_my_teams_unassigned_open_tickets(client, desk):
    other_team = w.team(desk["internal"], "Facilities", [])
    in_my_team = w.new_ticket(desk, title="a")
    not_my_team = w.new_ticket(desk, title="b")
    assigned = w.new_ticket(desk, title="c")
    Ticket.objects.filter(pk=in_my_team.pk).update(team=desk["network"], assignee=None)
    Ticket.objects.filter(pk=not_my_team.pk).update(team=other_team, assignee=None)
    Ticket.objects.filter(pk=assigned.pk).update(team=desk["network"], assignee=desk["agent2"])
    response = _login(client, desk, Role.AGENT).get(URL, {"queue": "unassigned"})
    assert _refs(response) == {in_my_team.reference}


def test_breaching_queue_lists_tickets_due_within_an_hour_or_overdue(client, desk):
    soon, later, overdue, paused = (w.new_ticket(desk, title=str(i)) for i in range(4))
    now = timezone.now()
    Ticket.objects.filter(pk=soon.pk).update(resolution_due=now + datetime.timedelta(minutes=40))
    Ticket.objects.filter(pk=later.pk).update(resolution_due=now + datetime.timedelta(hours=3))
    Ticket.objects.filter(pk=overdue.pk).update(resolution_due=now - datetime.timedelta(hours=1))
    Ticket.objects.filter(pk=paused.pk).update(
        resolution_due=now + datetime.timedelta(minutes=10), sla_paused=True
    )
    response = _login(client, desk, Role.AGENT).get(URL, {"queue": "breaching"})
    assert _refs(response) == {soon.reference, overdue.reference}


def test_saved_queues_show_shared_and_my_own_but_not_another_agents(client, desk):
    agent_user = desk["users"][Role.AGENT]
    SavedQueue.objects.create(name="Everyone's P1", query="priority=1")
    SavedQueue.objects.create(name="My network", query="queue=open", owner=agent_user)
    SavedQueue.objects.create(name="Bea's private", query="queue=mine", owner=desk["agent2"].user)
    html = _login(client, desk, Role.AGENT).get(URL).content.decode()
    assert "Everyone&#x27;s P1" in html and "My network" in html
    assert "Bea&#x27;s private" not in html


def test_saving_the_current_filter_creates_a_private_queue_for_the_agent(client, desk):
    response = _login(client, desk, Role.AGENT).post(
        reverse("servicedesk:queue_save"), {"name": "Open ones", "query": "queue=open"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?queue=open")
    queue = SavedQueue.objects.get(name="Open ones")
    assert queue.owner == desk["users"][Role.AGENT] and queue.query == "queue=open"
    assert AuditEntry.objects.filter(object_id=str(queue.pk), object_repr="Open ones").exists()


def test_saving_a_queue_without_a_name_is_refused_with_a_message(client, desk):
    response = _login(client, desk, Role.AGENT).post(
        reverse("servicedesk:queue_save"), {"name": "", "query": "queue=open"}, follow=True
    )
    assert response.status_code == 200
    assert "Give the queue a name" in response.content.decode()
    assert not SavedQueue.objects.exists()


def test_bulk_action_assigns_the_selected_tickets_through_the_service(client, desk):
    a, b, untouched = (w.new_ticket(desk, title=str(i)) for i in range(3))
    response = _login(client, desk, Role.AGENT).post(
        URL,
        {"selected": [a.pk, b.pk], "team": desk["network"].pk, "assignee": desk["agent2"].pk},
    )
    assert response.status_code == 302
    for t in (a, b):
        t.refresh_from_db()
        assert (t.team, t.assignee, t.status) == (desk["network"], desk["agent2"], Status.ASSIGNED)
    untouched.refresh_from_db()
    assert untouched.assignee is None
    assert t.entries.filter(kind="event").exists()  # the service wrote the timeline


def test_bulk_priority_and_status_change(client, desk):
    a = w.new_ticket(desk)
    _login(client, desk, Role.AGENT).post(
        URL, {"selected": [a.pk], "priority": Priority.HIGH, "status": Status.IN_PROGRESS}
    )
    a.refresh_from_db()
    assert (a.priority, a.status) == (Priority.HIGH, Status.IN_PROGRESS)


def test_bulk_refusal_is_reported_and_changes_nothing(client, desk):
    a = w.new_ticket(desk)
    outsider = w.person(desk["internal"], Role.AGENT)
    w.team(desk["internal"], "Facilities", [outsider])  # an agent, not of Network
    response = _login(client, desk, Role.AGENT).post(
        URL,
        {"selected": [a.pk], "team": desk["network"].pk, "assignee": outsider.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert "not a member" in response.content.decode()
    a.refresh_from_db()
    assert a.team is None


def test_bulk_without_a_selection_or_a_change_says_what_is_missing(client, desk):
    a = w.new_ticket(desk)
    c = _login(client, desk, Role.AGENT)
    assert "Choose tickets first" in c.post(URL, {"priority": 2}, follow=True).content.decode()
    assert "Say what to change" in c.post(URL, {"selected": [a.pk]}, follow=True).content.decode()


def test_employee_cannot_bulk_update(client, desk):
    a = w.new_ticket(desk)
    response = _login(client, desk, Role.EMPLOYEE).post(URL, {"selected": [a.pk], "priority": 1})
    assert response.status_code == 403


def test_export_csv_lists_the_queue(client, desk):
    t = w.new_ticket(desk, title="Export me")
    response = _login(client, desk, Role.AGENT).get(URL, {"export": "csv"})
    body = b"".join(response.streaming_content).decode() if response.streaming else ""
    body = body or response.content.decode()
    assert t.reference in body and "Export me" in body


def test_htmx_request_for_the_table_gets_the_table_only(client, desk):
    w.new_ticket(desk)
    response = _login(client, desk, Role.AGENT).get(
        URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-table"
    )
    html = response.content.decode()
    assert "ticket-table" in html and "<html" not in html


def _queries(client, n_tickets, desk):
    for i in range(n_tickets):
        t = w.new_ticket(desk, title=f"t{i}")
        Ticket.objects.filter(pk=t.pk).update(team=desk["network"], assignee=desk["agent"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_queue_page_runs_the_same_number_of_queries_for_5_and_50_tickets(client, desk):
    _login(client, desk, Role.AGENT)
    few = _queries(client, 5, desk)
    many = _queries(client, 45, desk)
    assert few == many
    with query_budget(25):
        client.get(URL, {"queue": "mine"})


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER])
def test_queue_and_workspace_render_for_every_staff_role(client, desk, role):
    t = w.new_ticket(desk)
    _login(client, desk, role)
    assert client.get(URL).status_code == 200
    response = client.get(reverse("servicedesk:ticket_detail", kwargs={"pk": t.pk}))
    assert response.status_code == 200
    # Asset managers read tickets; only those who work tickets get the actions.
    assert ('class="reply-box"' in response.content.decode()) == (role != Role.ASSET_MANAGER)


def test_another_agents_private_queue_is_not_shown_by_its_address(client, desk):
    private = SavedQueue.objects.create(name="Bea's", query="queue=mine", owner=desk["agent2"].user)
    response = _login(client, desk, Role.AGENT).get(
        reverse("servicedesk:savedqueue_detail", kwargs={"pk": private.pk})
    )
    assert response.status_code == 404


def test_a_saved_filter_is_normalised_and_cannot_inject_headers(client, desk):
    response = _login(client, desk, Role.AGENT).post(
        reverse("servicedesk:queue_save"),
        {"name": "Odd", "query": "queue=open&page=3\r\nSet-Cookie: x=1"},
    )
    assert response.status_code == 302 and "\n" not in response["Location"]
    assert "page=" not in SavedQueue.objects.get(name="Odd").query


def test_the_filter_and_bulk_choices_read_only_what_their_labels_show(client, desk):
    """Every visible team, organisation, service, category and agent is listed on the page:
    each from its label's columns (not every column of the row), and labelled in full."""
    from steward.servicedesk.models import Category

    Category.objects.create(name="Printer", parent=desk["hardware"])
    _login(client, desk, Role.AGENT)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(URL).content.decode()
    listed = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(('SELECT "org_team"', 'SELECT DISTINCT "org_person"'))
        or 'FROM "servicedesk_category"' in q["sql"].split(" WHERE ")[0]
    ]
    assert len(listed) >= 4  # filter's teams and categories, bulk teams and agents
    for sql in listed:
        assert "description" not in sql and "custom_fields" not in sql, sql
    assert ">Hardware / Printer</option>" in html
    assert f">{desk['agent2']}</option>" in html
    assert "Network" in html and "Service Desk" in html
