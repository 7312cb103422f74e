"""Discovery throughput: N agents reporting at once to ``/inventory/``.

Starts a fresh installation (SQLite by default, PostgreSQL with ``--engine postgresql``),
creates the IT organisation and one inventory token, starts ``steward serve`` on
127.0.0.1, and replays N distinct inventories (the FusionInventory sample with its own
device id, host name, serial, UUID and MAC each, and ``--packages`` Debian packages of this
machine) through a bounded pool of ``--clients`` concurrent connections: a PROLOG then the
zlib INVENTORY, as the agent sends them. Reports inventories per minute and the p50/p95 of
the INVENTORY request (the server's processing time as the client sees it), and writes
bench/cmdb/results-discovery.json.

    .venv/bin/python bench/cmdb/discovery.py --agents 500 --clients 32
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from run import STEWARD, _cli, _free_port, _postgres_database, python_code  # noqa: E402

SAMPLE = ROOT / "steward/cmdb/tests/fixtures/inventory/fusioninventory-inventory.xml"
RESULTS = Path(__file__).with_name("results-discovery.json")
SETUP = """
from django import setup; setup()
from steward.core.models import User
from steward.org.models import Organisation, OrganisationKind
from steward.cmdb.discovery import services
Organisation.objects.create(name="Northwind IT", kind=OrganisationKind.INTERNAL)
admin = User.objects.create_superuser("bench-admin", "bench@example.test", None)
print(services.token_create(data={"name": "bench"}, actor=admin)[1])
"""


def packages(limit: int) -> str:
    listed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Version}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[:limit]
    rows = []
    for line in listed:
        name, version = line.split("\t")
        rows.append(
            f"<SOFTWARES><FROM>deb</FROM><NAME>{name}</NAME><PUBLISHER>Debian</PUBLISHER>"
            f"<VERSION>{version}</VERSION></SOFTWARES>"
        )
    return "".join(rows)


def inventories(count: int, package_count: int) -> list[tuple[str, bytes, bytes]]:
    base = SAMPLE.read_text()
    base = re.sub(r"<SOFTWARES>.*?</SOFTWARES>\s*", "", base, flags=re.S)
    base = base.replace("</CONTENT>", packages(package_count) + "</CONTENT>")
    made = []
    for n in range(count):
        device = f"bench-{n:05d}-2026-12-02-00-00-00"
        mac = f"52:54:00:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"
        xml = (
            base.replace("vm-2026-11-23-18-53-32", device)
            .replace("<NAME>vm</NAME>", f"<NAME>bench-{n:05d}</NAME>")
            .replace("<SSN />", f"<SSN>BENCH{n:07d}</SSN>")
            .replace(
                "<VMSYSTEM>Docker</VMSYSTEM>",
                f"<UUID>{n:08x}-0000-4000-8000-000000000001</UUID><VMSYSTEM>KVM</VMSYSTEM>",
            )
            .replace("f2:c0:1f:aa:ff:6f", mac)
            .replace(
                "<VIRTUALDEV>1</VIRTUALDEV>\n    </NETWORKS>\n    <OPERATING",
                "<VIRTUALDEV>0</VIRTUALDEV>\n    </NETWORKS>\n    <OPERATING",
            )
        )
        prolog = (
            f'<?xml version="1.0" encoding="UTF-8" ?>\n<REQUEST><DEVICEID>{device}</DEVICEID>'
            "<QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"
        )
        made.append((device, zlib.compress(prolog.encode()), zlib.compress(xml.encode())))
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--packages", type=int, default=300)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="steward-bench-discovery-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update(STEWARD_DATA_DIR=str(data_dir), STEWARD_LOG_LEVEL="WARNING")
    server = None
    pg = _postgres_database() if args.engine == "postgresql" else None
    try:
        if pg is not None:
            env["STEWARD_DATABASE_URL"] = pg.__enter__()
        _cli(env, "migrate")
        secret = python_code(env, SETUP).strip().splitlines()[-1]
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [STEWARD, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        auth = "Basic " + base64.b64encode(f"agent:{secret}".encode()).decode()
        headers = {
            "Authorization": auth,
            "Content-Type": "application/x-compress-zlib",
            "User-Agent": "FusionInventory-Agent_v2.6-3",
        }
        work = inventories(args.agents + 1, args.packages)
        session_local = __import__("threading").local()

        def report(item: tuple[str, bytes, bytes]) -> tuple[float, str]:
            session = getattr(session_local, "s", None) or requests.Session()
            session_local.s = session
            _device, prolog, body = item
            answer = session.post(
                f"{base_url}/inventory/", data=prolog, headers=headers, timeout=60
            )
            assert b"SEND" in zlib.decompress(answer.content), answer.content
            started = time.perf_counter()
            answer = session.post(f"{base_url}/inventory/", data=body, headers=headers, timeout=600)
            elapsed = time.perf_counter() - started
            return elapsed, f"{answer.status_code} {answer.headers.get('X-Steward-Outcome')}"

        report(work[0])  # warm-up: the software catalogue learns the packages once
        load_before = os.getloadavg()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(report, work[1:]))
        wall = time.perf_counter() - started
        times = sorted(t for t, _ in results)
        outcomes: dict[str, int] = {}
        for _t, outcome in results:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        figures = {
            "engine": args.engine,
            "agents": args.agents,
            "clients": args.clients,
            "packages_per_inventory": args.packages,
            "wall_seconds": round(wall, 1),
            "inventories_per_minute": round(args.agents / wall * 60, 1),
            "p50_ms": round(statistics.median(times) * 1000),
            "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000),
            "max_ms": round(times[-1] * 1000),
            "outcomes": outcomes,
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        previous[args.engine] = figures
        RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
        print(json.dumps(figures, indent=2))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if pg is not None:
            pg.__exit__(None, None, None)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
