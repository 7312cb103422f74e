"""Assets benchmark: `.venv/bin/python bench/assets/run.py` (see bench/README.md, "Assets").

For each engine it builds a fresh installation (own data folder; own PostgreSQL database),
loads the demo organisation and 4,000 assets (bench/assets/generate.py), starts
`steward serve` and measures, in this order so that each figure sees the data it names:

1. the filtered, paginated asset list at 4,000 assets (API and page, 1 client; p95 < 65 ms);
2. asset creation through the API at 1 and 8 clients (>= 100 assets/s at 8);
3. the import of 100,000 assets from CSV through the platform's import framework
   (steward.integrations: parse, look-ups, validation, audited create of every row) as the
   worker runs it, in rows/s, and on PostgreSQL a raw `COPY` of the same rows into a copy of
   the asset table (same columns, indexes and constraints): the ratio of the two;
4. the asset table topped up to 1,000,000 rows, then the filtered, sorted list again
   (API and page, 1 client; p95 < 100 ms).

Results go to bench/assets/results-<engines>.json and into bench/README.md (assets markers).
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
from load import DONE, THREADS, Scenario, run, wrk_available  # noqa: E402

ROOT = BENCH.parent
README = BENCH / "README.md"
GENERATE = BENCH / "assets" / "generate.py"
START, END = "<!-- assets:start -->", "<!-- assets:end -->"
SETUP = """
import random
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
call_command("migrate", interactive=False, verbosity=0)
from steward.org import demo as org_demo
password = "bench-" + str(random.Random(1).getrandbits(48))
(settings.DATA_DIR / "demo_password").write_text(password)
with transaction.atomic():
    org_demo.load(rng=random.Random("org"), log=print, password=password)
"""
INFO = """
import json
import django
django.setup()
from steward.assets.models import Asset, HardwareModel
from steward.org.models import Location, Organisation, OrganisationKind, Person
org = Organisation.objects.filter(kind=OrganisationKind.INTERNAL).order_by("pk").first()
laptops = HardwareModel.objects.filter(category="laptop").order_by("pk")
print(json.dumps({
    "organisation": org.pk,
    "location": Location.objects.filter(organisation=org).order_by("pk").values_list("id", flat=True).first(),
    "models": list(laptops.values_list("id", flat=True)),
    "manufacturers": sorted(set(HardwareModel.objects.values_list("manufacturer_id", flat=True))),
    "assets": Asset.objects.count(),
}))
"""  # noqa: E501
IMPORT = """
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from steward.assets.models import Asset
from steward.core.jobs import job_execute
from steward.integrations import services
path = Path(sys.argv[1])
admin = get_user_model().objects.get(username="admin")
before = Asset.objects.count()
t0 = time.monotonic()
upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
batch = services.import_batch_create(resource="assets.asset", upload=upload, actor=admin, dry_run=False)
job = job_execute(batch.apply_job)
seconds = time.monotonic() - t0
batch.refresh_from_db()
out = {"status": batch.status, "job": job.status, "rows": Asset.objects.count() - before,
       "seconds": round(seconds, 2), "summary": {k: v for k, v in batch.summary.items()
                                                 if isinstance(v, (int, float, str))}}
