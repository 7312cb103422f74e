"""Reads planned in written join order (``core.planner``): the setting holds inside the block
only, whatever transaction surrounds it, and a queryset asking for it keeps asking through
its clones. On SQLite nothing is sent and the rows are the same."""

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from steward.core.models import Tag, TaggedItem
from steward.core.planner import PIN, joins_as_written
from steward.core.testing import make_user

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner setting is PostgreSQL's"
)
SET = PIN


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.fixture
def default_limit() -> str:
    value = _limit()
    assert value != "1"
    return value


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_lasts_the_block(default_limit):
    assert not connection.in_atomic_block
    with joins_as_written():
        assert _limit() == "1"
    assert _limit() == default_limit


@postgresql_only
def test_inside_the_caller_s_transaction_it_is_put_back(default_limit):
    with transaction.atomic():
        with joins_as_written():
            assert _limit() == "1"
        assert _limit() == default_limit


@postgresql_only
def test_a_failed_block_leaves_the_caller_s_transaction_as_it_was(default_limit):
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), joins_as_written():
            assert _limit() == "1"
            _ = 1 / 0
        assert _limit() == default_limit


@postgresql_only
def test_a_block_failed_in_the_database_leaves_the_setting_to_the_rollback(default_limit):
    with transaction.atomic():
        with pytest.raises(DataError), transaction.atomic(), joins_as_written():
            assert _limit() == "1"
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        assert _limit() == default_limit


@postgresql_only
def test_an_inner_block_does_not_end_the_outer_one(default_limit):
    with joins_as_written():
        with joins_as_written():
            assert _limit() == "1"
        assert _limit() == "1"
    assert _limit() == default_limit


def _tagged():
    tag = Tag.objects.create(name="vip", slug="vip")
    users = [make_user(username=f"planner{i}") for i in range(2)]
    return [TaggedItem.objects.create(tag=tag, content_object=u) for u in users]


def test_a_queryset_asking_for_it_keeps_asking_through_its_clones():
    before = _limit_or_none()
    items = _tagged()
    plain = TaggedItem.objects.select_related("tag", "content_type").order_by("pk")
    expected = list(plain)

    def pinned():
        return plain.joins_as_written()

    for read in (
        lambda: list(pinned()),
        lambda: list(pinned().filter(pk__in=[i.pk for i in items])),
        lambda: [pinned().first()],
        lambda: [pinned().get(pk=items[0].pk)],
        lambda: list(pinned()[:1]),
    ):
        with CaptureQueriesContext(connection) as ctx:
            rows = read()
        sent = [q["sql"] for q in ctx.captured_queries]
        assert rows[0] == expected[0] and rows[0].tag.name == "vip"
        if connection.vendor == "postgresql":
            selects = [i for i, sql in enumerate(sent) if sql.startswith("SELECT")]
            assert SET in sent and sent.index(SET) < selects[0], sent
        else:
            assert SET not in sent
    with CaptureQueriesContext(connection) as ctx:
        assert list(plain.all()) == expected
    assert SET not in [q["sql"] for q in ctx.captured_queries]
    assert _limit_or_none() == before


def _limit_or_none() -> str | None:
    return _limit() if connection.vendor == "postgresql" else None
