"""Reports in the API: ``GET /api/servicedesk/reports/<name>/`` with the page's filters."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.servicedesk.reports import selectors
from steward.servicedesk.reports.forms import ReportFilterForm


class ReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    chart = serializers.DictField(
        child=serializers.JSONField(), help_text="A Chart.js spec: type, labels, datasets."
    )


PARAMETERS = [
    OpenApiParameter("date_from", str, description="First day (YYYY-MM-DD); default 90 days ago."),
    OpenApiParameter("date_to", str, description="Last day (YYYY-MM-DD); default today."),
    OpenApiParameter("team", int, description="Assignment group id."),
    OpenApiParameter("organisation", int, description="Organisation id."),
]


class ReportView(APIView):
    """One report: columns and rows as in the page's table, and its chart. Staff only."""

    permission_classes = [IsAuthenticated]
    report_name = ""

    @extend_schema(parameters=PARAMETERS, responses={200: ReportSerializer})
    def get(self, request: Request, **kwargs: Any) -> Response:
        if not selectors.can_view_reports(request.user):
            raise PermissionDenied
        form = ReportFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
        result = selectors.report(self.report_name, request.user, form.filters())
        return Response(
            ReportSerializer(
                {
                    "name": result.name,
                    "title": result.title,
                    "columns": result.columns,
                    "rows": result.rows,
                    "chart": result.chart,
                }
            ).data
        )


def report_view(name: str) -> Any:
    view = type(
        f"{name.title().replace('-', '')}ReportView",
        (ReportView,),
        {"report_name": name, "__doc__": f"Report: {selectors.REPORTS[name][0]}. Staff only."},
    )
    return view.as_view()
