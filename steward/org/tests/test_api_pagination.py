"""Keyset pagination of every API list (steward.core.api.pagination), through the people
list: a column many rows share, a nullable column, both directions, hostile cursors."""

import base64
import datetime
import json

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from steward.core.api.pagination import Cursor
from steward.core.permissions import Role
from steward.org.models import Person

pytestmark = pytest.mark.django_db


def _walk(client, url, link="next", limit=20):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        url = body[link]
        assert len(pages) <= limit, "the links go round in circles"
    return pages


def test_more_than_a_thousand_rows_sharing_the_ordering_column_are_each_served_once(api, org_world):
    """DRF's cursor kept an offset among equal values, capped at 1,000: the third page of
    500 people of the same last name was the second one again, for ever."""
    internal = org_world["internal"]
    Person.objects.bulk_create(
        [Person(first_name=f"P{i}", last_name="Same", organisation=internal) for i in range(1100)]
    )
    client = api(org_world["users"][Role.ADMIN])

    forward = _walk(client, "/api/org/people/?ordering=last_name&page_size=500")
    seen = [pk for page in forward for pk in page]
    assert len(seen) == len(set(seen)) == Person.objects.count()
    assert [len(page) for page in forward] == [500, 500, len(seen) - 1000]
    expected = list(Person.objects.order_by("last_name", "pk").values_list("pk", flat=True))
    assert seen == expected

    # From the last page back along the previous links: the same pages, last to first.
    last = client.get("/api/org/people/?ordering=last_name&page_size=500")
    url = last.json()["next"]
    url = client.get(url).json()["next"]
    backward = _walk(client, url, link="previous")
    assert backward == forward[::-1]
    assert (
        client.get("/api/org/people/?ordering=last_name&page_size=500").json()["previous"] is None
    )


@pytest.mark.parametrize("ordering", ["away_until", "-away_until"])
def test_a_nullable_column_pages_through_its_values_and_its_empty_rows(org_world, ordering):
    """NULL sorts as the greatest value on both engines; rows equal in the column (dates
    shared, NULLs) follow their id."""
    internal = org_world["internal"]
    day = datetime.date(2026, 12, 1)
    away = [day, day, day + datetime.timedelta(days=3), None, day - datetime.timedelta(days=9)]
    Person.objects.bulk_create(
        [
            Person(first_name=f"A{i}", last_name="Away", organisation=internal, away_until=when)
            for i, when in enumerate(away * 3)
        ]
    )
    rows = list(Person.objects.values_list("pk", "away_until"))
    descending = ordering.startswith("-")
    nulls = sorted((pk for pk, when in rows if when is None), reverse=descending)
    dated = sorted(
        ((when, pk) for pk, when in rows if when is not None),
        reverse=descending,
    )
    expected = (
        [pk for _, pk in dated] + nulls if not descending else nulls + [pk for _, pk in dated]
    )

    factory = APIRequestFactory()

    def page(url):
        paginator = Cursor()
        paginator.ordering = (ordering,)
        found = paginator.paginate_queryset(Person.objects.all(), Request(factory.get(url)))
        return [p.pk for p in found], paginator.get_next_link(), paginator.get_previous_link()

    seen, pages, url = [], [], "/api/org/people/?page_size=4"
    while url:
        ids, url, _ = page(url)
        pages.append(ids)
        seen += ids
        assert len(pages) <= 20
    assert seen == expected

    # Back from the last page: the same pages in reverse order.
    ids, _, previous = page(_last_page_url(page, "/api/org/people/?page_size=4"))
    back = [ids]
    while previous:
        ids, _, previous = page(previous)
        back.append(ids)
    assert back == pages[::-1]


def _last_page_url(page, url):
    last = url
    while url:
        last = url
        _, url, _ = page(url)
    return last


def _token(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        _token(["no", "object"]),
        _token({"r": 1}),
        _token({"p": "pk"}),
        _token({"p": []}),  # another ordering's cursor: the wrong number of values
        _token({"p": ["Same", 1]}),
        _token({"p": [10**30]}),  # past the id column's range: no database error
        _token({"p": ["twelve"]}),
        _token({"p": [{"id": 1}]}),
        "A" * 5000,
    ],
)
def test_a_cursor_that_is_not_one_of_ours_is_refused_with_404(api, org_world, cursor):
    client = api(org_world["users"][Role.ADMIN])
    response = client.get("/api/org/people/", {"cursor": cursor})
    assert response.status_code == 404, response.content
    assert "cursor" in response.content.decode().lower()


@pytest.mark.parametrize("when", ["not a time", "2026-01-01T00:00:00"])
def test_a_cursor_of_another_ordering_column_type_is_refused(api, org_world, when):
    """Not a time, or a time without its offset (every cursor of ours carries one)."""
    client = api(org_world["users"][Role.ADMIN])
    cursor = _token({"p": [when, 3]})
    response = client.get("/api/org/people/", {"ordering": "created_at", "cursor": cursor})
    assert response.status_code == 404


def test_a_page_emptied_since_its_link_was_made_links_back_to_the_rows_before(api, org_world):
    """The rows after a cursor were deleted: the empty page's previous link reads back from
    the cursor's own row, so it serves the page the cursor was made on."""
    internal = org_world["internal"]
    Person.objects.bulk_create(
        [Person(first_name=f"G{i}", last_name="Gone", organisation=internal) for i in range(6)]
    )
    client = api(org_world["users"][Role.ADMIN])
    first = client.get("/api/org/people/?ordering=last_name&page_size=3").json()
    shown = [row["id"] for row in first["results"]]
    later = Person.objects.order_by("last_name", "pk").values_list("pk", flat=True)
    Person.objects.filter(pk__in=list(later)[3:]).delete()  # everything after the first page

    empty = client.get(first["next"]).json()
    assert empty["results"] == [] and empty["next"] is None
    back = client.get(empty["previous"]).json()
    assert [row["id"] for row in back["results"]] == shown
