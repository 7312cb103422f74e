"""The condition score on known inputs, repairs counted from the lifecycle, and the refresh
forecast on a known set of assets."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from steward.assets import condition, services
from steward.assets.condition import Inputs, score
from steward.assets.models import AssetHealthReading, HardwareModel, PurchaseOrder
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 7, 15)


def test_score_combines_grade_age_repairs_and_health():
    inputs = Inputs(
        grade="good",
        purchased=datetime.date(2024, 1, 15),
        life_months=36,
        repairs=1,
        battery_wear=Decimal("20"),
        disk_health=Decimal("90"),
    )
    # grade 80, age 50 (18 of 36 months), repairs 75, health min(80, 90) = 80:
    # (35 * 80 + 35 * 50 + 15 * 75 + 15 * 80) / 100 = 68.75
    assert score(inputs, ON) == 69


def test_unknown_parts_are_left_out_and_the_weights_rescaled():
    # grade 30 and repairs 100 only: (35 * 30 + 15 * 100) / 50 = 51
    assert score(Inputs(grade="poor", purchased=None, life_months=36), ON) == 51


def test_a_broken_old_often_repaired_asset_scores_near_zero():
    inputs = Inputs(
        grade="broken",
        purchased=datetime.date(2022, 3, 1),
        life_months=36,
        repairs=5,
        battery_wear=Decimal("60"),
    )
    # grade 0, age 0 (past its life), repairs 0, health 40: 15 * 40 / 100 = 6
    assert score(inputs, ON) == 6
    assert score(Inputs(grade="new", purchased=ON, life_months=36), ON) == 100


def test_repairs_are_counted_from_the_lifecycle(world, make_asset):
    asset, manager = make_asset(), world["manager"]
    for _ in range(2):
        services.asset_transition(asset=asset, status="in_repair", actor=manager, note="screen")
        services.asset_transition(asset=asset, status="in_stock", actor=manager)
    services.asset_update(asset=asset, data={"notes": "x"}, actor=manager)
    assert condition.repair_counts([asset.pk]) == {asset.pk: 2}


def test_the_latest_health_reading_counts(world, make_asset):
    asset = make_asset(condition="good", purchase_date=None)
    now = timezone.now()
    AssetHealthReading.objects.create(
        asset=asset, read_at=now - datetime.timedelta(days=30), battery_wear_percent=Decimal("5")
    )
    AssetHealthReading.objects.create(asset=asset, read_at=now, disk_health_percent=Decimal("40"))
    # grade 80, repairs 100, health 40: (2800 + 1500 + 600) / 65 = 75.4
    assert condition.asset_condition_score(asset, ON) == 75


def test_quarters_start_with_the_current_one():
    assert condition.quarters(datetime.date(2026, 11, 3)) == [
        ("2026 Q4", datetime.date(2026, 12, 31)),
        ("2027 Q1", datetime.date(2027, 3, 31)),
        ("2027 Q2", datetime.date(2027, 6, 30)),
        ("2027 Q3", datetime.date(2027, 9, 30)),
    ]


def test_refresh_forecast_on_a_known_set(world, make_asset):
    today = datetime.date(2026, 2, 10)
    phone = HardwareModel.objects.create(manufacturer=world["dell"], name="P1", category="phone")
    past_life = make_asset(condition="good", purchase_date=datetime.date(2023, 1, 1))
    ages_in_q3 = make_asset(condition="good", purchase_date=datetime.date(2023, 8, 15))
    worn = make_asset(condition="broken", purchase_date=datetime.date(2025, 6, 1))
    AssetHealthReading.objects.create(
        asset=worn, read_at=timezone.now(), battery_wear_percent=Decimal("95")
    )
    old_phone = make_asset(
        model=phone, purchase_date=datetime.date(2024, 3, 1), purchase_cost=Decimal("800")
    )
    make_asset(condition="new", purchase_date=datetime.date(2025, 12, 1))
    make_asset(purchase_date=datetime.date(2019, 1, 1), status="retired")
    order = PurchaseOrder.objects.create(
        number="PO-1",
        vendor=world["supplier"],
        location=world["stock"],
        ordered_on=datetime.date(2025, 11, 1),
    )
    order.lines.create(hardware_model=world["laptop"], quantity=1, unit_cost=Decimal("1500"))

    user = world["users"][Role.ASSET_MANAGER]
    rows = condition.refresh_forecast(user=user, today=today)
    due = {(r.quarter, r.asset.pk, r.reason, r.replacement_cost) for r in rows}
    assert due == {
        ("2026 Q1", past_life.pk, "age", Decimal("1500")),
        ("2026 Q1", old_phone.pk, "age", Decimal("800")),
        ("2026 Q2", worn.pk, "score", Decimal("1500")),
        ("2026 Q3", ages_in_q3.pk, "age", Decimal("1500")),
    }
    worn_row = next(r for r in rows if r.asset == worn)
    assert (worn_row.score_now, worn_row.score_then) == (43, 39)
    totals = condition.forecast_totals(rows, today)
    assert [(t["quarter"], t["assets"], t["cost"]) for t in totals] == [
        ("2026 Q1", 2, Decimal("2300")),
        ("2026 Q2", 1, Decimal("1500")),
        ("2026 Q3", 1, Decimal("1500")),
        ("2026 Q4", 0, Decimal("0")),
    ]
    # A stricter threshold brings the worn laptop forward.
    rows = condition.refresh_forecast(user=user, today=today, threshold=43)
    assert next(r.quarter for r in rows if r.asset == worn) == "2026 Q1"