if connection.vendor == "postgresql":
    sys.path.insert(0, str(Path(sys.argv[2])))
    import generate
    # The same rows, already resolved to ids: only the COPY itself is timed.
    import random
    w = generate.world()
    fleet = generate.fleet(random.Random(int(sys.argv[3])), int(sys.argv[4]), w, "IMP", 1)
    rows = list(generate.db_rows(fleet))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_asset_copy (LIKE assets_asset INCLUDING ALL)")
    t0 = time.monotonic()
    copied = generate.copy_rows(iter(rows), table="bench_asset_copy")
    out["copy_seconds"] = round(time.monotonic() - t0, 3)
    out["copy_rows"] = copied
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_asset_copy")
print(json.dumps(out))
"""  # noqa: E501
SEED = 20261202


@dataclass(frozen=True)
class LuaScenario(Scenario):
    """A wrk scenario given as a Lua ``request`` function; ``__TAG__`` in it becomes the run's
    tag (unique values across the 1- and 8-client runs)."""

    script: str = ""

    def lua(self, tag: str) -> str:
        headers = [f'wrk.headers["{k}"] = "{v}"' for k, v in self.headers.items()]
        body = self.script.replace("__TAG__", re.sub(r"\W", "", tag))
        return "\n".join([THREADS, DONE, *headers, body]) + "\n"


@dataclass
class Row:
    engine: str
    scenario: str
    assets: int
    clients: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int
    target: str


def _python(env: dict[str, str], code: str, *args: str, timeout: int = 7200) -> str:
    return base.python_code(env, code, *args, timeout=timeout)


def _generate(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(GENERATE), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=7200,
    )
    if out.returncode != 0:
        raise SystemExit(f"generate.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _last_json(text: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    return result


@contextlib.contextmanager
def installation(engine: str, assets: int, timings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"steward-bench-assets-{engine}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(
        STEWARD_DATA_DIR=str(data_dir),
        STEWARD_API_RATE="100000000/min",
        STEWARD_LOG_LEVEL="WARNING",
        STEWARD_IMPORT_MAX_ROWS="10000000",
        STEWARD_IMPORT_MAX_MB="2000",
    )
    server: subprocess.Popen[bytes] | None = None
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, data_dir, True)
        if engine == "postgresql":
            env["STEWARD_DATABASE_URL"] = stack.enter_context(base._postgres_database())
        try:
            t0 = time.monotonic()
            _python(env, SETUP)
            generated = _generate(env, "--assets", str(assets), "--seed", str(SEED))
            info = _last_json(_python(env, INFO))
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
            timings[engine] = {"setup_s": round(time.monotonic() - t0, 1), "first": generated}
            yield {
                "engine": engine,
                "env": env,
                "data_dir": data_dir,
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


def _random_get(paths: list[str]) -> str:
    listed = ", ".join(f'"{p}"' for p in paths)
    return (
        f"local paths = {{{listed}}}\n"
        'request = function() return wrk.format("GET", paths[math.random(#paths)]) end'
    )


def list_scenarios(inst: dict[str, Any], size: str, target: str) -> list[LuaScenario]:
    """The asset list filtered by status and category (or manufacturer), sorted, first page:
    a random one of eight such filters each request."""
    api = {"Authorization": f"Token {inst['token']}", "Accept": "application/json"}
    page = {"Cookie": inst["cookie"]}
    makers = inst["manufacturers"][:2] or [0]
    filters = [
        "status=deployed&category=laptop",
        "status=in_stock&category=monitor",
        "status=deployed&status=loaned&category=phone",
        f"status=deployed&manufacturer={makers[0]}",
        f"status=in_repair&manufacturer={makers[-1]}",
        "category=desktop&condition=good",
        "status=retired",
        "status=deployed&category=tablet",
    ]
    sorts = ["asset_tag", "-asset_tag", "warranty_end", "-warranty_end"]
    pairs = [(f, sorts[i % len(sorts)]) for i, f in enumerate(filters)]
    api_paths = [f"/api/assets/assets/?{f}&ordering={o}" for f, o in pairs]
    html_paths = [f"/assets/assets/?{f}&sort={o}" for f, o in pairs]
    return [
        LuaScenario(f"API asset list ({size})", "GET", "/", api, script=_random_get(api_paths)),
        LuaScenario(f"HTML asset list ({size})", "GET", "/", page, script=_random_get(html_paths)),
    ]


def create_scenario(inst: dict[str, Any]) -> LuaScenario:
    api = {"Authorization": f"Token {inst['token']}", "Accept": "application/json"}
    models = ", ".join(str(m) for m in inst["models"])
    location = inst["location"] or "nil"
    script = (
        f"local models = {{{models}}}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        "request = function()\n"
        "  counter = counter + 1\n"
        '  local body = string.format(\'{"asset_tag": "BC-__TAG__-%d-%d", '
        '"serial": "BCS-__TAG__-%d-%d", "model": %d, "organisation": '
        f'{inst["organisation"]}, "location": {location}, '
        '"purchase_cost": "1234.50", "purchase_date": "2026-01-15", '
        '"warranty_end": "2029-01-15"}\', tid, counter, tid, counter, '
        "models[math.random(#models)])\n"
        '  return wrk.format("POST", "/api/assets/assets/", nil, body)\nend'
    )
    return LuaScenario("API create asset", "POST", "/", api, script=script)


def measure(
    inst: dict[str, Any],
    scenario: LuaScenario,
    clients: tuple[int, ...],
    duration: float,
    assets: int,
    target: str,
    rows: list[Row],
) -> None:
    if scenario.method == "GET":
        run(inst["url"], scenario, 2, 2, "warm")
    for n in clients:
        m = run(inst["url"], scenario, n, duration, f"{inst['engine']}{n}")
        row = Row(inst["engine"], scenario.name, assets, n, round(m.rps, 1), m.p50_ms,
                  m.p95_ms, m.p99_ms, m.errors, m.requests, target)  # fmt: skip
        rows.append(row)
        print(json.dumps(asdict(row)), flush=True)


def run_import(inst: dict[str, Any], rows: int) -> dict[str, Any]:
    path = inst["data_dir"] / "bench-import.csv"
    _generate(inst["env"], "--csv", str(path), "--rows", str(rows), "--seed", str(SEED + 1))
    out = _last_json(
        _python(inst["env"], IMPORT, str(path), str(GENERATE.parent), str(SEED + 1), str(rows))
    )
    out["rows_per_s"] = round(out["rows"] / out["seconds"], 1) if out["seconds"] else 0
    if out.get("copy_seconds"):
        out["copy_rows_per_s"] = round(out["copy_rows"] / out["copy_seconds"], 1)
    print(json.dumps({"engine": inst["engine"], "import": out}), flush=True)
    return out


def update_readme(
    rows: list[Row], imports: dict[str, Any], timings: dict[str, Any], command: str
) -> None:
    machine = base.machine(2 * (os.cpu_count() or 1) + 1)
    lines = [
        START,
        f"Measured {datetime.date.today().isoformat()} with `{command}`.",
        "",
        "| engine | scenario | assets | clients | req/s | p50 ms | p95 ms | p99 ms | errors "
        "| target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r.engine} | {r.scenario} | {r.assets:,} | {r.clients} | {r.rps:.0f} | "
        f"{r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors} | {r.target} |"
        for r in rows
    ]
    copy = next((i for i in imports.values() if i.get("copy_seconds")), None)
    lines += [
        "",
        "| engine | import rows | status | seconds | rows/s | PostgreSQL COPY rows/s | "
        "import time / COPY time |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for engine, i in imports.items():
        ratio = f"{i['seconds'] / copy['copy_seconds']:.0f}×" if copy else "-"
        copy_rate = f"{copy['copy_rows_per_s']:,.0f}" if copy else "-"
        lines.append(
            f"| {engine} | {i['rows']:,} | {i['status']} | {i['seconds']:.1f} | "
            f"{i['rows_per_s']:,.0f} | {copy_rate} | {ratio} |"
        )
    lines += ["", "Set-up per engine:", ""]
    lines += [f"- {engine}: `{json.dumps(t)}`" for engine, t in timings.items()]
    lines += ["", "Machine:", ""] + [f"- {k}: {v}" for k, v in machine.items()] + [END]
    text = README.read_text()
    block = "\n".join(lines)
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    README.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small-assets", type=int, default=4_000, help="assets for step 1-2")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--assets", type=int, default=1_000_000, help="assets for step 4")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--steps", default="list,create,import,large", help="steps to run")
    parser.add_argument(
        "--no-readme", action="store_true", help="print and save results, leave README alone"
    )
    args = parser.parse_args()
    steps = {s.strip() for s in args.steps.split(",") if s.strip()}
    if not wrk_available():
        raise SystemExit("wrk is missing: apt-get install wrk")
    rows: list[Row] = []
    imports: dict[str, Any] = {}
    timings: dict[str, Any] = {}
    for engine in args.engines.split(","):
        with installation(engine, args.small_assets, timings) as inst:
            small = f"{inst['assets']:,} assets"
            if "list" in steps:
                for scenario in list_scenarios(inst, small, "p95 < 65 ms"):
                    measure(inst, scenario, (1,), args.duration, inst["assets"],
                            "p95 < 65 ms", rows)  # fmt: skip
            if "create" in steps:
                measure(inst, create_scenario(inst), (1, 8), args.duration, inst["assets"],
                        ">= 100/s at 8", rows)  # fmt: skip
            if "import" in steps:
                imports[engine] = run_import(inst, args.import_rows)
            if "large" in steps:
                have = _last_json(_python(inst["env"], INFO))["assets"]
                if args.assets > have:
                    timings[engine]["top_up"] = _generate(
                        inst["env"], "--assets", str(args.assets - have), "--seed", str(SEED + 2)
                    )
                total = _last_json(_python(inst["env"], INFO))["assets"]
                for scenario in list_scenarios(inst, f"{total:,} assets", "p95 < 100 ms"):
                    measure(inst, scenario, (1,), args.duration, total, "p95 < 100 ms", rows)
    name = f"results-{args.engines.replace(',', '-')}.json"
    (BENCH / "assets" / name).write_text(
        json.dumps(
            {"rows": [asdict(r) for r in rows], "imports": imports, "setup": timings}, indent=2
        )
    )
    if args.no_readme:
        return
    command = ".venv/bin/python bench/assets/run.py " + " ".join(sys.argv[1:])
    update_readme(rows, imports, timings, command.strip())


if __name__ == "__main__":
    main()
