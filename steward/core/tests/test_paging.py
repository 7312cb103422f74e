"""List pages count at most ``CappedPaginator.cap`` rows: past it the pager says "more
than N" and the count query stops at the cap instead of counting every matching row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.models import User
from steward.core.ui.views import CappedPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    User.objects.bulk_create([User(username=f"user-{n}") for n in range(7)])
    return User.objects.filter(username__startswith="user-").order_by("username")


def test_under_the_cap_the_count_is_exact(users, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    paginator = CappedPaginator(users, 3)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (7, False, 3)
    assert (paginator.count_text, paginator.pages_text) == ("7", "3")


def test_past_the_cap_the_count_stops_and_says_more_than(users, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    paginator = CappedPaginator(users, 2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    (count_query,) = queries.captured_queries
    assert "LIMIT 5" in count_query["sql"]
    assert (paginator.capped, paginator.count_text, paginator.pages_text) == (
        True,
        "more than 4",
        "3+",
    )
    # The pages up to the cap hold the real rows.
    page = paginator.get_page(2)
    assert [u.username for u in page] == ["user-2", "user-3"] and page.has_next()


def test_list_page_says_more_than_past_the_cap(client, org_world, monkeypatch):
    from steward.core.permissions import Role

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    client.force_login(org_world["users"][Role.ADMIN])
    html = client.get("/org/people/").content.decode()
    assert "more than 2 in all" in html and "Page 1 of 1+" in html
