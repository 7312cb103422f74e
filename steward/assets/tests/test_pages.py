"""List and detail pages: filters shared with the API, the holder history and book value on
the detail page, the action forms, query budgets; and the portal's "My assets"."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from steward.assets import services
from steward.assets.models import Asset, Contract, HardwareModel, Manufacturer, Status
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.mark.parametrize(
    "name", ["asset", "assetassignment", "hardwaremodel", "manufacturer", "contract"]
)
def test_list_pages_cost_the_same_queries_for_2_or_12_rows(browser, world, make_asset, name):
    def add(n):
        for _ in range(n):
            asset = make_asset()
            services.asset_check_out(asset=asset, actor=world["manager"], location=world["room"])
            maker = Manufacturer.objects.create(name=f"Maker {asset.pk}")
            HardwareModel.objects.create(manufacturer=maker, name="M", category="phone")
            contract = Contract.objects.create(
                name=f"C{asset.pk}",
                kind="support",
                vendor=world["supplier"],
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2026, 1, 1),
            )
            contract.assets.add(asset)

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


def test_asset_list_filters_like_the_api(browser, world, make_asset):
    a = make_asset(name="alpha")
    make_asset(name="beta")
    page = browser(world["manager"]).get(reverse("assets:asset_list"), {"q": "alph"})
    rows = [obj for obj, _values in page.context["rows"]]
    assert rows == [a]


def test_detail_shows_book_value_history_and_actions(browser, world, make_asset):
    asset = make_asset(purchase_date=timezone.localdate() - datetime.timedelta(days=400))
    services.asset_check_out(asset=asset, actor=world["manager"], person=world["employee"])
    page = browser(world["manager"]).get(reverse("assets:asset_detail", kwargs={"pk": asset.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Book value" in html and 'id="depreciation"' in html
    assert str(world["employee"]) in html and 'id="holders"' in html
    assert page.context["check_in_form"] is not None and page.context["check_out_form"] is None
    assert page.context["book_value"] is not None


def test_check_out_and_transition_from_the_page(browser, world, make_asset):
    asset = make_asset()
    client = browser(world["manager"])
    url = reverse("assets:asset_action", kwargs={"pk": asset.pk, "action": "check-out"})
    response = client.post(url, {"location": world["room"].pk})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.status == Status.DEPLOYED and asset.assigned_location == world["room"]
    url = reverse("assets:asset_action", kwargs={"pk": asset.pk, "action": "transition"})
    client.post(url, {"status": "lost"})  # no note: refused, told on the page
    asset.refresh_from_db()
    assert asset.status == Status.DEPLOYED
    page = client.get(reverse("assets:asset_detail", kwargs={"pk": asset.pk}))
    assert "Say what happened" in page.content.decode()


def test_employee_sees_own_asset_page_but_not_others(browser, world, make_asset):
    mine = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    other = make_asset()
    client = browser(world["users"][Role.EMPLOYEE])
    assert client.get(reverse("assets:asset_detail", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("assets:asset_detail", kwargs={"pk": other.pk})).status_code == 404


def test_portal_my_assets_and_acknowledging_receipt(browser, world, make_asset):
    due = timezone.localdate() + datetime.timedelta(days=3)
    mine = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"], loan_due=due
    )
    services.asset_check_out(asset=make_asset(), actor=world["manager"], location=world["room"])
    client = browser(world["users"][Role.EMPLOYEE])
    page = client.get("/portal/assets/")
    assert page.status_code == 200
    assert [a.pk for a in page.context["assets"]] == [mine.pk]
    assert "I received it" in page.content.decode()
    response = client.post(f"/portal/assets/{mine.pk}/acknowledge/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.acknowledged_at is not None
    assert "Receipt confirmed" in client.get("/portal/assets/").content.decode()


def test_portal_my_assets_is_not_for_customer_contacts(browser, world, make_asset):
    client = browser(world["users"]["acme_contact"])
    assert client.get("/portal/assets/").status_code == 404
    other = make_asset()
    assert client.post(f"/portal/assets/{other.pk}/acknowledge/").status_code == 404


def test_global_search_finds_assets_by_tag_or_serial(api, world, make_asset):
    asset = make_asset(serial="XYZ-987")
    response = api(world["users"][Role.AGENT]).get("/api/search/", {"q": "XYZ-987"})
    assert response.status_code == 200
    assert str(asset.pk) in str(response.json()) and asset.asset_tag in str(response.json())
    hidden = api(world["users"]["acme_contact"]).get("/api/search/", {"q": "XYZ-987"})
    assert asset.asset_tag not in str(hidden.json())


def test_add_form_creates_an_asset_and_reports_bad_values(browser, world):
    client = browser(world["manager"])
    url = reverse("assets:asset_add")
    assert client.get(url).status_code == 200
    data = {
        "asset_tag": "UI-1",
        "model": world["laptop"].pk,
        "organisation": world["internal"].pk,
        "condition": "new",
        "purchase_cost": "-3",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "purchase_cost" in response.context["form"].errors
    response = client.post(url, {**data, "purchase_cost": "999.99"})
    assert response.status_code == 302
    created = Asset.objects.get(asset_tag="UI-1")
    assert created.status == Status.IN_STOCK
    assert client.get(reverse("assets:asset_edit", kwargs={"pk": created.pk})).status_code == 200


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("check-out", {"person": "99999999999999999999999"}),
        ("check-out", {"location": "１２"}),
        ("check-out", {"person": "abc", "loan_due": "31/31/2031"}),
        ("check-in", {"condition": "melted"}),
        ("transition", {"status": "deployed"}),
        ("transition", {}),
        ("explode", {}),
    ],
)
def test_hostile_action_posts_are_messages_not_server_errors(
    browser, world, make_asset, action, data
):
    asset = make_asset()
    client = browser(world["manager"])
    url = reverse("assets:asset_action", kwargs={"pk": asset.pk, "action": action})
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    asset.refresh_from_db()
    assert asset.status == Status.IN_STOCK
