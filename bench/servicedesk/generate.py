"""Bulk ticket generator for the service-desk benchmark: N tickets (default 1,000,000) over a
year, with the demo's distributions in simplified form, plus conversation entries on a share.

Run inside an installation that has the demo organisation loaded (it reads people, teams,
categories, services and the demo SLA policy from it):

    STEWARD_DATA_DIR=... .venv/bin/python bench/servicedesk/generate.py --tickets 1000000

PostgreSQL gets COPY (psycopg's ``cursor.copy``), SQLite ``executemany`` in one transaction
per batch with ``synchronous=OFF``. Both keep the full-text triggers of migration
``reports_ticket_search`` on, so the index is built as rows arrive. Fixed seed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from steward.org.models import Person, PersonKind, Team  # noqa: E402
from steward.servicedesk import demo  # noqa: E402
from steward.servicedesk.models import Category, SLAPolicy, Ticket, TicketEntry  # noqa: E402

BATCH = 20_000
DAYS = 365
WORDS = [
    "printer",
    "laptop",
    "vpn",
    "outlook",
    "mailbox",
    "password",
    "wifi",
    "monitor",
    "dock",
    "erp",
    "invoice",
    "payroll",
    "website",
    "phone",
    "toner",
    "keyboard",
    "screen",
    "network",
    "slow",
    "crash",
    "error",
    "login",
    "access",
    "account",
    "licence",
    "install",
    "update",
    "battery",
    "backup",
    "share",
    "folder",
    "teams",
    "excel",
    "word",
    "sharepoint",
]


def _adapt(value: Any, field: Any) -> Any:
    if connection.vendor == "sqlite":
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, dict):
            return json.dumps(value)
        return value
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _columns(model: Any, given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Every concrete column: the generated ones first, then the rest with their defaults,
    so columns other areas add later are filled too."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [n for n in fields if n not in given and not fields[n].primary_key]
    defaults = []
    for name in rest:
        f = fields[name]
        defaults.append(None if f.null and not f.has_default() else f.get_default())
    return [*given, *rest], defaults


def _tickets(rng: random.Random, n: int, first_id: int, world: dict[str, Any]) -> Iterator[tuple]:
    now = datetime.datetime.now(datetime.UTC)
    start = now - datetime.timedelta(days=DAYS)
    span = DAYS * 86400
    people, orgs = world["people"], world["orgs"]
    cats = world["categories"]
    teams = world["teams"]
    members = world["members"]
    policy = world["policy"]
    stamps = sorted(rng.random() for _ in range(n))
    for i in range(n):
        created = start + datetime.timedelta(seconds=stamps[i] * span)
        k = rng.randrange(len(people))
        cat_id, team_id, kind = cats[rng.randrange(len(cats))]
        if rng.random() < 0.08:
            team_id = teams[rng.randrange(len(teams))]
        impact = demo._pick(rng, demo.IMPACT)
        urgency = demo._pick(rng, demo.URGENCY)
        priority = demo.MATRIX.get((impact, urgency), 5)
        response_due = created + datetime.timedelta(minutes=demo.RESPONSE_MIN[priority])
        resolution_due = created + datetime.timedelta(minutes=demo.RESOLUTION_MIN[priority])
        resolve_min = rng.lognormvariate(math.log(demo.RESOLUTION_MIN[priority] / 4.5), 0.9)
        if rng.random() < 0.025:
            resolve_min *= 30
        resolved = created + datetime.timedelta(minutes=resolve_min)
        response = min(
            resolved,
            created
            + datetime.timedelta(
                minutes=rng.lognormvariate(math.log(demo.RESPONSE_MIN[priority] / 6), 0.9)
            ),
        )
        team_people = members.get(team_id) or [None]
        assignee = team_people[rng.randrange(len(team_people))]
        if resolved <= now:
            status = "closed" if resolved + datetime.timedelta(days=5) <= now else "resolved"
            resolved_at, closed_at = resolved, (resolved + datetime.timedelta(days=5))
            if status == "resolved":
                closed_at = None
        else:
            status = rng.choice(["new", "assigned", "in_progress", "in_progress", "pending"])
            resolved_at = closed_at = None
            if status == "new":
                assignee = None
        first_response = response if response <= now else None
        words = rng.sample(WORDS, 3)
        title = f"{words[0].capitalize()} {words[1]} problem"
        description = f"The {words[0]} and {words[2]} do not work since this morning."
        ref_id = first_id + i
        reference = f"{'REQ' if kind == 'request' else 'INC'}-{ref_id:06d}"
        yield (
            ref_id,
            created,
            resolved_at or first_response or created,
            {},
            reference,
            kind,
            title,
            description,
            people[k],
            orgs[k],
            "portal" if rng.random() < 0.55 else rng.choice(["email", "email", "phone"]),
            cat_id,
            impact,
            urgency,
            priority,
            team_id,
            assignee,
            status,
            "requester" if status == "pending" else "",
            False,
            "Fixed." if resolved_at else "",
            first_response,
            resolved_at,
            closed_at,
            0,
            0,
            policy,
            response_due,
            resolution_due,
            (first_response or now) > response_due,
            (resolved_at or now) > resolution_due,
            status == "pending",
            f"{reference} {title} {description}".lower(),
        )


TICKET_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "custom_fields",
    "reference",
    "kind",
    "title",
    "description",
    "requester_id",
    "organisation_id",
    "channel",
    "category_id",
    "impact",
    "urgency",
    "priority",
    "team_id",
    "assignee_id",
    "status",
    "pending_reason",
    "is_major",
    "resolution",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reopen_count",
    "time_spent_minutes",
    "sla_policy_id",
    "response_due",
    "resolution_due",
    "response_breached",
    "resolution_breached",
    "sla_paused",
    "search_text",
]
ENTRY_COLUMNS = ["ticket_id", "created_at", "updated_at", "custom_fields", "kind", "body"]


def _entries(rng: random.Random, first_id: int, n: int, share: float) -> Iterator[tuple]:
    now = datetime.datetime.now(datetime.UTC)
    for i in range(n):
        if rng.random() >= share:
            continue
        at = now - datetime.timedelta(days=DAYS * (1 - i / n))
        for k in range(3):
            kind = "note" if k == 2 else "reply"
            yield (first_id + i, at, at, {}, kind, f"Entry {k} on this ticket: checked, working.")


def _write(model: Any, given: list[str], rows: Iterator[tuple]) -> int:
    columns, defaults = _columns(model, given)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    table = model._meta.db_table
    count = 0
    if connection.vendor == "postgresql":
        names = ", ".join(fields[c].column for c in columns)
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_adapt(v, None) for v in (*row, *defaults)])
                count += 1
        return count
    names = ", ".join(f'"{fields[c].column}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - constant names
    raw = connection.connection
    batch: list[tuple] = []
    for row in rows:
        batch.append(tuple(_adapt(v, None) for v in (*row, *defaults)))
        if len(batch) >= BATCH:
            with transaction.atomic():
                raw.executemany(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            raw.executemany(sql, batch)
        count += len(batch)
    return count


def world() -> dict[str, Any]:
    people = list(Person.objects.values_list("id", "organisation_id"))
    cats = [
        (c.pk, c.default_team_id or c.parent.default_team_id, c.kind or "incident")
        for c in Category.objects.filter(parent__isnull=False).select_related("parent")
    ]
    teams = list(Team.objects.values_list("id", flat=True))
    members = {
        t.pk: [p.pk for p in t.members.all()] for t in Team.objects.prefetch_related("members")
    }
    policy = SLAPolicy.objects.filter(name=demo.SLA_NAME).values_list("id", flat=True).first()
    if not cats or not people:
        raise SystemExit("Load the demo first (steward demo --no-serve)")
    return {
        "people": [p for p, _o in people],
        "orgs": [o for _p, o in people],
        "categories": cats,
        "teams": teams,
        "members": members,
        "policy": policy,
        "contacts": Person.objects.filter(kind=PersonKind.CONTACT).count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--entry-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    w = world()
    first_id = (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-200000")
    started = time.monotonic()
    n = _write(Ticket, TICKET_COLUMNS, _tickets(rng, args.tickets, first_id, w))
    t_tickets = time.monotonic() - started
    e = _write(TicketEntry, ENTRY_COLUMNS, _entries(rng, first_id, n, args.entry_share))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('servicedesk_ticket', 'id'), "
                "(SELECT max(id) FROM servicedesk_ticket))"
            )
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "tickets": n,
                "entries": e,
                "tickets_seconds": round(t_tickets, 1),
                "total_seconds": round(time.monotonic() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
