"""The risk register's API routes, added to strategy's router by ``api/urls.py``."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from steward.strategy.api import risk_views


def register(router: Any) -> list[URLPattern]:
    router.register("risk-matrices", risk_views.RiskMatrixViewSet)
    router.register("risks", risk_views.RiskViewSet)
    router.register("risk-controls", risk_views.RiskControlViewSet)
    return [path("risk-heat-map/", risk_views.RiskHeatMapView.as_view(), name="risk_heatmap")]
