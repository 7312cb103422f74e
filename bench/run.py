"""Steward HTTP benchmark: `make bench` (or `.venv/bin/python bench/run.py`).

For each engine (SQLite, PostgreSQL) it builds a fresh installation in a temporary data folder
(its own PostgreSQL database, created and dropped here), loads the demo organisation and
10,000 extra people, starts `steward serve` on 127.0.0.1 and measures with wrk, for 1 and 8
concurrent clients: /healthz (the framework's ceiling on this machine), the API list, detail
and create of people, and the HTML people list. Results go to bench/results.json and into the
table of bench/README.md. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import requests
from load import Measurement, Scenario, run, wrk_available, wrk_version  # bench/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STEWARD = str(BIN / "steward")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
README = ROOT / "bench" / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


@dataclass
class Installation:
    engine: str
    env: dict[str, str]
    base_url: str
    token: str
    cookie: str
    people: dict[str, int]
    workers: int
    setup_seconds: float


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
    of_ceiling: float | None = None
    single_ms: float = 0.0


@dataclass
class Report:
    machine: dict[str, str]
    commands: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    setup: dict[str, float] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [STEWARD, *args], env=env, capture_output=True, text=True, check=False, timeout=900
    )
    if result.returncode != 0:
        raise SystemExit(f"steward {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def python_code(env: dict[str, str], code: str, *args: str, timeout: int = 3600) -> str:
    """Runs ``code`` in a fresh interpreter with Steward's settings (a set-up step of a
    benchmark); its output, or exits with the step's output when it fails."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "steward.config.settings"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"step failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result.stdout


@contextlib.contextmanager
def _postgres_database() -> Iterator[str]:
    import psycopg

    name = f"steward_bench_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _login(base_url: str, password: str) -> str:
    session = requests.Session()
    page = session.get(f"{base_url}/login/", timeout=10)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if match is None:
        raise SystemExit("No CSRF token on the login page")
    session.post(
        f"{base_url}/login/",
        data={"username": "admin", "password": password, "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{base_url}/login/"},
        timeout=10,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit("Login as admin failed")
    return f"sessionid={session.cookies['sessionid']}"


def _wait_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("steward serve exited during start-up")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise SystemExit("steward serve did not answer /healthz within 60 s")


@contextlib.contextmanager
def installation(engine: str, people: int, report: Report) -> Iterator[Installation]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"steward-bench-{engine}-"))
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
            env["STEWARD_DATABASE_URL"] = stack.enter_context(_postgres_database())
        try:
            started = time.monotonic()
            _cli(env, "demo", "--no-serve")
            generated = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "generate.py"), "--people", str(people)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            people_info = json.loads(generated.stdout.strip().splitlines()[-1])
            token = _cli(env, "token", "admin").strip()
            port = _free_port()
            base_url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [STEWARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            _wait_ready(base_url, server)
            password = (data_dir / "demo_password").read_text().strip()
            report.setup[engine] = round(time.monotonic() - started, 1)
            yield Installation(
                engine=engine,
                env=env,
                base_url=base_url,
                token=token,
                cookie=_login(base_url, password),
                people=people_info,
                workers=2 * (os.cpu_count() or 1) + 1,
                setup_seconds=report.setup[engine],
            )
        finally:
            if server is not None and server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)


def scenarios(inst: Installation) -> list[Scenario]:
    api = {"Authorization": f"Token {inst.token}", "Accept": "application/json"}
    ids = (inst.people["min_id"], inst.people["max_id"])
    return [
        Scenario("healthz (ceiling)", "GET", "/healthz", {}),
        Scenario("API list /api/org/people/", "GET", "/api/org/people/", api),
        Scenario("API detail /api/org/people/<id>/", "GET", "/api/org/people/", api, ids),
        Scenario(
            "API create POST /api/org/people/",
            "POST",
            "/api/org/people/",
            api,
            body_organisation=inst.people["organisation"],
        ),
        Scenario("HTML list /org/people/", "GET", "/org/people/", {"Cookie": inst.cookie}),
    ]


