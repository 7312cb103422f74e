"""The catalogue API: requesting an item, per-field errors, tasks, tenants, budgets."""

from __future__ import annotations

import pytest

from steward.catalogue.models import FulfilmentTask, RequestedItem
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db


def _url(item):
    return f"/api/catalogue/items/{item.pk}/request/"


def test_requesting_an_item_answers_201_with_the_ticket_reference(cat, api):
    response = api(cat["users"][Role.EMPLOYEE]).post(
        _url(cat["laptop"]), {"answers": {"model": "14-inch"}}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "awaiting_approval"
    assert body["ticket_reference"].startswith("REQ-")
    assert RequestedItem.objects.get(pk=body["id"]).answers == {"model": "14-inch"}


def test_wrong_answers_answer_400_with_an_error_per_field(cat, api):
    response = api(cat["users"][Role.EMPLOYEE]).post(
        _url(cat["laptop"]), {"answers": {"model": "17-inch", "extra": 1}}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["model"] == ["Choose one of: 14-inch, 16-inch."]
    assert errors["extra"] == ["This form has no such field."]


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"answers": "x"},
        {"answers": {"model": None}},
        {"answers": {"model": ["a"] * 3}},
        {"unknown": 1},
        {"requested_for": "x"},
        {"requested_for": 10**20},
        {"requested_for": 999999},
    ],
)
def test_bad_request_bodies_answer_400_never_500(cat, api, body):
    response = api(cat["users"][Role.EMPLOYEE]).post(_url(cat["laptop"]), body, format="json")
    assert response.status_code == 400, response.content


def test_an_item_outside_your_audience_is_404(cat, api):
    client = api(cat["users"]["acme_contact"])
    assert client.post(_url(cat["laptop"]), {}, format="json").status_code == 404
    assert client.get(f"/api/catalogue/items/{cat['laptop'].pk}/").status_code == 404
    names = [i["name"] for i in client.get("/api/catalogue/items/").json()["results"]]
    assert sorted(names) == ["Customer portal access", "VPN access"]


def test_an_employee_does_not_see_customer_items(cat, api):
    names = [
        i["name"]
        for i in api(cat["users"][Role.EMPLOYEE]).get("/api/catalogue/items/").json()["results"]
    ]
    assert "Customer portal access" not in names and "New laptop" in names


def test_a_request_of_another_organisation_is_404(cat, api, request_item):
    requested = request_item(cat["portal"], role="acme_contact")
    assert (
        api(cat["users"]["globex_contact"])
        .get(f"/api/catalogue/requests/{requested.pk}/")
        .status_code
        == 404
    )
    assert (
        api(cat["users"]["acme_contact"])
        .get(f"/api/catalogue/requests/{requested.pk}/")
        .status_code
        == 200
    )


def test_requests_cannot_be_created_or_changed_directly(cat, api, request_item):
    requested = request_item(cat["vpn"])
    client = api(cat["users"][Role.ADMIN])
    assert client.post("/api/catalogue/requests/", {}, format="json").status_code in (403, 405)
    url = f"/api/catalogue/requests/{requested.pk}/"
    assert client.patch(url, {"state": "fulfilled"}, format="json").status_code in (403, 405)
    assert client.post("/api/catalogue/tasks/", {}, format="json").status_code in (403, 405)
    requested.refresh_from_db()
    assert requested.state == "in_fulfilment" and RequestedItem.objects.count() == 1


