"""Budget roll-up at scale: one fiscal year with 1,000,000 cost records over 200 cost centres
and the five categories (1,000 budget lines), rolled up by ``steward.strategy.rollup`` (one
GROUP BY query) as of the end of September, and the showback of the same year over 199
departments (``steward.strategy.showback``: the costs of their centres direct, the default
centre's allocated by the year's rules).

    .venv/bin/python bench/strategy/rollup.py                          # PostgreSQL, full size
    .venv/bin/python bench/strategy/rollup.py --engines postgresql,sqlite
    .venv/bin/python bench/strategy/rollup.py --records 20000 --no-readme   # smoke

For each engine a child process creates a fresh database (SQLite in a temporary data folder;
PostgreSQL ``steward_bench_strategy`` on ``BENCH_PG_ADMIN``, dropped unless ``--keep``),
migrates it, writes the generated year (fixed seed; COPY on PostgreSQL, ``executemany`` on
SQLite), runs VACUUM ANALYZE, then times the roll-up of every cost centre and of a budget
holder's ten centres ``--runs`` times after ``--warm`` untimed runs, and checks the totals
against the sums kept while generating. Results go to bench/strategy/results-rollup.json
and the "Strategy" section of bench/README.md. Target: under 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402  (the repository root is on the path only now)

RESULTS = Path(__file__).with_name("results-rollup.json")
PG_NAME = "steward_bench_strategy"
SEED = 20261202
CENTRES = 200
CATEGORIES = ("hardware", "software", "cloud", "services", "staff")
SOURCES = (("manual", 0.4), ("asset", 0.35), ("licence", 0.15), ("contract", 0.1))
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
AS_OF = datetime.date(2025, 9, 30)
TARGET_S = 2.0
STAMPS = ("created_at", "updated_at")


def generate(records: int, seed: int = SEED) -> tuple[list[tuple[Any, ...]], dict[str, Decimal]]:
    """Cost rows (id, date, amount, centre, category, source, source_id) and their totals:
    spent up to ``AS_OF``, booked after it. Bigger centres take more of the costs."""
    rng = random.Random(seed)
    weights = [1 / (1 + i / 20) for i in range(CENTRES)]
    days = (YEAR[1] - YEAR[0]).days + 1
    centres = rng.choices(range(1, CENTRES + 1), weights, k=records)
    sources = rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES], k=records)
    rows, spent, booked = [], 0, 0
    for i in range(records):
        day = YEAR[0] + datetime.timedelta(days=rng.randrange(days))
        cents = int(rng.lognormvariate(9.5, 1.2)) + 100  # a median around 130.00
        if day <= AS_OF:
            spent += cents
        else:
            booked += cents
        source = sources[i]
        rows.append(
            (
                i + 1,
                day,
                f"{cents // 100}.{cents % 100:02d}",
                centres[i],
                CATEGORIES[rng.randrange(5)],
                source,
                None if source == "manual" else i + 1,
            )
        )
    return rows, {"actual": Decimal(spent) / 100, "booked": Decimal(booked) / 100}


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from steward.org.models import CostCenter, Department, Organisation, OrganisationKind
    from steward.strategy import rollup, showback
    from steward.strategy.models import (
        AllocationRule,
        BudgetLine,
        CostRecord,
        FiscalYear,
        UsageRecord,
    )

    out: dict[str, Any] = {"engine": connection.vendor, "load_before": os.getloadavg()}
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    rows, totals = generate(args.records)
    out["generate_s"] = round(time.perf_counter() - t, 1)
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = connection.ops.adapt_datetimefield_value(now)
    t = time.perf_counter()
    year = FiscalYear.objects.create(name="FY2025", start=YEAR[0], end=YEAR[1])
    org = Organisation.objects.create(name="Bench", kind=OrganisationKind.INTERNAL)
    common.bulk_write(
        CostCenter,
        ["id", "organisation_id", "code", "name", "is_default", "is_active", *STAMPS],
        (
            (i, org.pk, f"CC-{i:04d}", f"Centre {i}", i == 1, True, now, now)
            for i in range(1, CENTRES + 1)
        ),
    )
    # Showback: a department per cost centre but the default (CC-0001, shared costs), cloud
    # by monthly usage, hardware by assets (none held: unallocated), the rest by headcount
    # (nobody: unallocated); the work is the GROUP BY over the year's costs either way.
    Department.objects.bulk_create(
        Department(organisation=org, name=f"Dept {i}", cost_center_id=i)
        for i in range(2, CENTRES + 1)
    )
    AllocationRule.objects.create(
        fiscal_year=year, category="cloud", basis="usage", metric="vcpu-hours"
    )
    AllocationRule.objects.create(fiscal_year=year, category="hardware", basis="assets")
    UsageRecord.objects.bulk_create(
        UsageRecord(
            department=d,
            metric="vcpu-hours",
            period=datetime.date(2025, m, 1),
            quantity=Decimal(10 + (d.pk * m) % 97),
        )
        for d in Department.objects.all()
        for m in range(1, 13)
    )
    common.bulk_write(
        BudgetLine,
        ["fiscal_year_id", "cost_centre_id", "category", "planned", "created_at", "updated_at"],
        (
            (year.pk, c, cat, "250000.00", now, now)
            for c in range(1, CENTRES + 1)
            for cat in CATEGORIES
        ),
    )
    given = ["id", "date", "amount", "cost_centre_id", "category", "source", "source_id"]
    common.bulk_write(
        CostRecord,
        [*given, "fiscal_year_id", "created_at", "updated_at"],
        ((*row, year.pk, now, now) for row in rows),
    )
    del rows
    out["write_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    out["analyze_s"] = round(time.perf_counter() - t, 1)
    holder = CostCenter.objects.filter(pk__in=range(1, CENTRES + 1, CENTRES // 10))
    cases = {"all centres": None, "ten centres": holder}
    for name, centres in cases.items():
        for _ in range(args.warm):
            rollup.rollup_uncached(fiscal_year=year, as_of=AS_OF, centres=centres)
        seconds = []
        for _ in range(args.runs):
            t = time.perf_counter()
            # The GROUP BY itself (what a cache miss of ``rollup.rollup`` costs).
            result = rollup.rollup_uncached(fiscal_year=year, as_of=AS_OF, centres=centres)
            seconds.append(time.perf_counter() - t)
        out[name] = {**common.percentiles(seconds), "groups": len(result.rows)}
        if centres is None:
            out[name]["totals_match"] = result.total.actual == totals["actual"]
            out[name]["actual"] = str(result.total.actual)
            out[name]["planned"] = str(result.total.planned)
    seconds = []
    for i in range(args.warm + args.runs):
        t = time.perf_counter()
        shown = showback.showback(fiscal_year=year, user=None, as_of=AS_OF)
        if i >= args.warm:
            seconds.append(time.perf_counter() - t)
    unallocated = sum((u["amount"] for u in shown.unallocated), Decimal(0))
    out["showback"] = {
        **common.percentiles(seconds),
        "groups": len(shown.departments),
        "totals_match": shown.allocated + unallocated == totals["actual"],
    }
    out["records"] = CostRecord.objects.count()
    if connection.vendor == "postgresql":
        sql, _params = rollup._sql(None)
        fy = year.pk
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", [fy, AS_OF, AS_OF, fy])
            out["plan"] = [line for (line,) in cursor.fetchall()]
    out["load_after"] = os.getloadavg()
    return out


def _child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = ["--records", str(args.records), "--runs", str(args.runs), "--warm", str(args.warm)]
    return common.run_child(__file__, engine, arguments, pg_name=PG_NAME, keep=args.keep)


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['when']} with `{report['command']}` (commit {report['commit']}, "
        f"{report['runs']} timed runs after {report['warm']} warm-up, as of {AS_OF}).",
        "",
        "| engine | cost records | query | groups | p50 / p95 / max ms | totals checked "
        "| target < 2 s | write / analyze s | load before → after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in report["engines"]:
        load = " ".join(f"{x:.2f}" for x in e["load_before"])
        load += " → " + " ".join(f"{x:.2f}" for x in e["load_after"])
        for case in ("all centres", "ten centres", "showback"):
            r = e[case]
            ok = "yes" if r["p95"] < TARGET_S * 1000 else "**no**"
            check = {True: "match", False: "**differ**"}.get(r.get("totals_match"), "–")
            lines.append(
                f"| {e['engine']} | {e['records']:,} | {case} | {r['groups']} "
                f"| {r['p50']} / {r['p95']} / {r['max']} | {check} | {ok} "
                f"| {e['write_s']} / {e['analyze_s']} | {load} |"
            )
    m = report["machine"]
    lines += ["", f"Machine: {m['cpu']}, {m['memory']}; Python {m['python']}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--engines", default="postgresql")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm", type=int, default=2, help="untimed runs first")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.child.write_text(json.dumps(run_engine(args), indent=2, default=str))
        return
    report: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "bench/strategy/rollup.py " + " ".join(sys.argv[1:]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "runs": args.runs,
        "warm": args.warm,
        "machine": common.machine(),
        "engines": [_child(engine, args) for engine in args.engines.split(",")],
    }
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n")
    text = render(report)
    print(text)
    if not args.no_readme:
        common.write_readme_section("strategy-rollup", "Strategy", text)


if __name__ == "__main__":
    main()
