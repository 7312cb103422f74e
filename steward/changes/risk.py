"""The risk of a change, a score from 0 to 100 with the reasons that make it up.

    score = services + history + lead time + window + type + back-out     (at most 100)

- **services**: the most critical service the change hits (the affected items themselves
  when they are services, and every service the CMDB's impact analysis reaches from them):
  critical 30, high 20, medium 10, low 5, none 0; 5 more when it hits three services or more.
- **history**: similar changes closed in the last 365 days (same template, or sharing an
  affected item). Failure rate = (failed + backed out + half of the partially successful) /
  similar; 25 x rate points. A normal or emergency change with no similar change: 5 points
  (nothing to learn from).
- **lead time**: from now to the planned start: under 24 hours 20, under 3 days 10, under
  7 days 5. No planned start yet: 10 (unknown).
- **window**: 15 when the planned window is not inside one maintenance window that holds for
  the change (no scope, or a scope naming an affected item or a service it hits).
- **type**: emergency 10.
- **back-out**: 10 when there is no back-out plan.

Levels: under 30 low, under 60 medium, otherwise high. The level chooses the approval route
(``services.approval_route``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from steward.changes.impact import Reach
from steward.changes.models import (
    ChangeRequest,
    ChangeState,
    ChangeType,
    ChangeWindow,
    Outcome,
    RiskLevel,
    WindowKind,
)

CRITICALITY_POINTS = {4: 30, 3: 20, 2: 10, 1: 5}
CRITICALITY_NAMES = {4: "critical", 3: "high", 2: "medium", 1: "low"}
MANY_SERVICES = 3
HISTORY_DAYS = 365
HISTORY_POINTS = 25
NO_HISTORY_POINTS = 5
LEAD_TIME_POINTS: tuple[tuple[datetime.timedelta, int], ...] = (
    (datetime.timedelta(hours=24), 20),
    (datetime.timedelta(days=3), 10),
    (datetime.timedelta(days=7), 5),
)
UNKNOWN_LEAD_POINTS = 10
OUTSIDE_WINDOW_POINTS = 15
EMERGENCY_POINTS = 10
NO_BACKOUT_POINTS = 10
LOW_BELOW, MEDIUM_BELOW = 30, 60


FACTOR_LABELS = {
    "services": _lazy("Services impacted"),
    "history": _lazy("Similar past changes"),
    "lead_time": _lazy("Lead time"),
    "window": _lazy("Maintenance window"),
    "type": _lazy("Type"),
    "backout": _lazy("Back-out plan"),
}


@dataclass
class Assessment:
    score: int
    level: str
    reasons: list[dict[str, Any]] = field(default_factory=list)


def level_of(score: int) -> str:
    if score < LOW_BELOW:
        return RiskLevel.LOW
    if score < MEDIUM_BELOW:
        return RiskLevel.MEDIUM
    return RiskLevel.HIGH


def _reason(factor: str, points: int, text: str) -> dict[str, Any]:
    return {"factor": factor, "points": points, "text": text}


def _services(reach: Reach) -> dict[str, Any]:
    if not reach.services:
        return _reason("services", 0, _("No service is impacted."))
    worst = max(reach.services.values(), key=lambda s: (s["criticality"], -s["hops"]))
    points = CRITICALITY_POINTS.get(worst["criticality"], 0)
    n = len(reach.services)
    if n >= MANY_SERVICES:
        points += 5
    return _reason(
        "services",
        points,
        _("%(n)s service(s) impacted; the most critical is %(name)s (%(level)s).")
        % {
            "n": n,
            "name": worst["name"],
            "level": _(CRITICALITY_NAMES.get(worst["criticality"], "?")),
        },
    )


def _history(change: ChangeRequest, ci_ids: set[int], now: datetime.datetime) -> dict[str, Any]:
    similar = Q(configuration_items__in=ci_ids) if ci_ids else Q(pk__in=[])
    if change.template_id:
        similar |= Q(template_id=change.template_id)
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    ids = (
        ChangeRequest.objects.filter(similar, state=ChangeState.CLOSED, actual_end__gte=since)
        .exclude(pk=change.pk)
        .values("pk")
        .distinct()
    )
    counts = ChangeRequest.objects.filter(pk__in=ids).aggregate(
        n=Count("pk"),
        failed=Count("pk", filter=Q(outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT])),
        partial=Count("pk", filter=Q(outcome=Outcome.PARTIALLY)),
    )
    n = counts["n"] or 0
    if n == 0:
        points = 0 if change.change_type == ChangeType.STANDARD else NO_HISTORY_POINTS
        return _reason("history", points, _("No similar change in the last year."))
    rate = (counts["failed"] + 0.5 * counts["partial"]) / n
    return _reason(
        "history",
        round(HISTORY_POINTS * rate),
        _(
            "%(f)s of %(n)s similar changes in the last year failed or were backed out, "
            "%(p)s partially succeeded (failure rate %(r)s%%)."
        )
        % {"f": counts["failed"], "n": n, "p": counts["partial"], "r": round(rate * 100)},
    )


def _lead_time(change: ChangeRequest, now: datetime.datetime) -> dict[str, Any]:
    if change.planned_start is None:
        return _reason("lead_time", UNKNOWN_LEAD_POINTS, _("No planned start yet."))
    lead = change.planned_start - now
    hours = max(0, int(lead.total_seconds() // 3600))
    for limit, points in LEAD_TIME_POINTS:
        if lead < limit:
            return _reason(
                "lead_time", points, _("Short notice: %(h)s hours before the start.") % {"h": hours}
            )
    return _reason("lead_time", 0, _("%(d)s days of notice.") % {"d": lead.days})


def covering_window(change: ChangeRequest, scope_ids: set[int]) -> ChangeWindow | None:
    """A maintenance window holding for the change (by its scope) around its whole plan."""
    if change.planned_start is None or change.planned_end is None:
        return None
    candidates = ChangeWindow.objects.filter(
        kind=WindowKind.MAINTENANCE,
        start__lte=change.planned_start,
        end__gte=change.planned_end,
    ).prefetch_related("configuration_items")
    window: ChangeWindow
    for window in candidates.order_by("start", "pk"):
        scope = {ci.pk for ci in window.configuration_items.all()}
        if not scope or scope & scope_ids:
            return window
    return None


def _window(change: ChangeRequest, reach: Reach) -> dict[str, Any]:
    if change.planned_start is None or change.planned_end is None:
        return _reason("window", OUTSIDE_WINDOW_POINTS, _("No planned window yet."))
    window = covering_window(change, reach.ci_ids | set(reach.services) | set(reach.impact_ids))
    if window is None:
        return _reason(
            "window", OUTSIDE_WINDOW_POINTS, _("Planned outside any maintenance window.")
        )
    return _reason("window", 0, _("Inside the maintenance window %(w)s.") % {"w": window})


def assess(
    change: ChangeRequest, *, reach: Reach, now: datetime.datetime | None = None
) -> Assessment:
    """The score, its level and every factor with its points (zero-point factors included,
    so the page shows what was considered)."""
    now = now or timezone.now()
    reasons = [
        _services(reach),
        _history(change, reach.ci_ids, now),
        _lead_time(change, now),
        _window(change, reach),
    ]
    if change.change_type == ChangeType.EMERGENCY:
        reasons.append(_reason("type", EMERGENCY_POINTS, _("Emergency change.")))
    if not change.backout_plan.strip():
        reasons.append(_reason("backout", NO_BACKOUT_POINTS, _("No back-out plan.")))
    score = min(100, sum(r["points"] for r in reasons))
    return Assessment(score=score, level=level_of(score), reasons=reasons)
