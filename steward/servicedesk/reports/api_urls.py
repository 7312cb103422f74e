from django.urls import path

from steward.servicedesk.reports.api import report_view
from steward.servicedesk.reports.selectors import REPORTS

urlpatterns = [
    path(f"reports/{name}/", report_view(name), name=f"api-report-{name.replace('-', '_')}")
    for name in REPORTS
]
