"""Steward's PostgreSQL backend (``core.postgresql``): a bulk INSERT of a few rows is plain
``VALUES``, a large one keeps Django's ``UNNEST``; the rows are the same either way."""

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
