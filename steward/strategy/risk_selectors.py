"""Reads of the risk register, always through ``permissions.restrict``: risks with their
count of incidents in the last 90 days (one annotation), the heat map (one GROUP BY over
likelihood and impact, whatever the number of risks), the linked incidents and what a
control protects."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from steward.core import permissions
from steward.core.validation import is_id
from steward.strategy.models import Risk, RiskControl, RiskControlLink, RiskMatrix, TargetType
from steward.strategy.risk import band_for

RECENT_DAYS = 90
VIEWS = ("inherent", "residual")


def risk_matrix_list(*, user: Any) -> QuerySet[RiskMatrix]:
    return permissions.restrict(RiskMatrix.objects.all(), user)


def risk_list(*, user: Any, now: datetime.datetime | None = None) -> QuerySet[Risk]:
    """Risks ``user`` may see, with ``recent_incidents``: linked incidents opened in the last
    90 days."""
    since = (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)
    qs = Risk.objects.select_related("owner", "matrix").annotate(
        recent_incidents=Count("incident_links", filter=Q(incident_links__opened_at__gte=since))
    )
    return permissions.restrict(qs, user)


def risk_get(*, user: Any, pk: Any) -> Risk | None:
    if not is_id(pk):
        return None
    return risk_list(user=user).filter(pk=pk).first()


def risk_control_list(*, user: Any) -> QuerySet[RiskControl]:
    return permissions.restrict(
        RiskControl.objects.select_related("risk", "owner").prefetch_related("links"), user
    )


@dataclass
class Cell:
    likelihood: int
    impact: int
    count: int
    level: str
    colour: str


@dataclass
class HeatMap:
    matrix: RiskMatrix
    view: str
    rows: list[tuple[int, str, list[Cell]]] = field(default_factory=list)
    """Likelihood from the highest down: (likelihood, label, cells by impact)."""
    total: int = 0


def heat_map(
    *, user: Any, matrix: RiskMatrix, view: str = "inherent", risks: QuerySet[Risk] | None = None
) -> HeatMap:
    """Counts of the open risks ``user`` may see per likelihood and impact on ``matrix``
    (``view`` inherent or residual, the residual falling back to the inherent), each cell
    coloured by the band of its score. ``risks`` narrows further (a filtered list)."""
    from steward.strategy.models import RiskStatus

    qs = risks if risks is not None else permissions.restrict(Risk.objects.all(), user)
    qs = qs.filter(matrix=matrix).exclude(status=RiskStatus.CLOSED)
    if view == "residual":
        lk, im = (
            Coalesce("residual_likelihood", "inherent_likelihood"),
            Coalesce("residual_impact", "inherent_impact"),
        )
    else:
        lk, im = F("inherent_likelihood"), F("inherent_impact")
    counts = qs.order_by().values(lk=lk, im=im).annotate(n=Count("pk"))
    found = {(row["lk"], row["im"]): row["n"] for row in counts}
    result = HeatMap(matrix=matrix, view=view, total=sum(found.values()))
    likelihoods = list(matrix.likelihood_labels)
    impacts = list(matrix.impact_labels)
    for row in range(len(likelihoods), 0, -1):
        cells = []
        for col in range(1, len(impacts) + 1):
            band = band_for(matrix, row * col)
            cells.append(
                Cell(
                    likelihood=row,
                    impact=col,
                    count=found.get((row, col), 0),
                    level=band.level if band else "",
                    colour=band.colour if band else "#ffffff",
                )
            )
        result.rows.append((row, likelihoods[row - 1], cells))
    return result


def risk_incidents(*, risk: Risk, user: Any) -> list[dict[str, Any]]:
    """The incidents linked to ``risk`` that ``user`` may see (one query for all of them),
    newest first, with when each was linked."""
    from steward.servicedesk import selectors as desk

    links = list(risk.incident_links.order_by("-opened_at", "-pk"))
    if not links:
        return []
    tickets = {t.pk: t for t in desk.ticket_list(user, pk__in=[lk.ticket_id for lk in links])}
    return [
        {"ticket": tickets[lk.ticket_id], "linked_at": lk.created_at}
        for lk in links
        if lk.ticket_id in tickets
    ]


def control_targets(*, controls: list[RiskControl], user: Any) -> dict[int, list[dict[str, Any]]]:
    """What each control protects, as the user may see it: a query per kind, not per link."""
    from steward.assets import selectors as assets
    from steward.cmdb import selectors as cmdb

    links: list[RiskControlLink] = [lk for c in controls for lk in c.links.all()]
    ci_ids = {lk.target_id for lk in links if lk.target_type == TargetType.CI}
    asset_ids = {lk.target_id for lk in links if lk.target_type == TargetType.ASSET}
    cis = {c.pk: c for c in cmdb.ci_list(user=user).filter(pk__in=ci_ids)} if ci_ids else {}
    found_assets = (
        {a.pk: a for a in assets.asset_list(user=user).filter(pk__in=asset_ids)}
        if asset_ids
        else {}
    )
    out: dict[int, list[dict[str, Any]]] = {c.pk: [] for c in controls}
    for lk in links:
        target = (cis if lk.target_type == TargetType.CI else found_assets).get(lk.target_id)
        if target is None:
            continue
        url_name = "cmdb:ci_detail" if lk.target_type == TargetType.CI else "assets:asset_detail"
        out[lk.control_id].append(
            {"type": lk.target_type, "id": lk.target_id, "object": target, "url_name": url_name}
        )
    return out
