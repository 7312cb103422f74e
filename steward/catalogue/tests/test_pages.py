"""The storefront, the request form, my requests, the progress page and the task queue."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.catalogue import selectors
from steward.catalogue.models import RequestedItem
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


HX = {"HTTP_HX_REQUEST": "true"}


def test_the_storefront_shows_the_items_of_my_audience_by_category(cat):
    page = _client(cat["users"][Role.EMPLOYEE]).get("/catalogue/browse/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "New laptop" in html and "VPN access" in html and "Hardware" in html
    assert "Customer portal access" not in html
    customer = _client(cat["users"]["acme_contact"]).get("/catalogue/browse/").content.decode()
    assert "Customer portal access" in customer and "New laptop" not in customer
    assert "Hardware" not in customer  # no category chip without an item to request


def test_the_storefront_search_answers_the_grid_fragment(cat):
    page = _client(cat["users"][Role.EMPLOYEE]).get(
        "/catalogue/browse/?q=vpn", HTTP_HX_TARGET="catalogue-grid", **HX
    )
    html = page.content.decode()
    assert "VPN access" in html and "New laptop" not in html and "<html" not in html


def test_the_item_page_renders_its_form(cat):
    html = _client(cat["users"][Role.EMPLOYEE]).get("/catalogue/i/new-laptop/").content.decode()
    assert 'name="model"' in html and "16-inch" in html and "Prepare laptop" in html


def test_an_item_outside_my_audience_is_404(cat):
    assert _client(cat["users"]["acme_contact"]).get("/catalogue/i/new-laptop/").status_code == 404


def test_an_htmx_submission_with_errors_answers_the_form_with_field_errors(cat):
    response = _client(cat["users"][Role.EMPLOYEE]).post(
        "/catalogue/i/new-laptop/", {"reason": "x"}, **HX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="request-form"' in html and "This field is required." in html
    assert "<html" not in html


def test_a_valid_submission_redirects_to_the_new_requests_progress(cat):
    response = _client(cat["users"][Role.EMPLOYEE]).post(
        "/catalogue/i/new-laptop/", {"model": "16-inch"}, **HX
    )
    requested = RequestedItem.objects.get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/catalogue/my/{requested.pk}/"


def test_a_service_error_shows_on_the_form(cat):
    # The agent has no manager, so the laptop's approval stage has nobody to decide it.
    response = _client(cat["users"][Role.AGENT]).post(
        "/catalogue/i/new-laptop/", {"model": "16-inch"}
    )
    assert response.status_code == 400
    assert "no manager" in response.content.decode()


def test_the_progress_page_shows_each_step(cat, request_item):
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    html = (
        _client(cat["users"][Role.EMPLOYEE]).get(f"/catalogue/my/{requested.pk}/").content.decode()
    )
    assert "Awaiting approval" in html and "Approval: Manager" in html
    assert "Step 1: Prepare laptop" in html and "Step 2: Deliver laptop" in html
    assert requested.ticket.reference in html


def test_request_progress_lists_approval_stages_and_steps(cat, request_item):
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    user = cat["users"][Role.EMPLOYEE]
    progress = selectors.request_progress(
        selectors.requested_item_get(user=user, pk=requested.pk), user
    )
    kinds = [(s["kind"], s["state"]) for s in progress["steps"]]
    assert kinds == [
        ("submitted", "done"),
        ("approval", "current"),
        ("fulfilment", "waiting"),
        ("fulfilment", "waiting"),
        ("delivered", "waiting"),
    ]
    assert progress["steps"][1]["people"] == [cat["users"][Role.IT_MANAGER].username]


def test_another_organisations_request_is_404(cat, request_item):
    requested = request_item(cat["portal"], role="acme_contact")
    assert (
        _client(cat["users"]["globex_contact"]).get(f"/catalogue/my/{requested.pk}/").status_code
        == 404
    )
    assert (
        _client(cat["users"]["acme_contact"]).get(f"/catalogue/my/{requested.pk}/").status_code
        == 200
    )


def test_the_person_a_request_is_for_sees_it(cat, request_item):
    requested = request_item(cat["vpn"], requested_for=cat["person"][Role.ASSET_MANAGER])
    other = cat["users"][Role.ASSET_MANAGER]
    assert _client(other).get(f"/catalogue/my/{requested.pk}/").status_code == 200
    html = _client(other).get("/catalogue/my/").content.decode()
    assert requested.ticket.reference in html


def test_staff_pages_are_forbidden_to_employees(cat):
    client = _client(cat["users"][Role.EMPLOYEE])
    for url in (
        "/catalogue/items/",
        "/catalogue/queue/",
        "/catalogue/tasks/",
        "/catalogue/requests/",
        "/catalogue/items/add/",
    ):
        assert client.get(url).status_code == 403, url


def test_an_agent_completes_a_task_from_the_queue(cat, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    client = _client(cat["users"][Role.AGENT])
    html = client.get("/catalogue/queue/").content.decode()
    assert "Accounts" in html and "Desk" not in html  # the agent is in IT only
    assert "Desk" in client.get("/catalogue/queue/?scope=all").content.decode()
    task = requested.tasks.get(title="Accounts")
    response = client.post(f"/catalogue/queue/{task.pk}/complete/", {"notes": "Done"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.notes == "Done"
    assert client.post(f"/catalogue/queue/{task.pk}/explode/").status_code == 404


def test_a_manager_edits_an_item_through_the_generic_form(cat):
    client = _client(cat["users"][Role.IT_MANAGER])
    item = cat["vpn"]
    response = client.get(f"/catalogue/items/{item.pk}/")
    assert response.status_code == 200 and "Request form" in response.content.decode()
    response = client.post(
        f"/catalogue/items/{item.pk}/edit/",
        {
            "name": "VPN access",
            "slug": "vpn",
            "category": item.category_id,
            "audience": "both",
            "fulfilment_mode": "sequential",
            "approval_stages": '[{"kind": "boss"}]',
            "order": 100,
        },
    )
    assert response.status_code == 400
    assert "kind must be person, manager or group" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/catalogue/browse/",
        "/catalogue/my/",
        "/catalogue/queue/?scope=all",
        "/catalogue/items/",
        "/catalogue/categories/",
        "/catalogue/fields/",
        "/catalogue/task-templates/",
        "/catalogue/requests/",
        "/catalogue/tasks/",
    ],
)
def test_list_pages_stay_within_a_query_budget(cat, request_item, url):
    for _ in range(3):
        request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    request_item(cat["laptop"], answers={"model": "14-inch"})
    client = _client(cat["users"][Role.IT_MANAGER])
    assert client.get(url).status_code == 200
    with query_budget(16):
        assert client.get(url).status_code == 200


def test_the_progress_page_stays_within_a_query_budget(cat, request_item):
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    client = _client(cat["users"][Role.EMPLOYEE])
    client.get(f"/catalogue/my/{requested.pk}/")
    with query_budget(20):
        assert client.get(f"/catalogue/my/{requested.pk}/").status_code == 200


def test_search_results_reach_the_storefront_page_of_an_item(cat):
    client = _client(cat["users"][Role.EMPLOYEE])
    response = client.get(f"/catalogue/i/{cat['vpn'].pk}/")
    assert response.status_code == 302 and response["Location"] == "/catalogue/i/vpn/"
    assert client.get(f"/catalogue/i/{cat['portal'].pk}/").status_code == 404


def test_the_catalogue_address_opens_the_storefront(cat):
    response = _client(cat["users"][Role.EMPLOYEE]).get("/catalogue/")
    assert response.status_code == 302 and response["Location"] == "/catalogue/browse/"


def test_an_approver_who_is_not_staff_sees_the_request_they_decide(cat, request_item, make_user):
    from steward.org.models import Person

    line_manager = make_user(Role.EMPLOYEE, username="line_manager")
    boss = Person.objects.create(
        first_name="Line", last_name="Manager", organisation=cat["internal"], user=line_manager
    )
    requester = cat["person"][Role.EMPLOYEE]
    requester.manager = boss
    requester.save()
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    client = _client(line_manager)
    assert client.get(f"/catalogue/my/{requested.pk}/").status_code == 200
    html = client.get(f"/approvals/{requested.approval_request_id}/").content.decode()
    assert f"/catalogue/my/{requested.pk}/" in html
    stranger = make_user(Role.EMPLOYEE, username="stranger")
    assert _client(stranger).get(f"/catalogue/my/{requested.pk}/").status_code == 404


def test_home_shows_my_open_requests_and_my_teams_tasks(cat, request_item):
    request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    employee = _client(cat["users"][Role.EMPLOYEE]).get("/").content.decode()
    assert "My open requests" in employee and "Fulfilment tasks for my teams" not in employee
    agent = _client(cat["users"][Role.AGENT]).get("/").content.decode()
    assert "Fulfilment tasks for my teams" in agent
