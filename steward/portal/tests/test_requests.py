"""Request something (catalogue and my requests) and approvals decided in the portal."""

from __future__ import annotations

import pytest

from steward.approvals import services as approvals
from steward.approvals.models import ApprovalRequest
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(world, open_ticket):
    """The employee asks the asset manager (as a named person) to approve something."""
    ticket = open_ticket(Role.EMPLOYEE, "A second screen")
    return approvals.approval_request_create(
        obj=ticket,
        title="A second screen",
        requester=world["users"][Role.EMPLOYEE],
        stages=[approvals.StageSpec(kind="person", user=world["users"][Role.ASSET_MANAGER])],
    )


def test_an_approver_sees_what_waits_and_approves_in_place(approval, client_for):
    client = client_for(Role.ASSET_MANAGER)
    page = client.get("/portal/approvals/")
    assert [row["request"].pk for row in page.context["rows"]] == [approval.pk]
    response = client.post(
        f"/portal/approvals/{approval.pk}/decide/", {"decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.status == "approved"
    assert client.get("/portal/approvals/").context["rows"] == []


def test_a_requester_cannot_approve_their_own_request(approval, client_for):
    client = client_for(Role.EMPLOYEE)
    assert client.get("/portal/approvals/").context["rows"] == []
    client.post(f"/portal/approvals/{approval.pk}/decide/", {"decision": "approve"})
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_a_customer_contact_cannot_reach_approvals(approval, client_for):
    client = client_for("acme_contact")
    assert client.get("/portal/approvals/").status_code == 404
    response = client.post(f"/portal/approvals/{approval.pk}/decide/", {"decision": "reject"})
    assert response.status_code == 404
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "pending"


def test_an_unknown_decision_changes_nothing(approval, client_for):
    client_for(Role.ASSET_MANAGER).post(
        f"/portal/approvals/{approval.pk}/decide/", {"decision": "maybe"}
    )
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_the_request_page_lists_the_catalogue_and_my_requests(world, client_for):
    client = client_for(Role.EMPLOYEE)
    client.get("/portal/request/")
    with query_budget(12):
        response = client.get("/portal/request/")
    assert response.status_code == 200
    assert response.context["mine"] == []


def test_someone_elses_request_detail_is_404(world, client_for):
    assert client_for(Role.EMPLOYEE).get("/portal/request/999999/").status_code == 404


@pytest.fixture
def monitor_request(world):
    from steward.catalogue import services as catalogue
    from steward.catalogue.models import CatalogueCategory, CatalogueItem

    category = CatalogueCategory.objects.create(name="Hardware")
    item = CatalogueItem.objects.create(
        name="Second monitor",
        slug="second-monitor",
        category=category,
        short_description="A 27-inch screen for your desk.",
    )
    return catalogue.item_request(
        item=item,
        requester=world["people"][Role.EMPLOYEE],
        answers={},
        actor=world["users"][Role.EMPLOYEE],
    )


def test_my_requests_show_with_their_progress(monitor_request, client_for):
    client = client_for(Role.EMPLOYEE)
    page = client.get("/portal/request/")
    assert [r.pk for r in page.context["mine"]] == [monitor_request.pk]
    assert "Second monitor" in page.content.decode()
    assert "/catalogue/i/second-monitor/" in page.content.decode()
    detail = client.get(f"/portal/request/{monitor_request.pk}/")
    assert detail.status_code == 200
    assert detail.context["progress"]["ticket_reference"] == monitor_request.ticket.reference
    assert "cat-progress" in detail.content.decode()


def test_someone_elses_request_is_404(world, monitor_request, client_for, make_user):
    from django.test import Client

    from steward.org.models import Person

    colleague = make_user(Role.EMPLOYEE, username="colleague")
    Person.objects.create(
        first_name="Col", last_name="League", organisation=world["internal"], user=colleague
    )
    other = Client()
    other.force_login(colleague)
    assert other.get(f"/portal/request/{monitor_request.pk}/").status_code == 404
    assert other.get("/portal/request/").context["mine"] == []
    response = client_for("acme_contact").get(f"/portal/request/{monitor_request.pk}/")
    assert response.status_code == 404


def test_the_request_page_is_the_catalogue_storefront_with_its_category_chips(
    monitor_request, client_for
):
    client = client_for(Role.EMPLOYEE)
    page = client.get("/portal/request/")
    assert "catalogue/_browse.html" in [t.name for t in page.templates]
    html = page.content.decode()
    assert 'id="catalogue-grid"' in html and 'class="cat-chips"' in html
    assert 'hx-get="/catalogue/browse/"' in html and 'hx-push-url="false"' in html
    category = monitor_request.item.category_id
    card = 'href="/catalogue/i/second-monitor/"'
    assert card in client.get(f"/portal/request/?category={category}").content.decode()
    other = client.get(f"/portal/request/?category={category + 1}").content.decode()
    assert card not in other and 'id="my-requests"' in other
