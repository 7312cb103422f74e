"""Keys reserved before the INSERT (``core.ids``), on the database the suite runs on."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from steward.core.ids import reserve_id
from steward.core.models import Tag

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reserved_key_is_the_row_s_and_the_next_reservation_moves_past_it():
    with transaction.atomic():
        before = Tag.objects.create(name="Before", slug="before")
        key = reserve_id(Tag)
        assert key > before.pk
        row = Tag(pk=key, name="Reserved", slug="reserved")
        row.save(force_insert=True)
        assert reserve_id(Tag) > key
        # A row saved the ordinary way after a reservation does not collide with it.
        after = Tag.objects.create(name="After", slug="after")
    assert after.pk > key
    assert Tag.objects.get(pk=key).name == "Reserved"


def test_keys_are_not_reused_after_the_largest_row_is_deleted():
    with transaction.atomic():
        gone = Tag.objects.create(name="Gone soon", slug="gone").pk
    Tag.objects.filter(pk=gone).delete()
    with transaction.atomic():
        assert reserve_id(Tag) > gone


def test_outside_a_transaction_only_postgresql_reserves():
    """SQLite's reservation is only safe under the write lock its transactions take."""
    if connection.vendor == "sqlite":
        with pytest.raises(TransactionManagementError, match="write lock"):
            reserve_id(Tag)
    else:
        assert reserve_id(Tag) < reserve_id(Tag)  # a sequence needs no lock
