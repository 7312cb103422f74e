"""What the single-purpose benchmarks (bench/<app>/*.py) share: writing generated rows fast,
running one engine in a child process on a fresh database, timing with percentiles and CPU,
describing the machine, and rewriting their own section of bench/README.md.

A benchmark script imports it as ``from bench import common`` after putting the repository
root on ``sys.path`` (each script does, so that it runs as ``python bench/<app>/<name>.py``).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "bench/README.md"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def bulk_write(model: Any, given: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Rows of the ``given`` columns, every other column its model default: COPY on
    PostgreSQL, ``executemany`` in one transaction on SQLite. Returns how many rows."""
    from django.db import connection, transaction

    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [n for n in fields if n not in given and not fields[n].primary_key]
    defaults = []
    for name in rest:
        f = fields[name]
        value = None if f.null and not f.has_default() else f.get_default()
        defaults.append(json.dumps(value) if isinstance(value, dict | list) else value)
    names = ", ".join(f'"{fields[c].column}"' for c in (*given, *rest))
    table = model._meta.db_table
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *defaults))
                    count += 1
        else:
            marks = ", ".join("?" for _ in (*given, *rest))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608

            def counted() -> Iterable[tuple[Any, ...]]:
                nonlocal count
                for row in rows:
                    count += 1
                    yield (*row, *defaults)

            connection.connection.executemany(sql, counted())
    return count


def percentiles(seconds: Sequence[float], digits: int = 1) -> dict[str, float]:
    """p50, p95, p99, min and max in milliseconds of a list of durations in seconds."""
    ms = sorted(s * 1000 for s in seconds)
    if len(ms) == 1:
        ms = ms * 2
    cut = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50": round(statistics.median(ms), digits),
        "p95": round(cut[94], digits),
        "p99": round(cut[98], digits),
        "min": round(ms[0], digits),
        "max": round(ms[-1], digits),
    }


def process_cpu(pid: int | None) -> float | None:
    """User and system CPU seconds of a local process, None when it cannot be read."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(
    fn: Callable[[], Any], runs: int, warm: int, server: int | None = None
) -> tuple[list[float], dict[str, float | None], Any]:
    """Wall times of ``runs`` calls after ``warm`` ones, and the CPU each call used on
    average in this process and in the PostgreSQL backend ``server`` (on this machine): on a
    busy machine the wall time adds the wait for a core, the CPU time does not."""
    out = None
    for _ in range(warm):
        out = fn()
    times = []
    client, backend = time.process_time(), process_cpu(server)
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    client = (time.process_time() - client) * 1000 / runs
    after = process_cpu(server)
    backend = None if backend is None or after is None else (after - backend) * 1000 / runs
    cpu = {"client": round(client, 1), "server": None if backend is None else round(backend, 1)}
    return times, cpu, out


def backend_pid() -> int | None:
    """The PostgreSQL server process of this connection (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(sql)


def create_database(name: str) -> str:
    """A fresh PostgreSQL database ``name`` (an old one of that name is dropped); its URL."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_child(
    script: str, engine: str, arguments: Sequence[str], *, pg_name: str, keep: bool = False
) -> dict[str, Any]:
    """Run ``script --child <result.json> *arguments`` for one engine in its own process
    (Django's settings are fixed once set up) on a fresh data folder and, for PostgreSQL, a
    fresh database ``pg_name`` (dropped afterwards unless ``keep``); its JSON result."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(STEWARD_DATA_DIR=tempfile.mkdtemp(prefix=f"{pg_name}-"))
    env.update(STEWARD_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="steward.config.settings")
    if engine == "postgresql":
        env["STEWARD_DATABASE_URL"] = create_database(pg_name)
    result = Path(env["STEWARD_DATA_DIR"]) / "result.json"
    try:
        subprocess.run(
            [sys.executable, script, "--child", str(result), *arguments], env=env, check=True
        )
        return dict(json.loads(result.read_text()))
    finally:
        if engine == "postgresql" and not keep:
            drop_database(pg_name)


def machine(**versions: str) -> dict[str, str]:
    """CPU model, memory and Python (plus any ``versions`` given) of this machine."""
    memory_kb = Path("/proc/meminfo").read_text().split()[1]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{int(memory_kb) // 1024 // 1024} GB",
        "python": platform.python_version(),
        **versions,
    }


def write_readme_section(marker: str, heading: str, text: str) -> None:
    """Replace the text between ``<!-- marker:start -->`` and ``<!-- marker:end -->`` in
    bench/README.md, adding the section (under ``## heading``) at the end the first time."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    current = README.read_text()
    if start not in current:
        current += f"\n## {heading}\n\n{start}\n{end}\n"
    head, rest = current.split(start, 1)
    README.write_text(f"{head}{start}\n{text}\n{end}{rest.split(end, 1)[1]}")
