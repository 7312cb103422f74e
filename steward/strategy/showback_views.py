"""Pages of showback and TCO: the showback of a year (chart and table per department), the
TCO of the business services and of the costliest assets, and the lists and forms of
allocation rules and usage records."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.core.validation import is_id
from steward.strategy import filtersets, selectors
from steward.strategy.models import AllocationRule, Category, UsageRecord

TOP_ASSETS = 20


class AllocationRuleList(ObjectListView):
    model, url_prefix = AllocationRule, "strategy:allocationrule"
    filterset_class = filtersets.AllocationRuleFilterSet
    select_related = ("fiscal_year",)
    columns = [
        Column("fiscal_year", _("Fiscal year"), sort="fiscal_year__start", link=True),
        Column("get_category_display", _("Category"), sort="category"),
        Column("get_basis_display", _("Basis"), sort="basis"),
        Column("metric", _("Usage metric"), sort="metric"),
    ]


class AllocationRuleDetail(ObjectDetailView):
    model, url_prefix = AllocationRule, "strategy:allocationrule"
    select_related = ("fiscal_year",)
    fields = [
        Column("fiscal_year", _("Fiscal year")),
        Column("get_category_display", _("Category")),
        Column("get_basis_display", _("Basis")),
        Column("metric", _("Usage metric")),
    ]


class UsageRecordList(ObjectListView):
    model, url_prefix = UsageRecord, "strategy:usagerecord"
    filterset_class = filtersets.UsageRecordFilterSet
    select_related = ("department",)
    columns = [
        Column("period", _("Period"), sort="period", link=True),
        Column("department", _("Department"), sort="department__name"),
        Column("metric", _("Metric"), sort="metric"),
        Column("quantity", _("Quantity"), sort="quantity"),
    ]


class UsageRecordDetail(ObjectDetailView):
    model, url_prefix = UsageRecord, "strategy:usagerecord"
    select_related = ("department",)
    fields = [
        Column("period", _("Period")),
        Column("department", _("Department")),
        Column("metric", _("Metric")),
        Column("quantity", _("Quantity")),
    ]


def _chart(result: Any) -> dict[str, Any]:
    """One stacked bar per department: its direct costs and its share of each category."""
    labels = [d["name"] for d in result.departments]
    datasets = [{"label": _t("Direct"), "data": [float(d["direct"]) for d in result.departments]}]
    for key, name in Category.choices:
        data = [float(d["shared"].get(key, 0)) for d in result.departments]
        if any(data):
            datasets.append({"label": str(name), "data": data})
    return {"type": "bar", "stacked": True, "labels": labels, "datasets": datasets}


def _as_of(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def showback(request: HttpRequest) -> HttpResponse:
    """Showback of a year and TCO, for IT and asset managers (PermissionDenied: 403)."""
    user = request.user
    selectors.ensure_reads_all_budgets(user)
    years = list(selectors.fiscal_year_list(user=user).order_by("-start"))
    wanted = request.GET.get("year")
    year = next((y for y in years if is_id(wanted) and str(y.pk) == wanted), None)
    if year is None:
        year = selectors.fiscal_year_current(user=user) if years else None
    context: dict[str, Any] = {"title": _t("Showback and TCO"), "years": years, "year": year}
    if year is not None:
        result = selectors.showback_get(
            user=user, fiscal_year=year, as_of=_as_of(request.GET.get("as_of"))
        )
        context.update(
            result=result,
            chart=_chart(result),
            categories=[(k, n) for k, n in Category.choices],
        )
    count, assets = selectors.asset_tco_list(user=user, limit=TOP_ASSETS)
    context.update(services=selectors.service_tco_list(user=user), assets=assets, asset_count=count)
    return render(request, "strategy/showback.html", context)
