"""Change calendar and conflict check at scale: a year of 10,000 changes on a CMDB of
10,000 items plus a shared database cluster with 1,000 dependents, then the month view, the
week view and the conflict check of a change on that cluster timed.

    .venv/bin/python bench/changes/calendar.py --label after                 # PostgreSQL
    .venv/bin/python bench/changes/calendar.py --engines sqlite,postgresql --label after
    .venv/bin/python bench/changes/calendar.py --changes 1000 --runs 5 --no-readme  # smoke

For each engine a child process creates a fresh database (SQLite in a temporary data folder;
PostgreSQL ``steward_bench_changes`` on ``BENCH_PG_ADMIN``, dropped at the end), migrates
it and writes, with a fixed seed:

- the CMDB: the layered estate of bench/cmdb/impact.py (``--cis`` items, five relationships
  each) and ``pg-core``, a database cluster that 700 applications depend on, 250 technical
  services on those and 50 business services on those: 1,000 items in its impact;
- a year of ``--changes`` changes (1 January to 31 December 2026, "now" 1 July 2026), as the
  demo writes its history (bulk, keeping their dates, risk and approval filled in): 60 %
  inside the Sunday-night maintenance window, the rest on weekday evenings and at any hour
  for emergencies; 45 % standard, 45 % normal, 10 % emergency; 1 to 3 items each (a few on
  ``pg-core`` or its dependents); before "now" closed (some failed) or cancelled, after it
  spread over assessment, authorisation and scheduled (some drafts and cancelled); the
  month after "now" is the busiest (the change season before the year-end freeze);
- windows: the weekly Sunday maintenance, a monthly network window on the core switches,
  quarter-end blackouts on a business service and the year-end freeze.

Then, logged in as an IT manager through Django's test client in the same process (the
whole middleware stack and the template, no HTTP server: the page's own cost, not the
server's), it times ``GET /changes/calendar/?month=`` for the busiest month (its conflicts
cached, then the first view after a write: a change of the month saved before each run) and
``GET /changes/calendar/week/?date=`` for its busiest week, and the conflict check the
scheduling path runs (``services.change_conflicts``) for a change on ``pg-core`` in the
busiest Sunday window: ``--runs`` times each after ``--warm`` untimed runs, with the
queries of one run. Results go to bench/changes/results-calendar.json under ``--label``
(earlier labels are kept) and into bench/README.md between the changes markers.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Named like the standard library's calendar module: its own folder must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.cmdb.impact import Estate, generate  # noqa: E402

RESULTS = Path(__file__).with_name("results-calendar.json")
SEED = 20261202
YEAR = 2026
NOW = datetime.datetime(YEAR, 7, 1, 9, 0, tzinfo=datetime.UTC)
HUB = "pg-core"
HUB_TREE = (700, 250, 50)  # applications, technical services, business services
MONTH_WEIGHT = [0.8, 0.9, 1.0, 1.0, 1.1, 0.9, 0.7, 1.4, 1.2, 1.1, 1.2, 0.7]
"""Changes per month relative to the mean: a summer lull, then the season before the freeze
(August is the busiest month after "now")."""
TEMPLATES = [
    ("Restart an application service", 30),
    ("Apply monthly OS security updates", 90),
    ("Renew a TLS certificate", 30),
    ("Add a VLAN to a switch port", 30),
    ("Resize a virtual machine", 60),
]
TITLES = ["Upgrade {ci}", "Firmware update on {ci}", "Migrate {ci} to new storage",
          "Reconfigure monitoring of {ci}", "Major version upgrade of {ci}"]  # fmt: skip
CHANGEABLE = {"server", "cluster", "virtual_machine", "database", "application",
              "technical_service", "business_service", "network_device"}  # fmt: skip


def add_hub(estate: Estate, rng: random.Random) -> int:
    """``pg-core`` with exactly 1,000 items in its impact, none of them reachable from the
    rest of the estate; it runs on three of the estate's VMs (its dependencies)."""
    hub = estate.ci(HUB, "database", 4)
    vms = [pk for pk, _n, cls, _c in estate.items if cls == "virtual_machine"]
    for vm in rng.sample(vms, 3):
        estate.rel(hub, "runs_on", vm)
    n_apps, n_tech, n_biz = HUB_TREE
    apps = [estate.ci(f"pg-core-app-{i:03d}", "application", 2) for i in range(n_apps)]
    for app in apps:
        estate.rel(app, "depends_on", hub)
    tech = [estate.ci(f"pg-core-tech-{i:03d}", "technical_service", 3) for i in range(n_tech)]
    for i, service in enumerate(tech):
        for app in apps[i * n_apps // n_tech : (i + 1) * n_apps // n_tech]:
            estate.rel(service, "depends_on", app)
    biz = [estate.ci(f"pg-core-svc-{i:02d}", "business_service", 4) for i in range(n_biz)]
    for i, service in enumerate(biz):
        for t in tech[i * n_tech // n_biz : (i + 1) * n_tech // n_biz]:
            estate.rel(service, "depends_on", t)
    return hub


def _sundays() -> list[datetime.datetime]:
    day = datetime.date(YEAR, 1, 4)  # the first Sunday of 2026
    out = []
    while day.year == YEAR:
        out.append(datetime.datetime.combine(day, datetime.time(1, 0), tzinfo=datetime.UTC))
        day += datetime.timedelta(weeks=1)
    return out


def _windows(estate: Estate, hub: int) -> list[dict[str, Any]]:
    hours = datetime.timedelta(hours=1)
    out: list[dict[str, Any]] = [
        {"name": "Sunday night maintenance", "kind": "maintenance", "start": s,
         "end": s + 4 * hours, "cis": []}
        for s in _sundays()
    ]  # fmt: skip
    cores = [c for _r, c in estate.cores]
    for s in _sundays()[::4]:
        start = s - 4 * hours  # Saturday 21:00
        out.append({"name": "Network maintenance", "kind": "maintenance", "start": start,
                    "end": start + 4 * hours, "cis": cores})  # fmt: skip
    services = [pk for pk, _n, cls, _c in estate.items if cls == "business_service"]
    for month in (3, 6, 9):
        start = datetime.datetime(YEAR, month + 1, 1, tzinfo=datetime.UTC) - 72 * hours
        out.append({"name": "Quarter-end close", "kind": "blackout", "start": start,
                    "end": start + 96 * hours, "cis": [*services[:2], hub]})  # fmt: skip
    freeze = datetime.datetime(YEAR, 12, 18, tzinfo=datetime.UTC)
    out.append({"name": "Year-end change freeze", "kind": "blackout", "start": freeze,
                "end": freeze + 17 * 24 * hours, "cis": []})  # fmt: skip
    return out


def _state(rng: random.Random, start: datetime.datetime, change_type: str) -> tuple[str, str]:
    """(state, outcome) of a change planned at ``start`` as seen on NOW."""
    if start < NOW - datetime.timedelta(days=3):
        if rng.random() < 0.04:
            return "cancelled", ""
        fail = 0.2 if change_type == "emergency" else 0.02 if change_type == "standard" else 0.08
        return "closed", ("failed" if rng.random() < fail else "successful")
    if start < NOW:
        return rng.choice(["implementation", "review", "review"]), ""
    roll = rng.random()
    if change_type == "standard":
        return ("scheduled" if roll < 0.9 else "cancelled"), ""
    for state, share in (("scheduled", 0.5), ("authorisation", 0.25), ("assessment", 0.15),
                         ("draft", 0.05)):  # fmt: skip
        if roll < share:
            return state, ""
        roll -= share
    return "cancelled", ""


def plan_changes(estate: Estate, hub: int, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` changes over the year (see the module docstring), each a dict of fields."""
    pool = [(pk, name, crit) for pk, name, cls, crit in estate.items if cls in CHANGEABLE]
    hub_tree = [p for p in pool if p[1].startswith("pg-core")]
    by_id = {p[0]: p for p in pool}
    sundays = _sundays()
    months = [rng.choices(range(12), MONTH_WEIGHT)[0] for _ in range(count)]
    out = []
    for month in months:
        roll = rng.random()
        change_type = "standard" if roll < 0.45 else "emergency" if roll > 0.9 else "normal"
        in_month = [s for s in sundays if s.month == month + 1]
        if change_type != "emergency" and rng.random() < 0.6:
            start = rng.choice(in_month) + datetime.timedelta(minutes=30 * rng.randint(0, 5))
        else:
            day = datetime.date(YEAR, month + 1, rng.randint(1, 28))
            hour = rng.randint(0, 23) if change_type == "emergency" else rng.choice([18, 19, 20])
            start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
        template = rng.randrange(len(TEMPLATES)) if change_type == "standard" else None
        minutes = TEMPLATES[template][1] if template is not None else rng.choice([60, 90, 120])
        first = by_id[hub] if rng.random() < 0.004 else rng.choice(pool)
        cis = [first[0]]
        for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            other = rng.choice(hub_tree if rng.random() < 0.1 else pool)[0]
            if other not in cis:
                cis.append(other)
        state, outcome = _state(rng, start, change_type)
        base = {4: 45, 3: 30, 2: 18, 1: 8}.get(first[2], 18) + rng.randint(-8, 12)
        score = max(0, min(100, base + (20 if change_type == "emergency" else 0)))
        title = (
            f"{TEMPLATES[template][0]}: {first[1]}"
            if template is not None
            else rng.choice(TITLES).format(ci=first[1])
        )
        out.append(
            {
                "title": title,
                "change_type": change_type,
                "template": template,
                "state": state,
                "outcome": outcome,
                "start": start,
                "end": start + datetime.timedelta(minutes=minutes),
                "cis": cis,
                "risk_score": score,
                "risk_level": "low" if score < 30 else "medium" if score < 60 else "high",
                "lead": datetime.timedelta(days=rng.randint(3, 20)),
            }
        )
    assert hub in by_id
    return out


def load(args: argparse.Namespace) -> dict[str, Any]:
    """Writes the CMDB, users, templates, windows and changes; returns what the timing
    needs."""
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from steward.changes.models import ChangeRequest, ChangeRequestCI, ChangeTemplate, ChangeWindow
    from steward.cmdb.models import ConfigurationItem, Relationship
    from steward.core.demodata import keep_timestamps
    from steward.core.permissions import Role
    from steward.core.testing import make_user

    rng = random.Random(SEED)
    estate = generate(args.cis, args.cis * 5)
    hub = add_hub(estate, rng)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now
    common.bulk_write(
        ConfigurationItem,
        ["id", "name", "ci_class", "criticality", "source", "created_at", "updated_at"],
        ((*item, "import", stamp, stamp) for item in estate.items),
    )
    common.bulk_write(
        Relationship,
        ["id", "source_id", "target_id", "kind", "created_at", "updated_at"],
        ((*rel, stamp, stamp) for rel in estate.rels),
    )
    with connection.cursor() as cursor:  # the COPY gave ids: move the sequences on
        for sql in connection.ops.sequence_reset_sql(no_style(), [ConfigurationItem, Relationship]):
            cursor.execute(sql)
    manager = make_user(Role.IT_MANAGER, username="bench-manager")
    staff = [make_user(Role.AGENT, username=f"bench-agent-{i}") for i in range(5)]
    templates = [
        ChangeTemplate.objects.create(name=name, default_duration_minutes=minutes)
        for name, minutes in TEMPLATES
    ]
    through = ChangeWindow.configuration_items.through
    for w in _windows(estate, hub):
        window = ChangeWindow.objects.create(
            name=w["name"], kind=w["kind"], start=w["start"], end=w["end"]
        )
        through.objects.bulk_create(
            [through(changewindow_id=window.pk, configurationitem_id=ci) for ci in w["cis"]]
        )
    planned = plan_changes(estate, hub, args.changes, rng)
    rows = []
    for p in planned:
        done = p["state"] in ("closed", "review")
        rows.append(
            ChangeRequest(
                title=p["title"],
                change_type=p["change_type"],
                template=templates[p["template"]] if p["template"] is not None else None,
                state=p["state"],
                requester=rng.choice(staff),
                owner=rng.choice(staff),
                planned_start=p["start"],
                planned_end=p["end"],
                actual_start=p["start"] if done else None,
                actual_end=p["end"] if done else None,
                implementation_plan="See runbook.",
                backout_plan="Restore the snapshot.",
                outcome=p["outcome"],
                risk_score=p["risk_score"],
                risk_level=p["risk_level"],
                risk_reasons=[{"factor": "services", "points": p["risk_score"], "text": "Bench."}],
                approval_state=(
                    "pre_approved"
                    if p["template"] is not None
                    else "approved"
                    if p["state"] in ("scheduled", "implementation", "review", "closed")
                    else "pending"
                    if p["state"] == "authorisation"
                    else ""
                ),
                submitted_at=p["start"] - p["lead"] if p["state"] != "draft" else None,
                created_at=p["start"] - p["lead"],
                updated_at=min(p["end"], NOW),
            )
        )
    with keep_timestamps(ChangeRequest):
        created = ChangeRequest._base_manager.bulk_create(rows, batch_size=2000)
    links = [
        ChangeRequestCI(change=change, configuration_item_id=ci)
        for change, p in zip(created, planned, strict=True)
        for ci in p["cis"]
    ]
    ChangeRequestCI._base_manager.bulk_create(links, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"manager": manager, "hub": hub, "planned": planned, "links": len(links),
            "cis": len(estate.items), "relationships": len(estate.rels)}  # fmt: skip


def busiest(planned: list[dict[str, Any]]) -> tuple[str, str, datetime.datetime]:
    """The month and week (Monday) after NOW with the most active changes, and the start of
    the busiest Sunday window in that month."""
    active = [p for p in planned if p["state"] in ("assessment", "authorisation", "scheduled")]
    months: dict[str, int] = {}
    weeks: dict[datetime.date, int] = {}
    sundays: dict[datetime.datetime, int] = {}
    for p in active:
        months[p["start"].strftime("%Y-%m")] = months.get(p["start"].strftime("%Y-%m"), 0) + 1
    month = max(sorted(months), key=lambda m: months[m])
    for p in active:
        if p["start"].strftime("%Y-%m") != month:
            continue
        day = p["start"].date()
        monday = day - datetime.timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
        if day.weekday() == 6:
            window = p["start"].replace(hour=1, minute=0)
            sundays[window] = sundays.get(window, 0) + 1
    week = max(sorted(weeks), key=lambda w: weeks[w])
    return month, week.isoformat(), max(sorted(sundays), key=lambda s: sundays[s])


def _queries(fn: Any) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def _timed_after(
    fn: Any, before: Any, runs: int, warm: int, server: int | None
) -> tuple[list[float], dict[str, float | None], Any]:
    """``common.timed`` with ``before()`` run untimed ahead of each call (its CPU left out)."""
    out = None
    for _ in range(warm):
        before()
        out = fn()
    times: list[float] = []
    client = backend = 0.0
    for _ in range(runs):
        before()
        cpu, server_cpu, t = time.process_time(), common.process_cpu(server), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        client += time.process_time() - cpu
        after = common.process_cpu(server)
        backend += 0.0 if server_cpu is None or after is None else after - server_cpu
    cpu_ms = {
        "client": round(client * 1000 / runs, 1),
        "server": None if server is None else round(backend * 1000 / runs, 1),
    }
    return times, cpu_ms, out


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from steward.changes import services
    from steward.changes.impact import ReachCache
    from steward.changes.models import ChangeRequest, ChangeRequestCI

    out: dict[str, Any] = {"engine": connection.vendor, "load_before": os.getloadavg()}
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    world = load(args)
    out["load_s"] = round(time.perf_counter() - t, 1)
    out.update(cis=world["cis"], relationships=world["relationships"], links=world["links"])
    out["changes"] = ChangeRequest.objects.count()
    month, week, sunday = busiest(world["planned"])
    manager, hub = world["manager"], world["hub"]
    backend = common.backend_pid()
    gc.collect()
    gc.freeze()

    client = Client(HTTP_HOST="localhost")
    client.force_login(manager)
    out["timings"] = []

    def page(url: str) -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        return response

    # The month view with its conflicts cached, and the first one after a write (each timed
    # run after a change of the month is saved: the conflicts are found afresh).
    moved = ChangeRequest.objects.filter(
        planned_start__gte=datetime.datetime.fromisoformat(f"{month}-01T00:00+00:00")
    ).order_by("planned_start", "pk")[0]

    def write() -> None:
        moved.title = f"{moved.title.split(' #')[0]} #{time.perf_counter_ns()}"
        moved.save(update_fields=["title", "updated_at"])

    for label, url, before in (
        (f"month view ({month}), cached", f"/changes/calendar/?month={month}", None),
        (f"month view ({month}), first after a write", f"/changes/calendar/?month={month}", write),
        (f"week view ({week}), cached", f"/changes/calendar/week/?date={week}", None),
    ):
        if before is None:
            times, cpu, response = common.timed(
                lambda u=url: page(u), args.runs, args.warm, backend
            )
        else:
            times, cpu, response = _timed_after(
                lambda u=url: page(u), before, args.runs, args.warm, backend
            )
        body = response.content.decode()
        if before is not None:
            before()
        entry = {
            "what": label,
            "url": url,
            "runs": args.runs,
            "ms": common.percentiles(times),
            "cpu_ms": cpu,
            "queries": len(_queries(lambda u=url: page(u))),
            "changes_shown": body.count('class="change state-'),
            "flagged": body.count("⚠"),
            "kilobytes": round(len(response.content) / 1024),
        }
        out["timings"].append(entry)
        print(f"[{connection.vendor}] {json.dumps(entry)}", flush=True)

    # A change on pg-core in the busiest Sunday window, as the scheduling path checks it.
    change = ChangeRequest.objects.create(
        title=f"Upgrade {HUB}", change_type="normal", state="assessment", requester=manager,
        planned_start=sunday, planned_end=sunday + datetime.timedelta(hours=2),
    )  # fmt: skip
    ChangeRequestCI.objects.create(change=change, configuration_item_id=hub)
    reach = ReachCache(manager).reach([hub])
    times, cpu, found = common.timed(
        lambda: services.change_conflicts(change=change, actor=manager),
        args.runs,
        args.warm,
        backend,
    )
    entry = {
        "what": f"conflict check, change on {HUB} ({sunday:%Y-%m-%d %H:%M})",
        "runs": args.runs,
        "ms": common.percentiles(times),
        "cpu_ms": cpu,
        "queries": len(_queries(lambda: services.change_conflicts(change=change, actor=manager))),
        "dependents": len(reach.impact_ids),
        "conflicts": len(found),
        "kinds": sorted({c.kind for c in found}),
    }
    out["timings"].append(entry)
    print(f"[{connection.vendor}] {json.dumps(entry)}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            out["version"] = cursor.fetchone()[0].split()[0]
    else:
        import sqlite3

        out["version"] = sqlite3.sqlite_version
    out["load_after"] = os.getloadavg()
    return out


def _child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = ["--cis", str(args.cis), "--changes", str(args.changes)]
    arguments += ["--runs", str(args.runs), "--warm", str(args.warm)]
    return common.run_child(
        __file__, engine, arguments, pg_name="steward_bench_changes", keep=args.keep
    )


def render(reports: dict[str, Any]) -> str:
    lines = [
        "| label | measured | engine | what | p50 ms | p95 ms | queries | shown | target "
        "| load average before → after |",
        "|---|---|---|---|---:|---:|---:|---|---|---|",
    ]
    for label, report in reports.items():
        for e in report.get("engines", []):  # "before" was recorded by hand, without them
            load = " → ".join(
                " ".join(f"{x:.2f}" for x in e[k]) for k in ("load_before", "load_after")
            )
            for t in e["timings"]:
                goal = "—"
                if e["engine"] == "postgresql" and t["what"].startswith("month"):
                    goal = "p95 < 200 ms " + ("✓" if t["ms"]["p95"] < 200 else "✗")
                if e["engine"] == "postgresql" and t["what"].startswith("conflict"):
                    goal = "p95 < 100 ms " + ("✓" if t["ms"]["p95"] < 100 else "✗")
                shown = (
                    f"{t['changes_shown']} changes, {t['kilobytes']} KB"
                    if "changes_shown" in t
                    else f"{t['dependents']} dependents, {t['conflicts']} conflicts"
                )
                lines.append(
                    f"| {label} | {report['when']} ({report['commit']}) "
                    f"| {e['engine']} {e['version']} | {t['what']} | {t['ms']['p50']:.1f} "
                    f"| **{t['ms']['p95']:.1f}** | {t['queries']} | {shown} | {goal} | {load} |"
                )
    last = list(reports.values())[-1]
    e = last["engines"][0]
    lines += [
        "",
        f"Data: {e['changes']:,} changes ({e['links']:,} affected-item links), {e['cis']:,} "
        f"configuration items, {e['relationships']:,} relationships; {last['runs']} timed runs "
        f"after {last['warm']} untimed; machine: {last['machine']}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="postgresql")
    parser.add_argument("--cis", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warm", type=int, default=3, help="untimed runs first")
    parser.add_argument("--label", default="current", help="key of this run in the results")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.child.write_text(json.dumps(run_engine(args), indent=2, default=str))
        return
    report: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "bench/changes/calendar.py " + " ".join(sys.argv[1:]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "runs": args.runs,
        "warm": args.warm,
        "machine": ", ".join(common.machine().values()),
        "engines": [_child(engine, args) for engine in args.engines.split(",")],
    }
    reports = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    reports.pop(args.label, None)
    reports[args.label] = report
    RESULTS.write_text(json.dumps(reports, indent=2) + "\n")
    text = render(reports)
    print(text)
    if not args.no_readme:
        common.write_readme_section("changes", "Changes: calendar and conflicts", text)


if __name__ == "__main__":
    main()
