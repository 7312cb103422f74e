"""The growth scenario on a known small organisation, its numbers worked out by hand.

Five active employees (org_world's logins). Today they hold:

- laptops (Dell Latitude): 5, one each; bought at 1,000 (2024) and at 1,200 (the latest,
  2025-03-01): ratio 5/5 = 1, unit cost 1,200. A laptop in stock and a retired one and a
  laptop held by an inactive person do not count.
- monitors (Dell P2425): 2: ratio 2/5 = 0.4, unit cost 200.
- Office (per user, 10 bought for 1,000: 100 a seat): 3 seats held: ratio 0.6.
- tickets: 15 raised by employees in the last 90 days (3 months): 15/5/3 = 1 a person a
  month; 12 resolved by 2 agents: 12/2/3 = 2 an agent a month.

Ten hires (3 in IT, 7 in Sales): laptops 10 x 1 = 10 x 1,200 = 12,000; monitors
ceil(10 x 0.4) = 4 x 200 = 800; Office ceil(10 x 0.6) = 6 x 100 = 600; 10 more tickets a
month, 10 / 2 = 5 agents.

Budget FY2025 (conftest's ``budget``, the year over): hardware planned 10,000, actual
4,550 (3,640 IT + 910 Sales), remaining 5,450, after the plan -7,350; software planned
5,000, actual 5,000, remaining 0, after -600; staff planned 2,000, nothing spent, cost 0.
Total remaining 17,000 - 9,550 = 7,450; plan 13,400; left after -5,950.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from steward.assets.models import (
    Asset,
    HardwareModel,
    Licence,
    LicenceSeat,
    Manufacturer,
    Publisher,
    PurchaseRequest,
    PurchaseRequestStatus,
    SoftwareProduct,
)
from steward.core.models import AuditEntry
from steward.org.models import Person
from steward.servicedesk.models import Ticket
from steward.strategy import growth
from steward.strategy.models import GrowthPlan

pytestmark = pytest.mark.django_db
D = datetime.date
_n = itertools.count(1)


def _asset(world, model, person, cost, bought, status="deployed"):
    n = next(_n)
    return Asset.objects.create(
        asset_tag=f"G-{n:04d}",
        model=model,
        organisation=world["internal"],
        status=status,
        assigned_person=person,
        purchase_cost=Decimal(cost),
        purchase_date=bought,
    )


def _ticket(world, requester, *, days_ago, resolved_days_ago=None, assignee=None):
    n = next(_n)
    t = Ticket.objects.create(
        reference=f"INC-{800000 + n:06d}",
        requester=requester,
        organisation=requester.organisation,
        title=f"Ticket {n}",
    )
    now = timezone.now()
    resolved = None if resolved_days_ago is None else now - datetime.timedelta(resolved_days_ago)
    Ticket.objects.filter(pk=t.pk).update(
        created_at=now - datetime.timedelta(days=days_ago), resolved_at=resolved, assignee=assignee
    )
    return t


@pytest.fixture
def estate(budget):
    people = list(Person.objects.filter(organisation=budget["internal"]).order_by("pk"))
    assert len(people) == 5
    dell = Manufacturer.objects.create(name="Dell")
    laptop = HardwareModel.objects.create(manufacturer=dell, name="Latitude", category="laptop")
    monitor = HardwareModel.objects.create(manufacturer=dell, name="P2425", category="monitor")
    for i, person in enumerate(people):
        _asset(
            budget,
            laptop,
            person,
            "1200" if i == 0 else "1000",
            D(2025, 3, 1) if i == 0 else D(2024, 5, 1),
        )
    _asset(budget, laptop, None, "999", D(2024, 1, 1), status="in_stock")
    _asset(budget, laptop, people[1], "999", D(2024, 1, 1), status="retired")
    gone = Person.objects.create(
        first_name="Gone", last_name="Away", organisation=budget["internal"], is_active=False
    )
    _asset(budget, laptop, gone, "999", D(2024, 1, 1))
    for person in people[:2]:
        _asset(budget, monitor, person, "200", D(2025, 1, 1))
    publisher = Publisher.objects.create(name="Microsoft Corporation")
    office = SoftwareProduct.objects.create(publisher=publisher, name="Office")
    licence = Licence.objects.create(
        product=office,
        name="Office 365",
        licence_type="per_user",
        quantity=10,
        cost=Decimal("1000"),
        start_date=D(2025, 1, 1),
    )
    for person in people[:3]:
        LicenceSeat.objects.create(licence=licence, person=person)
    agents = people[2:4]
    for i in range(15):
        _ticket(budget, people[i % 5], days_ago=1 + i * 5)
    _ticket(budget, people[0], days_ago=120)  # before the window
    for i in range(12):
        t = _ticket(
            budget, people[0], days_ago=100, resolved_days_ago=2 + i, assignee=agents[i % 2]
        )
    assert t
    plan = GrowthPlan.objects.create(name="Growth", target_date=D(2025, 10, 1))
    plan.hires.create(department=budget["it_dept"], count=3)
    plan.hires.create(department=budget["sales_dept"], count=7)
    return {**budget, "plan": plan, "laptop": laptop, "monitor": monitor}


def _line(computed, item):
    return next(line for line in computed["lines"] if line["item"] == item)


def test_growth_numbers_on_a_known_organisation(estate):
    plan = growth.growth_compute(plan=estate["plan"], actor=estate["manager"])
    c = plan.computed
    assert (c["hires"], c["employees"]) == (10, 5)
    laptop = _line(c, "Dell Latitude")
    assert (laptop["ratio"], laptop["quantity"], laptop["unit_cost"], laptop["cost"]) == (
        "1.0000",
        10,
        "1200.00",
        "12000.00",
    )
    assert laptop["basis"] == "5 held by 5 employees"
    monitor = _line(c, "Dell P2425")
    assert (monitor["ratio"], monitor["quantity"], monitor["cost"]) == ("0.4000", 4, "800.00")
    office = _line(c, "Office 365")
    assert (office["ratio"], office["quantity"], office["unit_cost"], office["cost"]) == (
        "0.6000",
        6,
        "100.00",
        "600.00",
    )
    tickets = _line(c, "Tickets a month")
    assert (tickets["ratio"], tickets["quantity"]) == ("1.0000", "10.0")
    agents = _line(c, "Agents (full time)")
    assert (agents["ratio"], agents["quantity"]) == ("2.00", "5.0")
    budget = c["budget"]
    assert budget["fiscal_year"] == "FY2025"
    rows = {r["category"]: r for r in budget["rows"]}
    assert set(rows) == {"hardware", "software", "staff"}
    assert (rows["hardware"]["remaining"], rows["hardware"]["cost"]) == ("5450.00", "12800.00")
    assert rows["hardware"]["left_after"] == "-7350.00"
    assert (rows["software"]["remaining"], rows["software"]["left_after"]) == ("0.00", "-600.00")
    assert (rows["staff"]["remaining"], rows["staff"]["cost"]) == ("2000.00", "0.00")
    total = budget["total"]
    assert (total["remaining"], total["cost"], total["left_after"]) == (
        "7450.00",
        "13400.00",
        "-5950.00",
    )
    assert plan.computed_at is not None
    assert AuditEntry.objects.filter(object_id=str(plan.pk), action="update").exists()


def test_recompute_follows_todays_data(estate):
    plan = growth.growth_compute(plan=estate["plan"], actor=estate["manager"])
    first = plan.computed_at
    Asset.objects.filter(model=estate["monitor"]).update(status="retired")
    plan = growth.growth_compute(plan=plan, actor=estate["manager"])
    assert not any(line["item"] == "Dell P2425" for line in plan.computed["lines"])
    assert plan.computed_at >= first


def test_purchase_request_draft_from_the_hardware_lines(estate):
    plan = growth.growth_compute(plan=estate["plan"], actor=estate["manager"])
    draft = growth.growth_purchase_request(plan=plan, actor=estate["manager"])
    assert isinstance(draft, PurchaseRequest) and draft.status == PurchaseRequestStatus.DRAFT
    lines = {(x.hardware_model_id, x.quantity, x.estimated_unit_cost) for x in draft.lines.all()}
    assert lines == {
        (estate["laptop"].pk, 10, Decimal("1200.00")),
        (estate["monitor"].pk, 4, Decimal("200.00")),
    }
    plan.refresh_from_db()
    assert plan.purchase_request_id == draft.pk


def test_no_purchase_request_before_computing(estate):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        growth.growth_purchase_request(plan=estate["plan"], actor=estate["manager"])


def test_agents_may_not_recompute(estate):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        growth.growth_compute(plan=estate["plan"], actor=estate["agent"])


def test_api_creates_a_plan_with_hires_and_computes_it(estate, api):
    client = api(estate["manager"])
    body = {
        "name": "API plan",
        "target_date": "2025-11-01",
        "hires": [
            {"department": estate["it_dept"].pk, "count": 4},
            {"department": estate["sales_dept"].pk, "count": 6},
        ],
    }
    response = client.post("/api/strategy/growth-plans/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["computed"]["hires"] == 10 and data["computed_at"]
    assert _line(data["computed"], "Dell Latitude")["quantity"] == 10
    draft = client.post(f"/api/strategy/growth-plans/{data['id']}/purchase-request/")
    assert draft.status_code == 201, draft.json()


@pytest.mark.parametrize(
    ("hires", "field"),
    [
        ([], "hires"),
        ([{"department": 99999999999999999999, "count": 1}], "hires"),
        ([{"department": "x", "count": 1}], "hires"),
        ([{"count": 1}], "hires"),
        ("lots", "hires"),
    ],
)
def test_bad_growth_input_is_a_400(estate, api, hires, field):
    body = {"name": "Bad", "target_date": "2025-11-01", "hires": hires}
    response = api(estate["manager"]).post("/api/strategy/growth-plans/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_bad_counts_and_repeated_departments_are_400(estate, api):
    client = api(estate["manager"])
    dept = estate["it_dept"].pk
    for hires in (
        [{"department": dept, "count": 0}],
        [{"department": dept, "count": 10**9}],
        [{"department": dept, "count": 1}, {"department": dept, "count": 2}],
    ):
        body = {"name": "Bad", "target_date": "2025-11-01", "hires": hires}
        response = client.post("/api/strategy/growth-plans/", body, format="json")
        assert response.status_code == 400, response.content
    assert GrowthPlan.objects.count() == 1
