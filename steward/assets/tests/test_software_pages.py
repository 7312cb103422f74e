"""Pages of the software side: lists within a query budget, the compliance page with its
chart and exports, the out-of-date report, seats and licences through their services, and
who may open what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from steward.assets import licensing
from steward.assets.models import LicenceSeat, LicenceType, VersionPolicy
from steward.assets.tests.software_fixtures import cores, install, licence, product
from steward.core.permissions import Role
from steward.core.testing import PASSWORD, query_budget

pytestmark = pytest.mark.django_db
NAMES = [
    "publisher",
    "softwareproduct",
    "softwareversion",
    "installation",
    "licence",
    "licenceseat",
    "deviceos",
    "versionpolicy",
]


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


def _add(world, make_asset, n):
    for i in range(n):
        n = LicenceSeat.objects.count()
        prod = product(f"Product {n} {i}", f"Publisher {n} {i}")
        asset = make_asset()
        install(asset, prod)
        cores(asset, 2, os_version="10.0.1")
        lic = licence(prod, LicenceType.PER_DEVICE, 3, days=30)
        licensing.licence_seat_assign(licence=lic, asset=asset, actor=world["manager"])
        VersionPolicy.objects.create(name=f"V{i}", product=prod, minimum_version="2")


@pytest.mark.parametrize("name", NAMES)
def test_list_pages_cost_the_same_queries_for_2_or_12_rows(browser, world, make_asset, name):
    client = browser(world["manager"])
    url = reverse(f"assets:{name}_list")
    _add(world, make_asset, 2)
    assert client.get(url).status_code == 200
    with query_budget(30) as few:
        client.get(url)
    _add(world, make_asset, 10)
    with query_budget(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) >= 12


@pytest.mark.parametrize("name", ["licence_compliance", "out_of_date"])
def test_report_pages_cost_the_same_queries_for_2_or_12_products(browser, world, make_asset, name):
    client = browser(world["manager"])
    url = reverse(f"assets:{name}")
    _add(world, make_asset, 2)
    assert client.get(url).status_code == 200
    with query_budget(30) as few:
        client.get(url)
    _add(world, make_asset, 10)
    with query_budget(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_compliance_page_has_a_chart_and_exports(browser, world, make_asset):
    visio = product("Visio")
    licence(visio, LicenceType.PER_DEVICE, 1)
    install(make_asset(), visio)
    install(make_asset(), visio)
    client = browser(world["users"][Role.AGENT])
    page = client.get(reverse("assets:licence_compliance"))
    assert page.status_code == 200
    assert b"compliance-chart-data" in page.content and b"Over-deployed" in page.content
    csv = client.get(reverse("assets:licence_compliance"), {"export": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("Visio,Microsoft Corporation,devices,1,2,1,0")
    xlsx = client.get(reverse("assets:licence_compliance"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    only = client.get(reverse("assets:licence_compliance"), {"status": "unused"})
    assert len(only.context["rows"]) == 0


def test_out_of_date_page_lists_failing_devices(browser, world, make_asset):
    old, new = make_asset(name="old-pc"), make_asset(name="new-pc")
    cores(old, 4, os_version="10.0.19045")
    cores(new, 4, os_version="10.0.22631")
    policy = VersionPolicy(name="Win", os_name="Windows 11", minimum_version="10.0.22621")
    policy.full_clean()
    policy.save()
    client = browser(world["manager"])
    page = client.get(reverse("assets:out_of_date"))
    assert [a.name for a, _cells in page.context["rows"]] == ["old-pc"]
    assert page.context["summary"][0]["devices"] == 1
    assert client.get(reverse("assets:out_of_date"), {"policy": "x%00"}).status_code == 200
    csv = client.get(reverse("assets:out_of_date"), {"export": "csv"})
    assert "old-pc" in b"".join(csv.streaming_content).decode()


def test_seat_form_goes_through_the_service(browser, world, make_asset):
    lic = licence(product("Visio"), LicenceType.PER_DEVICE, 1)
    client = browser(world["manager"])
    wrong = client.post(
        reverse("assets:licenceseat_add"), {"licence": lic.pk, "person": world["employee"].pk}
    )
    assert wrong.status_code == 400 and not LicenceSeat.objects.exists()
    ok = client.post(
        reverse("assets:licenceseat_add"), {"licence": lic.pk, "asset": make_asset().pk}
    )
    assert ok.status_code == 302 and LicenceSeat.objects.count() == 1
    detail = client.get(reverse("assets:licence_detail", kwargs={"pk": lic.pk}))
    assert detail.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.EMPLOYEE, 403), ("acme_contact", 403), (Role.AGENT, 200), (Role.ASSET_MANAGER, 200)],
)
def test_report_pages_are_for_staff(browser, world, role, status):
    client = browser(world["users"][role])
    assert client.get(reverse("assets:licence_compliance")).status_code == status
    assert client.get(reverse("assets:out_of_date")).status_code == status


def test_employee_sees_installations_of_their_devices_only(browser, world, make_asset):
    from steward.assets import services

    mine = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    visio = product("Visio")
    install(mine, visio)
    install(make_asset(), visio)
    page = browser(world["users"][Role.EMPLOYEE]).get(reverse("assets:installation_list"))
    assert [obj.asset_id for obj, _v in page.context["rows"]] == [mine.pk]
