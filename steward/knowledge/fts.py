# ruff: noqa: S608, S611 - SQL built from constant names; user words are always parameters
"""Full-text search of articles: the one module with vendor-specific SQL.

- PostgreSQL: a GIN expression index over a weighted ``tsvector`` (title A, keywords B,
  summary C, body D) ranked with ``ts_rank_cd``.
- SQLite: an FTS5 table with external content (``knowledge_article_fts``) kept in step with
  ``knowledge_article`` by triggers, ranked with ``bm25`` and the same column weights.
- Anywhere else, or an SQLite built without FTS5: ``icontains`` matching ranked by which
  column matched (the portable fallback).

Every query word matches as a whole (stemmed) word or as a prefix, so "print" finds
"printer" while someone is still typing. All words must match; when that finds nothing the
words are tried with OR.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

log = logging.getLogger(__name__)

POSTGRES, FTS5, FALLBACK = "postgresql", "fts5", "icontains"
TABLE = "knowledge_article"
FTS_TABLE = "knowledge_article_fts"
WEIGHTS = {"title": 10.0, "keywords": 5.0, "summary": 3.0, "body": 1.0}
MAX_TERMS = 8

_PG_VECTOR = " || ".join(
    f"setweight(to_tsvector('english'::regconfig, {{t}}{column}), '{weight}')"
    for column, weight in (("title", "A"), ("keywords", "B"), ("summary", "C"), ("body", "D"))
)
PG_INDEX = (
    f"CREATE INDEX IF NOT EXISTS kb_article_fts ON {TABLE} USING gin (({_PG_VECTOR.format(t='')}))"
)

_COLUMNS = ", ".join(WEIGHTS)
_NEW = ", ".join(f"new.{c}" for c in WEIGHTS)
_OLD = ", ".join(f"old.{c}" for c in WEIGHTS)
SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({_COLUMNS}, content='{TABLE}', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
)
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_ai": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
    ),
    f"{FTS_TABLE}_ad": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); END"
    ),
    f"{FTS_TABLE}_au": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF {_COLUMNS} ON {TABLE} "
        f"BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) "
        f"VALUES ('delete', old.id, {_OLD}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END"
    ),
}


def terms(query: str) -> list[str]:
    """The words of ``query`` that search: letters and digits only, so nothing in them is
    query syntax for either engine."""
    words = [w for w in re.findall(r"\w+", (query or "").lower()) if len(w) >= 2]
    return [w[:40] for w in dict.fromkeys(words)][:MAX_TERMS]


def install(conn: Any = None) -> str:
    """Create what the backend needs (idempotent; run by the migration and after every
    ``migrate``, because SQLite's table rebuilds drop triggers). Returns the backend."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(PG_INDEX)
        return POSTGRES
    if conn.vendor != "sqlite":
        return FALLBACK
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s",
            [f"{FTS_TABLE}%"],
        )
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE in present and present >= set(SQLITE_TRIGGERS):
            conn._steward_kb_fts = FTS5
            return FTS5
        try:
            cursor.execute(SQLITE_TABLE)
        except DatabaseError:
            log.warning("SQLite has no FTS5: knowledge search falls back to icontains")
            conn._steward_kb_fts = FALLBACK
            return FALLBACK
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    conn._steward_kb_fts = FTS5
    return FTS5


def uninstall(conn: Any = None) -> None:
    conn = conn or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS kb_article_fts")
        elif conn.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    conn.__dict__.pop("_steward_kb_fts", None)


def backend(conn: Any = None) -> str:
    """Which search runs on this connection: ``postgresql``, ``fts5`` or ``icontains``."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        return POSTGRES
    if conn.vendor != "sqlite":
        return FALLBACK
    cached = getattr(conn, "_steward_kb_fts", None)
    if cached is None:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            cached = FTS5 if cursor.fetchone() else FALLBACK
        conn._steward_kb_fts = cached
    return cached


def ranked(qs: QuerySet[Any], words: list[str], *, any_word: bool = False) -> Any:
    """``qs`` narrowed to the rows matching ``words``, annotated with ``score`` (higher is
    better) and ordered best first."""
    if not words:
        return qs.none()
    kind = backend()
    if kind == POSTGRES:
        joiner = " | " if any_word else " & "
        tsquery = joiner.join(f"({w} | {w}:*)" for w in words)
        vector = _PG_VECTOR.format(t=f'"{TABLE}".')
        return (
            qs.alias(
                kb_match=RawSQL(
                    f"({vector}) @@ to_tsquery('english'::regconfig, %s)",
                    [tsquery],
                    output_field=BooleanField(),
                )
            )
            .filter(kb_match=True)
            .annotate(
                score=RawSQL(
                    f"ts_rank_cd({vector}, to_tsquery('english'::regconfig, %s))",
                    [tsquery],
                    output_field=FloatField(),
                )
            )
            .order_by("-score", "title", "pk")
        )
    if kind == FTS5:
        joiner = " OR " if any_word else " AND "
        match = joiner.join(f'("{w}" OR "{w}"*)' for w in words)
        weights = ", ".join(str(w) for w in WEIGHTS.values())
        return (
            qs.filter(
                pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
            )
            .annotate(
                score=RawSQL(
                    f"SELECT -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} "
                    f'WHERE {FTS_TABLE} MATCH %s AND rowid = "{TABLE}"."id"',
                    [match],
                    output_field=FloatField(),
                )
            )
            .order_by("-score", "title", "pk")
        )
    return _fallback(qs, words, any_word=any_word)


def _fallback(qs: QuerySet[Any], words: list[str], *, any_word: bool) -> Any:
    condition = Q()
    score: Any = Value(0)
    for word in words:
        hit = Q()
        for column, weight in WEIGHTS.items():
            field_hit = Q(**{f"{column}__icontains": word})
            hit |= field_hit
            score = score + Case(
                When(field_hit, then=Value(int(weight))),
                default=Value(0),
                output_field=IntegerField(),
            )
        condition = (condition | hit) if any_word else (condition & hit)
    return (
        qs.filter(condition)
        .annotate(score=score * Value(1.0, output_field=FloatField()))
        .order_by(F("score").desc(), "title", "pk")
    )
