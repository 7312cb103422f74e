"""Reads whose joins PostgreSQL takes in the order Django wrote them.

PostgreSQL plans every statement afresh (Django binds parameters on the client, so nothing is
prepared), and for a join of eight or more tables it searches every join order: a ticket
read with its requester, organisation, category and parent, service, team, assignee, policy
and the rest spent 10-14 ms planning and 0.5 ms running (bench/README.md). When the rows are
found by the first table's own columns (a primary key, a queue's filters and sort) and every
other table is joined to it by a key, the written order (that table first) is the plan the
search ends with anyway.

``joins_as_written()`` runs its block with ``join_collapse_limit = 1`` and puts the default
back on the way out: two statements around the read, no transaction of its own. When the
block fails inside a transaction that the failure aborted, nothing can run there and nothing
needs to: the rollback that follows undoes the setting with the rest (PostgreSQL's ``SET`` is
transactional, and the caller's savepoint or transaction began before it). Other databases
plan such joins quickly: the block runs unchanged there.

Not for reads narrowed by a joined table's columns (tickets of organisations named so): the
written order then starts from the wrong table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connections

PIN = "SET join_collapse_limit = 1"
UNPIN = "SET join_collapse_limit TO DEFAULT"
STATEMENTS = frozenset({PIN, UNPIN})
"""The planner settings this module sends (query budgets in tests count reads, not these)."""
_ACTIVE = "_steward_joins_as_written"


@contextlib.contextmanager
def joins_as_written(using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql" or getattr(connection, _ACTIVE, False):
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(PIN)
    setattr(connection, _ACTIVE, True)
    try:
        yield
    finally:
        setattr(connection, _ACTIVE, False)
        if not _aborted(connection):
            with connection.cursor() as cursor:
                cursor.execute(UNPIN)


def _aborted(connection: object) -> bool:
    from psycopg.pq import TransactionStatus

    raw = getattr(connection, "connection", None)
    return raw is None or raw.info.transaction_status == TransactionStatus.INERROR
