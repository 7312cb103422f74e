"""CIO dashboard at scale: the demo organisation (every app's demo loader, as ``steward demo``)
plus generated volume: the current fiscal year with the 1,000,000 cost records of
``rollup.generate`` (moved into this year, over 200 more cost centres), thousands of tickets
on the business services, risks, projects with milestones and goals. The page
``/strategy/`` is timed in-process with Django's test Client logged in as the demo's IT
manager, after warm-up requests; the API ``/api/strategy/dashboard/`` and the PDF and XLSX
exports too. Target: p95 under 300 ms on PostgreSQL.

    .venv/bin/python bench/strategy/dashboard.py                              # PostgreSQL
    .venv/bin/python bench/strategy/dashboard.py --records 20000 --no-readme  # smoke

Results go to bench/strategy/results-dashboard.json and the "Strategy: CIO dashboard"
section of bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.strategy import rollup as rollup_bench  # noqa: E402

RESULTS = Path(__file__).with_name("results-dashboard.json")
PG_NAME = "steward_bench_dashboard"
TARGET_MS = 300
SEED = 20261202
STAMPS = ("created_at", "updated_at")
COST_COLUMNS = ("id", "date", "amount", "cost_centre_id", "category", "source", "source_id")
SOURCE_OFFSET = 1_000_000_000


def _cost_row(r: Any, base: int, shift: Any, centre: int, year: int, stamp: Any) -> Any:
    """A generated cost row moved into this year, these centres, and source ids past the
    demo's (unique per source)."""
    source_id = None if r[6] is None else SOURCE_OFFSET + r[6]
    return (
        base + r[0],
        r[1] + shift,
        r[2],
        centre + r[3],
        r[4],
        r[5],
        source_id,
        year,
        stamp,
        stamp,
    )


