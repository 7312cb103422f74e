"""People-facing repair history: an employee reports a problem on one of their assets from
the portal (one ticket, linked to the asset), the ticket names the asset for agents, and the
asset's page lists its tickets."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from steward.assets import services
from steward.catalogue.models import CatalogueCategory, CatalogueItem
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.servicedesk import services as sd
from steward.servicedesk.models import Category, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.fixture
def mine(world, make_asset):
    """A laptop checked out to the employee."""
    return services.asset_check_out(
        asset=make_asset(name="pc-jane"), actor=world["manager"], person=world["employee"]
    )


def _report_url(asset):
    return reverse("portal:asset_report", kwargs={"pk": asset.pk})


def test_reporting_a_problem_opens_one_ticket_linked_to_the_asset(browser, world, mine):
    hardware = Category.objects.create(name="Hardware", kind="incident")
    laptop = Category.objects.create(name="Laptop", kind="incident", parent=hardware)
    client = browser(world["users"][Role.EMPLOYEE])
    assert client.get(_report_url(mine)).status_code == 200

    response = client.post(
        _report_url(mine),
        {"title": "Screen flickers", "description": "Since Monday.", "urgency": "1"},
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:report_done", kwargs={"pk": ticket.pk})
    assert ticket.asset_id == mine.pk
    assert ticket.requester == world["employee"]
    assert ticket.channel == "portal" and ticket.urgency == 1 and ticket.kind == "incident"
    assert ticket.category == laptop
    assert ticket.title == f"{mine.asset_tag}: Screen flickers"
    for fact in ("Since Monday.", mine.asset_tag, "Dell Latitude 7440", mine.serial):
        assert fact in ticket.description


def test_problem_report_falls_back_to_the_hardware_category_then_none(browser, world, mine):
    client = browser(world["users"][Role.EMPLOYEE])
    client.post(_report_url(mine), {"title": "Fan is loud", "urgency": "3"})
    assert Ticket.objects.get().category is None
    hardware = Category.objects.create(name="Hardware")
    client.post(_report_url(mine), {"title": "Fan is louder", "urgency": "3"})
    assert Ticket.objects.latest("pk").category == hardware


def test_problem_report_without_a_title_answers_400_and_opens_nothing(browser, world, mine):
    client = browser(world["users"][Role.EMPLOYEE])
    response = client.post(_report_url(mine), {"title": "  ", "urgency": "2"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()
    response = client.post(_report_url(mine), {"title": "Broken", "urgency": "9"})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_someone_elses_asset_answers_404_and_opens_nothing(browser, world, make_asset, mine):
    theirs = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["agent_person"]
    )
    in_stock = make_asset()
    client = browser(world["users"][Role.EMPLOYEE])
    for asset in (theirs, in_stock):
        assert client.get(_report_url(asset)).status_code == 404
        assert client.post(_report_url(asset), {"title": "x", "urgency": "2"}).status_code == 404
    huge = "/portal/assets/99999999999999999999999/report/"
    assert client.post(huge, {"title": "x", "urgency": "2"}).status_code == 404
    assert not Ticket.objects.exists()


def test_customer_contacts_cannot_report_problems_on_assets(browser, world, mine):
    client = browser(world["users"]["acme_contact"])
    assert client.get(_report_url(mine)).status_code == 404
    assert client.post(_report_url(mine), {"title": "x", "urgency": "2"}).status_code == 404
    assert not Ticket.objects.exists()


def test_the_service_refuses_linking_an_asset_the_requester_may_not_see(world, make_asset, mine):
    theirs = make_asset()
    employee = world["users"][Role.EMPLOYEE]
    with pytest.raises(ValidationError) as caught:
        sd.ticket_create(actor=employee, requester=world["employee"], title="x", asset_id=theirs.pk)
    assert "asset_id" in caught.value.message_dict
    ticket = sd.ticket_create(
        actor=employee, requester=world["employee"], title="x", asset_id=mine.pk
    )
    assert ticket.asset_id == mine.pk
    with pytest.raises(ValidationError):
        sd.ticket_update(ticket=ticket, actor=world["users"][Role.AGENT], data={"asset_id": 0})


def test_my_assets_offers_reporting_and_new_equipment(browser, world, mine):
    client = browser(world["users"][Role.EMPLOYEE])
    page = client.get("/portal/assets/")
    html = page.content.decode()
    assert _report_url(mine) in html
    assert page.context["new_equipment_url"] == reverse("portal:request")

    hardware = CatalogueCategory.objects.create(name="Hardware")
    CatalogueItem.objects.create(
        category=hardware, name="New laptop", slug="new-laptop", short_description="A laptop"
    )
    page = client.get("/portal/assets/")
    assert page.context["new_equipment_url"] == reverse(
        "catalogue:item", kwargs={"slug": "new-laptop"}
    )


def test_the_agent_sees_the_asset_on_the_ticket_and_in_the_api(browser, api, world, mine):
    ticket = sd.ticket_create(
        actor=world["users"][Role.EMPLOYEE],
        requester=world["employee"],
        title="Battery",
        asset_id=mine.pk,
    )
    agent = world["users"][Role.AGENT]
    page = browser(agent).get(reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk}))
    html = page.content.decode()
    assert page.context["asset"]["url"] == reverse("assets:asset_detail", kwargs={"pk": mine.pk})
    assert 'id="ticket-asset"' in html and mine.asset_tag in html
    body = api(agent).get(f"/api/servicedesk/tickets/{ticket.pk}/").json()
    assert body["asset_id"] == mine.pk


def test_asset_page_lists_its_tickets_within_a_query_budget(browser, world, mine):
    employee = world["users"][Role.EMPLOYEE]

    def report(n):
        for i in range(n):
            sd.ticket_create(
                actor=employee, requester=world["employee"], title=f"Issue {i}", asset_id=mine.pk
            )

    client = browser(world["users"][Role.ASSET_MANAGER])
    url = reverse("assets:asset_detail", kwargs={"pk": mine.pk})
    report(2)
    client.get(url)
    with query_budget(40) as few:
        page = client.get(url)
    assert page.context["ticket_count"] == 2 and page.context["open_ticket_count"] == 2
    report(10)
    with query_budget(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["ticket_count"] == 12
    assert len(page.context["tickets"]) == 12
    html = page.content.decode()
    assert 'id="asset-tickets"' in html and "12 tickets about this asset" in html
    ticket = page.context["tickets"][0]
    assert reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk}) in html


def test_employee_sees_only_their_own_tickets_on_their_asset(browser, world, mine):
    sd.ticket_create(
        actor=world["users"][Role.EMPLOYEE],
        requester=world["employee"],
        title="Mine",
        asset_id=mine.pk,
    )
    sd.ticket_create(
        actor=None, requester=world["agent_person"], title="Not mine", asset_id=mine.pk
    )
    client = browser(world["users"][Role.EMPLOYEE])
    page = client.get(reverse("assets:asset_detail", kwargs={"pk": mine.pk}))
    assert [t.title for t in page.context["tickets"]] == ["Mine"]
    assert page.context["ticket_count"] == 1
    assert reverse("portal:ticket_detail", kwargs={"pk": page.context["tickets"][0].pk}) in (
        page.content.decode()
    )
