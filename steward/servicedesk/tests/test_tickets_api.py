import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.servicedesk.models import (
    CannedResponse,
    CustomerVisibility,
    OrganisationSetting,
    SavedQueue,
    Status,
    Ticket,
    TicketEntry,
    TicketLink,
)
from steward.servicedesk.services import ticket_reply, ticket_transition
from steward.servicedesk.tests import tickets_world as w

pytestmark = pytest.mark.django_db
desk, spy = w.desk, w.spy  # fixtures
new_ticket = w.new_ticket
URL = "/api/servicedesk/tickets/"


def _refs(response):
    assert response.status_code == 200, response.content
    return {row["reference"] for row in response.json()["results"]}


def test_agent_opens_a_ticket_through_the_services(api, desk):
    client = api(desk["users"][Role.AGENT])
    response = client.post(
        URL,
        {
            "title": "VPN down",
            "requester": desk["employee"].pk,
            "impact": 1,
            "urgency": 1,
            "team": desk["network"].pk,
            "tags": ["vpn"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["reference"] == ticket.reference and body["priority"] == 1
    assert (body["channel"], body["team_name"], body["tags"]) == ("api", "Network", ["vpn"])
    assert set(body["sla"]) == {"response", "resolution", "ola"}


def test_customer_opens_for_themselves_whatever_requester_they_send(api, desk):
    client = api(desk["users"]["acme_contact"])
    response = client.post(
        URL,
        {"title": "Portal slow", "requester": desk["acme_contact"].pk},
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.requester, ticket.organisation) == (desk["acme_contact"], desk["acme"])
    other = client.post(URL, {"title": "x", "requester": desk["globex_contact"].pk})
    assert other.status_code == 400 and "requester" in other.json()["errors"]


def test_customer_cannot_set_team_assignee_or_priority(api, desk):
    client = api(desk["users"]["acme_contact"])
    response = client.post(URL, {"title": "x", "is_major": True})
    assert response.status_code == 400 and "is_major" in response.json()["errors"]
    response = client.post(URL, {"title": "x", "priority": 1})
    assert response.status_code == 400 and "priority" in response.json()["errors"]
    response = client.post(URL, {"title": "x", "team": desk["network"].pk})
    assert response.status_code == 400 and "team" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "x", "impact": 9},
        {"title": "x", "requester": "abc"},
        {"title": "x", "category": 999999},
        {"title": "x", "colour": "red"},
        {"title": ["x"]},
        {"title": "x", "tags": "notalist"},
        {"title": "x", "custom_fields": "nope"},
    ],
)
def test_bad_ticket_input_answers_400_with_field_errors(api, desk, body):
    response = api(desk["users"][Role.AGENT]).post(URL, body)
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error" and response.json()["errors"]


def test_non_object_body_answers_400(api, desk):
    response = api(desk["users"][Role.AGENT]).post(URL, ["x"])
    assert response.status_code == 400


def test_employee_lists_only_their_own_tickets(api, desk):
    mine = new_ticket(desk)
    new_ticket(desk, requester=desk["agent"])
    assert _refs(api(desk["users"][Role.EMPLOYEE]).get(URL)) == {mine.reference}


