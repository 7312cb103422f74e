"""Keys reserved before the INSERT (``core.ids``), on the database the suite runs on."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from steward.core.ids import reserve_id
from steward.org.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reserved_key_is_the_row_s_and_the_next_reservation_moves_past_it():
    with transaction.atomic():
        before = Organisation.objects.create(name="Before")
        key = reserve_id(Organisation)
        assert key > before.pk
        row = Organisation(pk=key, name="Reserved")
        row.save(force_insert=True)
        assert reserve_id(Organisation) > key
        # A row saved the ordinary way after a reservation does not collide with it.
        after = Organisation.objects.create(name="After")
    assert after.pk > key
    assert Organisation.objects.get(pk=key).name == "Reserved"


def test_keys_are_not_reused_after_the_largest_row_is_deleted():
    with transaction.atomic():
        gone = Organisation.objects.create(name="Gone soon").pk
    Organisation.objects.filter(pk=gone).delete()
    with transaction.atomic():
        assert reserve_id(Organisation) > gone


def test_outside_a_transaction_only_postgresql_reserves():
    """SQLite's reservation is only safe under the write lock its transactions take."""
    if connection.vendor == "sqlite":
        with pytest.raises(TransactionManagementError, match="write lock"):
            reserve_id(Organisation)
    else:
        assert reserve_id(Organisation) < reserve_id(Organisation)  # a sequence needs no lock