def _load(args: argparse.Namespace) -> dict[str, Any]:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from steward.core.management.commands.demo import seed_demo
    from steward.core.permissions import Role
    from steward.org.models import CostCenter, Organisation, OrganisationKind, Person
    from steward.servicedesk.models import Service, Status, Ticket
    from steward.strategy.models import (
        BudgetLine,
        BusinessGoal,
        CostRecord,
        FiscalYear,
        ITGoal,
        KeyResult,
        Milestone,
        Project,
        Risk,
    )
    from steward.strategy.risk import default_matrix

    out: dict[str, Any] = {}
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    seed_demo(lambda m: None)
    out["demo_s"] = round(time.perf_counter() - t, 1)
    rng = random.Random(SEED)
    today = timezone.localdate()
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now
    year = FiscalYear.objects.filter(start__lte=today, end__gte=today).first()
    if year is None:
        start = today.replace(month=1, day=1)
        year = FiscalYear.objects.create(
            name=f"FY{today.year}", start=start, end=start.replace(month=12, day=31)
        )
    t = time.perf_counter()
    org = Organisation.objects.create(name="Bench", kind=OrganisationKind.INTERNAL)
    first = (CostCenter.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    ids = range(first, first + rollup_bench.CENTRES)
    common.bulk_write(
        CostCenter,
        ["id", "organisation_id", "code", "name", "is_default", "is_active", *STAMPS],
        ((pk, org.pk, f"BC-{pk:05d}", f"Bench {pk}", False, True, stamp, stamp) for pk in ids),
    )
    common.bulk_write(
        BudgetLine,
        ["fiscal_year_id", "cost_centre_id", "category", "planned", *STAMPS],
        (
            (year.pk, pk, cat, "250000.00", stamp, stamp)
            for pk in ids
            for cat in rollup_bench.CATEGORIES
        ),
    )
    rows, _totals = rollup_bench.generate(args.records)
    shift = year.start - rollup_bench.YEAR[0]
    base = (CostRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    common.bulk_write(
        CostRecord,
        [*COST_COLUMNS, "fiscal_year_id", *STAMPS],
        (_cost_row(r, base, shift, first - 1, year.pk, stamp) for r in rows),
    )
    del rows
    from steward.strategy.rollup import costs_changed

    costs_changed()  # written past the ORM: a new costs version, as every write of costs
    services = list(Service.objects.all())
    person = Person.objects.filter(user__isnull=False, organisation__kind="internal").first()
    tickets = []
    for i in range(args.tickets):
        created = now - datetime.timedelta(hours=rng.randrange(24 * 60))
        done = rng.random() < 0.8
        tickets.append(
            Ticket(
                reference=f"INC-{900000 + i:06d}",
                title=f"Bench ticket {i}",
                requester=person,
                organisation=person.organisation,
                service=rng.choice(services),
                status=Status.RESOLVED if done else Status.NEW,
                is_major=not done and rng.random() < 0.02,
                resolution_due=created + datetime.timedelta(hours=8),
                resolution_breached=rng.random() < 0.1,
                created_at=created,
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    matrix = default_matrix()
    Risk.objects.bulk_create(
        Risk(
            title=f"Bench risk {i}",
            category="security",
            matrix=matrix,
            inherent_likelihood=rng.randint(1, 5),
            inherent_impact=rng.randint(1, 5),
        )
        for i in range(args.risks)
    )
    goals = BusinessGoal.objects.bulk_create(
        BusinessGoal(title=f"Bench goal {i}") for i in range(args.projects // 20)
    )
    it_goals = ITGoal.objects.bulk_create(
        ITGoal(business_goal=g, title=f"{g.title} IT {j}", start=year.start, end=year.end)
        for g in goals
        for j in range(3)
    )
    KeyResult.objects.bulk_create(
        KeyResult(
            it_goal=g,
            name="kr",
            metric="m",
            start_value=0,
            target_value=100,
            current_value=rng.randint(0, 100),
        )
        for g in it_goals
    )
    projects = Project.objects.bulk_create(
        Project(
            name=f"Bench project {i}",
            phase=rng.choice(["idea", "planning", "execution", "closing"]),
            status="active",
            health=rng.choice(["green", "green", "amber", "red"]),
            health_reason="bench",
            planned_start=year.start,
            planned_end=year.end,
        )
        for i in range(args.projects)
    )
    Milestone.objects.bulk_create(
        Milestone(project=p, name=f"M{j}", due=year.start + datetime.timedelta(days=40 * j))
        for p in projects
        for j in range(4)
    )
    out["write_s"] = round(time.perf_counter() - t, 1)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    manager = Group.objects.get(name=Role.IT_MANAGER).user_set.order_by("pk").first()
    out["manager"] = manager.username
    out["volume"] = {
        "cost_records": CostRecord.objects.count(),
        "tickets": Ticket.objects.count(),
        "risks": Risk.objects.count(),
        "projects": Project.objects.count(),
        "milestones": Milestone.objects.count(),
        "services": len(services),
    }
    return out


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out: dict[str, Any] = {"engine": connection.vendor, "load_before": os.getloadavg()}
    out |= _load(args)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test Client's host
    client = Client()
    client.force_login(get_user_model().objects.get(username=out["manager"]))
    server = common.backend_pid()
    for name, url in (
        ("page", "/strategy/"),
        ("api", "/api/strategy/dashboard/"),
        ("pdf", "/strategy/dashboard.pdf"),
        ("xlsx", "/strategy/dashboard.xlsx"),
    ):
        runs = args.runs if name in ("page", "api") else max(5, args.runs // 4)

        def get(url: str = url) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        times, cpu, _ = common.timed(get, runs=runs, warm=args.warm, server=server)
        with CaptureQueriesContext(connection) as queries:
            get()
        out[name] = {**common.percentiles(times), "runs": runs, "cpu_ms": cpu}
        out[name]["queries"] = len(queries.captured_queries)
    # The first page after a write of costs: the roll-up's cache is cold (one GROUP BY).
    from steward.strategy.models import CostRecord

    record = CostRecord.objects.filter(source="manual").order_by("pk").first() or (
        CostRecord.objects.order_by("pk").first()
    )

    def write_then_get() -> Any:
        CostRecord.objects.filter(pk=record.pk).update(description=f"bench {time.time()}")
        return client.get("/strategy/")

    runs = max(5, args.runs // 4)
    times, cpu, _ = common.timed(write_then_get, runs=runs, warm=1, server=server)
    out["page_after_write"] = {**common.percentiles(times), "runs": runs, "cpu_ms": cpu}
    out["page_after_write"]["queries"] = out["page"]["queries"]
    out["load_after"] = os.getloadavg()
    return out


def render(report: dict[str, Any]) -> str:
    lines = [
        "The CIO dashboard (`/strategy/`) with the demo organisation loaded plus generated "
        "volume, timed in-process with Django's test Client logged in as the demo's IT "
        f"manager, after {report['warm']} warm-up requests (`bench/strategy/dashboard.py`). "
        f"Target: p95 under {TARGET_MS} ms.",
        "",
        f"Machine: {report['machine']['cpu']}, {report['machine']['memory']}, Python "
        f"{report['machine']['python']}. Load average before/after: "
        + "; ".join(
            f"{e['engine']} {e['load_before'][0]:.1f}/{e['load_after'][0]:.1f}"
            for e in report["engines"]
        )
        + (
            " (the machine was loaded by other work: wall times include waiting for a core)."
            if any(e["load_before"][0] > 2 for e in report["engines"])
            else "."
        ),
        "",
        "| engine | request | p50 ms | p95 ms | max ms | CPU ms (client/db) | queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for e in report["engines"]:
        for name in ("page", "api", "pdf", "xlsx", "page_after_write"):
            if name not in e:
                continue
            r = e[name]
            lines.append(
                f"| {e['engine']} | {name} | {r['p50']} | {r['p95']} | {r['max']} | "
                f"{r['cpu_ms']['client']}/{r['cpu_ms']['server']} | {r['queries']} |"
            )
    for e in report["engines"]:
        page = e["page"]
        cpu = page["cpu_ms"]["client"] + (page["cpu_ms"]["server"] or 0)
        verdict = "met" if page["p95"] < TARGET_MS else "**not met**"
        lines += [
            "",
            f"{e['engine']}: target {verdict} (page p95 {page['p95']} ms wall; "
            f"{cpu:.0f} ms of CPU per request, client and database). Most of the database "
            "time was the budget roll-up of the year's cost records (one GROUP BY over all of "
            "them, see the roll-up section above): now cached per costs version, so it is "
            "paid only by the first page after a write of costs (`page_after_write`, which "
            "includes the write); the other cards' queries are small aggregates.",
        ]
    for e in report["engines"]:
        v = e["volume"]
        lines += [
            "",
            f"{e['engine']}: {v['cost_records']:,} cost records, {v['tickets']:,} tickets on "
            f"{v['services']} services, {v['risks']:,} risks, {v['projects']:,} projects with "
            f"{v['milestones']:,} milestones (demo {e['demo_s']} s, generated volume written "
            f"in {e['write_s']} s).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="postgresql")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--risks", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--render", action="store_true", help="only rewrite the README")
    args = parser.parse_args()
    if args.render:  # rewrite the README section from the saved results
        report = json.loads(RESULTS.read_text())
        common.write_readme_section("strategy-dashboard", "Strategy: CIO dashboard", render(report))
        return
    if args.child:
        Path(args.child).write_text(json.dumps(run_engine(args), default=str))
        return
    passed = [
        f"--{k}={getattr(args, k)}"
        for k in ("records", "tickets", "risks", "projects", "runs", "warm")
    ]
    engines = [
        common.run_child(__file__, e, passed, pg_name=PG_NAME, keep=args.keep)
        for e in args.engines.split(",")
    ]
    report = {
        "machine": common.machine(),
        "warm": args.warm,
        "runs": args.runs,
        "target_ms": TARGET_MS,
        "engines": engines,
    }
    if args.no_readme:
        print(json.dumps(report, indent=1, default=str))
        return
    RESULTS.write_text(json.dumps(report, indent=1, default=str) + "\n")
    common.write_readme_section("strategy-dashboard", "Strategy: CIO dashboard", render(report))
    print(render(report))


if __name__ == "__main__":
    main()
