"""Query-count pins of the service desk's hot paths (bench/servicedesk): the agent queue (API
and page) stays constant whatever the rows' categories, the common queue filters run no
SELECT DISTINCT, and opening a ticket through the API keeps to its query budget."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from steward.core.permissions import Role
from steward.core.planner import PIN, UNPIN
from steward.core.testing import query_budget
from steward.servicedesk.models import Category, Ticket
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk = w.desk  # fixture
API = "/api/servicedesk/tickets/"
PAGE = reverse("servicedesk:ticket_list")
QUEUE = {"status": ["new", "assigned", "in_progress"]}


def _subcategory_tickets(desk, n, start=0):
    """``n`` tickets of the network team, each in its own subcategory (whose name reads the
    parent: ``Hardware / Printer 3``)."""
    for i in range(start, start + n):
        sub = Category.objects.create(name=f"Printer {i}", parent=desk["hardware"])
        w.new_ticket(desk, title=f"T{i}", category=sub, team=desk["network"])


def _queries(client, url, params):
    client.get(url, params)  # warm the per-process caches (SLA policies, configuration)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return ctx.captured_queries, response


def test_api_queue_queries_do_not_grow_with_subcategorised_rows(api, desk):
    client = api(desk["users"][Role.AGENT])
    params = {**QUEUE, "team": desk["network"].pk, "ordering": "-priority"}
    _subcategory_tickets(desk, 3)
    few, response = _queries(client, API, params)
    assert len(response.json()["results"]) == 3
    _subcategory_tickets(desk, 30, start=3)
    many, response = _queries(client, API, params)
    rows = response.json()["results"]
    assert len(rows) == 33
    assert len(many) == len(few)
    names = {r["category_name"] for r in rows}
    assert names >= {"Hardware / Printer 0", "Hardware / Printer 32"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="join order is planned so there")
@pytest.mark.parametrize("where", ["api list", "api detail", "page detail"])
def test_ticket_reads_with_their_related_rows_are_planned_in_written_order(
    api, client, desk, where
):
    """The wide reads of a ticket (eight and more joined tables) skip PostgreSQL's search of
    join orders (core.planner): 10-14 ms of planning each at a million tickets."""
    agent = desk["users"][Role.AGENT]
    ticket = w.new_ticket(desk, title="Planned", team=desk["network"])
    if where == "page detail":
        client.force_login(agent)
        url, params = reverse("servicedesk:ticket_detail", args=[ticket.pk]), {}
    else:
        client = api(agent)
        detail = where == "api detail"
        url = f"{API}{ticket.pk}/" if detail else API
        params = {} if detail else {**QUEUE, "team": desk["network"].pk, "ordering": "-priority"}
    queries, _response = _queries(client, url, params)
    sent = [q["sql"] for q in queries]
    wide = [i for i, sql in enumerate(sent) if sql.startswith('SELECT "servicedesk_ticket"."id"')]
    assert wide, sent
    read = wide[0]
    assert sent[read - 1] == PIN and UNPIN in sent[read + 1 :], sent


def test_api_queue_filters_on_ticket_columns_run_no_distinct(api, desk):
    client = api(desk["users"][Role.AGENT])
    _subcategory_tickets(desk, 2)
    params = {**QUEUE, "team": desk["network"].pk, "priority": [1, 2, 3, 4, 5]}
    queries, response = _queries(client, API, {**params, "ordering": "-priority"})
    assert len(response.json()["results"]) == 2
    tickets = [q["sql"] for q in queries if 'FROM "servicedesk_ticket"' in q["sql"]]
    assert tickets and not any("DISTINCT" in sql for sql in tickets)


def test_page_queue_queries_do_not_grow_and_count_without_distinct(client, desk):
    client.force_login(desk["users"][Role.AGENT])
    params = {**QUEUE, "team": desk["network"].pk, "sort": "-priority"}
    _subcategory_tickets(desk, 3)
    few, response = _queries(client, PAGE, params)
    assert len(response.context["rows"]) == 3
    _subcategory_tickets(desk, 30, start=3)
    many, response = _queries(client, PAGE, params)
    assert len(response.context["rows"]) == 33
    assert len(many) == len(few)
    tickets = [q["sql"] for q in many if 'FROM "servicedesk_ticket"' in q["sql"]]
    assert tickets and not any("DISTINCT" in sql for sql in tickets)


def test_unassigned_queue_joins_team_members_and_still_lists_each_ticket_once(client, desk):
    """The one queue that joins a to-many relation keeps its DISTINCT."""
    w.new_ticket(desk, title="Nobody yet", team=desk["network"])
    client.force_login(desk["users"][Role.AGENT])
    response = client.get(PAGE, {"queue": "unassigned"})
    refs = [t.reference for t, _ in response.context["rows"]]
    assert len(refs) == len(set(refs)) == 1


def test_ticket_create_through_the_api_keeps_its_query_budget(
    api, desk, django_capture_on_commit_callbacks
):
    """The whole request, after-commit work included (notifications, the acknowledgement
    task, webhooks); configuration comes from the process cache after the first ticket."""
    client = api(desk["users"][Role.AGENT])
    with django_capture_on_commit_callbacks(execute=True):  # committed, as configuration is
        sub = Category.objects.create(name="Printer", parent=desk["hardware"])
    body = {"title": "Printer jams", "requester": desk["employee"].pk, "category": sub.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(API, json.dumps(body), content_type="application/json")  # warm caches
    with query_budget(22) as ctx, django_capture_on_commit_callbacks(execute=True):
        response = client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    # Reference and SLA summary go into the ticket's one INSERT: the row is never updated.
    writes = [q["sql"] for q in ctx.captured_queries if '"servicedesk_ticket"' in q["sql"]]
    assert [sql.split()[0] for sql in writes if not sql.startswith("SELECT")] == ["INSERT"]
    # The assignment notice reads the columns it shows, not every column of four rows.
    [notice] = [sql for sql in writes if sql.startswith('SELECT "servicedesk_ticket"')]
    assert '"org_team"."name"' in notice and '"core_user"."email"' in notice
    assert not any(column in notice for column in ('"password"', '"custom_fields"', "lead_id"))
    created = response.json()
    # Answered from the objects the service holds: the same as reading the ticket back.
    read = client.get(f"{API}{created['id']}/").json()
    assert {k: v for k, v in created.items() if k != "sla"} == {
        k: v for k, v in read.items() if k != "sla"
    }
    assert created["team"] is not None and created["reference"].startswith("INC-")


def test_a_new_ticket_has_one_audit_entry_with_its_final_values(api, desk):
    """Created, referenced and given its SLA due times in one use case: one entry."""
    from django.contrib.contenttypes.models import ContentType

    from steward.core.models import AuditEntry

    client = api(desk["users"][Role.AGENT])
    body = {"title": "Screen flickers", "requester": desk["employee"].pk}
    response = client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk)
    )
    [entry] = entries
    assert entry.action == "create"
    assert entry.after["reference"] == ticket.reference
    assert entry.after["search_text"].startswith(ticket.reference.lower())
    assert entry.actor == desk["users"][Role.AGENT]


@pytest.mark.parametrize("where", ["api list", "api detail"])
def test_sla_clocks_are_read_without_joining_the_tickets(api, desk, where):
    """A ticket's clocks were ordered by the ticket's own order (newest ticket first), a
    join to the ticket table on every page, detail and ticket change; by its id: no join."""
    ticket = w.new_ticket(desk, title="Clocked", team=desk["network"])
    client = api(desk["users"][Role.AGENT])
    url = f"{API}{ticket.pk}/" if where == "api detail" else API
    params = {} if where == "api detail" else {**QUEUE, "team": desk["network"].pk}
    queries, _response = _queries(client, url, params)
    clocks = [q["sql"] for q in queries if 'FROM "servicedesk_slaclock"' in q["sql"]]
    assert clocks, [q["sql"][:80] for q in queries]
    assert not any("servicedesk_ticket" in sql.split("FROM", 1)[1] for sql in clocks), clocks
    assert all('ORDER BY "servicedesk_slaclock"."ticket_id"' in sql for sql in clocks), clocks
