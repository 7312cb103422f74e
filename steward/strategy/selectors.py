"""Reads of budgets and costs, always through ``permissions.restrict``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from steward.core import permissions
from steward.core.permissions import MANAGERS, Role
from steward.core.validation import is_id
from steward.org import selectors as org
from steward.strategy import rollup, showback
from steward.strategy.models import (
    AllocationRule,
    BudgetLine,
    CostRecord,
    FiscalYear,
    UsageRecord,
)


def fiscal_year_list(*, user: Any) -> QuerySet[FiscalYear]:
    return permissions.restrict(FiscalYear.objects.all(), user)


def fiscal_year_get(*, user: Any, pk: Any) -> FiscalYear | None:
    if not is_id(pk):
        return None
    return fiscal_year_list(user=user).filter(pk=pk).first()


def fiscal_year_current(*, user: Any, on: datetime.date | None = None) -> FiscalYear | None:
    """The year covering ``on`` (today), else the latest one started, else the first."""
    on = on or timezone.localdate()
    years = fiscal_year_list(user=user)
    return (
        years.filter(start__lte=on, end__gte=on).first()
        or years.filter(start__lte=on).order_by("-start").first()
        or years.order_by("start").first()
    )


BUDGET_READERS = MANAGERS | {Role.ASSET_MANAGER}


def budget_centres(*, user: Any) -> QuerySet[Any] | None:
    """The cost centres whose budget ``user`` may read: None for all (IT and asset managers),
    else those they own (the same rule as the budget lines' and costs' scope)."""
    if permissions.roles_of(user) & BUDGET_READERS:
        return None
    return org.cost_centers_owned_by(user=user)


def budget_line_list(*, user: Any) -> QuerySet[BudgetLine]:
    return permissions.restrict(
        BudgetLine.objects.select_related("fiscal_year", "cost_centre"), user
    )


def cost_record_list(*, user: Any) -> QuerySet[CostRecord]:
    return permissions.restrict(
        CostRecord.objects.select_related("fiscal_year", "cost_centre"), user
    )


def budget_rollup(
    *,
    user: Any,
    fiscal_year: FiscalYear,
    as_of: datetime.date | None = None,
    cost_centre_id: int | None = None,
) -> rollup.Rollup:
    """Planned vs actual vs forecast of ``fiscal_year`` over the cost centres ``user`` may
    see (or one of them), as of ``as_of`` (today). See ``rollup`` for the forecast."""
    centres = budget_centres(user=user)
    if cost_centre_id is not None:
        centres = (centres if centres is not None else org.cost_centers_all()).filter(
            pk=cost_centre_id
        )
    return rollup.rollup(
        fiscal_year=fiscal_year, as_of=as_of or timezone.localdate(), centres=centres
    )


def allocation_rule_list(*, user: Any) -> QuerySet[AllocationRule]:
    return permissions.restrict(AllocationRule.objects.select_related("fiscal_year"), user)


def usage_record_list(*, user: Any) -> QuerySet[UsageRecord]:
    return permissions.restrict(UsageRecord.objects.select_related("department"), user)


def ensure_reads_all_budgets(user: Any) -> None:
    """Showback and TCO set every department's costs side by side: only for those who read
    every budget (IT and asset managers). Raises PermissionDenied."""
    if not permissions.can(user, "view", BudgetLine) or budget_centres(user=user) is not None:
        raise PermissionDenied


def showback_get(
    *, user: Any, fiscal_year: FiscalYear, as_of: datetime.date | None = None
) -> showback.Showback:
    """Costs of ``fiscal_year`` per department by the year's allocation rules (see
    ``showback``). Raises PermissionDenied."""
    ensure_reads_all_budgets(user)
    return showback.showback(fiscal_year=fiscal_year, user=user, as_of=as_of)


def asset_tco_list(*, user: Any, limit: int = 100) -> tuple[int, list[dict[str, Any]]]:
    """The number of assets and the ``limit`` with the largest TCO. Raises PermissionDenied."""
    ensure_reads_all_budgets(user)
    rows = sorted(
        showback.asset_tco(user=user).values(), key=lambda r: (-r["total"], r["asset_tag"])
    )
    return len(rows), rows[:limit]


def service_tco_list(*, user: Any) -> list[dict[str, Any]]:
    """TCO per business service, largest first. Raises PermissionDenied."""
    ensure_reads_all_budgets(user)
    return showback.service_tco(user=user)
