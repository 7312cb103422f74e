# ruff: noqa: S608 - SQL built from the model's own table and column names
"""Primary keys known before a row's INSERT, so that values derived from the key (a ticket's
``INC-000123`` reference) go into that one INSERT instead of a second UPDATE of the row.

- PostgreSQL: the next value of the table's identity sequence (never handed out twice, even
  to transactions that roll back).
- SQLite: one more than the ``AUTOINCREMENT`` high-water mark of the table. Safe because
  Steward opens every SQLite transaction ``IMMEDIATE`` (settings): the caller holds the
  database's one write lock from its ``BEGIN`` until its commit, so no other connection can
  insert in between. Outside a transaction it refuses rather than race.
"""

from __future__ import annotations

from django.db import connections, models, router
from django.db.transaction import TransactionManagementError


def reserve_id(model: type[models.Model], *, using: str | None = None) -> int:
    """A primary key for one new row of ``model``, to be saved with ``force_insert=True``
    in the current transaction."""
    alias = using or router.db_for_write(model)
    conn = connections[alias]
    table, column = model._meta.db_table, model._meta.pk.column
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
            return int(cursor.fetchone()[0])
        if conn.vendor == "sqlite":
            if not conn.in_atomic_block:
                raise TransactionManagementError(
                    "reserve_id on SQLite needs a transaction that holds the write lock"
                )
            # The high-water mark, or the largest key when the table never had a row
            # through AUTOINCREMENT (the sequence row appears with the first INSERT).
            sql = (
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                f'coalesce((SELECT max("{column}") FROM "{table}"), 0))'
            )
            cursor.execute(sql, [table])
            return int(cursor.fetchone()[0]) + 1
    raise NotImplementedError(f"reserve_id: no support for {conn.vendor}")
