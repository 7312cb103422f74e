"""Pages of budget and cost: the budget of a year (chart and table), and the lists and
forms of fiscal years, budget lines and costs (cost centres are org's pages)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.core.validation import is_id
from steward.strategy import filtersets, selectors, services
from steward.strategy.models import BudgetLine, CostRecord, FiscalYear


class FiscalYearList(ObjectListView):
    model, url_prefix = FiscalYear, "strategy:fiscalyear"
    filterset_class = filtersets.FiscalYearFilterSet
    columns = [
        Column("name", _("Name"), sort="name", link=True),
        Column("start", _("Start"), sort="start"),
        Column("end", _("End"), sort="end"),
    ]


class FiscalYearDetail(ObjectDetailView):
    model, url_prefix = FiscalYear, "strategy:fiscalyear"
    fields = [Column("name", _("Name")), Column("start", _("Start")), Column("end", _("End"))]


class BudgetLineList(ObjectListView):
    model, url_prefix = BudgetLine, "strategy:budgetline"
    filterset_class = filtersets.BudgetLineFilterSet
    select_related = ("fiscal_year", "cost_centre")
    columns = [
        Column("fiscal_year", _("Fiscal year"), sort="fiscal_year__start", link=True),
        Column("cost_centre", _("Cost centre"), sort="cost_centre__code"),
        Column("get_category_display", _("Category"), sort="category"),
        Column("planned", _("Planned"), sort="planned"),
    ]


class BudgetLineDetail(ObjectDetailView):
    model, url_prefix = BudgetLine, "strategy:budgetline"
    select_related = ("fiscal_year", "cost_centre")
    fields = [
        Column("fiscal_year", _("Fiscal year")),
        Column("cost_centre", _("Cost centre")),
        Column("get_category_display", _("Category")),
        Column("planned", _("Planned")),
        Column("notes", _("Notes")),
    ]


class CostRecordList(ObjectListView):
    model, url_prefix = CostRecord, "strategy:costrecord"
    filterset_class = filtersets.CostRecordFilterSet
    select_related = ("cost_centre",)
    columns = [
        Column("date", _("Date"), sort="date", link=True),
        Column("amount", _("Amount"), sort="amount"),
        Column("cost_centre", _("Cost centre"), sort="cost_centre__code"),
        Column("get_category_display", _("Category"), sort="category"),
        Column("get_source_display", _("Source"), sort="source"),
        Column("description", _("Description")),
    ]


class CostRecordDetail(ObjectDetailView):
    model, url_prefix = CostRecord, "strategy:costrecord"
    select_related = ("fiscal_year", "cost_centre")
    fields = [
        Column("fiscal_year", _("Fiscal year")),
        Column("date", _("Date")),
        Column("amount", _("Amount")),
        Column("cost_centre", _("Cost centre")),
        Column("get_category_display", _("Category")),
        Column("get_source_display", _("Source")),
        Column("source_id", _("Source id")),
        Column("description", _("Description")),
    ]


def _chart(result: Any) -> dict[str, Any]:
    labels = [c["name"] for c in result.by_category]
    return {
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": str(name), "data": [float(c[key]) for c in result.by_category]}
            for key, name in (
                ("planned", _("Planned")),
                ("actual", _("Actual")),
                ("forecast", _("Forecast")),
            )
        ],
    }


def _as_of(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def budget(request: HttpRequest) -> HttpResponse:
    """The budget of a year: planned, actual and forecast per category as a chart, and per
    cost centre and category as a table, over the cost centres the user may see."""
    user = request.user
    if not permissions.can(user, "view", BudgetLine):
        raise PermissionDenied
    years = list(selectors.fiscal_year_list(user=user).order_by("-start"))
    wanted = request.GET.get("year")
    year = next((y for y in years if is_id(wanted) and str(y.pk) == wanted), None)
    if year is None:
        year = selectors.fiscal_year_current(user=user) if years else None
    context: dict[str, Any] = {
        "title": _t("Budget"),
        "years": years,
        "year": year,
        "can_sync": permissions.can(user, "add", CostRecord),
    }
    if year is not None:
        result = selectors.budget_rollup(
            user=user, fiscal_year=year, as_of=_as_of(request.GET.get("as_of"))
        )
        context.update(result=result, chart=_chart(result))
    return render(request, "strategy/budget.html", context)


@login_required
@require_POST
def cost_sync(request: HttpRequest) -> HttpResponse:
    job = services.cost_sync_start(actor=request.user)  # PermissionDenied: 403
    messages.success(request, _t("The roll-up from assets has started."))
    return HttpResponseRedirect(reverse("job_detail", kwargs={"pk": job.pk}))
