"""Query strings a person can type or paste into a URL (NUL bytes, "²", invalid UTF-8,
ids past 64 bits) never give a 500 on list filters, the lookup widget or search; PostgreSQL
refuses NUL in any text parameter, so these run on both databases."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from steward.core.permissions import Role
from steward.core.testing import PASSWORD
from steward.org.models import Person

pytestmark = pytest.mark.django_db
VALUES = ("%00", "a%00b", "%ff", "²", "9" * 30, "-1")


@pytest.fixture
def admin_client(org_world):
    client = Client(raise_request_exception=False)
    assert client.login(username=org_world["users"][Role.ADMIN].username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/org/people/?manager=",
        "/servicedesk/tickets/?assignee=",
        "/servicedesk/tickets/?requester=",
        "/servicedesk/entries/?author=",
        "/knowledge/versions/?article=",
        "/search/?q=",
        "/catalogue/browse/?q=",
    ],
)
def test_a_hostile_filter_value_renders_the_page_instead_of_a_server_error(admin_client, url):
    for value in VALUES:
        response = admin_client.get(url + value)
        assert response.status_code < 500, f"{url}{value} -> {response.status_code}"


def test_the_lookup_widget_ignores_nul_bytes_in_the_typed_term(admin_client, org_world):
    ct = ContentType.objects.get_for_model(Person)
    for value in VALUES:
        response = admin_client.get(f"/lookup/{ct.pk}/?lookup={value}")
        assert response.status_code == 200, f"{value} -> {response.status_code}"
