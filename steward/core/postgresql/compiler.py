"""Django's PostgreSQL compilers; a bulk INSERT of a few rows is written as ``VALUES``.

Django 5.2 writes every multi-row INSERT as ``SELECT * FROM UNNEST(%s::type[], …)``: one
array per column, so that planning does not grow with the rows. Django binds parameters on
the client, and psycopg renders each array element by element in Python, finding each
value's type as it goes: for the two to fourteen rows a use case writes (SLA clocks, the
ticket's opening lines, its audit entries) that was 2.5 ms of a ticket's 18 ms of Python
(bench/README.md), where planning ``VALUES`` of a few rows costs nothing. From
``UNNEST_FROM`` rows on (imports, generators), Django's ``UNNEST`` is kept.
"""

from typing import Any

from django.db.backends.postgresql import compiler  # type: ignore[attr-defined]
from django.db.models.sql import compiler as generic

SQLCompiler = compiler.SQLCompiler
SQLDeleteCompiler = compiler.SQLDeleteCompiler
SQLUpdateCompiler = compiler.SQLUpdateCompiler
SQLAggregateCompiler = compiler.SQLAggregateCompiler

UNNEST_FROM = 50


class SQLInsertCompiler(compiler.SQLInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if len(value_rows) < UNNEST_FROM:
            return generic.SQLInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)


__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]
