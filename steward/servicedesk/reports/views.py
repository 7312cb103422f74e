"""Report pages under /servicedesk/reports/: chart, table, CSV and XLSX export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from steward.core.export import csv_response, xlsx_response
from steward.servicedesk.reports import selectors
from steward.servicedesk.reports.forms import ReportFilterForm


def _staff(request: HttpRequest) -> None:
    if not selectors.can_view_reports(request.user):
        raise PermissionDenied(_("Reports are for the service-desk staff."))


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "servicedesk/reports/index.html",
        {"title": _("Service-desk reports"), "reports": selectors.REPORTS.items()},
    )


@login_required
def report_page(request: HttpRequest, name: str) -> HttpResponse | StreamingHttpResponse:
    _staff(request)
    if name not in selectors.REPORTS:
        raise Http404
    form = ReportFilterForm(request.GET, user=request.user)
    valid = form.is_valid()
    result = selectors.report(name, request.user, form.filters()) if valid else None
    export = request.GET.get("export")
    if result is not None and export in {"csv", "xlsx"}:
        filename = f"servicedesk-{name}"
        respond = csv_response if export == "csv" else xlsx_response
        return respond(filename, result.columns, result.rows)
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "servicedesk/reports/report.html",
        {
            "title": selectors.REPORTS[name][0],
            "name": name,
            "form": form,
            "report": result,
            "reports": selectors.REPORTS.items(),
            "query": query.urlencode(),
        },
        status=200 if valid else 400,
    )
