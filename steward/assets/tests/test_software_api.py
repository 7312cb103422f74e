"""The software API: create, filter, seats through the service, sync, compliance and
out-of-date reports; bad input answers 400 (never 500); permissions per role; query
budgets on every list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from steward.assets import licensing
from steward.assets.models import Licence, LicenceSeat, LicenceType, VersionPolicy
from steward.assets.tests.software_fixtures import cores, install, licence, product
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db
API = "/api/assets/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_asset_manager_creates_a_licence_audited(api, world):
    visio = product("Visio")
    body = {
        "product": visio.pk,
        "name": "Visio 2025",
        "licence_type": "per_device",
        "quantity": 10,
        "cost": "1200.00",
        "currency": "EUR",
        "start_date": "2025-01-01",
        "expiry_date": "2026-01-01",
        "vendor": world["supplier"].pk,
    }
    response = api(world["manager"]).post(f"{API}licences/", body, format="json")
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(
        object_id=str(response.json()["id"]), action="create", content_type__model="licence"
    )
    assert (entry.actor, entry.origin) == (world["manager"], "api")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quantity": -1}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"expiry_date": "2024-01-01"}, "expiry_date"),
        ({"licence_type": "floating"}, "licence_type"),
        ({"product": 999999}, "product"),
        ({"currency": "E1"}, "currency"),
        ({"cost": "-3"}, "cost"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_licence_input_answers_400(api, world, payload, field):
    body = {
        "product": product("Visio").pk,
        "name": "L",
        "licence_type": "per_user",
        "quantity": 1,
        "start_date": "2025-01-01",
    }
    response = api(world["manager"]).post(f"{API}licences/", {**body, **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_licence_filters(api, world):
    visio, office = product("Visio"), product("Office")
    soon = licence(visio, LicenceType.PER_DEVICE, 3, days=20)
    later = licence(office, LicenceType.PER_USER, 3, days=300)
    client = api(world["manager"])
    assert _ids(client.get(f"{API}licences/", {"product": visio.pk})) == {soon.pk}
    assert _ids(client.get(f"{API}licences/", {"licence_type": "per_user"})) == {later.pk}
    horizon = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    assert _ids(client.get(f"{API}licences/", {"expires_before": horizon})) == {soon.pk}
    assert _ids(client.get(f"{API}licences/", {"q": "offi"})) == {later.pk}
    for bad in ({"product": "abc"}, {"expires_before": "soon"}, {"licence_type": "x"}):
        assert client.get(f"{API}licences/", bad).status_code == 400


def test_seats_are_given_through_the_service_and_its_rules(api, world, make_asset):
    lic = licence(product("Project"), LicenceType.PER_USER, 1)
    client = api(world["manager"])
    url = f"{API}licence-seats/"
    wrong = client.post(url, {"licence": lic.pk, "asset": make_asset().pk}, format="json")
    assert wrong.status_code == 400 and "person" in wrong.json()["errors"]
    ok = client.post(url, {"licence": lic.pk, "person": world["employee"].pk}, format="json")
    assert ok.status_code == 201, ok.content
    full = client.post(url, {"licence": lic.pk, "person": world["agent_person"].pk}, format="json")
    assert full.status_code == 400 and "licence" in full.json()["errors"]
    edit = client.patch(f"{url}{ok.json()['id']}/", {"note": "x"}, format="json")
    assert edit.status_code in (403, 405)  # seats are never edited
    assert client.delete(f"{url}{ok.json()['id']}/").status_code == 204
    assert not LicenceSeat.objects.exists()


def test_sync_endpoint_is_idempotent_and_validates(api, world, make_asset):
    asset = make_asset()
    client = api(world["manager"])
    body = {
        "asset": asset.pk,
        "packages": [
            {"name": "Mozilla Firefox (x64 en-US)", "publisher": "Mozilla", "version": "124.0"}
        ],
    }
    first = client.post(f"{API}installations/sync/", body, format="json")
    assert first.status_code == 200 and first.json()["added"] == 1, first.content
    again = client.post(f"{API}installations/sync/", body, format="json")
    assert again.json() == {"added": 0, "updated": 0, "removed": 0, "unchanged": 1}
    rows = client.get(f"{API}installations/", {"asset": asset.pk}).json()["results"]
    assert len(rows) == 1 and rows[0]["source"] == "discovery"
    for bad in (
        {"asset": 999999, "packages": []},
        {"asset": asset.pk, "packages": "firefox"},
        {"asset": asset.pk, "packages": [{"version": "1"}]},
        {"asset": asset.pk, "packages": [], "source": "magic"},
        {"asset": asset.pk, "packages": [], "extra": 1},
        ["not", "an", "object"],
    ):
        response = client.post(f"{API}installations/sync/", bad, format="json")
        assert response.status_code == 400, (bad, response.content)
    agent = api(world["users"][Role.AGENT])
    assert agent.post(f"{API}installations/sync/", body, format="json").status_code == 403


def test_compliance_endpoint(api, world, make_asset):
    visio = product("Visio")
    licence(visio, LicenceType.PER_DEVICE, 1)
    for _ in range(3):
        install(make_asset(), visio)
    client = api(world["users"][Role.AGENT])
    rows = client.get(f"{API}licences/compliance/").json()
    assert rows == [
        {
            "product": visio.pk,
            "product_name": "Visio",
            "publisher": "Microsoft Corporation",
            "metric": "devices",
            "entitled": 1,
            "consumed": 3,
            "over_deployed": 2,
            "unused": 0,
            "expiring": 0,
            "next_expiry": None,
            "status": "over_deployed",
        }
    ]
    assert client.get(f"{API}licences/compliance/", {"status": "unused"}).json() == []
    assert client.get(f"{API}licences/compliance/", {"product": visio.pk}).status_code == 200
    assert client.get(f"{API}licences/compliance/", {"product": "x"}).status_code == 400
    assert client.get(f"{API}licences/compliance/", {"status": "bad"}).status_code == 400
    employee = api(world["users"][Role.EMPLOYEE])
    assert employee.get(f"{API}licences/compliance/").status_code == 403


def test_out_of_date_endpoint_compares_versions_in_sql(api, world, make_asset):
    old, new, mac = make_asset(name="old"), make_asset(name="new"), make_asset(name="mac")
    cores(old, 4, os_version="10.0.19045.3803")
    cores(new, 4, os_version="10.0.22631.2861")
    cores(mac, 8, os_name="macOS", os_version="9.1")
    chrome = product("Chrome", "Google LLC")
    install(new, chrome, "99.0.1")
    install(old, chrome, "124.0.6367.60")
    os_policy = VersionPolicy(name="Windows 22H2+", os_name="Windows", minimum_version="10.0.22621")
    os_policy.full_clean()
    os_policy.save()
    browser = VersionPolicy(name="Chrome 120+", product=chrome, minimum_version="120")
    browser.full_clean()
    browser.save()
    client = api(world["manager"])
    url = f"{API}device-os/out-of-date/"
    assert {r["name"] for r in client.get(url).json()} == {"old", "new"}
    assert {r["name"] for r in client.get(url, {"policy": os_policy.pk}).json()} == {"old"}
    assert {r["name"] for r in client.get(url, {"policy": browser.pk}).json()} == {"new"}
    assert client.get(url, {"policy": 999999}).status_code == 400
    assert client.get(url, {"policy": "x"}).status_code == 400


def test_a_policy_names_a_product_or_an_os(api, world):
    client = api(world["manager"])
    both = {
        "name": "P",
        "product": product("Chrome").pk,
        "os_name": "Windows",
        "minimum_version": "1",
    }
    assert client.post(f"{API}version-policies/", both, format="json").status_code == 400
    neither = {"name": "P", "minimum_version": "1"}
    assert client.post(f"{API}version-policies/", neither, format="json").status_code == 400


@pytest.mark.parametrize("name", ["acme_contact", "globex_contact"])
def test_customer_contacts_see_nothing_of_software(api, world, make_asset, name):
    lic = licence(product("Visio"), LicenceType.PER_DEVICE, 5)
    asset = make_asset()
    install(asset, lic.product)
    cores(asset, 2)
    client = api(world["users"][name])
    for path in (
        "software-publishers/",
        "software-products/",
        "software-versions/",
        "installations/",
        "licences/",
        "licence-seats/",
        "device-os/",
        "version-policies/",
        "licences/compliance/",
        "device-os/out-of-date/",
    ):
        response = client.get(f"{API}{path}")
        assert response.status_code in (403, 404) or response.json()["results"] == [], path


def test_employees_see_their_own_seats_and_installations_only(api, world, make_asset):
    from steward.assets import services

    manager = world["manager"]
    mine = services.asset_check_out(asset=make_asset(), actor=manager, person=world["employee"])
    other = services.asset_check_out(
        asset=make_asset(), actor=manager, person=world["agent_person"]
    )
    visio = product("Visio")
    own_install, _ = install(mine, visio), install(other, visio)
    cores(mine, 4)
    cores(other, 4)
    lic = licence(product("Office"), LicenceType.PER_USER, 5)
    seat = licensing.licence_seat_assign(licence=lic, person=world["employee"], actor=manager)
    licensing.licence_seat_assign(licence=lic, person=world["agent_person"], actor=manager)
    client = api(world["users"][Role.EMPLOYEE])
    assert _ids(client.get(f"{API}installations/")) == {own_install.pk}
    assert _ids(client.get(f"{API}licence-seats/")) == {seat.pk}
    assert len(_ids(client.get(f"{API}device-os/"))) == 1
    assert client.get(f"{API}licences/").status_code == 403
    assert client.get(f"{API}version-policies/").status_code == 403
    assert (
        client.post(
            f"{API}licence-seats/",
            {"licence": lic.pk, "person": world["employee"].pk},
            format="json",
        ).status_code
        == 403
    )
    assert len(_ids(client.get(f"{API}software-products/"))) == 2  # the catalogue is internal


def test_agents_view_but_do_not_change(api, world):
    visio = product("Visio")
    lic = licence(visio, LicenceType.PER_DEVICE, 5)
    client = api(world["users"][Role.AGENT])
    assert _ids(client.get(f"{API}licences/")) == {lic.pk}
    assert (
        client.patch(f"{API}licences/{lic.pk}/", {"quantity": 9}, format="json").status_code == 403
    )
    assert client.post(f"{API}software-products/", {"name": "X"}, format="json").status_code == 403
    assert Licence.objects.get().quantity == 5


@pytest.mark.parametrize(
    "path",
    [
        "software-publishers/",
        "software-products/",
        "software-versions/",
        "installations/",
        "licences/",
        "licence-seats/",
        "device-os/",
        "version-policies/",
    ],
)
def test_list_query_budget_does_not_grow_with_rows(api, world, make_asset, path):
    def add(n):
        for i in range(n):
            n = LicenceSeat.objects.count()
            prod = product(f"P{path}{i}{n}", f"Pub {i} {n}")
            asset = make_asset()
            install(asset, prod)
            cores(asset, 2)
            lic = licence(prod, LicenceType.PER_DEVICE, 3)
            licensing.licence_seat_assign(licence=lic, asset=asset, actor=world["manager"])
            VersionPolicy.objects.create(name=f"V{i}", product=prod, minimum_version="2")

    client = api(world["manager"])
    add(2)
    client.get(f"{API}{path}")
    with query_budget(12) as few:
        client.get(f"{API}{path}")
    add(10)
    with query_budget(len(few.captured_queries)):
        response = client.get(f"{API}{path}")
    assert response.status_code == 200 and len(response.json()["results"]) >= 12
