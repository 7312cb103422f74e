"""The CIO dashboard page and its PDF and XLSX exports (IT managers and administrators)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t

from steward.strategy import dashboard, dashboard_export
from steward.strategy.models import RiskStatus

OPEN_RISK = [s for s in RiskStatus.values if s != RiskStatus.CLOSED]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _chart(budget: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "bar",
        "labels": [c["name"] for c in budget["by_category"]],
        "datasets": [
            {"label": label, "data": [float(c[key]) for c in budget["by_category"]]}
            for key, label in (
                ("planned", _t("Planned")),
                ("actual", _t("Actual")),
                ("forecast", _t("Forecast")),
            )
        ],
    }


def _heat_rows(heat: Any) -> list[dict[str, Any]]:
    base = reverse("strategy:risk_list")
    rows = []
    for lk, label, cells in heat.rows:
        out = []
        for cell in cells:
            query = [
                (f"{heat.view}_likelihood", cell.likelihood),
                (f"{heat.view}_impact", cell.impact),
                ("matrix", heat.matrix.pk),
                *(("status", s) for s in OPEN_RISK),
            ]
            out.append({"cell": cell, "url": f"{base}?{urlencode(query)}"})
        rows.append({"likelihood": lk, "label": label, "cells": out})
    return rows


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Alignment, budget burn, risk heat map, service health and portfolio on one page."""
    data = dashboard.dashboard_get(user=request.user)  # PermissionDenied: 403
    context: dict[str, Any] = {"title": _t("CIO dashboard"), "d": data}
    if data.budget:
        context["chart"] = _chart(data.budget)
    if data.risks:
        context["heat_rows"] = _heat_rows(data.risks)
        context["impacts"] = list(enumerate(data.risks.matrix.impact_labels, start=1))
    return render(request, "strategy/dashboard.html", context)


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    data = dashboard.as_dict(dashboard.dashboard_get(user=request.user))
    name = f"cio-dashboard-{data['today'].isoformat()}.pdf"
    return _attachment(dashboard_export.pdf_bytes(data), "application/pdf", name)


@login_required
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    data = dashboard.as_dict(dashboard.dashboard_get(user=request.user))
    name = f"cio-dashboard-{data['today'].isoformat()}.xlsx"
    return _attachment(dashboard_export.xlsx_bytes(data), XLSX, name)
