"""Every page answers bad ids and empty posts with a 4xx (or a form error), never a 500."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from steward.core.permissions import Role
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("api/", "static/", "logout/", "metrics")
VALUES = {
    "int": "999999",
    "str": "not-an-id",
    "slug": "nonsense",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def concrete(route):
    def fill(match):
        converter = match.group(1) or "str"
        return VALUES.get(converter, "x")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route).lstrip("^").rstrip("$")


def test_no_page_answers_a_server_error_to_bad_ids_or_empty_posts(org_world):
    client = Client(raise_request_exception=False)
    assert client.login(username=org_world["users"][Role.ADMIN].username, password=PASSWORD)
    checked = 0
    for route in routes():
        if route.startswith(SKIP_PREFIXES) or "(?P" in route:
            continue
        url = concrete(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code < 500, f"{method.upper()} {url} -> {response.status_code}"
            checked += 1
    assert checked > 60


def test_unicode_digits_are_not_ids(org_world, api):
    from steward.core.validation import is_id

    assert not is_id("²") and not is_id("٣") and not is_id("9" * 30) and is_id("42")
    client = api(org_world["users"][Role.ADMIN])
    response = client.post("/api/org/organisations/bulk/", [{"id": "²"}], format="json")
    assert response.status_code == 400
    page = Client()
    page.login(username=org_world["users"][Role.ADMIN].username, password=PASSWORD)
    assert (
        page.post("/org/organisations/", {"selected": "²", "bulk_action": "delete"}).status_code
        == 302
    )
