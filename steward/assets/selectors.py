"""Reads of assets, always through ``permissions.restrict``: lists, the history of holders at
any date, book values, and what the portal shows an employee."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.assets import depreciation
from steward.assets.models import HELD, Asset, AssetAssignment, Contract
from steward.core import permissions


def asset_list(*, user: Any) -> QuerySet[Asset]:
    return permissions.restrict(
        Asset.objects.select_related(
            "model__manufacturer", "location", "assigned_person", "assigned_location"
        ),
        user,
    )


def asset_label_list(*, user: Any) -> QuerySet[Asset]:
    """Assets ``user`` may print labels for: those they may check out and in."""
    from steward.assets.services import ASSIGN

    return permissions.restrict(asset_list(user=user), user, ASSIGN)


def asset_get(*, user: Any, pk: Any) -> Asset | None:
    return asset_list(user=user).filter(pk=pk).first()


def assets_of_user(*, user: Any) -> QuerySet[Asset]:
    """What a person holds now (deployed or loaned to them), for the portal."""
    if user is None or not user.is_authenticated:
        return Asset.objects.none()
    return asset_list(user=user).filter(assigned_person__user=user, status__in=HELD)


def _at(when: datetime.datetime) -> Q:
    return Q(started_at__lte=when) & (Q(ended_at__isnull=True) | Q(ended_at__gt=when))


def asset_holder_at(asset: Asset, when: datetime.datetime) -> AssetAssignment | None:
    """The assignment (person or location) that held ``asset`` at ``when``, or None when it
    was in stock, in repair or otherwise unassigned then."""
    return (
        AssetAssignment.objects.filter(_at(when), asset=asset)
        .select_related("person", "location")
        .order_by("-started_at", "-pk")
        .first()
    )


def assets_held_by(person: Any, when: datetime.datetime | None = None) -> QuerySet[Asset]:
    """Assets ``person`` held at ``when`` (now by default), from the assignment history."""
    when = when or timezone.now()
    held = AssetAssignment.objects.filter(_at(when), person=person).values("asset_id")
    return Asset.objects.filter(pk__in=held).select_related("model__manufacturer")


def assignment_history(*, asset: Asset, user: Any) -> QuerySet[AssetAssignment]:
    return permissions.restrict(
        AssetAssignment.objects.filter(asset=asset).select_related(
            "person", "location", "checked_out_by", "checked_in_by"
        ),
        user,
    )


def asset_book_value(asset: Asset, on: datetime.date | None = None) -> Decimal | None:
    """Book value at ``on`` (today by default) by the method of the asset's model."""
    model = asset.model
    return depreciation.book_value(
        cost=asset.purchase_cost,
        purchased=asset.purchase_date,
        on=on or timezone.localdate(),
        method=model.depreciation_method,
        life_months=model.life_months,
        residual_percent=model.residual_percent,
    )


def asset_depreciation_schedule(asset: Asset) -> list[depreciation.ScheduleRow]:
    model = asset.model
    return depreciation.schedule(
        cost=asset.purchase_cost,
        purchased=asset.purchase_date,
        method=model.depreciation_method,
        life_months=model.life_months,
        residual_percent=model.residual_percent,
    )


def contract_list(*, user: Any) -> QuerySet[Contract]:
    return permissions.restrict(Contract.objects.select_related("vendor"), user)


def assets_by_serial(serial: str) -> list[Asset]:
    """Assets with this serial number, for discovery's matching (as the system: people see
    assets only through ``asset_list``). At most a few: more than one is a conflict."""
    if not serial:
        return []
    return list(Asset.objects.filter(serial=serial).order_by("pk")[:5])


