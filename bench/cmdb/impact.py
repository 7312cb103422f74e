"""CMDB impact analysis at scale: a layered estate of 100,000 configuration items and 500,000
relationships; the impact of a core switch (about 10,000 items) and the dependencies of a
business service walked by ``steward.cmdb.impact.walk`` (one query per distance), timed beside
networkx's breadth-first traversal of the same graph in memory.

    .venv/bin/python bench/cmdb/impact.py --engines postgresql          # full size
    .venv/bin/python bench/cmdb/impact.py --cis 5000 --relationships 25000 --no-readme  # smoke

For each engine a child process creates a fresh database (SQLite in a temporary data folder;
PostgreSQL ``steward_bench_impact`` on ``BENCH_PG_ADMIN``, dropped unless ``--keep``), migrates it,
writes the generated estate (fixed seed; COPY on PostgreSQL, ``executemany`` on SQLite) and
runs ANALYZE. It builds a networkx graph whose edges point the way failure travels, picks the
core switch whose impact is closest to a tenth of the estate, times ``walk`` ``--runs`` times
after a warm-up and the same traversal in networkx (also the dependencies of a business
service, and the head office's core switch, the largest impact), and checks that both reach
the same items at the same distances. Results go to bench/cmdb/results-impact.json and
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402  (the repository root is on the path only now)

RESULTS = Path(__file__).with_name("results-impact.json")
PG_NAME = "steward_bench_impact"
SEED = 20261202
HOPS = 10  # what the item page and the API use when not told otherwise

# Which way failure travels along ``source kind target``, stated here on its own (from the
# docstring of steward/cmdb/impact.py) so that the in-memory walk checks the query.
BACKWARD = {"depends_on", "runs_on", "connects_to"}  # the target failing hits the source
FORWARD = {"member_of"}  # the member failing hits its cluster; backs_up is not followed

# Share of a region's items per class; network devices and endpoints are sized from these.
SHARES = {
    "server": 0.035,
    "cluster": 0.002,
    "virtual_machine": 0.22,
    "database": 0.02,
    "application": 0.08,
    "technical_service": 0.006,
    "business_service": 0.002,
}
SERVICE_NAMES = [
    "VPN access", "E-mail", "Identity", "Intranet", "File shares", "Payroll", "Order entry",
    "Web shop", "Warehouse", "Invoicing", "CRM", "Telephony", "Printing", "Reporting",
    "Building access", "Video calls", "HR portal", "Ticketing", "Time sheets", "Fleet",
]  # fmt: skip


@dataclass
class Estate:
    items: list[tuple[int, str, str, int]] = field(default_factory=list)
    """(id, name, class, criticality)"""
    rels: list[tuple[int, int, int, str]] = field(default_factory=list)
    """(id, source, target, kind)"""
    cores: list[tuple[int, int]] = field(default_factory=list)
    """(region, core switch)"""
    services: dict[int, list[int]] = field(default_factory=dict)
    """Business services of each region."""
    hq_apps: list[int] = field(default_factory=list)
    hq_services: list[int] = field(default_factory=list)
    seen: set[tuple[int, int, str]] = field(default_factory=set)

    def ci(self, name: str, ci_class: str, criticality: int = 2) -> int:
        pk = len(self.items) + 1
        self.items.append((pk, name, ci_class, criticality))
        return pk

    def rel(self, source: int, kind: str, target: int) -> None:
        key = (source, target, kind)
        if source != target and key not in self.seen:
            self.seen.add(key)
            self.rels.append((len(self.rels) + 1, source, target, kind))


def generate(cis: int, relationships: int, seed: int = SEED) -> Estate:
    """Regions of about 10,000 items each, sizes varying ±25 %: each has its data centre
    (two core switches behind a firewall, top-of-rack switches, hosts in clusters, VMs,
    databases, applications, technical and business services) and its offices (access
    switches, laptops and sensors depending on the region's services). Region 0 is the head
    office: its platform applications and first business services are used everywhere."""
    rng = random.Random(seed)
    regions = max(2, round(cis / 10_000))
    weights = [rng.uniform(0.75, 1.25) for _ in range(regions)]
    sizes = [int(cis * w / sum(weights)) for w in weights]
    sizes[0] += cis - sum(sizes)
    estate = Estate()
    endpoints: list[tuple[int, list[int], int]] = []
    for region, size in enumerate(sizes):
        endpoints += _region(estate, rng, region, size)
    budget = relationships - len(estate.rels)
    if budget < 0:
        raise SystemExit(f"--relationships must be at least {len(estate.rels)} for {cis} items")
    total = sum(w for _, _, w in endpoints)
    for endpoint, pool, weight in endpoints:  # the rest: endpoints depending on services
        want = budget * weight / total
        count = min(len(pool), int(want) + (rng.random() < want % 1))
        for service in rng.sample(pool, count):
            estate.rel(endpoint, "depends_on", service)
    while len(estate.rels) < relationships:
        endpoint, pool, _ = rng.choice(endpoints)
        estate.rel(endpoint, "depends_on", rng.choice(pool))
    del estate.rels[relationships:]
    return estate


def _region(e: Estate, rng: random.Random, r: int, size: int) -> list[tuple[int, list[int], int]]:
    first = len(e.items)
    n = {cls: max(1, round(size * share)) for cls, share in SHARES.items()}
    p = f"r{r:02d}"
    cores = [e.ci(f"{p}-core-sw-{i}", "network_device", 4) for i in (1, 2)]
    e.cores += [(r, c) for c in cores]
    firewall = e.ci(f"{p}-firewall", "network_device", 4)
    vpn = e.ci(f"{p}-vpn-gw", "network_device", 4)
    for device in (*cores, vpn):
        e.rel(device, "connects_to", firewall)
    dist = [e.ci(f"{p}-dist-sw-{i}", "network_device", 3) for i in range(1, 5)]
    tor = [e.ci(f"{p}-tor-sw-{i:03d}", "network_device", 3) for i in range(n["server"] // 16 + 2)]
    for switch in (*dist, *tor):
        for core in cores:
            e.rel(switch, "connects_to", core)
    servers = [e.ci(f"{p}-host-{i:04d}", "server", 3) for i in range(n["server"])]
    for i, server in enumerate(servers):  # two NICs, two racks' switches
        e.rel(server, "connects_to", tor[i // 16])
        e.rel(server, "connects_to", tor[i // 16 + 1])
    clusters = [e.ci(f"{p}-cluster-{i:02d}", "cluster", 4) for i in range(n["cluster"])]
    clustered = servers[: max(1, len(servers) * 85 // 100)]
    standalone = servers[len(clustered) :] or servers
    for i, server in enumerate(clustered):
        e.rel(server, "member_of", clusters[i * len(clusters) // len(clustered)])
    for i, cluster in enumerate(clusters):
        e.rel(cluster, "connects_to", tor[i % len(tor)])
    vms = [e.ci(f"{p}-vm-{i:05d}", "virtual_machine") for i in range(n["virtual_machine"])]
    for vm in vms:
        e.rel(vm, "runs_on", rng.choice(clusters if rng.random() < 0.9 else standalone))
    dbs = [e.ci(f"{p}-db-{i:04d}", "database", 3) for i in range(n["database"])]
    for db in dbs:  # a primary, sometimes with its replica
        for vm in rng.sample(vms, rng.choice((1, 1, 2))):
            e.rel(db, "runs_on", vm)
    apps = [e.ci(f"{p}-app-{i:04d}", "application") for i in range(n["application"])]
    if r == 0:
        e.hq_apps = apps[: max(1, len(apps) // 50)]  # directory, DNS, mail relay, ...
    for app in apps:
        for vm in rng.sample(vms, rng.randint(1, 3)):
            e.rel(app, "runs_on", vm)
        for db in rng.sample(dbs, min(len(dbs), rng.randint(1, 2))):
            e.rel(app, "depends_on", db)
        for other in rng.sample(apps, rng.randint(0, 3)):
            e.rel(app, "depends_on", other)
        if r and rng.random() < 0.3:
            e.rel(app, "depends_on", rng.choice(e.hq_apps))
    tech = [
        e.ci(f"{p}-tech-svc-{i:03d}", "technical_service", 3) for i in range(n["technical_service"])
    ]
    for service in tech:
        for app in rng.sample(apps, min(len(apps), rng.randint(3, 8))):
            e.rel(service, "depends_on", app)
    biz = [
        e.ci(f"{SERVICE_NAMES[i % len(SERVICE_NAMES)]} ({p}-{i:02d})", "business_service", 4)
        for i in range(n["business_service"])
    ]
    e.rel(biz[0], "depends_on", vpn)  # the VPN service on its gateway appliance
    for service in biz:
        for other in rng.sample(tech, min(len(tech), rng.randint(2, 4))):
            e.rel(service, "depends_on", other)
        for app in rng.sample(apps, rng.randint(1, 4)):
            e.rel(service, "depends_on", app)
    e.services[r] = biz
    if r == 0:
        e.hq_services = biz[: max(1, len(biz) // 4)]
    left = size - (len(e.items) - first)
    access = [e.ci(f"{p}-access-sw-{i:04d}", "network_device") for i in range(max(1, left // 41))]
    for i, switch in enumerate(access):
        e.rel(switch, "connects_to", dist[i % 4])
        e.rel(switch, "connects_to", dist[(i + 1) % 4])
    count = size - (len(e.items) - first)
    pool = list(dict.fromkeys([*biz, *tech, *e.hq_services]))
    made = []
    for i in range(count):
        laptop = rng.random() < 0.75
        endpoint = (
            e.ci(f"{p}-laptop-{i:05d}", "hardware", 1)
            if laptop
            else e.ci(f"{p}-sensor-{i:05d}", "iot_device", 1)
        )
        e.rel(endpoint, "connects_to", access[i * len(access) // count])
        made.append((endpoint, pool, 3 if laptop else 1))
    return made


def failure_edges(rels: Iterable[Sequence[Any]]) -> list[tuple[int, int]]:
    """(from, to) for each relationship along which failure travels."""
    edges = []
    for source, target, kind in rels:
        if kind in BACKWARD:
            edges.append((target, source))
        elif kind in FORWARD:
            edges.append((source, target))
    return edges


def union_rows(succ: dict[int, Any], start: int, hops: int) -> int:
    """Rows of the query's ``walk``: distinct (node, hops) pairs, a node once per length of
    walk that reaches it (the UNION deduplicates within a distance, not across)."""
    frontier, total = {start}, 1
    for _ in range(hops):
        frontier = {m for n in frontier for m in succ[n]}
        total += len(frontier)
        if not frontier:
            break
    return total


def run_engine(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    import networkx as nx
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from steward.cmdb import impact
    from steward.cmdb.models import ConfigurationItem, Relationship

    out: dict[str, Any] = {"engine": connection.vendor, "load_before": os.getloadavg()}
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    estate = generate(args.cis, args.relationships)
    out["generate_s"] = round(time.perf_counter() - t, 1)
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = connection.ops.adapt_datetimefield_value(now)
    t = time.perf_counter()
    common.bulk_write(
        ConfigurationItem,
        ["id", "name", "ci_class", "criticality", "source", "created_at", "updated_at"],
        ((*item, "import", now, now) for item in estate.items),
    )
    common.bulk_write(
        Relationship,
        ["id", "source_id", "target_id", "kind", "created_at", "updated_at"],
        ((*rel, now, now) for rel in estate.rels),
    )
    out["load_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    out["analyze_s"] = round(time.perf_counter() - t, 1)
    out["cis"] = ConfigurationItem.objects.count()
    out["relationships"] = Relationship.objects.count()
    print(f"[{connection.vendor}] {out['cis']} items, {out['relationships']} rels", flush=True)

    # The in-memory graph: edges read back from the database, then built.
    t = time.perf_counter()
    rows = list(Relationship.objects.values_list("source_id", "target_id", "kind"))
    out["nx_fetch_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    impact_graph = nx.DiGraph()
    impact_graph.add_nodes_from(pk for pk, *_ in estate.items)
    impact_graph.add_edges_from(failure_edges(rows))
    dependency_graph = impact_graph.reverse(copy=True)
    out["nx_build_s"] = round(time.perf_counter() - t, 2)
    del rows

    target = args.cis // 10
    sizes = {
        core: len(nx.single_source_shortest_path_length(impact_graph, core, cutoff=HOPS))
        for _, core in estate.cores
    }
    core = min(sizes, key=lambda c: (abs(sizes[c] - target), c))
    region = next(r for r, c in estate.cores if c == core)
    service = estate.services[region][1 if len(estate.services[region]) > 1 else 0]
    names = {pk: name for pk, name, *_ in estate.items}
    out["core_sizes"] = sorted(sizes.values())
    out["walks"] = []
    # The estate and the graphs are millions of objects that the walks' garbage would make
    # the collector traverse again and again (300-400 ms a full pass): not the walks' cost.
    del estate.seen
    gc.collect()
    gc.freeze()
    backend = common.backend_pid()
    head_office = estate.cores[0][1]  # the platform everyone uses: the largest impact
    up, down, few = impact.IMPACT, impact.DEPENDENCIES, max(3, args.runs // 5)
    for label, start, direction, graph, runs in (
        ("impact of a core switch", core, up, impact_graph, args.runs),
        ("dependencies of a business service", service, down, dependency_graph, args.runs),
        ("impact of the head office's core switch", head_office, up, impact_graph, few),
    ):
        sql_times, cpu, result = common.timed(
            lambda s=start, d=direction: impact.walk(start=s, direction=d, max_hops=HOPS),
            runs,
            args.warm,
            backend,
        )
        nx_times, _, reached = common.timed(
            lambda s=start, g=graph: nx.single_source_shortest_path_length(g, s, cutoff=HOPS),
            runs,
            args.warm,
        )
        sql_hops = {n.id: n.hops for n in result.nodes}
        same = sql_hops == dict(reached)
        walk = {
            "walk": label,
            "start": names[start],
            "direction": direction,
            "max_hops": HOPS,
            "runs": runs,
            "reached": len(sql_hops) - 1,
            "networkx_reached": len(reached) - 1,
            "same_nodes_and_hops": same,
            "walk_rows": union_rows(graph._succ, start, HOPS),
            "sql_ms": common.percentiles(sql_times, digits=2),
            "sql_cpu_ms": cpu,
            "networkx_ms": common.percentiles(nx_times, digits=2),
        }
        walk["ratio_p50"] = round(walk["sql_ms"]["p50"] / walk["networkx_ms"]["p50"], 1)
        out["walks"].append(walk)
        print(f"[{connection.vendor}] {json.dumps(walk)}", flush=True)
        if not same:
            raise SystemExit(f"{label}: the query and networkx disagree")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            out["version"] = cursor.fetchone()[0].split()[0]
    else:
        out["version"] = sqlite3.sqlite_version
    out["load_after"] = os.getloadavg()
    return out


def _child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = ["--cis", str(args.cis), "--relationships", str(args.relationships)]
    arguments += ["--runs", str(args.runs), "--warm", str(args.warm)]
    return common.run_child(__file__, engine, arguments, pg_name=PG_NAME, keep=args.keep)


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['when']} with `{report['command']}` "
        f"(commit {report['commit']}, max_hops {HOPS}, {report['runs']} timed runs after "
        f"{report['warm']} warm-up).",
        "",
        "| engine | walk | items reached | (node, hops) rows | query p50 / p95 / p99 ms "
        "| CPU per walk ms (Python + PostgreSQL) | networkx p50 / p95 ms | query / networkx (p50) "
        "| same items and hops | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for e in report["engines"]:
        for w in e["walks"]:
            s, n, c = w["sql_ms"], w["networkx_ms"], w["sql_cpu_ms"]
            runs = f", {w['runs']} runs" if w["runs"] != report["runs"] else ""
            cpu = f"{c['client']:.0f}" + (
                f" + {c['server']:.0f}" if c["server"] is not None else ""
            )
            goal = "—"
            if (
                w["walk"] == "impact of a core switch"
                and e["engine"] == "postgresql"
                and e["cis"] >= 100_000
            ):
                goal = "p95 < 200 ms " + ("✓" if s["p95"] < 200 else "✗")
            lines.append(
                f"| {e['engine']} {e['version']} | {w['walk']} (`{w['start']}`{runs}) "
                f"| {w['reached']:,} | {w['walk_rows']:,} "
                f"| {s['p50']:.1f} / **{s['p95']:.1f}** / {s['p99']:.1f} | {cpu} "
                f"| {n['p50']:.1f} / {n['p95']:.1f} | {w['ratio_p50']}× "
                f"| {'yes' if w['same_nodes_and_hops'] else 'NO'} | {goal} |"
            )
    lines += ["", "| engine | items | relationships | generate | load | analyze | "
              "networkx: read edges | networkx: build graphs | load average before → after |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for e in report["engines"]:
        before = " ".join(f"{x:.2f}" for x in e["load_before"])
        after = " ".join(f"{x:.2f}" for x in e["load_after"])
        lines.append(
            f"| {e['engine']} | {e['cis']:,} | {e['relationships']:,} | {e['generate_s']} s "
            f"| {e['load_s']} s | {e['analyze_s']} s | {e['nx_fetch_s']} s | {e['nx_build_s']} s "
            f"| {before} → {after} |"
        )
    m = report["machine"]
    sizes = report["engines"][0]["core_sizes"]
    lines += [
        "",
        f"Machine: {m['cpu']}, {m['memory']}; Python {m['python']}, networkx {m['networkx']}. "
        f"Items in the impact of each core switch (itself included, max_hops {HOPS}): {sizes}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--cis", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warm", type=int, default=3, help="untimed runs first")
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.child.write_text(json.dumps(run_engine(args), indent=2))
        return
    import networkx

    report: dict[str, Any] = {
        "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "bench/cmdb/impact.py " + " ".join(sys.argv[1:]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "runs": args.runs,
        "warm": args.warm,
        "machine": common.machine(networkx=networkx.__version__),
        "engines": [_child(engine, args) for engine in args.engines.split(",")],
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    text = render(report)
    print(text)
    if not args.no_readme:
        common.write_readme_section("cmdb-impact", "CMDB: impact analysis", text)


if __name__ == "__main__":
    main()
