"""Stock and procurement pages: lists within query budgets, detail pages with their action
forms, the loop through the page forms, and the refresh forecast page with its CSV."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from steward.assets import procurement, stock
from steward.assets.models import AssetHealthReading, PurchaseOrder, PurchaseRequest, StockLevel
from steward.assets.tests.procurement_helpers import approved, draft, make_item
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget
from steward.org.models import Person

pytestmark = pytest.mark.django_db
LISTS = [
    "stockitem",
    "stocklevel",
    "stockmovement",
    "purchaserequest",
    "purchaserequestline",
    "purchaseorder",
    "purchaseorderline",
    "goodsreceipt",
    "goodsreceiptline",
    "assethealthreading",
]


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


def _order(world, capture):
    item = make_item()
    request = approved(
        world,
        capture,
        lines=[
            {"stock_item": item, "quantity": 4},
            {"hardware_model": world["laptop"], "quantity": 2, "estimated_unit_cost": 900},
        ],
    )
    return procurement.purchase_order_create(
        request=request, vendor=world["supplier"], actor=world["manager"]
    )


@pytest.mark.parametrize("name", LISTS)
def test_list_pages_cost_the_same_queries_for_2_or_12_rows(
    browser, world, make_asset, django_capture_on_commit_callbacks, name
):
    def add(n):
        for _ in range(n):
            order = _order(world, django_capture_on_commit_callbacks)
            procurement.purchase_order_receive(
                order=order,
                actor=world["manager"],
                quantities={line.pk: 1 for line in order.lines.all()},
            )
            AssetHealthReading.objects.create(
                asset=make_asset(), read_at="2026-01-01T00:00:00Z", battery_wear_percent=3
            )

    client = browser(world["manager"])
    url = reverse(f"assets:{name}_list")
    add(2)
    assert client.get(url).status_code == 200
    with query_budget(30) as few:
        client.get(url)
    add(10)
    with query_budget(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) >= 12


@pytest.mark.parametrize("name", LISTS)
def test_detail_pages_render(browser, world, make_asset, django_capture_on_commit_callbacks, name):
    order = _order(world, django_capture_on_commit_callbacks)
    procurement.purchase_order_receive(
        order=order, actor=world["manager"], quantities={line.pk: 1 for line in order.lines.all()}
    )
    AssetHealthReading.objects.create(
        asset=make_asset(), read_at="2026-01-01T00:00:00Z", battery_wear_percent=3
    )
    client = browser(world["manager"])
    page = client.get(reverse(f"assets:{name}_list"))
    obj = page.context["rows"][0][0]
    response = client.get(reverse(f"assets:{name}_detail", kwargs={"pk": obj.pk}))
    assert response.status_code == 200


def test_the_loop_through_the_pages(browser, world, django_capture_on_commit_callbacks):
    employee, it_manager = world["users"][Role.EMPLOYEE], world["users"][Role.IT_MANAGER]
    client = browser(employee)
    response = client.post(
        reverse("assets:purchaserequest_add"),
        {
            "justification": "Second screen",
            "hardware_model": world["laptop"].pk,
            "quantity": 2,
            "estimated_unit_cost": "300",
        },
    )
    request = PurchaseRequest.objects.get()
    assert response.status_code == 302 and request.requester == employee
    action = "assets:purchaserequest_action"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(action, kwargs={"pk": request.pk, "action": "submit"}))
    client = browser(it_manager)
    page = client.get(reverse("assets:purchaserequest_detail", kwargs={"pk": request.pk}))
    assert page.context["decide_form"] is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(action, kwargs={"pk": request.pk, "action": "decide"}),
            {"decision": "approve"},
        )
    request.refresh_from_db()
    assert request.status == "approved"
    client = browser(world["manager"])
    response = client.post(
        reverse(action, kwargs={"pk": request.pk, "action": "order"}),
        {"vendor": world["supplier"].pk, "location": world["stock"].pk},
    )
    order = PurchaseOrder.objects.get()
    assert response["Location"] == reverse("assets:purchaseorder_detail", kwargs={"pk": order.pk})
    line = order.lines.get()
    Person.objects.create(
        first_name="Nadia",
        last_name="Keller",
        organisation=world["supplier"],
        kind="contact",
        email="orders@bechtle.example",
    )
    page = client.get(response["Location"])
    assert page.context["receipt_form"] is not None
    assert "orders@bechtle.example" in page.content.decode()
    client.post(
        reverse("assets:purchaseorder_action", kwargs={"pk": order.pk, "action": "receive"}),
        {f"line_{line.pk}": 3, "invoice_number": "I-1"},
    )
    order.refresh_from_db()
    assert order.status == "ordered"  # 3 of 2 refused
    client.post(
        reverse("assets:purchaseorder_action", kwargs={"pk": order.pk, "action": "receive"}),
        {f"line_{line.pk}": 2, "invoice_number": "I-1"},
    )
    order.refresh_from_db()
    assert order.status == "received"


def test_stock_page_actions_and_refusal_below_zero(browser, world):
    item = make_item(name="Toner")
    client = browser(world["manager"])
    url = reverse("assets:stockitem_action", kwargs={"pk": item.pk, "action": "receive"})
    client.post(url, {"location": world["stock"].pk, "quantity": 2})
    url = reverse("assets:stockitem_action", kwargs={"pk": item.pk, "action": "issue"})
    response = client.post(
        url,
        {"location": world["stock"].pk, "quantity": 3, "person": world["employee"].pk},
        follow=True,
    )
    assert "Only 2" in response.content.decode()
    assert StockLevel.objects.get(item=item).quantity == 2
    page = client.get(reverse("assets:stockitem_detail", kwargs={"pk": item.pk}))
    assert page.context["on_hand"] == 2 and len(page.context["forms"]) == 4
    agent_page = browser(world["users"][Role.AGENT]).get(
        reverse("assets:stockitem_detail", kwargs={"pk": item.pk})
    )
    assert agent_page.status_code == 200 and agent_page.context["forms"] == []


def test_employees_see_their_requests_only_and_customers_nothing(browser, world):
    employee = world["users"][Role.EMPLOYEE]
    mine, theirs = draft(world, actor=employee, location=None), draft(world)
    client = browser(employee)
    page = client.get(reverse("assets:purchaserequest_list"))
    assert [obj for obj, _values in page.context["rows"]] == [mine]
    detail = reverse("assets:purchaserequest_detail", kwargs={"pk": theirs.pk})
    assert client.get(detail).status_code == 404
    assert client.get(reverse("assets:stockitem_list")).status_code == 403
    assert client.get(reverse("assets:refresh_forecast")).status_code == 403
    client = browser(world["users"]["acme_contact"])
    for name in ("purchaserequest", "stockitem", "purchaseorder"):
        assert client.get(reverse(f"assets:{name}_list")).status_code == 403
    assert client.get(reverse("assets:purchaserequest_add")).status_code == 403


def test_refresh_forecast_page_chart_and_csv(browser, world, make_asset):
    make_asset(asset_tag="OLD-1", purchase_date=datetime.date(2015, 1, 1))
    stock.stock_receive(
        item=make_item(), location=world["stock"], quantity=1, actor=world["manager"]
    )
    client = browser(world["manager"])
    with query_budget(25):
        page = client.get(reverse("assets:refresh_forecast"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="forecast-chart"' in html and "OLD-1" in html
    assert page.context["chart"]["datasets"][0]["data"][0] > 0
    csv = client.get(reverse("assets:refresh_forecast"), {"export": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert csv["Content-Type"].startswith("text/csv") and "OLD-1" in body
