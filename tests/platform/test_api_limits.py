import pytest
from django.core.cache import caches

from steward.core.api.throttling import UserThrottle
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_rate_limit_answers_429_in_the_error_format(api, org_world, monkeypatch):
    monkeypatch.setattr(UserThrottle, "rate", "3/min", raising=False)
    caches["throttle"].clear()
    client = api(org_world["users"][Role.AGENT])
    statuses = [client.get("/api/org/teams/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get("/api/org/teams/").json()
    assert body["type"] == "throttled" and "Retry-After" in client.get("/api/org/teams/")
