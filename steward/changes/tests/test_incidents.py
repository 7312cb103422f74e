"""Incidents caused by a change: linked from the change (service, page, API) and from the
incident (the workspace panel), only once the change is carried out, only incidents the actor
can see, hidden from everyone but IT staff; hostile input answers 400."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from steward.changes import incidents, selectors
from steward.changes.models import ChangeIncident, ChangeState
from steward.core.models import AuditEntry
from steward.core.testing import PASSWORD, query_budget

from .conftest import at

pytestmark = pytest.mark.django_db
S = ChangeState
URL = "/api/changes/change-requests/"


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def done(make_change, estate):
    """A change carried out yesterday on vm-erp."""
    change = make_change(estate["vm"], start=at(days=-1), state=S.REVIEW, title="Patch vm-erp")
    change.actual_start = at(days=-1)
    change.save(update_fields=["actual_start"])
    return change


def test_an_implemented_change_records_the_incidents_it_caused(world, done, incident):
    a, b = incident("ERP slow"), incident("ERP login fails")
    n = incidents.change_link_incidents(
        change=done, ticket_ids=[a.pk, b.pk, a.pk], actor=world["agent"]
    )
    assert n == 2
    assert (
        incidents.change_link_incidents(change=done, ticket_ids=[a.pk], actor=world["agent"]) == 0
    )
    assert [t.pk for t in selectors.change_incidents(change=done, user=world["agent"])] == [
        b.pk,
        a.pk,
    ]
    assert list(selectors.changes_of_incident(ticket_id=a.pk, user=world["agent"])) == [done]
    assert (
        AuditEntry.objects.filter(content_type__model="changeincident", action="create").count()
        == 2
    )
    incidents.change_unlink_incident(change=done, ticket_id=a.pk, actor=world["agent"])
    assert [t.pk for t in selectors.change_incidents(change=done, user=world["agent"])] == [b.pk]


@pytest.mark.parametrize(
    "state", [S.DRAFT, S.ASSESSMENT, S.AUTHORISATION, S.SCHEDULED, S.CANCELLED]
)
def test_a_change_not_carried_out_causes_nothing(world, make_change, incident, state):
    change = make_change(start=at(days=1), state=state)
    with pytest.raises(ValidationError) as exc:
        incidents.change_link_incidents(
            change=change, ticket_ids=[incident("x").pk], actor=world["agent"]
        )
    assert "only once carried out" in str(exc.value)
    assert not ChangeIncident.objects.exists()


def test_a_change_cancelled_after_it_started_may_have_caused_incidents(
    world, make_change, incident
):
    change = make_change(start=at(days=-1), state=S.CANCELLED, actual_start=at(days=-1))
    assert (
        incidents.change_link_incidents(
            change=change, ticket_ids=[incident("x").pk], actor=world["agent"]
        )
        == 1
    )


def test_requests_unknown_and_hidden_tickets_are_refused_alike(world, done, incident):
    request = incident("New laptop", kind="request")
    theirs = incident("Acme printer", organisation=world["acme"])
    for bad in ([request.pk], [999_999], ["7"], [True], [0]):
        with pytest.raises(ValidationError):
            incidents.change_link_incidents(change=done, ticket_ids=bad, actor=world["agent"])
    # A customer contact sees their own tickets, but may not change a change at all.
    with pytest.raises(PermissionDenied):
        incidents.change_link_incidents(
            change=done, ticket_ids=[theirs.pk], actor=world["customer"]
        )
    with pytest.raises(ValidationError) as exc:
        incidents.change_link_incidents(
            change=done, ticket_ids=list(range(1, 202)), actor=world["agent"]
        )
    assert "At most 200" in str(exc.value)
    assert not ChangeIncident.objects.exists()


def test_employees_see_their_change_but_not_the_incidents_it_caused(world, make_change, incident):
    change = make_change(
        start=at(days=-1), state=S.REVIEW, requester=world["employee"], actual_start=at(days=-1)
    )
    incidents.change_link_incidents(
        change=change, ticket_ids=[incident("Down").pk], actor=world["agent"]
    )
    assert selectors.change_incidents(change=change, user=world["employee"]) == []
    page = _client(world["employee"]).get(f"/changes/requests/{change.pk}/").content.decode()
    assert "Incidents caused by this change" not in page and "Down" not in page


def test_change_page_links_by_reference_and_unlinks(world, done, incident):
    ticket = incident("ERP timeouts")
    client = _client(world["agent"])
    page = client.get(f"/changes/requests/{done.pk}/").content.decode()
    assert "No incident recorded as caused by this change." in page and 'id="caused-form"' in page
    url = f"/changes/requests/{done.pk}/incidents/link/"
    response = client.post(url, {"incident": f" [{ticket.reference}] "}, follow=True)
    body = response.content.decode()
    assert f"{ticket.reference} is recorded as caused by this change." in body
    detail = reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
    assert f'<a href="{detail}">{ticket.reference}</a>' in body
    assert ChangeIncident.objects.filter(change=done, ticket_id=ticket.pk).exists()
    response = client.post(url, {"incident": "INC-987654"}, follow=True)
    assert "No incident INC-987654 that you can see." in response.content.decode()
    response = client.post(url, {"incident": "<script>x</script>"}, follow=True)
    assert "&lt;script&gt;" in response.content.decode()
    client.post(f"/changes/requests/{done.pk}/incidents/unlink/", {"ticket": ticket.pk})
    assert not ChangeIncident.objects.exists()
    assert client.post(f"/changes/requests/{done.pk}/incidents/other/").status_code == 404


def test_a_scheduled_change_page_explains_when_incidents_can_be_recorded(world, make_change):
    change = make_change(start=at(days=3))
    page = _client(world["agent"]).get(f"/changes/requests/{change.pk}/").content.decode()
    assert "Incidents can be recorded once the change is being implemented." in page
    assert 'id="caused-form"' not in page


def test_incident_workspace_panel_shows_and_records_causes(world, done, incident):
    from steward.changes import problems

    ticket = incident("ERP down")
    problem = problems.problem_create(data={"title": "ERP memory leak"}, actor=world["agent"])
    problems.problem_link_incidents(problem=problem, ticket_ids=[ticket.pk], actor=world["agent"])
    client = _client(world["agent"])
    panel_url = f"/changes/incidents/{ticket.pk}/panel/"
    workspace = client.get(f"/servicedesk/tickets/{ticket.pk}/").content.decode()
    assert panel_url in workspace
    panel = client.get(panel_url).content.decode()
    assert "No change recorded as its cause." in panel and problem.reference in panel
    response = client.post(panel_url, {"change": done.reference.lower()})
    assert response.status_code == 200
    assert f"Recorded as caused by {done.reference}." in response.content.decode()
    assert list(selectors.changes_of_incident(ticket_id=ticket.pk, user=world["agent"])) == [done]
    response = client.post(panel_url, {"change": "CHG-999999"})
    assert response.status_code == 400 and "No change CHG-999999" in response.content.decode()


def test_panel_is_for_staff_and_incidents_only(world, incident):
    ticket, request = incident("ERP down"), incident("Laptop", kind="request")
    assert (
        _client(world["employee"]).get(f"/changes/incidents/{ticket.pk}/panel/").status_code == 403
    )
    agent = _client(world["agent"])
    assert agent.get(f"/changes/incidents/{request.pk}/panel/").status_code == 404
    assert agent.get("/changes/incidents/99999999/panel/").status_code == 404
    assert (
        f"/changes/incidents/{request.pk}/panel/"
        not in agent.get(f"/servicedesk/tickets/{request.pk}/").content.decode()
    )


def test_panel_queries_do_not_grow_with_the_causes(world, make_change, incident, estate):
    ticket = incident("ERP down")
    client = _client(world["agent"])
    url = f"/changes/incidents/{ticket.pk}/panel/"
    client.get(url)

    def add(n):
        for i in range(n):
            change = make_change(estate["vm"], start=at(days=-2), state=S.CLOSED, title=f"c{i}")
            ChangeIncident.objects.create(change=change, ticket_id=ticket.pk)

    add(1)
    with query_budget(12) as one:
        client.get(url)
    add(10)
    with query_budget(12) as eleven:
        assert client.get(url).content.decode().count("/changes/requests/") == 11
    assert len(eleven) == len(one)


def test_api_links_lists_and_unlinks(api, world, done, incident):
    a, b = incident("ERP slow"), incident("ERP down")
    client = api(world["agent"])
    response = client.post(
        f"{URL}{done.pk}/link-incidents/", {"incidents": [a.pk, b.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"linked": 2}
    listed = client.get(f"{URL}{done.pk}/incidents/").json()
    assert [i["reference"] for i in listed] == [b.reference, a.reference]
    response = client.post(
        f"{URL}{done.pk}/unlink-incidents/", {"incidents": [b.pk]}, format="json"
    )
    assert [i["id"] for i in response.json()] == [a.pk]
    assert api(world["employee"]).get(f"{URL}{done.pk}/incidents/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"incidents": []},
        {"incidents": "1"},
        {"incidents": [-1]},
        {"incidents": [2**70]},
        {"incidents": [1], "x": 1},
    ],
)
def test_api_link_hostile_input_answers_400(api, world, done, body):
    response = api(world["agent"]).post(f"{URL}{done.pk}/link-incidents/", body, format="json")
    assert response.status_code == 400, response.content
    assert not ChangeIncident.objects.exists()


def test_api_link_on_a_scheduled_change_is_400_with_the_reason(api, world, make_change, incident):
    change = make_change(start=at(days=3))
    response = api(world["agent"]).post(
        f"{URL}{change.pk}/link-incidents/", {"incidents": [incident("x").pk]}, format="json"
    )
    assert response.status_code == 400
    assert "only once carried out" in str(response.json())
