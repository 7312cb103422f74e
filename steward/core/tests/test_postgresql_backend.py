"""Steward's PostgreSQL backend (``core.postgresql``): a bulk INSERT of a few rows is plain
``VALUES``, a large one keeps Django's ``UNNEST``; the rows are the same either way. Times
are read by psycopg's C parser, labelled UTC as Django's own loader does."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.models import Tag
from steward.core.postgresql.compiler import UNNEST_FROM

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def test_the_postgresql_url_selects_steward_s_backend():
    assert connection.settings_dict["ENGINE"] == "steward.core.postgresql"
    assert (
        connection.ops.compiler("SQLInsertCompiler").__module__
        == "steward.core.postgresql.compiler"
    )


@pytest.mark.parametrize(
    ("rows", "form"), [(3, "VALUES"), (UNNEST_FROM - 1, "VALUES"), (UNNEST_FROM, "UNNEST")]
)
def test_bulk_inserts_of_a_few_rows_are_values_and_large_ones_unnest(rows, form):
    tags = [
        Tag(name=f"Ünïcode {i} 'quoted'", slug=f"t{rows}-{i}", custom_fields={"n": i})
        for i in range(rows)
    ]
    with CaptureQueriesContext(connection) as ctx:
        created = Tag.objects.bulk_create(tags)
    insert = next(
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "core_tag"')
    )
    assert ("UNNEST" in insert) == (form == "UNNEST")
    assert [t.pk for t in created] and all(t.pk for t in created)
    stored = {
        t.slug: (t.name, t.custom_fields) for t in Tag.objects.filter(slug__startswith=f"t{rows}-")
    }
    assert stored == {t.slug: (t.name, t.custom_fields) for t in tags}


def test_times_are_read_by_the_c_parser_and_labelled_utc_like_django_s_loader():
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg import adapt, pq

    from steward.core.postgresql.base import UTCTimestamptzLoader

    connection.ensure_connection()
    raw = connection.connection
    oid = raw.adapters.types["timestamptz"].oid
    assert raw.adapters.get_loader(oid, pq.Format.TEXT) is UTCTimestamptzLoader
    if pq.__impl__ == "binary":
        assert UTCTimestamptzLoader.parser.__module__.startswith("psycopg_binary")

    django_context = adapt.AdaptersMap(raw.adapters)
    register_tzloader(datetime.UTC, django_context)
    django_loader = django_context.get_loader(oid, pq.Format.TEXT)(oid, raw)
    mine = UTCTimestamptzLoader(oid, raw)
    for text in (
        b"2026-01-17 18:03:47.197906+00",
        b"1999-12-31 23:59:59+00",
        b"2026-03-29 01:30:00.5+00",
        b"0001-01-01 00:00:00+00",
        b"9999-12-31 23:59:59.999999+00",
    ):
        value = mine.load(text)
        assert value == django_loader.load(text)
        assert value.tzinfo is datetime.UTC

    tag = Tag.objects.create(name="Clock", slug="clock")
    assert Tag.objects.get(pk=tag.pk).created_at == tag.created_at
    assert Tag.objects.get(pk=tag.pk).created_at.tzinfo is datetime.UTC