def _probe(inst: Installation, scenario: Scenario) -> float:
    """Median of 3 sequential requests, in ms: a number even when a page is too slow for wrk."""
    url = inst.base_url + scenario.path + ("1/" if scenario.detail_ids else "")
    timings = []
    for i in range(3):
        started = time.monotonic()
        if scenario.method == "POST":
            body = {
                "first_name": "Probe",
                "last_name": str(i),
                "organisation": inst.people["organisation"],
                "email": f"probe-{inst.engine}-{i}@bench.example",
            }
            requests.post(url, json=body, headers=scenario.headers, timeout=120)
        else:
            requests.get(url, headers=scenario.headers, timeout=120)
        timings.append((time.monotonic() - started) * 1000)
    return round(sorted(timings)[1], 1)


def measure(inst: Installation, clients: list[int], seconds: float, report: Report) -> None:
    ceiling: dict[int, float] = {}
    for scenario in scenarios(inst):
        single = _probe(inst, scenario)
        if single < 1000:  # a slow page would leave a backlog that spills into the run
            run(inst.base_url, scenario, 8, 2, tag=f"warm-{inst.engine}")
        for count in clients:
            m: Measurement = run(
                inst.base_url, scenario, count, seconds, tag=f"{inst.engine}-{count}"
            )
            row = Row(
                engine=inst.engine,
                scenario=scenario.name,
                clients=count,
                rps=round(m.rps, 1),
                p50_ms=round(m.p50_ms, 2),
                p95_ms=round(m.p95_ms, 2),
                p99_ms=round(m.p99_ms, 2),
                errors=m.errors,
                requests=m.requests,
                single_ms=single,
            )
            if scenario.path == "/healthz":
                ceiling[count] = m.rps
            elif ceiling.get(count):
                row.of_ceiling = round(m.rps / ceiling[count], 3)
            report.rows.append(row)
            print(
                f"{inst.engine:<10} {scenario.name:<34} c={count}  {row.rps:>8.1f} req/s  "
                f"p50 {row.p50_ms:>7.2f}  p95 {row.p95_ms:>7.2f}  p99 {row.p99_ms:>7.2f} ms  "
                f"errors {row.errors}",
                flush=True,
            )


def machine(workers: int) -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    info = {
        "cpu": f"{cpu} ({os.cpu_count()} cores)",
        "memory": f"{int(mem) // 1024 // 1024} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load generator": wrk_version(),
        "gunicorn workers": f"{workers} sync workers (steward serve default: 2 x cores + 1)",
    }
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect(PG_ADMIN) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            info["postgresql"] = str(row[0]) if row else "?"
    return info


def render(report: Report) -> str:
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} with `{report.commands[0]}`.",
        "",
        "| engine | scenario | clients | req/s | p50 ms | p95 ms | p99 ms | errors | of ceiling "
        "| one request alone, ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report.rows:
        share = f"{r.of_ceiling:.0%}" if r.of_ceiling is not None else "-"
        rps = f"{r.rps:.0f}" if r.rps >= 10 else f"{r.rps:.1f}"
        lines.append(
            f"| {r.engine} | {r.scenario} | {r.clients} | {rps} | {r.p50_ms:.1f} "
            f"| {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {share} | {r.single_ms:.0f} |"
        )
    lines += ["", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in report.machine.items()]
    lines += [f"- set-up (demo + extra people + server start): {report.setup}"]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    current = README.read_text() if README.exists() else f"{START}\n{END}\n"
    if START not in current:
        current += f"\n{START}\n{END}\n"
    head, rest = current.split(START, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per scenario")
    parser.add_argument("--people", type=int, default=10_000, help="extra people to generate")
    parser.add_argument("--clients", default="1,8", help="concurrent clients, comma-separated")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite bench/README.md")
    args = parser.parse_args()
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install wrk")
    clients = [int(c) for c in args.clients.split(",")]
    report = Report(machine=machine(2 * (os.cpu_count() or 1) + 1))
    report.commands.append(
        "make bench  # = .venv/bin/python bench/run.py " + " ".join(sys.argv[1:])
    )
    for engine in args.engines.split(","):
        with installation(engine, args.people, report) as inst:
            print(f"{engine}: ready in {inst.setup_seconds}s, {inst.people}", flush=True)
            measure(inst, clients, args.duration, report)
    out: dict[str, Any] = asdict(report)
    (ROOT / "bench" / "results.json").write_text(json.dumps(out, indent=2) + "\n")
    text = render(report)
    print(text)
    if not args.no_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