def test_customer_sees_own_or_organisation_tickets_per_setting(api, desk):
    colleague = w.person(desk["acme"], Role.CUSTOMER)
    own = new_ticket(desk, requester=desk["acme_contact"])
    theirs = new_ticket(desk, requester=colleague)
    new_ticket(desk, requester=desk["globex_contact"])
    client = api(desk["users"]["acme_contact"])
    assert _refs(client.get(URL)) == {own.reference}
    OrganisationSetting.objects.create(
        organisation=desk["acme"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    assert _refs(client.get(URL)) == {own.reference, theirs.reference}


def test_customer_of_another_organisation_gets_404(api, desk):
    ticket = new_ticket(desk, requester=desk["acme_contact"])
    client = api(desk["users"]["globex_contact"])
    assert client.get(f"{URL}{ticket.pk}/").status_code == 404
    assert client.post(f"{URL}{ticket.pk}/reply/", {"body": "hi"}).status_code == 404
    OrganisationSetting.objects.create(
        organisation=desk["globex"], customer_visibility=CustomerVisibility.ORGANISATION
    )
    assert client.get(f"{URL}{ticket.pk}/").status_code == 404


def test_filters(api, desk):
    agent = desk["users"][Role.AGENT]
    a = new_ticket(desk, title="Printer on fire", actor=agent, team=desk["network"])
    b = new_ticket(desk, title="Mouse broken", actor=agent, tags=["hardware"])
    c = new_ticket(desk, title="VPN", actor=agent, assignee=desk["agent"], team=desk["network"])
    ticket_transition(ticket=b, actor=agent, status="resolved", resolution="New mouse")
    client = api(agent)
    assert _refs(client.get(URL, {"q": a.reference})) == {a.reference}
    assert _refs(client.get(URL, {"q": f"[{a.reference.lower()}]"})) == {a.reference}
    assert _refs(client.get(URL, {"q": "fire printer"})) == {a.reference}
    assert _refs(client.get(URL, {"open": "false"})) == {b.reference}
    assert _refs(client.get(URL, {"status": ["new", "resolved"]})) == {a.reference, b.reference}
    assert _refs(client.get(URL, {"mine": "true"})) == {c.reference}
    assert _refs(client.get(URL, {"my_teams": "true", "unassigned": "true"})) == {a.reference}
    assert _refs(client.get(URL, {"tag": "hardware"})) == {b.reference}
    assert _refs(client.get(URL, {"team": desk["network"].pk})) == {a.reference, c.reference}
    assert _refs(client.get(URL, {"created_after": "2000-01-01", "kind": "incident"})) == {
        a.reference,
        b.reference,
        c.reference,
    }
    Ticket.objects.filter(pk=a.pk).update(resolution_due="2000-01-01T00:00:00Z")
    assert _refs(client.get(URL, {"breaching_within": 60})) == {a.reference}
    Ticket.objects.filter(pk=c.pk).update(resolution_breached=True)
    assert _refs(client.get(URL, {"breached": "true"})) == {c.reference}


@pytest.mark.parametrize(
    "query",
    [
        {"priority": "abc"},
        {"status": "lost"},
        {"breaching_within": "-1"},
        {"created_after": "yesterday"},
        {"team": "x"},
        {"assignee": "999999"},
        {"ordering": "nonsense"},
        {"team": str(2**70)},
        {"service": "1.5"},
        {"requester": "-9112"},
        {"created_after": "-4381"},
    ],
)
def test_bad_filter_values_never_500(api, desk, query):
    response = api(desk["users"][Role.AGENT]).get(URL, query)
    assert response.status_code in (200, 400), response.content


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("time-entries", {"ticket": "6.469685602047728e+47"}),
        ("ticket-entries", {"ticket": str(2**64)}),
        ("ticket-links", {"source": "x"}),
        ("categories", {"parent": str(2**70)}),
    ],
)
def test_ids_past_64_bits_in_filters_answer_400(api, desk, path, query):
    response = api(desk["users"][Role.AGENT]).get(f"/api/servicedesk/{path}/", query)
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("tickets", {"title": "x", "requester": 2**70}),
        ("tickets", {"title": "x", "category": 1.5}),
        ("time-entries", {"ticket": 2**64, "minutes": 5}),
        ("ticket-links", {"source": True, "target": 1, "kind": "related_to"}),
        ("tickets/bulk-update", {"tickets": [2**66], "priority": 1}),
    ],
)
def test_ids_past_64_bits_in_bodies_answer_400(api, desk, path, body):
    response = api(desk["users"][Role.AGENT]).post(f"/api/servicedesk/{path}/", body)
    assert response.status_code == 400, response.content


def test_transition_action_validates_and_checks_role(api, desk):
    ticket = new_ticket(desk)
    agent = api(desk["users"][Role.AGENT])
    response = agent.post(f"{URL}{ticket.pk}/transition/", {"status": "resolved"})
    assert response.status_code == 400 and "resolution" in response.json()["errors"]
    response = agent.post(f"{URL}{ticket.pk}/transition/", {"status": "flying"})
    assert response.status_code == 400 and "status" in response.json()["errors"]
    employee = api(desk["users"][Role.EMPLOYEE])
    response = employee.post(
        f"{URL}{ticket.pk}/transition/", {"status": "resolved", "resolution": "x"}
    )
    assert response.status_code == 403
    response = agent.post(
        f"{URL}{ticket.pk}/transition/", {"status": "pending", "pending_reason": "vendor"}
    )
    assert response.status_code == 200 and response.json()["status"] == "pending"


