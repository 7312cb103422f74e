"""A known budget: fiscal year 2025 (365 days), IT (the default, dept IT) and Sales (dept
Sales, owned by the employee login), with budget lines and costs whose roll-up is worked
out by hand in test_rollup.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.core.permissions import Role
from steward.org.models import CostCenter, Department, Person
from steward.strategy.models import BudgetLine, CostRecord, FiscalYear

D = datetime.date


@pytest.fixture
def world(org_world):
    users = org_world["users"]
    internal = org_world["internal"]
    cc_it = CostCenter.objects.create(
        organisation=internal, code="CC-IT", name="IT", is_default=True
    )
    seller = Person.objects.get(user=users[Role.EMPLOYEE])
    cc_sales = CostCenter.objects.create(
        organisation=internal, code="CC-SAL", name="Sales", owner=seller
    )
    it = Department.objects.create(organisation=internal, name="IT", cost_center=cc_it)
    sales = Department.objects.create(organisation=internal, name="Sales", cost_center=cc_sales)
    seller.department = sales
    seller.save()
    return {
        **org_world,
        "admin": users[Role.ADMIN],
        "manager": users[Role.IT_MANAGER],
        "agent": users[Role.AGENT],
        "asset_manager": users[Role.ASSET_MANAGER],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
        "it_dept": it,
        "sales_dept": sales,
        "seller": seller,
        "fy": FiscalYear.objects.create(name="FY2025", start=D(2025, 1, 1), end=D(2025, 12, 31)),
        "fy_prev": FiscalYear.objects.create(
            name="FY2024", start=D(2024, 1, 1), end=D(2024, 12, 31)
        ),
        "it": cc_it,
        "sales": cc_sales,
    }


def cost(world, centre, day, amount, category, year="fy", **kw):
    return CostRecord.objects.create(
        fiscal_year=world[year],
        cost_centre=world[centre],
        date=day,
        amount=Decimal(amount),
        category=category,
        **kw,
    )


@pytest.fixture
def budget(world):
    """As of 2025-07-01 (182 days elapsed, 183 left):

    - IT hardware: planned 10,000; 3,640 spent -> run 3,640 * 183/182 = 3,660 -> 7,300.
    - IT software: planned 5,000; 1,000 spent, 4,000 booked for September -> 5,000.
    - Sales hardware: not planned; 910 spent -> 910 + 915 = 1,825.
    - Sales staff: planned 2,000, nothing spent -> 0.
    - 999 of IT hardware in FY2024 counts for nothing here.
    """
    fy = world["fy"]
    for centre, category, planned in (
        ("it", "hardware", "10000"),
        ("it", "software", "5000"),
        ("sales", "staff", "2000"),
    ):
        BudgetLine.objects.create(
            fiscal_year=fy, cost_centre=world[centre], category=category, planned=Decimal(planned)
        )
    cost(world, "it", D(2025, 2, 1), "3000.00", "hardware")
    cost(world, "it", D(2025, 7, 1), "640.00", "hardware")
    cost(world, "it", D(2025, 3, 1), "1000.00", "software")
    cost(world, "it", D(2025, 9, 1), "4000.00", "software")
    cost(world, "sales", D(2025, 1, 15), "910.00", "hardware")
    cost(world, "it", D(2024, 5, 1), "999.00", "hardware", year="fy_prev")
    return world


AS_OF = D(2025, 7, 1)
