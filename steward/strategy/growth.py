"""The growth scenario: what hiring N people needs, from today's ratios per employee.

Each ratio is measured from the data as it is now, and kept with its source numbers:

- **Equipment** (laptops, desktops, monitors, phones, tablets) per hardware model: assets
  deployed or loaned to active employees / active employees. Hires x ratio, rounded up, at
  the model's latest purchase cost.
- **Licences** whose seats go to people: seats held by active employees / active
  employees. Hires x ratio, rounded up, at the licence's unit cost (cost / quantity bought).
- **Service capacity**: tickets raised by employees per employee per month, over the last
  90 days; tickets resolved per agent per month over the same days (resolved / distinct
  agents who resolved them). The extra tickets a month of the hires / that = agents needed.

Costs are set against what is left of the budget of the fiscal year covering the hiring
date (planned minus actual, per category and overall, from the budget roll-up).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets import procurement
from steward.assets import selectors as assets
from steward.core import permissions
from steward.org import selectors as org
from steward.servicedesk import selectors as servicedesk
from steward.strategy import selectors
from steward.strategy.models import GrowthPlan

WINDOW_DAYS = 90
MONTH_DAYS = Decimal("30")
CENT = Decimal("0.01")


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _ratio(a: Any, b: Any, places: str = "0.0001") -> Decimal:
    if not b:
        return Decimal("0")
    return (Decimal(a) / Decimal(b)).quantize(Decimal(places), ROUND_HALF_UP)


def measure(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Today's source numbers: active employees, equipment and seats they hold, ticket
    volume of the last ``WINDOW_DAYS`` days. Five queries."""
    now = now or timezone.now()
    internal = org.internal_organisation()
    employees = org.active_employees(internal).count() if internal else 0
    volume = servicedesk.ticket_volume(since=now - datetime.timedelta(days=WINDOW_DAYS), until=now)
    return {
        "employees": employees,
        "equipment": assets.equipment_per_model(),
        "licences": assets.licence_seats_per_licence(),
        "tickets": volume,
        "window_days": WINDOW_DAYS,
    }


def lines_for(*, hires: int, source: dict[str, Any]) -> list[dict[str, Any]]:
    """The computed lines for ``hires`` new people from ``source`` (``measure``): pure
    arithmetic, so a test can work it out by hand."""
    employees = source["employees"]
    out: list[dict[str, Any]] = []
    if not employees:
        return out
    for row in source["equipment"]:
        quantity = _ceil_div(hires * row["held"], employees)
        unit = row["unit_cost"]
        out.append(
            {
                "kind": "hardware",
                "category": row["category"],
                "item": row["name"],
                "model_id": row["model_id"],
                "ratio": str(_ratio(row["held"], employees)),
                "basis": _("%(held)s held by %(n)s employees")
                % {"held": row["held"], "n": employees},
                "quantity": quantity,
                "unit_cost": None if unit is None else str(unit),
                "cost": str((unit * quantity).quantize(CENT)) if unit is not None else None,
            }
        )
    for row in source["licences"]:
        quantity = _ceil_div(hires * row["held"], employees)
        unit = row["unit_cost"]
        out.append(
            {
                "kind": "software",
                "category": "licence",
                "item": row["name"],
                "licence_id": row["licence_id"],
                "ratio": str(_ratio(row["held"], employees)),
                "basis": _("%(held)s seats held by %(n)s employees")
                % {"held": row["held"], "n": employees},
                "quantity": quantity,
                "unit_cost": None if unit is None else str(unit),
                "cost": str((unit * quantity).quantize(CENT)) if unit is not None else None,
            }
        )
    tickets, months = source["tickets"], Decimal(source["window_days"]) / MONTH_DAYS
    per_person = Decimal(tickets["created"]) / employees / months
    per_agent = (
        Decimal(tickets["resolved"]) / tickets["agents"] / months if tickets["agents"] else None
    )
    extra = per_person * hires
    out.append(
        {
            "kind": "capacity",
            "category": "tickets",
            "item": _("Tickets a month"),
            "ratio": str(per_person.quantize(Decimal("0.0001"), ROUND_HALF_UP)),
            "basis": _("%(t)s tickets by %(n)s employees in %(d)s days")
            % {"t": tickets["created"], "n": employees, "d": source["window_days"]},
            "quantity": str(extra.quantize(Decimal("0.1"), ROUND_HALF_UP)),
            "unit_cost": None,
            "cost": None,
        }
    )
    out.append(
        {
            "kind": "capacity",
            "category": "agents",
            "item": _("Agents (full time)"),
            "ratio": None
            if per_agent is None
            else str(per_agent.quantize(Decimal("0.01"), ROUND_HALF_UP)),
            "basis": _("%(t)s tickets resolved by %(a)s agents in %(d)s days")
            % {"t": tickets["resolved"], "a": tickets["agents"], "d": source["window_days"]},
            "quantity": None
            if not per_agent
            else str((extra / per_agent).quantize(Decimal("0.1"), ROUND_HALF_UP)),
            "unit_cost": None,
            "cost": None,
        }
    )
    return out


