"""Junk bodies and filters on every software endpoint answer 4xx, never 500 (what
schemathesis checks in CI, kept here as a fast test)."""

from __future__ import annotations

import pytest

from steward.assets.api.software import ROUTES
from steward.assets.models import LicenceType
from steward.assets.tests.software_fixtures import licence, product

pytestmark = pytest.mark.django_db
PATHS = [f"/api/assets/{prefix}/" for prefix, _viewset in ROUTES]
BODIES = [
    [],
    "text",
    {"id": "x"},
    {"name": "\x00"},
    {"product": 2**40, "asset": -1, "licence": "abc", "person": [1]},
    {"quantity": 2**63, "start_date": "2025-02-30", "expiry_date": "tomorrow"},
    {"os_name": "x" * 5000, "cpu_cores": 0, "minimum_version": {"a": 1}},
]
FILTERS = [
    {"product": str(2**40)},
    {"asset": "-1"},
    {"licence": "1e9"},
    {"q": "é" * 300},
    {"ordering": "nope"},
    {"expires_before": "2025-13-01"},
    {"updated_before": "x"},
    {"holder": "%00"},
    {"page_size": "-5"},
]


@pytest.mark.parametrize("path", PATHS)
def test_junk_bodies_and_filters_never_answer_500(api, world, path):
    lic = licence(product("Visio"), LicenceType.PER_DEVICE, 2)
    client = api(world["manager"])
    for body in BODIES:
        response = client.post(path, body, format="json")
        assert response.status_code < 500, (path, body, response.content[:300])
    for query in FILTERS:
        response = client.get(path, query)
        assert response.status_code < 500, (path, query, response.content[:300])
    for detail in ("999999999999", "abc", str(lic.pk)):
        response = client.patch(f"{path}{detail}/", {"name": "\x00"}, format="json")
        assert response.status_code < 500, (path, detail, response.content[:300])


@pytest.mark.parametrize(
    "url",
    [
        "/api/assets/installations/sync/",
        "/api/assets/licences/compliance/?product=99999999999&status=x",
        "/api/assets/device-os/out-of-date/?policy=-1",
    ],
)
def test_junk_on_the_extra_actions_never_answers_500(api, world, url):
    client = api(world["manager"])
    if "sync" in url:
        for body in [*BODIES, {"asset": 1, "packages": [{"name": "\x00"}] * 3}]:
            assert client.post(url, body, format="json").status_code < 500, body
    else:
        assert client.get(url).status_code == 400
