"""The roll-up from assets: where each cost lands, idempotence, updates and removals, the
job."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from steward.assets.models import (
    Asset,
    Category,
    Contract,
    ContractKind,
    HardwareModel,
    Licence,
    LicenceType,
    Manufacturer,
    Publisher,
    SoftwareProduct,
)
from steward.core.jobs import job_execute
from steward.core.models import AuditEntry
from steward.org.models import Organisation, OrganisationKind, Person
from steward.strategy import services
from steward.strategy.models import CostRecord, Source

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def estate(world):
    laptop = HardwareModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Dell"),
        name="Latitude",
        category=Category.LAPTOP,
    )
    vendor = Organisation.objects.create(name="Bechtle", kind=OrganisationKind.SUPPLIER)
    base = {"model": laptop, "organisation": world["internal"]}
    office = SoftwareProduct.objects.create(
        publisher=Publisher.objects.create(name="Microsoft"), name="Office"
    )
    return {
        # Held by the seller (Sales): lands on Sales.
        "sold": Asset.objects.create(
            asset_tag="A1",
            purchase_cost=Decimal("1450.00"),
            purchase_date=D(2025, 3, 3),
            assigned_person=world["seller"],
            **base,
        ),
        # In stock: the default (IT).
        "stock": Asset.objects.create(
            asset_tag="A2", purchase_cost=Decimal("900.00"), purchase_date=D(2025, 4, 1), **base
        ),
        # Bought before any fiscal year: not rolled up.
        "old": Asset.objects.create(
            asset_tag="A3", purchase_cost=Decimal("800.00"), purchase_date=D(2023, 4, 1), **base
        ),
        # No cost: not a cost.
        "free": Asset.objects.create(asset_tag="A4", purchase_date=D(2025, 4, 1), **base),
        "licence": Licence.objects.create(
            product=office,
            name="Office E3",
            licence_type=LicenceType.SUBSCRIPTION,
            quantity=10,
            cost=Decimal("2300.00"),
            start_date=D(2024, 11, 1),
            owner=world["employee"],
        ),
        "contract": Contract.objects.create(
            name="Dell ProSupport",
            kind=ContractKind.SUPPORT,
            vendor=vendor,
            cost=Decimal("5000.00"),
            start_date=D(2025, 1, 1),
            end_date=D(2027, 12, 31),
        ),
    }


def _records():
    return {
        (r.source, r.source_id): r
        for r in CostRecord.objects.exclude(source=Source.MANUAL).select_related("cost_centre")
    }


def test_costs_land_on_the_holders_cost_centre_else_the_default(world, estate):
    counts = services.cost_sync()
    assert counts == {"created": 4, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    records = _records()
    sold = records[("asset", estate["sold"].pk)]
    assert (sold.cost_centre.code, sold.category, sold.amount) == ("CC-SAL", "hardware", 1450)
    assert sold.fiscal_year == world["fy"]
    assert records[("asset", estate["stock"].pk)].cost_centre.code == "CC-IT"
    licence = records[("licence", estate["licence"].pk)]
    assert (licence.cost_centre.code, licence.category) == ("CC-SAL", "software")
    assert licence.fiscal_year == world["fy_prev"]
    contract = records[("contract", estate["contract"].pk)]
    assert (contract.cost_centre.code, contract.category) == ("CC-IT", "services")
    assert AuditEntry.objects.filter(object_id=str(sold.pk), action="create").exists()


def test_sync_is_idempotent(world, estate):
    services.cost_sync()
    before = {k: (r.pk, r.amount, r.updated_at) for k, r in _records().items()}
    again = services.cost_sync()
    assert again == {"created": 0, "updated": 0, "removed": 0, "unchanged": 4, "skipped": 0}
    assert {k: (r.pk, r.amount, r.updated_at) for k, r in _records().items()} == before


def test_sync_follows_changes_in_assets(world, estate):
    services.cost_sync()
    Asset.objects.filter(pk=estate["stock"].pk).update(purchase_cost=Decimal("950.00"))
    Asset.objects.filter(pk=estate["sold"].pk).update(purchase_cost=None)
    Person.objects.filter(pk=world["seller"].pk).update(department=world["it_dept"])
    counts = services.cost_sync()
    assert counts["updated"] == 2  # the stock asset's cost, the licence's cost centre
    assert counts["removed"] == 1
    records = _records()
    assert ("asset", estate["sold"].pk) not in records
    assert records[("asset", estate["stock"].pk)].amount == Decimal("950.00")
    assert records[("licence", estate["licence"].pk)].cost_centre.code == "CC-IT"


def test_manual_costs_are_left_alone(world, estate):
    from steward.strategy.tests.conftest import cost

    manual = cost(world, "it", D(2025, 5, 5), "123.45", "cloud")
    services.cost_sync()
    services.cost_sync()
    manual.refresh_from_db()
    assert manual.amount == Decimal("123.45")


def test_without_a_default_centre_unclaimed_costs_are_skipped(world, estate):
    world["it"].is_default = False
    world["it"].save()
    counts = services.cost_sync()
    # the stock asset and the contract have no holder
    assert counts["skipped"] == 2
    assert counts["created"] == 2


def test_sync_runs_as_a_job(world, estate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.cost_sync_start(actor=world["manager"])
    job = job_execute(job)
    assert job.status == "succeeded", job.log
    assert job.result["created"] == 4
    assert CostRecord.objects.filter(source=Source.ASSET).count() == 2


def test_only_managers_start_the_sync(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cost_sync_start(actor=world["asset_manager"])


def test_the_roll_up_is_scheduled_every_six_hours():
    from steward.core.models import Schedule
    from steward.strategy.apps import _ensure_schedule
    from steward.strategy.sync import HANDLER

    _ensure_schedule(sender=None)
    schedule = Schedule.objects.get(handler=HANDLER)
    assert schedule.interval_seconds == 6 * 3600
