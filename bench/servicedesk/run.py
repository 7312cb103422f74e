"""Service-desk benchmark: `.venv/bin/python bench/servicedesk/run.py` (see bench/README.md).

For each engine it builds a fresh installation (own data folder; own PostgreSQL database),
loads the demo organisation and a small service desk, adds N tickets with
`bench/servicedesk/generate.py` (default 1,000,000), starts `steward serve` and measures with
wrk (bench/load.py): the agent queue (API and page: filters, sort, one page), ticket detail
(API and page, random ticket), full-text search (API, random words) at 1 client, and ticket
creation through the API (SLA, routing, notifications enqueued) at 1 and 8 clients. Results
go to bench/servicedesk/results-<engines>.json and into bench/README.md (servicedesk markers).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))

import run as base  # noqa: E402  (bench/run.py: installation helpers)
from load import Scenario, run, wrk_available  # noqa: E402

ROOT = BENCH.parent
README = BENCH / "README.md"
RESULTS = BENCH / "servicedesk" / "results.json"  # results-<engines>.json
START, END = "<!-- servicedesk:start -->", "<!-- servicedesk:end -->"
WORDS = [
    "printer",
    "laptop",
    "vpn",
    "outlook",
    "mailbox",
    "password",
    "wifi",
    "erp",
    "invoice",
    "payroll",
]
WORDS += ["toner", "keyboard"]
WORDS += ["network", "crash", "login", "battery", "excel"]
SETUP = """
import random, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
call_command("migrate", interactive=False, verbosity=0)
from steward.org import demo as org_demo
from steward.servicedesk import demo
password = "bench-" + str(random.Random(1).getrandbits(48))
(settings.DATA_DIR / "demo_password").write_text(password)
with transaction.atomic():
    org_demo.load(rng=random.Random("org"), log=print, password=password)
with transaction.atomic():
    demo.load(rng=random.Random("sd"), log=print, scale=float(sys.argv[1]))
"""
INFO = """
import json
import django
django.setup()
from django.db.models import Max, Min
from steward.org.models import Person, PersonKind, Team
from steward.servicedesk.models import Category, Ticket
r = Ticket.objects.aggregate(lo=Min("id"), hi=Max("id"))
team = Team.objects.order_by("pk").values_list("id", flat=True).first()
person = Person.objects.filter(kind=PersonKind.EMPLOYEE).order_by("pk").values_list("id", flat=True)
cat = Category.objects.filter(parent__isnull=False).order_by("pk").values_list("id", flat=True)
print(json.dumps({"min_id": r["lo"], "max_id": r["hi"], "team": team, "people": list(person[:200]),
                  "category": cat.first(), "tickets": Ticket.objects.count()}))
