"""Every API serializer reads rows through the platform's direct-attribute plan
(``steward.core.api.serializers.represent``): its output must be exactly what Django REST
framework's generic ``to_representation`` gives, for every endpoint, on the demo data."""

import pytest
from django.urls import get_resolver
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from steward.core.api.serializers import StrictSerializer
from steward.core.management.commands.demo import seed_demo
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db


def _viewsets():
    seen = {}

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
                continue
            cls = getattr(getattr(p, "callback", None), "cls", None)
            if cls is not None and getattr(cls, "serializer_class", None) is not None:
                seen[cls.__name__] = cls

    walk(get_resolver().url_patterns)
    return list(seen.values())


def _serializer_classes(viewset):
    found = {viewset.serializer_class}
    for action in ("list", "retrieve"):
        view = viewset()
        view.action, view.request, view.format_kwarg, view.kwargs = action, None, None, {}
        try:
            found.add(view.get_serializer_class())
        except Exception:  # noqa: S112 - classes that need a request are covered by list
            continue
    return [c for c in found if issubclass(c, StrictSerializer)]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_every_api_serializer_represents_rows_as_drf_does(monkeypatch, make_user, zone):
    """In UTC and in a user's own zone (times carry its offset, not Z)."""
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.01")
    seed_demo(log=lambda message: None)
    request = APIRequestFactory().get("/api/")
    request.user = make_user(Role.ADMIN, username="representation-admin")
    with timezone.override(zone):
        compared = _compare_all(request)
    assert compared > 100


def _compare_all(request):
    compared = 0
    for viewset in _viewsets():
        for serializer_class in _serializer_classes(viewset):
            model = serializer_class.Meta.model
            rows = list(model._default_manager.order_by("-pk")[:5])
            context = {"request": request}
            for row in rows:
                fast = serializer_class(row, context=context).data
                generic = serializers.ModelSerializer.to_representation(
                    serializer_class(context=context), row
                )
                assert dict(fast) == generic, f"{serializer_class.__name__} #{row.pk}"
                compared += 1
    return compared