def test_patch_goes_through_update_service(api, desk):
    ticket = new_ticket(desk)
    client = api(desk["users"][Role.AGENT])
    response = client.patch(f"{URL}{ticket.pk}/", {"impact": 1, "urgency": 1})
    assert response.status_code == 200 and response.json()["priority"] == 1
    response = client.patch(f"{URL}{ticket.pk}/", {"status": "closed"})
    assert response.status_code == 400 and "status" in response.json()["errors"]
    response = api(desk["users"][Role.EMPLOYEE]).patch(f"{URL}{ticket.pk}/", {"title": "Mine"})
    assert response.status_code == 403


def test_assign_reply_and_entries(api, desk):
    ticket = new_ticket(desk)
    agent = api(desk["users"][Role.AGENT])
    response = agent.post(
        f"{URL}{ticket.pk}/assign/", {"team": desk["network"].pk, "assignee": desk["agent2"].pk}
    )
    assert response.status_code == 200 and response.json()["assignee"] == desk["agent2"].pk
    response = agent.post(f"{URL}{ticket.pk}/assign/", {})
    assert response.status_code == 400
    assert (
        agent.post(f"{URL}{ticket.pk}/reply/", {"body": "secret", "kind": "note"}).status_code
        == 201
    )
    assert agent.post(f"{URL}{ticket.pk}/reply/", {"body": "On it"}).status_code == 201
    employee = api(desk["users"][Role.EMPLOYEE])
    assert (
        employee.post(f"{URL}{ticket.pk}/reply/", {"body": "x", "kind": "note"}).status_code == 403
    )
    response = employee.post(f"{URL}{ticket.pk}/reply/", {"body": "Thanks"})
    assert response.status_code == 201 and response.json()["kind"] == "reply"
    bodies = [e["body"] for e in employee.get(f"{URL}{ticket.pk}/entries/").json()]
    assert "secret" not in bodies and "On it" in bodies and "Thanks" in bodies
    listed = employee.get("/api/servicedesk/ticket-entries/", {"ticket": ticket.pk}).json()
    assert "secret" not in [e["body"] for e in listed["results"]]
    assert "secret" in [e["body"] for e in agent.get(f"{URL}{ticket.pk}/entries/").json()]


def test_link_merge_time_and_bulk_actions(api, desk):
    a, b, c = new_ticket(desk), new_ticket(desk), new_ticket(desk)
    client = api(desk["users"][Role.AGENT])
    response = client.post(f"{URL}{a.pk}/link/", {"target": b.pk, "kind": "caused_by"})
    assert response.status_code == 201, response.content
    response = client.post(f"{URL}{a.pk}/link/", {"target": a.pk, "kind": "caused_by"})
    assert response.status_code == 400 and "target" in response.json()["errors"]
    response = client.post(f"{URL}{a.pk}/time/", {"minutes": 25, "note": "remote session"})
    assert response.status_code == 201 and Ticket.objects.get(pk=a.pk).time_spent_minutes == 25
    assert client.post(f"{URL}{a.pk}/time/", {"minutes": 0}).status_code == 400
    response = client.post(f"{URL}{c.pk}/merge/", {"into": a.pk})
    assert response.status_code == 200 and response.json()["id"] == a.pk
    assert Ticket.objects.get(pk=c.pk).merged_into_id == a.pk
    response = client.post(
        f"{URL}bulk-update/", {"tickets": [a.pk, b.pk], "priority": 2, "team": desk["network"].pk}
    )
    assert response.status_code == 200 and response.json() == {"updated": 2}
    response = client.post(f"{URL}bulk-update/", {"tickets": [], "priority": 2})
    assert response.status_code == 400
    response = api(desk["users"][Role.EMPLOYEE]).post(
        f"{URL}bulk-update/", {"tickets": [a.pk], "priority": 2}
    )
    assert response.status_code == 403


def test_links_endpoint_creates_and_deletes_through_services(api, desk):
    a, b = new_ticket(desk), new_ticket(desk)
    client = api(desk["users"][Role.AGENT])
    response = client.post(
        "/api/servicedesk/ticket-links/", {"source": a.pk, "target": b.pk, "kind": "related_to"}
    )
    assert response.status_code == 201, response.content
    link = TicketLink.objects.get()
    assert client.delete(f"/api/servicedesk/ticket-links/{link.pk}/").status_code == 204
    assert TicketEntry.objects.filter(ticket=a, body__startswith="Unlinked").exists()


