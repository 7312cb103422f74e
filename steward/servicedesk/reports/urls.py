from django.urls import path

from steward.servicedesk.reports import views

urlpatterns = [
    path("reports/", views.report_index, name="reports"),
    path("reports/<slug:name>/", views.report_page, name="report"),
]