def test_an_agent_completes_a_task_through_the_api(cat, api, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    task = requested.tasks.get(title="Accounts")
    url = f"/api/catalogue/tasks/{task.pk}/complete/"
    assert api(cat["users"][Role.EMPLOYEE]).post(url, {}, format="json").status_code == 403
    client = api(cat["users"][Role.AGENT])
    response = client.post(url, {"notes": "Accounts created"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "done"
    again = client.post(url, {}, format="json")
    assert again.status_code == 400
    skip = client.post(
        f"/api/catalogue/tasks/{requested.tasks.get(title='Desk').pk}/skip/", {}, format="json"
    )
    assert skip.status_code == 400 and "notes" in skip.json()["errors"]
    assert client.post(url, ["x"], format="json").status_code == 400


def test_an_asset_manager_works_only_their_teams_tasks(cat, api, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    client = api(cat["users"][Role.ASSET_MANAGER])
    accounts = requested.tasks.get(title="Accounts")
    desk = requested.tasks.get(title="Desk")
    assert (
        client.post(f"/api/catalogue/tasks/{accounts.pk}/complete/", {}, format="json").status_code
        == 403
    )
    assert (
        client.post(f"/api/catalogue/tasks/{desk.pk}/complete/", {}, format="json").status_code
        == 200
    )


def test_only_managers_edit_the_catalogue(cat, api):
    body = {"name": "Headset", "slug": "headset", "category": cat["laptop"].category_id}
    assert (
        api(cat["users"][Role.AGENT]).post("/api/catalogue/items/", body, format="json").status_code
        == 403
    )
    response = api(cat["users"][Role.IT_MANAGER]).post("/api/catalogue/items/", body, format="json")
    assert response.status_code == 201, response.content


def test_approval_stages_are_validated(cat, api):
    client = api(cat["users"][Role.IT_MANAGER])
    url = f"/api/catalogue/items/{cat['vpn'].pk}/"
    for stages in ([{"kind": "boss"}], [{"kind": "group"}], "x", [{"kind": "manager", "x": 1}]):
        response = client.patch(url, {"approval_stages": stages}, format="json")
        assert response.status_code == 400, stages
    ok = client.patch(url, {"approval_stages": [{"kind": "manager"}]}, format="json")
    assert ok.status_code == 200


@pytest.mark.parametrize("path,field", [("items", "approval_stages"), ("fields", "choices")])
@pytest.mark.parametrize("value", [None, "", {}])
def test_empty_json_values_are_refused_not_a_server_error(cat, api, path, field, value):
    obj = cat["vpn"] if path == "items" else cat["laptop"].fields.get(name="reason")
    response = api(cat["users"][Role.IT_MANAGER]).patch(
        f"/api/catalogue/{path}/{obj.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_choice_fields_need_choices(cat, api):
    client = api(cat["users"][Role.IT_MANAGER])
    body = {"item": cat["vpn"].pk, "name": "os", "label": "OS", "type": "choice"}
    assert client.post("/api/catalogue/fields/", body, format="json").status_code == 400
    body["choices"] = ["Windows", "macOS"]
    assert client.post("/api/catalogue/fields/", body, format="json").status_code == 201


@pytest.mark.parametrize(
    "path", ["items", "categories", "fields", "task-templates", "requests", "tasks"]
)
def test_list_endpoints_stay_within_a_query_budget(cat, api, request_item, path):
    for _ in range(3):
        request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    client = api(cat["users"][Role.ADMIN])
    client.get(f"/api/catalogue/{path}/")
    with query_budget(8):
        response = client.get(f"/api/catalogue/{path}/")
    assert response.status_code == 200
    assert FulfilmentTask.objects.count() == 9


def test_approval_stages_must_name_existing_people_and_teams(cat, api):
    client = api(cat["users"][Role.IT_MANAGER])
    url = f"/api/catalogue/items/{cat['vpn'].pk}/"
    for stages in (
        [{"kind": "person", "user_id": 999999}],
        [{"kind": "group", "team_id": 999999}],
        [{"kind": "group", "team_id": 10**20}],
    ):
        response = client.patch(url, {"approval_stages": stages}, format="json")
        assert response.status_code == 400, (stages, response.content)
        assert "approval_stages" in response.json()["errors"]
    team = cat["teams"]["it"].pk
    response = client.patch(
        url, {"approval_stages": [{"kind": "group", "team_id": team}]}, format="json"
    )
    assert response.status_code == 200