def test_canned_response_renders_placeholders(api, desk):
    ticket = new_ticket(desk)
    canned = CannedResponse.objects.create(
        title="Hi", body="Hello {{ requester }}, about {{reference}}: {{ agent }} {{ unknown }}"
    )
    response = api(desk["users"][Role.AGENT]).post(
        f"/api/servicedesk/canned-responses/{canned.pk}/render/", {"ticket": ticket.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["body"] == (
        f"Hello {desk['employee']}, about {ticket.reference}: {desk['agent']} {{{{ unknown }}}}"
    )


def test_saved_queues_personal_ones_are_private(api, desk):
    agent = api(desk["users"][Role.AGENT])
    response = agent.post(
        "/api/servicedesk/saved-queues/", {"name": "Mine", "query": "mine=true", "personal": True}
    )
    assert response.status_code == 201, response.content
    assert SavedQueue.objects.get().owner == desk["users"][Role.AGENT]
    other = api(desk["users"][Role.IT_MANAGER]).get("/api/servicedesk/saved-queues/")
    assert other.json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        "categories",
        "services",
        "priority-rules",
        "routing-rules",
        "team-settings",
        "organisation-settings",
        "canned-responses",
        "saved-queues",
        "ticket-entries",
        "ticket-links",
        "time-entries",
    ],
)
def test_every_endpoint_lists_for_an_admin(api, desk, path):
    response = api(desk["users"][Role.ADMIN]).get(f"/api/servicedesk/{path}/")
    assert response.status_code == 200, response.content


def test_settings_are_for_managers(api, desk):
    agent = api(desk["users"][Role.AGENT])
    response = agent.post(
        "/api/servicedesk/priority-rules/", {"impact": 1, "urgency": 1, "priority": 1}
    )
    assert response.status_code == 403
    manager = api(desk["users"][Role.IT_MANAGER])
    response = manager.post(
        "/api/servicedesk/routing-rules/",
        {"name": "Mail", "match_channel": "email", "set_team": desk["network"].pk},
    )
    assert response.status_code == 201, response.content


def _count_list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


def _sla_policy():
    from steward.servicedesk.models import BusinessCalendar, SLAPolicy, SLATarget, WorkingHours

    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Berlin")
    for day in range(5):
        WorkingHours.objects.create(calendar=calendar, weekday=day, start="08:00", end="18:00")
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar)
    for priority in range(1, 6):
        SLATarget.objects.create(
            policy=policy, priority=priority, response_minutes=60, resolution_minutes=480
        )
    return policy


def test_ticket_list_queries_do_not_grow_with_rows(api, desk):
    _sla_policy()
    agent = desk["users"][Role.AGENT]
    client = api(agent)
    for i in range(5):
        t = new_ticket(desk, actor=agent, team=desk["network"], tags=["x"], title=f"T{i}")
        ticket_reply(ticket=t, actor=agent, body="hi")
    small, n = _count_list_queries(client)
    assert n == 5
    for i in range(45):
        t = new_ticket(desk, actor=agent, team=desk["network"], tags=[f"t{i}"], title=f"U{i}")
        if i % 3 == 0:
            ticket_transition(ticket=t, actor=agent, status="pending", pending_reason="vendor")
    large, n = _count_list_queries(client)
    assert n == 50
    assert large == small
    with query_budget(12):
        client.get(URL)


def test_ticket_detail_query_budget(api, desk):
    _sla_policy()
    agent = desk["users"][Role.AGENT]
    ticket = new_ticket(desk, actor=agent, team=desk["network"], tags=["a", "b"])
    for _ in range(10):
        ticket_reply(ticket=ticket, actor=agent, body="again")
    client = api(agent)
    with query_budget(14):
        assert client.get(f"{URL}{ticket.pk}/").status_code == 200
    with query_budget(10):
        response = client.get(f"{URL}{ticket.pk}/entries/")
    assert len(response.json()) >= 11


def test_closed_ticket_status_shows(api, desk):
    ticket = new_ticket(desk)
    agent = desk["users"][Role.AGENT]
    ticket_transition(ticket=ticket, actor=agent, status="resolved", resolution="ok")
    response = api(agent).get(f"{URL}{ticket.pk}/")
    assert response.json()["status"] == Status.RESOLVED


def test_real_sla_engine_runs_with_the_services(api, desk):
    policy = _sla_policy()
    agent = desk["users"][Role.AGENT]
    ticket = new_ticket(desk, actor=agent, team=desk["network"])
    ticket.refresh_from_db()
    assert ticket.sla_policy == policy and ticket.response_due and ticket.resolution_due
    ticket_reply(ticket=ticket, actor=agent, body="On it")
    ticket_transition(ticket=ticket, actor=agent, status="pending", pending_reason="vendor")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and ticket.sla_paused
    body = api(agent).get(f"{URL}{ticket.pk}/").json()
    assert body["sla"]["resolution"]["paused"] is True
    assert body["sla"]["response"]["stopped"] is True
    assert body["sla"]["resolution"]["remaining_seconds"] > 0


