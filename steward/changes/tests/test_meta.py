"""The platform's meta-rules for this app (core's meta-test parametrises the apps it knows):
every model of the app has an API endpoint and a list page, except the link rows and the
feed tokens, which are reached through their change and the profile's feed page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db
THROUGH_PARENT = {
    "changes.ChangeRequestCI",
    "changes.CalendarFeedToken",
    "changes.ProblemIncident",
    "changes.ProblemTask",
}


def _api_models() -> set[str]:
    found = set()

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
                continue
            qs = getattr(getattr(p.callback, "cls", None), "queryset", None)
            if qs is not None:
                found.add(qs.model._meta.label)

    walk(get_resolver().url_patterns)
    return found


def test_every_model_has_an_api_endpoint_and_a_list_page():
    api = _api_models()
    for model in apps.get_app_config("changes").get_models():
        label = model._meta.label
        if label in THROUGH_PARENT:
            continue
        assert label in api, label
        reverse(f"changes:{model._meta.model_name}_list")
