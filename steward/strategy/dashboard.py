"""The CIO dashboard: the figures of every part of the strategy on one page, read through
each part's own selectors (goals, budget roll-up, risk heat map, portfolio) and the service
desk's (service health and SLA). A fixed number of queries whatever the number of goals,
projects, risks, services or tickets.

- **Alignment**: each business goal's progress (the mean of its IT goals', see ``goals``)
  and overall the mean of the business goals'.
- **Budget burn**: planned, actual and forecast of the current fiscal year (see ``rollup``),
  with the share of the planned amount spent and of the year elapsed.
- **Risks**: the heat map of open risks on the default matrix, residual scores.
- **Service health**: per business service, open incidents, open major incidents and the SLA
  met % of tickets created in the last 30 days.
- **Portfolio**: projects per health and per phase (cancelled and completed ones left out),
  and milestones past due and not done.

For IT managers and administrators only (``ensure_can_view`` raises PermissionDenied)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils import timezone

from steward.core import permissions
from steward.core.permissions import MANAGERS
from steward.servicedesk import selectors as desk
from steward.strategy import goals, portfolio, risk_selectors, selectors
from steward.strategy.models import Health, Phase, ProjectStatus
from steward.strategy.risk import default_matrix

SLA_DAYS = 30
HEAT_VIEW = "residual"
LATE_SHOWN = 10
CLOSED_PROJECTS = (ProjectStatus.CANCELLED, ProjectStatus.COMPLETED)


def ensure_can_view(user: Any) -> None:
    """IT managers and administrators only. Raises PermissionDenied."""
    if not permissions.roles_of(user) & MANAGERS:
        raise PermissionDenied


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Dashboard:
    today: datetime.date
    alignment: dict[str, Any] = field(default_factory=dict)
    budget: dict[str, Any] | None = None
    risks: risk_selectors.HeatMap | None = None
    services: list[dict[str, Any]] = field(default_factory=list)
    portfolio: dict[str, Any] = field(default_factory=dict)


def alignment(*, user: Any) -> dict[str, Any]:
    business = list(goals.business_goal_list(user=user).order_by("title"))
    it_goals = goals.it_goal_progress(user=user)
    parent = dict(goals.it_goal_list(user=user).order_by().values_list("pk", "business_goal_id"))
    by_business: dict[int, list[float]] = {}
    for g in it_goals:
        by_business.setdefault(parent.get(g.id, 0), []).append(g.exact)
    rows = []
    for b in business:
        values = by_business.get(b.pk, [])
        exact = goals.mean(values)
        rows.append(
            {"id": b.pk, "title": b.title, "it_goals": len(values), "progress": round(exact, 1)}
        )
    overall = goals.mean([goals.mean(by_business.get(b.pk, [])) for b in business])
    return {"overall": round(overall, 1), "goals": rows}


def budget_burn(*, user: Any, today: datetime.date) -> dict[str, Any] | None:
    year = selectors.fiscal_year_current(user=user, on=today)
    if year is None:
        return None
    result = selectors.budget_rollup(user=user, fiscal_year=year, as_of=today)
    total = result.total
    return {
        "fiscal_year": {"id": year.pk, "name": year.name, "start": year.start, "end": year.end},
        "as_of": today,
        "elapsed_days": result.elapsed_days,
        "days": year.days,
        "year_elapsed_percent": _percent(Decimal(result.elapsed_days), Decimal(year.days)),
        "burn_percent": _percent(total.actual, total.planned),
        "total": total.as_dict(),
        "by_category": result.by_category,
    }


def portfolio_status(*, user: Any, today: datetime.date) -> dict[str, Any]:
    live = portfolio.project_list(user=user).exclude(status__in=CLOSED_PROJECTS)
    counts = live.select_related(None).order_by().values("health", "phase").annotate(n=Count("pk"))
    health = {h.value: 0 for h in Health}
    phase = {p.value: 0 for p in Phase}
    for row in counts:
        health[row["health"]] = health.get(row["health"], 0) + row["n"]
        phase[row["phase"]] = phase.get(row["phase"], 0) + row["n"]
    late_qs = (
        portfolio.milestone_list(user=user)
        .filter(done=False, due__lt=today)
        .exclude(project__status__in=CLOSED_PROJECTS)
    )
    late = list(late_qs.order_by("due", "pk")[:LATE_SHOWN])
    labels_h, labels_p = dict(Health.choices), dict(Phase.choices)
    return {
        "total": sum(health.values()),
        "by_health": [
            {"health": k, "name": str(labels_h[k]), "count": v} for k, v in health.items()
        ],
        "by_phase": [{"phase": k, "name": str(labels_p[k]), "count": v} for k, v in phase.items()],
        "late_milestones_count": late_qs.count() if len(late) == LATE_SHOWN else len(late),
        "late_milestones": [
            {
                "id": m.pk,
                "name": m.name,
                "due": m.due,
                "days_late": (today - m.due).days,
                "project_id": m.project_id,
                "project": m.project.name,
            }
            for m in late
        ],
    }


def dashboard_get(*, user: Any, now: datetime.datetime | None = None) -> Dashboard:
    """Every figure of the dashboard as ``user`` may see them. Raises PermissionDenied."""
    ensure_can_view(user)
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Dashboard(
        today=today,
        alignment=alignment(user=user),
        budget=budget_burn(user=user, today=today),
        risks=risk_selectors.heat_map(user=user, matrix=default_matrix(), view=HEAT_VIEW),
        services=desk.service_health(user, since=now - datetime.timedelta(days=SLA_DAYS)),
        portfolio=portfolio_status(user=user, today=today),
    )


def heat_map_dict(heat: risk_selectors.HeatMap) -> dict[str, Any]:
    return {
        "matrix": heat.matrix.name,
        "view": heat.view,
        "total": heat.total,
        "impact_labels": list(heat.matrix.impact_labels),
        "rows": [
            {
                "likelihood": lk,
                "label": label,
                "cells": [
                    {"impact": c.impact, "count": c.count, "level": c.level, "colour": c.colour}
                    for c in cells
                ],
            }
            for lk, label, cells in heat.rows
        ],
    }


def as_dict(data: Dashboard) -> dict[str, Any]:
    """The figures as plain values (the API's and the exports' shape)."""
    return {
        "today": data.today,
        "alignment": data.alignment,
        "budget": data.budget,
        "risks": heat_map_dict(data.risks) if data.risks else None,
        "services": data.services,
        "portfolio": data.portfolio,
    }