def test_opening_a_ticket_writes_each_kind_of_row_once_and_answers_without_rereading(api, desk):
    """The hot path of the API: the ticket's clocks in one INSERT, its opening lines in one,
    their audit entries in one, and the answer built from what the service holds."""
    from steward.core.models import AuditEntry
    from steward.servicedesk.models import SLAClock

    _sla_policy()
    client = api(desk["users"][Role.AGENT])
    client.post(URL, {"title": "warm", "requester": desk["employee"].pk})
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, {"title": "VPN down", "requester": desk["employee"].pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sla"]["response"] is not None and body["sla"]["resolution"] is not None
    sql = [q["sql"] for q in ctx.captured_queries]

    def inserts(table: str) -> int:
        return sum(s.startswith(f'INSERT INTO "{table}"') for s in sql)

    assert inserts("servicedesk_slaclock") == 1
    assert inserts("servicedesk_ticketentry") == 1
    assert inserts("core_auditentry") == 1
    assert not any(s.startswith("SELECT") and '"servicedesk_slaclock"' in s for s in sql)
    # The actor's person (the opening line's author) came with the token: the only person
    # read on its own is the requester the input names.
    person_reads = [s for s in sql if s.startswith('SELECT "org_person"')]
    assert len(person_reads) == 1
    assert f'"org_person"."id" = {desk["employee"].pk}' in person_reads[0], person_reads
    clocks = list(SLAClock.objects.filter(ticket_id=body["id"]).values_list("pk", flat=True))
    entries = list(TicketEntry.objects.filter(ticket_id=body["id"]).values_list("pk", flat=True))
    assert len(clocks) >= 2 and entries
    audited = set(
        AuditEntry.objects.filter(action="create").values_list("content_type__model", "object_id")
    )
    assert {("slaclock", str(pk)) for pk in clocks} <= audited
    assert {("ticketentry", str(pk)) for pk in entries} <= audited
    opened = TicketEntry.objects.filter(ticket_id=body["id"]).order_by("pk").first()
    assert opened.author == desk["agent"]


def test_categories_come_from_the_process_cache_within_what_each_user_may_see(
    api, desk, django_capture_on_commit_callbacks
):
    """Every new ticket names a category: it is read from the configuration cache, not
    queried per ticket; the cache keeps the permission rule (requesters only pick active
    categories) and learns a category created after it was filled."""
    from steward.core import configcache
    from steward.servicedesk.models import Category

    with django_capture_on_commit_callbacks(execute=True):  # committed: the cache is live
        printer = Category.objects.create(name="Printer", parent=desk["hardware"])
        retired = Category.objects.create(name="Fax", parent=desk["hardware"], is_active=False)
    configcache.reset()
    agent, employee = api(desk["users"][Role.AGENT]), api(desk["users"][Role.EMPLOYEE])
    body = {"title": "Jams", "requester": desk["employee"].pk, "category": printer.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert agent.post(URL, body).status_code == 201  # fills the cache
    with CaptureQueriesContext(connection) as ctx, django_capture_on_commit_callbacks(execute=True):
        response = agent.post(URL, body)
    assert response.status_code == 201, response.content
    assert response.json()["category"] == printer.pk
    assert not [q for q in ctx.captured_queries if 'FROM "servicedesk_category"' in q["sql"]]

    refused = employee.post(URL, {"title": "Fax", "category": retired.pk})
    assert refused.status_code == 400 and "category" in refused.json()["errors"], refused.json()
    assert agent.post(URL, {**body, "category": retired.pk}).status_code == 201
    for odd in (True, [printer.pk], f"{printer.pk}.0", str(2**64)):  # never read as an id
        response = agent.post(URL, {**body, "category": odd}, format="json")
        assert response.status_code == 400 and "category" in response.json()["errors"], odd

    with django_capture_on_commit_callbacks(execute=True):
        newer = Category.objects.create(name="Scanner", parent=desk["hardware"])
    response = employee.post(URL, {"title": "Scanner", "category": newer.pk})
    assert response.status_code == 201, response.content
    assert Ticket.objects.get(pk=response.json()["id"]).category == newer
