"""Wear and tear: a condition score per asset (0 worn out, 100 like new) and the refresh
forecast built on it. The formula is documented in docs/user-guide/assets.md:

    grade    points of the condition grade: new 100, good 80, fair 55, poor 30, broken 0
    age      100 * (1 - months owned / the model's useful life), at least 0
    repairs  100 - 25 per time the asset went into repair, at least 0
    health   the latest health reading: the lower of (100 - battery wear %) and disk health %

    score = (35 * grade + 35 * age + 15 * repairs + 15 * health) / 100, rounded half up.

A part that is unknown (no purchase date, no health reading) is left out and the weights of
the others are scaled up to 100. Repairs are counted from the audit log (each move into
"in repair"), so they include every repair since the asset was recorded in Steward.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, QuerySet

from steward.assets.models import (
    Asset,
    AssetHealthReading,
    Condition,
    PurchaseOrderLine,
    Status,
)
from steward.core import permissions
from steward.core.models import AuditEntry

GRADE_POINTS: dict[str, int] = {
    Condition.NEW: 100,
    Condition.GOOD: 80,
    Condition.FAIR: 55,
    Condition.POOR: 30,
    Condition.BROKEN: 0,
}
WEIGHTS = {"grade": 35, "age": 35, "repairs": 15, "health": 15}
REPAIR_PENALTY = 25
THRESHOLD = 40
"""An asset whose score falls below this (or that passes its useful life) is due."""
QUARTERS = 4
NOT_IN_SERVICE = (Status.ORDERED, Status.LOST, Status.RETIRED, Status.DISPOSED)


@dataclass(frozen=True)
class Inputs:
    grade: str
    purchased: datetime.date | None
    life_months: int
    repairs: int = 0
    battery_wear: Decimal | None = None
    disk_health: Decimal | None = None


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def parts(inputs: Inputs, on: datetime.date) -> dict[str, Decimal | None]:
    age: Decimal | None = None
    if inputs.purchased is not None:
        used = Decimal(months_between(inputs.purchased, on)) / Decimal(inputs.life_months)
        age = max(Decimal(0), Decimal(100) * (1 - used))
    readings = []
    if inputs.battery_wear is not None:
        readings.append(Decimal(100) - Decimal(inputs.battery_wear))
    if inputs.disk_health is not None:
        readings.append(Decimal(inputs.disk_health))
    return {
        "grade": Decimal(GRADE_POINTS.get(inputs.grade, 0)),
        "age": age,
        "repairs": Decimal(max(0, 100 - REPAIR_PENALTY * inputs.repairs)),
        "health": min(readings) if readings else None,
    }


def score(inputs: Inputs, on: datetime.date) -> int:
    known = {k: v for k, v in parts(inputs, on).items() if v is not None}
    weight = sum(WEIGHTS[k] for k in known)
    value = sum(WEIGHTS[k] * v for k, v in known.items()) / weight
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def repair_counts(asset_ids: Iterable[int]) -> dict[int, int]:
    """How many times each asset went into repair, from the audit log."""
    ids = [str(pk) for pk in asset_ids]
    if not ids:
        return {}
    rows = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Asset),
            object_id__in=ids,
            after__status=Status.IN_REPAIR,
        )
        .exclude(before__status=Status.IN_REPAIR)
        .values("object_id")
        .annotate(n=Count("id"))
    )
    return {int(r["object_id"]): r["n"] for r in rows}


def latest_readings(asset_ids: Iterable[int]) -> dict[int, AssetHealthReading]:
    ids = list(asset_ids)
    latest = (
        AssetHealthReading.objects.filter(asset_id__in=ids)
        .values("asset_id")
        .annotate(at=Max("read_at"))
    )
    wanted = {(r["asset_id"], r["at"]) for r in latest}
    found: dict[int, AssetHealthReading] = {}
    for reading in AssetHealthReading.objects.filter(asset_id__in=ids).order_by("read_at", "pk"):
        if (reading.asset_id, reading.read_at) in wanted:
            found[reading.asset_id] = reading
    return found


def inputs_for(assets: list[Asset]) -> dict[int, Inputs]:
    """Score inputs of many assets in three queries (assets with their models loaded)."""
    ids = [a.pk for a in assets]
    repairs = repair_counts(ids)
    readings = latest_readings(ids)
    out = {}
    for asset in assets:
        reading = readings.get(asset.pk)
        out[asset.pk] = Inputs(
            grade=asset.condition,
            purchased=asset.purchase_date,
            life_months=asset.model.life_months,
            repairs=repairs.get(asset.pk, 0),
            battery_wear=reading.battery_wear_percent if reading else None,
            disk_health=reading.disk_health_percent if reading else None,
        )
    return out


def asset_condition_score(asset: Asset, on: datetime.date | None = None) -> int:
    from django.utils import timezone

    return score(inputs_for([asset])[asset.pk], on or timezone.localdate())


# Refresh forecast


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarters(today: datetime.date, count: int = QUARTERS) -> list[tuple[str, datetime.date]]:
    """(label, last day) of the quarter of ``today`` and the ``count - 1`` after it."""
    start, out = quarter_start(today), []
    for _n in range(count):
        following = datetime.date(
            start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1
        )
        label = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        out.append((label, following - datetime.timedelta(days=1)))
        start = following
    return out


@dataclass(frozen=True)
class ForecastRow:
    quarter: str
    asset: Asset
    score_now: int
    score_then: int
    reason: str
    replacement_cost: Decimal | None


def replacement_costs(model_ids: Iterable[int]) -> dict[int, Decimal]:
    """The latest unit cost each hardware model was ordered at."""
    costs: dict[int, Decimal] = {}
    rows = (
        PurchaseOrderLine.objects.filter(hardware_model_id__in=list(model_ids))
        .order_by("order__ordered_on", "pk")
        .values_list("hardware_model_id", "unit_cost")
    )
    for model_id, cost in rows:
        costs[model_id] = cost
    return costs


def in_service(*, user: Any) -> QuerySet[Asset]:
    return permissions.restrict(
        Asset.objects.exclude(status__in=NOT_IN_SERVICE).select_related("model__manufacturer"),
        user,
    )


def refresh_forecast(
    *, user: Any, today: datetime.date, threshold: int = THRESHOLD
) -> list[ForecastRow]:
    """Assets to replace in each of the next four quarters (the current one first): the
    first quarter by whose end the score falls below ``threshold`` or the asset passes the
    model's useful life. Cost: the model's latest order unit cost, else the asset's cost."""
    assets = list(in_service(user=user).order_by("pk"))
    inputs = inputs_for(assets)
    costs = replacement_costs({a.model_id for a in assets})
    periods = quarters(today)
    rows = []
    for asset in assets:
        data = inputs[asset.pk]
        now = score(data, today)
        for label, end in periods:
            then = score(data, end)
            past_life = (
                data.purchased is not None
                and months_between(data.purchased, end) >= data.life_months
            )
            if then < threshold or past_life:
                reason = "score" if then < threshold else "age"
                cost = costs.get(asset.model_id, asset.purchase_cost)
                rows.append(ForecastRow(label, asset, now, then, reason, cost))
                break
    return rows


def forecast_totals(rows: list[ForecastRow], today: datetime.date) -> list[dict[str, Any]]:
    """Per quarter: how many assets are due and what replacing them costs."""
    labels = [label for label, _end in quarters(today)]
    assets = dict.fromkeys(labels, 0)
    costs = dict.fromkeys(labels, Decimal(0))
    for row in rows:
        assets[row.quarter] += 1
        costs[row.quarter] += row.replacement_cost or Decimal(0)
    return [{"quarter": q, "assets": assets[q], "cost": costs[q]} for q in labels]
