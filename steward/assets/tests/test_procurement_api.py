"""The stock and procurement API: the loop through the endpoints, who sees and does what,
bad input answers 400 (never 500), and query budgets on every list."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.assets import procurement, stock
from steward.assets.models import AssetHealthReading, PurchaseRequest
from steward.assets.tests.procurement_helpers import approved, draft, make_item
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db
API = "/api/assets"


def _ok(response, code=200):
    assert response.status_code == code, response.content
    return response.json()


def test_the_loop_through_the_api(api, world, django_capture_on_commit_callbacks):
    employee, it_manager = world["users"][Role.EMPLOYEE], world["users"][Role.IT_MANAGER]
    toner = make_item(name="Toner")
    body = _ok(
        api(employee).post(
            f"{API}/purchase-requests/",
            {
                "justification": "Printer on floor 2 is out",
                "location": world["stock"].pk,
                "lines": [
                    {"stock_item": toner.pk, "quantity": 5, "estimated_unit_cost": "20.00"},
                    {"hardware_model": world["laptop"].pk, "quantity": 1},
                ],
            },
            format="json",
        ),
        201,
    )
    pk = body["id"]
    assert body["status"] == "draft" and body["requester"] == employee.pk
    assert len(body["lines"]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        body = _ok(api(employee).post(f"{API}/purchase-requests/{pk}/submit/", {}, format="json"))
    assert body["status"] == "pending" and body["approval_request_id"]
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            api(it_manager).post(
                f"{API}/purchase-requests/{pk}/decide/",
                {"decision": "approve", "comment": "ok"},
                format="json",
            )
        )
    # The engine announces its decision after commit; the request follows it.
    assert _ok(api(employee).get(f"{API}/purchase-requests/{pk}/"))["status"] == "approved"
    manager = api(world["manager"])
    response = manager.post(
        f"{API}/purchase-requests/{pk}/order/", {"vendor": world["supplier"].pk}, format="json"
    )
    assert response.status_code == 400  # the laptop line has no cost estimate
    PurchaseRequest.objects.get(pk=pk).lines.filter(hardware_model__isnull=False).update(
        estimated_unit_cost=Decimal("999")
    )
    order = _ok(
        manager.post(
            f"{API}/purchase-requests/{pk}/order/",
            {"vendor": world["supplier"].pk, "expected_on": "2099-01-01", "number": "PO-T-1"},
            format="json",
        ),
        201,
    )
    assert order["number"] == "PO-T-1" and order["status"] == "ordered"
    lines = {line["stock_item"] or "laptop": line["id"] for line in order["lines"]}
    receipt = _ok(
        manager.post(
            f"{API}/purchase-orders/{order['id']}/receive/",
            {"lines": [{"line": lines[toner.pk], "quantity": 5}], "invoice_number": "I-9"},
            format="json",
        ),
        201,
    )
    assert receipt["lines"][0]["quantity"] == 5
    levels = _ok(manager.get(f"{API}/stock-levels/", {"item": toner.pk}))["results"]
    assert [row["quantity"] for row in levels] == [5]
    over = manager.post(
        f"{API}/purchase-orders/{order['id']}/receive/",
        {"lines": [{"line": lines["laptop"], "quantity": 2}]},
        format="json",
    )
    assert over.status_code == 400 and "outstanding" in str(over.json()["errors"])
    receipt = _ok(
        manager.post(
            f"{API}/purchase-orders/{order['id']}/receive/",
            {"lines": [{"line": lines["laptop"], "quantity": 1}]},
            format="json",
        ),
        201,
    )
    assert len(receipt["lines"][0]["assets"]) == 1
    assert _ok(manager.get(f"{API}/purchase-orders/{order['id']}/"))["status"] == "received"


def test_stock_actions_and_the_below_reorder_filter(api, world):
    item = make_item(reorder_point=5)
    make_item(reorder_point=0)
    client = api(world["manager"])
    moved = _ok(
        client.post(
            f"{API}/stock-items/{item.pk}/receive/",
            {"location": world["stock"].pk, "quantity": 4},
            format="json",
        ),
        201,
    )
    assert moved["kind"] == "receive" and moved["quantity"] == 4
    low = _ok(client.get(f"{API}/stock-items/", {"below_reorder": "true"}))["results"]
    assert [(row["id"], row["on_hand"]) for row in low] == [(item.pk, 4)]
    refused = client.post(
        f"{API}/stock-items/{item.pk}/issue/",
        {"location": world["stock"].pk, "quantity": 5, "person": world["employee"].pk},
        format="json",
    )
    assert refused.status_code == 400 and "Only 4" in str(refused.json()["errors"])
    _ok(
        client.post(
            f"{API}/stock-items/{item.pk}/issue/",
            {"location": world["stock"].pk, "quantity": 4, "person": world["employee"].pk},
            format="json",
        ),
        201,
    )
    moves = _ok(client.get(f"{API}/stock-movements/", {"item": item.pk, "kind": "issue"}))
    assert [m["person"] for m in moves["results"]] == [world["employee"].pk]


def test_creating_and_changing_a_stock_item_answers_with_its_stock_on_hand(api, world):
    """The schema promises ``on_hand`` on every stock item the API returns."""
    client = api(world["manager"])
    body = _ok(client.post(f"{API}/stock-items/", {"name": "A4 paper"}, format="json"), 201)
    assert body["on_hand"] == 0
    receive = {"location": world["stock"].pk, "quantity": 4}
    _ok(client.post(f"{API}/stock-items/{body['id']}/receive/", receive, format="json"), 201)
    changed = _ok(client.patch(f"{API}/stock-items/{body['id']}/", {"unit": "box"}, format="json"))
    assert (changed["on_hand"], changed["unit"]) == (4, "box")


def test_an_employee_sees_only_their_own_requests_and_no_stock_or_orders(
    api, world, django_capture_on_commit_callbacks
):
    employee = world["users"][Role.EMPLOYEE]
    mine = draft(world, actor=employee, location=None)
    theirs = draft(world)
    client = api(employee)
    listed = _ok(client.get(f"{API}/purchase-requests/"))["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    lines = _ok(client.get(f"{API}/purchase-request-lines/"))["results"]
    assert {row["request"] for row in lines} == {mine.pk}
    assert client.get(f"{API}/purchase-requests/{theirs.pk}/").status_code == 404
    assert client.post(f"{API}/purchase-requests/{theirs.pk}/submit/", {}).status_code == 404
    for url in (
        "stock-items",
        "stock-levels",
        "stock-movements",
        "purchase-orders",
        "purchase-order-lines",
        "goods-receipts",
        "goods-receipt-lines",
        "health-readings",
        "refresh-forecast",
    ):
        assert client.get(f"{API}/{url}/").status_code == 403, url
    request = approved(world, django_capture_on_commit_callbacks, actor=employee)
    response = client.post(
        f"{API}/purchase-requests/{request.pk}/order/",
        {"vendor": world["supplier"].pk, "location": world["stock"].pk},
        format="json",
    )
    assert response.status_code == 403


def test_agents_see_stock_but_do_not_move_it_or_see_orders(api, world):
    item = make_item()
    client = api(world["users"][Role.AGENT])
    assert _ok(client.get(f"{API}/stock-items/"))["results"][0]["id"] == item.pk
    _ok(client.get(f"{API}/stock-levels/"))
    response = client.post(
        f"{API}/stock-items/{item.pk}/receive/",
        {"location": world["stock"].pk, "quantity": 1},
        format="json",
    )
    assert response.status_code == 403
    assert client.get(f"{API}/purchase-orders/").status_code == 403
    assert client.post(f"{API}/stock-items/", {"name": "X"}, format="json").status_code == 403


@pytest.mark.parametrize("name", ["acme_contact", "globex_contact"])
def test_customer_contacts_see_and_do_nothing(api, world, name):
    item = make_item()
    request = draft(world)
    client = api(world["users"][name])
    for url in (
        "stock-items",
        "stock-levels",
        "stock-movements",
        "purchase-requests",
        "purchase-request-lines",
        "purchase-orders",
        "purchase-order-lines",
        "goods-receipts",
        "goods-receipt-lines",
        "health-readings",
        "refresh-forecast",
    ):
        assert client.get(f"{API}/{url}/").status_code == 403, url
    response = client.post(
        f"{API}/purchase-requests/",
        {"lines": [{"hardware_model": world["laptop"].pk, "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 403
    assert client.post(f"{API}/purchase-requests/{request.pk}/cancel/", {}).status_code == 403
    assert client.post(f"{API}/stock-items/{item.pk}/issue/", {}).status_code == 403


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"lines": []},
        {"lines": "x"},
        {"lines": [{}]},
        {"lines": [{"hardware_model": 1, "stock_item": 1, "quantity": 1}]},
        {"lines": [{"hardware_model": "x", "quantity": 1}]},
        {"lines": [{"hardware_model": 99999999999999999999, "quantity": 1}]},
        {"lines": [{"hardware_model": None, "quantity": 0}]},
        {"lines": [{"quantity": 2}]},
        {"lines": [{"hardware_model": 1, "quantity": 1, "estimated_unit_cost": "-1"}]},
        {"lines": [{"hardware_model": 1, "quantity": 1, "colour": "red"}]},
        {"lines": [{"hardware_model": 1, "quantity": 1}], "status": "approved"},
        {"lines": [{"hardware_model": 1, "quantity": 1}], "location": "abc"},
        [],
    ],
)
def test_bad_purchase_requests_answer_400(api, world, payload):
    response = api(world["users"][Role.EMPLOYEE]).post(
        f"{API}/purchase-requests/", payload, format="json"
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("receive", {}),
        ("receive", {"lines": []}),
        ("receive", {"lines": [{"line": "x", "quantity": 1}]}),
        ("receive", {"lines": [{"line": 99999999999, "quantity": 1}]}),
        ("receive", {"lines": [{"line": 1, "quantity": 1}, {"line": 1, "quantity": 1}]}),
        ("receive", {"lines": [{"line": 1, "quantity": -1}]}),
        ("receive", {"lines": [{"line": 1, "quantity": 1}], "received_on": "yesterday"}),
        ("receive", {"lines": [{"line": 1, "quantity": 1}], "received_on": "1999-01-01"}),
        ("cancel", {}),
        ("cancel", {"reason": ""}),
        ("receive", []),
    ],
)
def test_bad_order_actions_answer_400(
    api, world, django_capture_on_commit_callbacks, action, payload
):
    order = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
    )
    response = api(world["manager"]).post(
        f"{API}/purchase-orders/{order.pk}/{action}/", payload, format="json"
    )
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("receive", {"quantity": 1}),
        ("receive", {"location": 1, "quantity": 0}),
        ("receive", {"location": 1, "quantity": 10**9}),
        ("issue", {"location": 1, "quantity": 1}),
        ("issue", {"location": 1, "quantity": 1, "person": 99999999}),
        ("transfer", {"from_location": 1, "to_location": 1, "quantity": 1}),
        ("adjust", {"location": 1, "quantity": 1}),
        ("adjust", {"location": 1, "quantity": "many", "reason": "x"}),
    ],
)
def test_bad_stock_actions_answer_400(api, world, action, payload):
    item = make_item()
    payload = {
        k: (world["stock"].pk if v == 1 and "location" in k else v) for k, v in payload.items()
    }
    response = api(world["manager"]).post(
        f"{API}/stock-items/{item.pk}/{action}/", payload, format="json"
    )
    assert response.status_code == 400, response.content


def test_bad_order_request_and_decision_answer_400(api, world, django_capture_on_commit_callbacks):
    request = approved(world, django_capture_on_commit_callbacks)
    client = api(world["manager"])
    for payload in ({}, {"vendor": world["acme"].pk}, {"vendor": "x"}, {"vendor": 1, "x": 1}):
        response = client.post(
            f"{API}/purchase-requests/{request.pk}/order/", payload, format="json"
        )
        assert response.status_code == 400, payload
    it_manager = api(world["users"][Role.IT_MANAGER])
    for payload in ({}, {"decision": "maybe"}):
        response = it_manager.post(
            f"{API}/purchase-requests/{request.pk}/decide/", payload, format="json"
        )
        assert response.status_code == 400, payload
    response = it_manager.post(
        f"{API}/purchase-requests/{request.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 400  # no longer waiting for approval
    assert client.post(f"{API}/purchase-orders/", {}, format="json").status_code == 405


def test_health_readings_are_sent_and_validated(api, world, make_asset):
    asset = make_asset()
    client = api(world["manager"])
    body = _ok(
        client.post(
            f"{API}/health-readings/",
            {"asset": asset.pk, "read_at": "2026-01-01T10:00:00Z", "battery_wear_percent": "12.5"},
            format="json",
        ),
        201,
    )
    assert body["battery_wear_percent"] == "12.50"
    for payload in (
        {"asset": asset.pk, "read_at": "2026-01-01T10:00:00Z"},
        {"asset": asset.pk, "read_at": "2026-01-01T10:00:00Z", "disk_health_percent": "150"},
        {"asset": asset.pk, "read_at": "nope", "disk_health_percent": "50"},
    ):
        assert client.post(f"{API}/health-readings/", payload, format="json").status_code == 400
    assert AssetHealthReading.objects.count() == 1


def test_refresh_forecast_endpoint(api, world, make_asset):
    import datetime

    make_asset(purchase_date=datetime.date(2015, 1, 1))
    client = api(world["manager"])
    body = _ok(client.get(f"{API}/refresh-forecast/"))
    assert body["threshold"] == 40 and len(body["quarters"]) == 4
    assert body["assets"][0]["reason"] == "age" and body["assets"][0]["replacement_cost"]
    for bad in ("abc", "101", "-1"):
        assert client.get(f"{API}/refresh-forecast/", {"threshold": bad}).status_code == 400


LISTS = [
    "stock-items",
    "stock-levels",
    "stock-movements",
    "purchase-requests",
    "purchase-request-lines",
    "purchase-orders",
    "purchase-order-lines",
    "goods-receipts",
    "goods-receipt-lines",
    "health-readings",
]


@pytest.mark.parametrize("url", LISTS)
def test_lists_cost_the_same_queries_for_2_or_12_rows(
    api, world, make_asset, django_capture_on_commit_callbacks, url
):
    manager = world["manager"]

    def add(n):
        for _ in range(n):
            item = make_item()
            stock.stock_receive(item=item, location=world["stock"], quantity=3, actor=manager)
            request = approved(
                world,
                django_capture_on_commit_callbacks,
                lines=[
                    {"stock_item": item, "quantity": 2},
                    {"hardware_model": world["laptop"], "quantity": 1, "estimated_unit_cost": 9},
                ],
            )
            order = procurement.purchase_order_create(
                request=request, vendor=world["supplier"], actor=manager
            )
            procurement.purchase_order_receive(
                order=order, actor=manager, quantities={line.pk: 1 for line in order.lines.all()}
            )
            AssetHealthReading.objects.create(
                asset=make_asset(), read_at="2026-01-01T00:00:00Z", disk_health_percent=90
            )

    client = api(manager)
    add(2)
    assert client.get(f"{API}/{url}/").status_code == 200
    with query_budget(20) as few:
        client.get(f"{API}/{url}/")
    add(10)
    with query_budget(len(few.captured_queries)):
        response = client.get(f"{API}/{url}/")
    assert len(response.json()["results"]) >= 12


JUNK = [
    None,
    [],
    "x",
    {"lines": [None]},
    {"lines": [[]]},
    {"lines": [{"line": None, "quantity": None}]},
    {"lines": [{"stock_item": {"a": 1}, "quantity": [1]}]},
    {"location": [], "quantity": 1e30, "person": True, "reason": None},
    {"from_location": "\x00", "to_location": -1, "quantity": "１"},
    {"vendor": 2**70, "expected_on": "2026-13-45", "number": "\x00" * 40},
    {"approver": "🙂", "decision": None, "comment": 5},
    {"reason": "x" * 600, "invoice_number": ["a"], "received_on": 1},
    {"asset": -5, "read_at": None, "battery_wear_percent": "NaN", "disk_health_percent": "inf"},
]


@pytest.mark.parametrize(
    "path",
    [
        "stock-items/{item}/receive/",
        "stock-items/{item}/issue/",
        "stock-items/{item}/transfer/",
        "stock-items/{item}/adjust/",
        "stock-items/",
        "purchase-requests/",
        "purchase-requests/{request}/submit/",
        "purchase-requests/{request}/decide/",
        "purchase-requests/{request}/cancel/",
        "purchase-requests/{request}/order/",
        "purchase-orders/{order}/receive/",
        "purchase-orders/{order}/cancel/",
        "purchase-orders/",
        "health-readings/",
    ],
)
def test_junk_bodies_never_answer_a_server_error(
    api, world, django_capture_on_commit_callbacks, path
):
    order = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
    )
    ids = {"item": make_item().pk, "request": draft(world).pk, "order": order.pk}
    client = api(world["users"][Role.ADMIN])
    for body in JUNK:
        response = client.post(f"{API}/{path.format(**ids)}", body, format="json")
        assert response.status_code < 500, (body, response.content)
    patch = client.patch(
        f"{API}/purchase-orders/{order.pk}/", {"expected_on": "2000-01-01"}, format="json"
    )
    assert patch.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        {"below_reorder": "maybe"},
        {"status": "\x00"},
        {"request": "１２"},
        {"asset": "99999999999999999999999"},
        {"ordering": "on_hand,-nope"},
        {"q": "x" * 500},
        {"cursor": "junk"},
    ],
)
def test_junk_filters_never_answer_a_server_error(api, world, query):
    client = api(world["manager"])
    for url in LISTS:
        response = client.get(f"{API}/{url}/", query)
        assert response.status_code < 500, (url, query, response.content)