"""


@dataclass(frozen=True)
class LuaScenario(Scenario):
    script: str = ""

    def lua(self, tag: str) -> str:
        from load import DONE, THREADS

        headers = [f'wrk.headers["{k}"] = "{v}"' for k, v in self.headers.items()]
        return "\n".join([THREADS, DONE, *headers, self.script]) + "\n"


@dataclass
class Row:
    engine: str
    scenario: str
    clients: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int
    target: str


def _python(env: dict[str, str], code: str, *args: str, timeout: int = 3600) -> str:
    return base.python_code(env, code, *args, timeout=timeout)


@contextlib.contextmanager
def installation(engine: str, tickets: int, timings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"steward-bench-sd-{engine}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(
        STEWARD_DATA_DIR=str(data_dir),
        STEWARD_API_RATE="100000000/min",
        STEWARD_LOG_LEVEL="WARNING",
    )
    server: subprocess.Popen[bytes] | None = None
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, data_dir, True)
        if engine == "postgresql":
            env["STEWARD_DATABASE_URL"] = stack.enter_context(base._postgres_database())
        try:
            t0 = time.monotonic()
            _python(env, SETUP, "0.05")
            t1 = time.monotonic()
            out = subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "servicedesk" / "generate.py"),
                    "--tickets",
                    str(tickets),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            generated = json.loads(out.stdout.strip().splitlines()[-1])
            t2 = time.monotonic()
            info = json.loads(_python(env, INFO).strip().splitlines()[-1])
            token = base._cli(env, "token", "admin").strip()
            port = base._free_port()
            url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [base.STEWARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            base._wait_ready(url, server)
            password = (data_dir / "demo_password").read_text().strip()
            timings[engine] = {
                "demo_s": round(t1 - t0, 1),
                "generate_s": round(t2 - t1, 1),
                **generated,
                "tickets_total": info["tickets"],
            }
            yield {
                "engine": engine,
                "url": url,
                "token": token,
                "cookie": base._login(url, password),
                **info,
            }
        finally:
            if server is not None and server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)


def scenarios(inst: dict[str, Any]) -> list[tuple[LuaScenario, tuple[int, ...], str]]:
    api = {"Authorization": f"Token {inst['token']}", "Accept": "application/json"}
    page = {"Cookie": inst["cookie"]}
    team = inst["team"]
    queue = f"status=new&status=assigned&status=in_progress&team={team}"
    lo, hi = inst["min_id"], inst["max_id"]
    words = ", ".join(f'"{w}"' for w in WORDS)
    people = ", ".join(str(p) for p in inst["people"])

    def get(path: str) -> str:
        return f'request = function() return wrk.format("GET", "{path}") end'

    def detail(prefix: str) -> str:
        return (
            "request = function()\n"
            f'  return wrk.format("GET", "{prefix}" .. math.random({lo}, {hi}) .. "/")\nend'
        )

    search = (
        f"local words = {{{words}}}\n"
        "request = function()\n"
        "  local q = words[math.random(#words)] .. '+' .. words[math.random(#words)]\n"
        '  return wrk.format("GET", "/api/servicedesk/tickets/?q=" .. q)\nend'
    )
    create = (
        f"local people = {{{people}}}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        "request = function()\n"
        "  counter = counter + 1\n"
        '  local body = string.format(\'{"title": "Bench printer jam %d-%d", '
        '"description": "Paper jam on floor %d", "requester": %d, '
        f'"category": {inst["category"]}}}\', tid, counter, counter, '
        "people[math.random(#people)])\n"
        '  return wrk.format("POST", "/api/servicedesk/tickets/", nil, body)\nend'
    )
    return [
        (LuaScenario("API queue list", "GET", "/", api, script=get(
            f"/api/servicedesk/tickets/?{queue}&ordering=-priority")), (1,), "p95 < 100 ms"),
        (LuaScenario("HTML queue list", "GET", "/", page, script=get(
            f"/servicedesk/tickets/?{queue}&sort=-get_priority_display")), (1,), "p95 < 100 ms"),
        (LuaScenario("API ticket detail", "GET", "/", api,
                     script=detail("/api/servicedesk/tickets/")), (1,), "p95 < 100 ms"),
        (LuaScenario("HTML ticket detail", "GET", "/", page,
                     script=detail("/servicedesk/tickets/")), (1,), "p95 < 100 ms"),
        (LuaScenario("API full-text search", "GET", "/", api, script=search), (1,),
         "p95 < 300 ms"),
        (LuaScenario("API create ticket", "POST", "/", api, script=create), (1, 8),
         ">= 85/s at 8"),
    ]  # fmt: skip


def update_readme(rows: list[Row], timings: dict[str, Any], command: str, tickets: int) -> None:
    machine = base.machine(2 * (os.cpu_count() or 1) + 1)
    lines = [
        START,
        f"Measured {datetime.date.today().isoformat()} with `{command}`, "
        f"{tickets:,} generated tickets per engine.",
        "",
        "| engine | scenario | clients | req/s | p50 ms | p95 ms | p99 ms | errors | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r.engine} | {r.scenario} | {r.clients} | {r.rps:.0f} | {r.p50_ms:.1f} | "
        f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.target} |"
        for r in rows
    ]
    lines += ["", "Set-up per engine (seconds; rows):", ""]
    lines += [f"- {engine}: `{json.dumps(t)}`" for engine, t in timings.items()]
    lines += ["", "Machine:", ""] + [f"- {k}: {v}" for k, v in machine.items()] + [END]
    text = README.read_text()
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), "\n".join(lines), text, flags=re.S)
    else:
        text += "\n" + "\n".join(lines) + "\n"
    README.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument(
        "--scenarios", default="", help="comma-separated words; run only scenarios named so"
    )
    parser.add_argument(
        "--no-readme", action="store_true", help="print and save results, leave README alone"
    )
    args = parser.parse_args()
    wanted = [w.strip().lower() for w in args.scenarios.split(",") if w.strip()]
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install wrk")
    rows: list[Row] = []
    timings: dict[str, Any] = {}
    for engine in args.engines.split(","):
        with installation(engine, args.tickets, timings) as inst:
            for scenario, client_counts, target in scenarios(inst):
                if wanted and not any(w in scenario.name.lower() for w in wanted):
                    continue
                # Every gunicorn worker serves the scenario once before the clock starts:
                # a worker's first request (lazy imports, caches) is not steady state.
                run(inst["url"], scenario, 8, 2, f"{engine}warm")
                for clients in client_counts:
                    m = run(inst["url"], scenario, clients, args.duration, f"{engine}{clients}")
                    row = Row(engine, scenario.name, clients, round(m.rps, 1), m.p50_ms,
                              m.p95_ms, m.p99_ms, m.errors, m.requests, target)  # fmt: skip
                    rows.append(row)
                    print(json.dumps(asdict(row)), flush=True)
    results = RESULTS.with_name(f"results-{args.engines.replace(',', '-')}.json")
    results.write_text(json.dumps({"rows": [asdict(r) for r in rows], "setup": timings}, indent=2))
    if args.no_readme:
        return
    command = "python bench/servicedesk/run.py " + " ".join(sys.argv[1:])
    update_readme(rows, timings, command.strip(), args.tickets)


if __name__ == "__main__":
    main()