def cost_items(*, since: datetime.date, until: datetime.date) -> list[dict[str, Any]]:
    """What assets cost between ``since`` and ``until`` (inclusive), for the budget's
    roll-up (as the system: budgets are narrowed by the strategy app). One dict per asset
    purchase (at its purchase date), licence (at its start) and contract (at its start)
    with a cost: ``source``, ``source_id``, ``date``, ``amount``, ``description`` and the
    ``department_id`` of whoever holds it (the asset's person, the licence owner's), if any.
    """
    from steward.assets.models import Licence

    assets = (
        Asset.objects.filter(purchase_cost__isnull=False, purchase_date__range=(since, until))
        .order_by()
        .values_list(
            "pk", "purchase_date", "purchase_cost", "asset_tag", "assigned_person__department_id"
        )
    )
    licences = (
        Licence.objects.filter(cost__isnull=False, start_date__range=(since, until))
        .order_by()
        .values_list("pk", "start_date", "cost", "name", "owner__person__department_id")
    )
    contracts = (
        Contract.objects.filter(cost__isnull=False, start_date__range=(since, until))
        .order_by()
        .values_list("pk", "start_date", "cost", "name")
    )
    keys = ("source_id", "date", "amount", "description", "department_id")
    items = [dict(zip(keys, row, strict=True), source="asset") for row in assets.iterator(5000)]
    items += [dict(zip(keys, row, strict=True), source="licence") for row in licences]
    items += [dict(zip(keys, (*row, None), strict=True), source="contract") for row in contracts]
    return items


EQUIPMENT = ("laptop", "desktop", "monitor", "phone", "tablet")
"""Categories a new employee is given (the growth scenario's ratios)."""


def equipment_per_model(*, categories: tuple[str, ...] = EQUIPMENT) -> list[dict[str, Any]]:
    """Per hardware model of ``categories``: how many assets active employees hold now
    (deployed or loaned to them) and the latest purchase cost of the model, for the growth
    scenario's ratios (as the system: strategy narrows who reads plans). One query; models
    nobody holds are left out."""
    from django.db.models import Count, OuterRef, Subquery

    from steward.assets.models import HardwareModel

    held = Q(
        assets__status__in=HELD,
        assets__assigned_person__kind="employee",
        assets__assigned_person__is_active=True,
    )
    price = (
        Asset.objects.filter(model=OuterRef("pk"), purchase_cost__isnull=False)
        .order_by("-purchase_date", "-pk")
        .values("purchase_cost")[:1]
    )
    rows = (
        HardwareModel.objects.filter(category__in=categories)
        .annotate(held=Count("assets", filter=held), unit_cost=Subquery(price))
        .filter(held__gt=0)
        .order_by("category", "-held", "pk")
        .values("pk", "name", "manufacturer__name", "category", "held", "unit_cost")
    )
    return [
        {
            "model_id": r["pk"],
            "name": f"{r['manufacturer__name']} {r['name']}",
            "category": r["category"],
            "held": r["held"],
            "unit_cost": None
            if r["unit_cost"] is None
            else Decimal(str(r["unit_cost"])).quantize(Decimal("0.01")),
        }
        for r in rows
    ]


def licence_seats_per_licence() -> list[dict[str, Any]]:
    """Per licence whose seats go to people: the seats active employees hold and the unit
    cost (cost / quantity bought), for the growth scenario. Expired licences are left out.
    One query."""
    from django.db.models import Count

    from steward.assets.models import PERSON_SEATS, Licence

    today = timezone.localdate()
    held = Q(seats__person__kind="employee", seats__person__is_active=True)
    rows = (
        Licence.objects.filter(licence_type__in=PERSON_SEATS)
        .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
        .annotate(held=Count("seats", filter=held))
        .filter(held__gt=0)
        .order_by("name", "pk")
        .values("pk", "name", "licence_type", "quantity", "cost", "held")
    )
    return [
        {
            "licence_id": r["pk"],
            "name": r["name"],
            "licence_type": r["licence_type"],
            "held": r["held"],
            "quantity": r["quantity"],
            "unit_cost": None
            if r["cost"] is None
            else (Decimal(str(r["cost"])) / r["quantity"]).quantize(Decimal("0.01")),
        }
        for r in rows
    ]


def hardware_models_by_id(*, ids: list[int]) -> dict[int, Any]:
    """Hardware models by id, for another app's purchase request lines."""
    from steward.assets.models import HardwareModel

    return HardwareModel.objects.in_bulk(ids)
