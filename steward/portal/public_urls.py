"""The public pages the portal serves outside ``/portal/``: ``/status/`` and ``/status.json``
(included at the site root by ``steward/config/urls.py``)."""

from django.urls import path

from steward.portal.views import status

app_name = "status"
urlpatterns = [
    path("status/", status.status_page, name="page"),
    path("status.json", status.status_json, name="json"),
]
