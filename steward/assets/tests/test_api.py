"""The API: create, filter, lifecycle actions, bad input answers 400 (never 500), and query
budgets on every list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from steward.assets import services
from steward.assets.models import Asset, AssetAssignment, Contract
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db
URL = "/api/assets/assets/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_asset_manager_creates_an_asset_audited_with_origin_api(api, world):
    client = api(world["manager"])
    response = client.post(
        URL,
        {
            "asset_tag": "NW-1",
            "model": world["laptop"].pk,
            "organisation": world["internal"].pk,
            "serial": "ABC123",
            "purchase_cost": "1200.00",
            "purchase_date": "2025-01-15",
            "supplier": world["supplier"].pk,
            "warranty_end": "2028-01-15",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "in_stock" and body["category"] == "laptop"
    assert body["book_value"] is not None
    entry = AuditEntry.objects.get(
        object_id=str(body["id"]), action="create", content_type__model="asset"
    )
    assert (entry.actor, entry.origin) == (world["manager"], "api")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"purchase_cost": "-5"}, "purchase_cost"),
        ({"purchase_date": "2025-05-01", "warranty_end": "2025-04-01"}, "warranty_end"),
        ({"model": 999999}, "model"),
        ({"model": "abc"}, "model"),
        ({"status": "deployed"}, "status"),
        ({"assigned_person": 1}, "assigned_person"),
        ({"colour": "red"}, "colour"),
        ({"purchase_date": "yesterday"}, "purchase_date"),
        ({"purchase_cost": "1e400"}, "purchase_cost"),
        ({"asset_tag": "T-0001"}, "asset_tag"),
    ],
)
def test_bad_input_answers_400_with_the_field(api, world, make_asset, payload, field):
    make_asset()
    data = {"asset_tag": "NW-2", "model": world["laptop"].pk, "organisation": world["internal"].pk}
    response = api(world["manager"]).post(URL, {**data, **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_duplicate_serial_for_the_same_model_answers_400(api, world, make_asset):
    make_asset(serial="DUP")
    data = {
        "asset_tag": "NW-3",
        "model": world["laptop"].pk,
        "organisation": world["internal"].pk,
        "serial": "DUP",
    }
    response = api(world["manager"]).post(URL, data, format="json")
    assert response.status_code == 400
    assert "serial number" in str(response.json()["errors"])


def test_patch_changes_catalogue_data_but_not_the_lifecycle(api, world, make_asset):
    asset = make_asset()
    client = api(world["manager"])
    response = client.patch(f"{URL}{asset.pk}/", {"notes": "Spare"}, format="json")
    assert response.status_code == 200 and response.json()["notes"] == "Spare"
    response = client.patch(f"{URL}{asset.pk}/", {"status": "retired"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]
    response = client.patch(f"{URL}{asset.pk}/", {"loan_due": "2030-01-01"}, format="json")
    assert response.status_code == 400 and "loan_due" in response.json()["errors"]


def test_filters_shared_with_the_pages(api, world, make_asset):
    a = make_asset(name="alpha")
    b = make_asset()
    services.asset_check_out(
        asset=b,
        actor=world["manager"],
        person=world["employee"],
        loan_due=timezone.localdate() + datetime.timedelta(days=2),
    )
    Asset._base_manager.filter(pk=b.pk).update(
        loan_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = api(world["manager"])
    assert _ids(client.get(URL, {"status": "in_stock"})) == {a.pk}
    assert _ids(client.get(URL, {"status": ["in_stock", "loaned"]})) == {a.pk, b.pk}
    assert _ids(client.get(URL, {"assigned_person": world["employee"].pk})) == {b.pk}
    assert _ids(client.get(URL, {"loan_overdue": "true"})) == {b.pk}
    assert _ids(client.get(URL, {"unacknowledged": "true"})) == {b.pk}
    assert _ids(client.get(URL, {"q": "alph"})) == {a.pk}
    assert _ids(client.get(URL, {"category": "laptop", "manufacturer": world["dell"].pk})) == {
        a.pk,
        b.pk,
    }
    ordered = client.get(URL, {"ordering": "-asset_tag"}).json()["results"]
    assert [r["asset_tag"] for r in ordered] == sorted([a.asset_tag, b.asset_tag], reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        {"model": "abc"},
        {"assigned_person": "99999999999999999999999"},
        {"status": "melted"},
        {"warranty_before": "not-a-date"},
        {"manufacturer": "１２"},
    ],
)
def test_bad_filter_values_answer_400(api, world, query):
    response = api(world["manager"]).get(URL, query)
    assert response.status_code == 400, response.content


def test_check_out_check_in_transition_and_acknowledge_through_the_api(api, world, make_asset):
    asset = make_asset()
    agent = api(world["users"][Role.AGENT])
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = agent.post(
        f"{URL}{asset.pk}/check-out/",
        {"person": world["employee"].pk, "loan_due": due},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["loan_due"]) == ("loaned", due)

    response = api(world["users"][Role.EMPLOYEE]).post(
        f"{URL}{asset.pk}/acknowledge/", {}, format="json"
    )
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    again = api(world["users"][Role.EMPLOYEE]).post(f"{URL}{asset.pk}/acknowledge/", {})
    assert again.status_code == 400

    response = agent.post(f"{URL}{asset.pk}/check-in/", {"condition": "good"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "in_stock"

    response = agent.post(
        f"{URL}{asset.pk}/transition/", {"status": "in_repair", "note": "x"}, format="json"
    )
    assert response.status_code == 403  # agents check out and in, asset managers move

    manager = api(world["manager"])
    response = manager.post(f"{URL}{asset.pk}/transition/", {"status": "lost"}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = manager.post(
        f"{URL}{asset.pk}/transition/",
        {"status": "in_repair", "repair_reference": "INC-000042"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["repair_reference"] == "INC-000042"
    history = manager.get("/api/assets/assignments/", {"asset": asset.pk}).json()["results"]
    assert len(history) == 1 and history[0]["ended_at"] is not None


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("check-out", {}),
        ("check-out", {"person": 999999}),
        ("check-out", {"person": "x"}),
        ("check-out", {"person": 99999999999999999999999}),
        ("check-out", {"location": "１２"}),
        ("check-out", {"location": 1, "person": 1, "extra": 1}),
        ("check-out", {"loan_due": "2001-01-01", "person": None, "location": None}),
        ("check-out", []),
        ("check-in", {}),
        ("transition", {"status": "deployed"}),
        ("transition", {"status": "nope"}),
        ("transition", {}),
    ],
)
def test_bad_action_input_answers_400(api, world, make_asset, action, payload):
    asset = make_asset()
    response = api(world["manager"]).post(f"{URL}{asset.pk}/{action}/", payload, format="json")
    assert response.status_code == 400, response.content


def test_actions_on_unknown_or_hidden_assets_answer_404(api, world, make_asset):
    asset = make_asset()
    employee = api(world["users"][Role.EMPLOYEE])
    assert employee.post(f"{URL}{asset.pk}/acknowledge/", {}).status_code == 404
    assert api(world["manager"]).post(f"{URL}999999/check-in/", {}).status_code == 404
    assert api(world["manager"]).post(f"{URL}abc/check-in/", {}).status_code == 404


def test_book_value_at_a_date(api, world, make_asset):
    asset = make_asset(purchase_date=datetime.date(2024, 1, 15))
    client = api(world["manager"])
    response = client.get(f"{URL}{asset.pk}/book-value/", {"on": "2025-01-15"})
    assert response.status_code == 200
    assert response.json() == {
        "on": "2025-01-15",
        "value": "800.00",
        "method": "straight_line",
        "life_months": 36,
    }
    assert client.get(f"{URL}{asset.pk}/book-value/", {"on": "soon"}).status_code == 400


def test_assignments_at_an_instant(api, world, make_asset):
    asset = make_asset()
    services.asset_check_out(asset=asset, actor=world["manager"], person=world["employee"])
    client = api(world["manager"])
    now = timezone.now()
    assert len(_ids(client.get("/api/assets/assignments/", {"at": now.isoformat()}))) == 1
    before = (now - datetime.timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/assets/assignments/", {"at": before})) == set()
    found = _ids(client.get("/api/assets/assignments/", {"q": asset.asset_tag}))
    assert len(found) == 1
    assert _ids(client.get("/api/assets/assignments/", {"q": world["employee"].last_name})) == found
    assert _ids(client.get("/api/assets/assignments/", {"q": "nobody-at-all"})) == set()
    assert client.post("/api/assets/assignments/", {}).status_code in (403, 405)


def test_contracts_cover_assets_and_validate_dates_and_vendor(api, world, make_asset):
    asset = make_asset()
    client = api(world["manager"])
    data = {
        "name": "ProSupport",
        "kind": "support",
        "vendor": world["supplier"].pk,
        "start_date": "2025-01-01",
        "end_date": "2026-01-01",
        "assets": [asset.pk],
        "cost": "1000.00",
    }
    response = client.post("/api/assets/contracts/", data, format="json")
    assert response.status_code == 201, response.content
    assert list(Contract.objects.get().assets.all()) == [asset]
    assert _ids(client.get("/api/assets/contracts/", {"asset": asset.pk})) == {
        response.json()["id"]
    }
    bad = client.post("/api/assets/contracts/", {**data, "end_date": "2024-01-01"}, format="json")
    assert bad.status_code == 400 and "end_date" in bad.json()["errors"]
    customer = client.post(
        "/api/assets/contracts/", {**data, "vendor": world["acme"].pk}, format="json"
    )
    assert customer.status_code == 400 and "vendor" in customer.json()["errors"]
    negative = client.post("/api/assets/contracts/", {**data, "cost": "-1"}, format="json")
    assert negative.status_code == 400


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (URL, 8),
        ("/api/assets/assignments/", 8),
        ("/api/assets/contracts/", 9),
        ("/api/assets/hardware-models/", 8),
        ("/api/assets/manufacturers/", 8),
    ],
)
def test_list_query_budget_does_not_grow_with_rows(api, world, make_asset, url, budget):
    for _ in range(12):
        asset = make_asset()
        services.asset_check_out(asset=asset, actor=world["manager"], location=world["room"])
    contract = Contract.objects.create(
        name="C",
        kind="support",
        vendor=world["supplier"],
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 1, 1),
    )
    contract.assets.set(Asset.objects.all())
    client = api(world["manager"])
    client.get(url)  # token, roles and content types warmed
    with query_budget(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert AssetAssignment.objects.count() == 12