def _budget(*, user: Any, on: datetime.date, costs: dict[str, Decimal]) -> dict[str, Any]:
    """Cost per budget category against planned minus actual of the year covering ``on``."""
    year = selectors.fiscal_year_current(user=user, on=on)
    if year is None:
        return {"fiscal_year": None, "rows": []}
    result = selectors.budget_rollup(user=user, fiscal_year=year)
    rows = []
    for c in result.by_category:
        if c["category"] not in costs and not c["planned"]:
            continue
        cost = costs.get(c["category"], Decimal("0"))
        remaining = c["planned"] - c["actual"]
        rows.append(
            {
                "category": c["category"],
                "name": c["name"],
                "planned": str(c["planned"]),
                "actual": str(c["actual"]),
                "remaining": str(remaining),
                "cost": str(cost.quantize(CENT)),
                "left_after": str((remaining - cost).quantize(CENT)),
            }
        )
    total_cost = sum(costs.values(), Decimal("0")).quantize(CENT)
    remaining = result.total.planned - result.total.actual
    return {
        "fiscal_year": year.name,
        "as_of": result.as_of.isoformat(),
        "rows": rows,
        "total": {
            "planned": str(result.total.planned),
            "actual": str(result.total.actual),
            "remaining": str(remaining),
            "cost": str(total_cost),
            "left_after": str((remaining - total_cost).quantize(CENT)),
        },
    }


def compute(*, plan: GrowthPlan, user: Any, now: datetime.datetime | None = None) -> dict:  # type: ignore[type-arg]
    source = measure(now=now)
    hires = sum(h.count for h in plan.hires.all())
    lines = lines_for(hires=hires, source=source)
    costs: dict[str, Decimal] = {}
    for line in lines:
        if line["cost"] is not None:
            costs[line["kind"]] = costs.get(line["kind"], Decimal("0")) + Decimal(line["cost"])
    return {
        "hires": hires,
        "employees": source["employees"],
        "window_days": source["window_days"],
        "tickets": source["tickets"],
        "lines": lines,
        "budget": _budget(user=user, on=plan.target_date, costs=costs),
    }


@transaction.atomic
def growth_compute(*, plan: GrowthPlan, actor: Any) -> GrowthPlan:
    """Recompute the plan's lines from today's data and keep them with the time. Raises
    PermissionDenied for who may not change the plan."""
    permissions.ensure(actor, "change", plan)
    plan.computed = compute(plan=plan, user=actor)
    plan.computed_at = timezone.now()
    plan.save(update_fields=["computed", "computed_at", "updated_at"])
    return plan


@transaction.atomic
def growth_purchase_request(*, plan: GrowthPlan, actor: Any) -> Any:
    """A draft purchase request (assets' procurement) for the hardware lines of the last
    computation, requested by ``actor``; licences are bought outside procurement. Raises
    ValidationError when nothing is computed or there is no hardware to buy."""
    from django.core.exceptions import ValidationError

    permissions.ensure(actor, "change", plan)
    rows = [
        line
        for line in (plan.computed or {}).get("lines", [])
        if line["kind"] == "hardware" and line["quantity"]
    ]
    if not rows:
        raise ValidationError(_("Compute the plan first: it has no hardware to buy."))
    models = assets.hardware_models_by_id(ids=[r["model_id"] for r in rows])
    lines = [
        {
            "hardware_model": models[r["model_id"]],
            "quantity": r["quantity"],
            "estimated_unit_cost": Decimal(r["unit_cost"]) if r["unit_cost"] else None,
        }
        for r in rows
        if r["model_id"] in models
    ]
    request = procurement.purchase_request_create(
        actor=actor,
        lines=lines,
        justification=_("Growth plan %(name)s: %(n)s hires by %(date)s.")
        % {"name": plan.name, "n": plan.computed.get("hires"), "date": plan.target_date},
    )
    plan.purchase_request = request
    plan.save(update_fields=["purchase_request", "updated_at"])
    return request


@transaction.atomic
def growth_plan_save(
    *, actor: Any, data: dict[str, Any], hires: list[dict[str, Any]], plan: GrowthPlan | None
) -> GrowthPlan:
    """Create or update a plan with its hires (``department``, ``count``) and compute it."""
    from django.core.exceptions import ValidationError

    from steward.core import services
    from steward.strategy.models import GrowthHire

    if not hires:
        raise ValidationError({"hires": [_("Hire at least one person.")]})
    departments = [h["department"].pk for h in hires]
    if len(set(departments)) != len(departments):
        raise ValidationError({"hires": [_("Name each department once.")]})
    if plan is None:
        plan = services.object_create(model=GrowthPlan, data=data, actor=actor)
    else:
        plan = services.object_update(obj=plan, data=data, actor=actor)
        plan.hires.all().delete()
    for h in hires:
        hire = GrowthHire(plan=plan, department=h["department"], count=h["count"])
        hire.full_clean()
        hire.save()
    return growth_compute(plan=plan, actor=actor)
