"""Showback and TCO against totals worked out by hand, one allocation rule per category.

FY2025, as of 2025-07-01. Departments: IT (2 people, its centre CC-IT is the default),
Sales (the seller, centre CC-SAL), Finance (3 people, no centre). Assets held: IT 3, Sales
1, Finance 0. Usage of vcpu-hours in the year: IT 10, Finance 20 (Finance's 15 of December
2024 is outside the year).

| cost (centre, category) | amount | rule | IT | Sales | Finance |
|---|---|---|---|---|---|
| CC-SAL hardware | 600 | direct | | 600 | |
| CC-IT software | 1,200 | headcount 2:1:3 | 400 | 200 | 600 |
| CC-IT hardware | 1,000 | assets 3:1:0 | 750 | 250 | |
| CC-IT cloud | 900 | usage vcpu-hours 10:0:20 | 300 | | 600 |
| CC-IT staff | 1,000 | none: headcount | 333.33 | 166.67 | 500 |
| CC-IT services | 100 | usage gpu-hours: nobody | unallocated 100 | | |
| total 4,800 | | | 1,783.33 | 1,216.67 | 1,700 |

1,000 by 2:1:3 is 333.333.., 166.666.., 500: the cent left goes to the largest remainder
(Sales). A 5,000 hardware cost of 1 December is after the reference day.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.assets.models import (
    Asset,
    Category,
    Contract,
    ContractKind,
    HardwareModel,
    Licence,
    LicenceSeat,
    LicenceType,
    Manufacturer,
    Publisher,
    SoftwareProduct,
)
from steward.cmdb.models import ConfigurationItem, Relationship
from steward.core.testing import query_budget
from steward.org.models import Department, Organisation, OrganisationKind, Person
from steward.strategy import showback
from steward.strategy.models import AllocationRule, UsageRecord
from steward.strategy.tests.conftest import AS_OF, cost

pytestmark = pytest.mark.django_db
D = datetime.date
BASE = "/api/strategy"


def _person(world, n, department):
    return Person.objects.create(
        first_name=f"P{n}",
        last_name="Test",
        email=f"p{n}@example.test",
        kind="employee",
        organisation=world["internal"],
        department=department,
    )


@pytest.fixture
def shown(world):
    internal = world["internal"]
    finance = Department.objects.create(organisation=internal, name="Finance")
    it_people = [_person(world, n, world["it_dept"]) for n in range(2)]
    for n in range(3):
        _person(world, 10 + n, finance)
    laptop = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"),
        name="Latitude",
        category=Category.LAPTOP,
    )
    base = {"model": laptop, "organisation": internal}
    for n, holder in enumerate([*it_people, it_people[0], world["seller"]]):
        Asset.objects.create(asset_tag=f"H{n}", assigned_person=holder, **base)
    fy = world["fy"]
    for category, basis, metric in (
        ("software", "headcount", ""),
        ("hardware", "assets", ""),
        ("cloud", "usage", "vcpu-hours"),
        ("services", "usage", "gpu-hours"),
    ):
        AllocationRule.objects.create(fiscal_year=fy, category=category, basis=basis, metric=metric)
    for dept, day, quantity in (
        (world["it_dept"], D(2025, 3, 1), "10"),
        (finance, D(2025, 4, 1), "20"),
        (finance, D(2024, 12, 1), "15"),
    ):
        UsageRecord.objects.create(
            department=dept, metric="vcpu-hours", period=day, quantity=Decimal(quantity)
        )
    cost(world, "sales", D(2025, 2, 1), "600.00", "hardware")
    cost(world, "it", D(2025, 2, 2), "1200.00", "software")
    cost(world, "it", D(2025, 3, 3), "1000.00", "hardware")
    cost(world, "it", D(2025, 4, 4), "900.00", "cloud")
    cost(world, "it", D(2025, 5, 5), "1000.00", "staff")
    cost(world, "it", D(2025, 6, 6), "100.00", "services")
    cost(world, "it", D(2025, 12, 1), "5000.00", "hardware")
    return {**world, "finance": finance}


def _by_name(result):
    return {d["name"]: d for d in result.departments}


def test_each_allocation_rule_against_hand_computed_totals(shown):
    result = showback.showback(fiscal_year=shown["fy"], user=shown["manager"], as_of=AS_OF)
    rows = _by_name(result)
    money = Decimal
    assert rows["Sales"]["direct"] == money("600.00")
    assert rows["IT"]["shared"] == {
        "software": money("400.00"),
        "hardware": money("750.00"),
        "cloud": money("300.00"),
        "staff": money("333.33"),
    }
    assert rows["Sales"]["shared"] == {
        "software": money("200.00"),
        "hardware": money("250.00"),
        "staff": money("166.67"),
    }
    assert rows["Finance"]["shared"] == {
        "software": money("600.00"),
        "cloud": money("600.00"),
        "staff": money("500.00"),
    }
    assert [rows[n]["total"] for n in ("IT", "Sales", "Finance")] == [
        money("1783.33"),
        money("1216.67"),
        money("1700.00"),
    ]
    assert result.unallocated == [
        {"category": "services", "basis": "usage", "metric": "gpu-hours", "amount": money("100")}
    ]
    assert (result.total, result.allocated) == (money("4800.00"), money("4700.00"))
    assert (rows["IT"]["headcount"], rows["IT"]["assets"]) == (2, 3)


def test_showback_to_the_end_of_the_year_counts_later_costs(shown):
    rows = _by_name(showback.showback(fiscal_year=shown["fy"], user=shown["manager"]))
    # 5,000 more hardware by assets 3:1:0
    assert rows["IT"]["shared"]["hardware"] == Decimal("4500.00")
    assert rows["Sales"]["shared"]["hardware"] == Decimal("1500.00")


def test_showback_queries_do_not_grow_with_costs(shown):
    for n in range(40):
        cost(shown, "it", D(2025, 1, 10), f"{n}.00", "software")
    with query_budget(8):
        showback.showback(fiscal_year=shown["fy"], user=shown["manager"], as_of=AS_OF)


def test_departments_sharing_a_centre_split_it_by_headcount(shown):
    shown["finance"].cost_center = shown["sales"]
    shown["finance"].save()
    rows = _by_name(showback.showback(fiscal_year=shown["fy"], user=shown["manager"], as_of=AS_OF))
    # 600 of CC-SAL by 1:3
    assert (rows["Sales"]["direct"], rows["Finance"]["direct"]) == (Decimal("150"), Decimal("450"))


def test_split_keeps_every_cent():
    parts = showback.split(Decimal("100.00"), {1: Decimal(1), 2: Decimal(1), 3: Decimal(1)})
    assert sorted(parts.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert showback.split(Decimal("5"), {1: Decimal(0)}) == {}


def test_a_usage_rule_needs_a_metric(world):
    from django.core.exceptions import ValidationError

    rule = AllocationRule(fiscal_year=world["fy"], category="cloud", basis="usage")
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert "metric" in raised.value.message_dict


@pytest.fixture
def owned(world):
    internal = world["internal"]
    laptop = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="HPE"), name="DL380", category=Category.SERVER
    )
    base = {"model": laptop, "organisation": internal}
    a1 = Asset.objects.create(asset_tag="S1", purchase_cost=Decimal("1450.00"), **base)
    a2 = Asset.objects.create(asset_tag="S2", purchase_cost=Decimal("900.00"), **base)
    a3 = Asset.objects.create(asset_tag="S3", **base)
    vendor = Organisation.objects.create(name="HPE", kind=OrganisationKind.SUPPLIER)
    support = Contract.objects.create(
        name="Care Pack",
        kind=ContractKind.SUPPORT,
        vendor=vendor,
        cost=Decimal("3000.00"),
        start_date=D(2025, 1, 1),
        end_date=D(2027, 12, 31),
    )
    support.assets.set([a1, a2, a3])
    free = Contract.objects.create(
        name="On-site maintenance",
        kind=ContractKind.MAINTENANCE,
        vendor=vendor,
        start_date=D(2025, 1, 1),
        end_date=D(2027, 12, 31),
    )
    free.assets.set([a1])
    licence = Licence.objects.create(
        product=SoftwareProduct.objects.create(
            publisher=Publisher.objects.create(name="VMware"), name="vSphere"
        ),
        name="vSphere",
        licence_type=LicenceType.PER_DEVICE,
        quantity=4,
        cost=Decimal("1000.00"),
        start_date=D(2025, 1, 1),
    )
    LicenceSeat.objects.create(licence=licence, asset=a1)
    ci = {
        name: ConfigurationItem.objects.create(name=name, ci_class=cls, asset=asset)
        for name, cls, asset in (
            ("ERP", "business_service", None),
            ("Mail", "business_service", None),
            ("ERP app", "application", None),
            ("srv-2", "server", a2),
            ("srv-3", "server", a3),
        )
    }
    for source, target, kind in (
        ("ERP", "ERP app", "depends_on"),
        ("ERP app", "srv-2", "runs_on"),
        ("Mail", "srv-2", "depends_on"),
        ("Mail", "srv-3", "depends_on"),
    ):
        Relationship.objects.create(source=ci[source], target=ci[target], kind=kind)
    return {**world, "a1": a1, "a2": a2, "a3": a3}


def test_asset_tco_is_purchase_plus_contract_and_licence_shares(owned):
    """S1: 1,450 + 3,000/3 + 1,000/4 = 2,700; S2: 900 + 1,000; S3: 1,000 (no price)."""
    tco = showback.asset_tco(user=owned["manager"])
    assert tco[owned["a1"].pk] | {} == {
        "asset": owned["a1"].pk,
        "asset_tag": "S1",
        "name": "",
        "purchase": Decimal("1450.00"),
        "contracts": Decimal("1000.00"),
        "licences": Decimal("250.00"),
        "total": Decimal("2700.00"),
    }
    assert tco[owned["a2"].pk]["total"] == Decimal("1900.00")
    assert tco[owned["a3"].pk]["total"] == Decimal("1000.00")


def test_service_tco_shares_an_asset_between_the_services_needing_it(owned):
    """srv-2 (1,900) serves ERP and Mail: 950 each; Mail also needs srv-3 (1,000)."""
    rows = showback.service_tco(user=owned["manager"])
    assert [(r["name"], r["assets"], r["total"]) for r in rows] == [
        ("Mail", 2, Decimal("1950.00")),
        ("ERP", 1, Decimal("950.00")),
    ]


def test_service_tco_walks_the_cmdb_once_for_all_services(owned):
    """The same queries with two services as with twelve (no walk per service)."""
    from steward.cmdb.models import ConfigurationItem

    showback.service_tco(user=owned["manager"])
    with CaptureQueriesContext(connection) as two:
        showback.service_tco(user=owned["manager"])
    ConfigurationItem.objects.bulk_create(
        ConfigurationItem(name=f"Service {n}", ci_class="business_service") for n in range(10)
    )
    with CaptureQueriesContext(connection) as twelve:
        assert len(showback.service_tco(user=owned["manager"])) == 12
    assert len(twelve) == len(two)


def test_showback_api(shown, api):
    client = api(shown["manager"])
    response = client.get(
        f"{BASE}/showback/", {"fiscal_year": shown["fy"].pk, "as_of": AS_OF.isoformat()}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"] == "4800.00" and body["allocated"] == "4700.00"
    finance = next(d for d in body["departments"] if d["name"] == "Finance")
    assert finance["total"] == "1700.00"
    assert finance["shared"] == {"software": "600.00", "cloud": "600.00", "staff": "500.00"}
    assert client.get(f"{BASE}/showback/", {"fiscal_year": "x"}).status_code == 400


def test_tco_api(owned, api):
    client = api(owned["manager"])
    services = client.get(f"{BASE}/tco/services/").json()
    assert [(s["name"], s["total"]) for s in services["results"]] == [
        ("Mail", "1950.00"),
        ("ERP", "950.00"),
    ]
    assets = client.get(f"{BASE}/tco/assets/").json()["results"]
    assert assets[0]["asset_tag"] == "S1" and assets[0]["total"] == "2700.00"


@pytest.mark.parametrize("role", ["employee", "agent", "customer"])
def test_showback_and_tco_are_for_budget_readers(shown, api, role):
    client = api(shown[role])
    for path in ("showback/", "tco/services/", "tco/assets/"):
        assert client.get(f"{BASE}/{path}").status_code == 403, path
    assert api(shown["asset_manager"]).get(f"{BASE}/showback/").status_code == 200


def test_usage_is_fed_by_the_api(shown, api):
    body = {
        "department": shown["finance"].pk,
        "metric": "vcpu-hours",
        "period": "2025-05-01",
        "quantity": "12.5",
    }
    client = api(shown["manager"])
    assert client.post(f"{BASE}/usage-records/", body, format="json").status_code == 201
    again = client.post(f"{BASE}/usage-records/", body, format="json")
    assert again.status_code == 400
    bad = client.post(f"{BASE}/usage-records/", {**body, "quantity": "-1"}, format="json")
    assert "quantity" in bad.json()["errors"]
    assert api(shown["employee"]).post(f"{BASE}/usage-records/", body).status_code == 403


def test_showback_page_draws_the_chart(shown, client):
    client.force_login(shown["manager"])
    with query_budget(40):
        page = client.get("/strategy/showback/", {"year": shown["fy"].pk, "as_of": "2025-07-01"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="showback-chart"' in html and "1,783.33" in html
    client.force_login(shown["employee"])
    assert client.get("/strategy/showback/").status_code == 403
