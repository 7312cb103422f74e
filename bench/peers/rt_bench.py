"""The service-desk work of bench/servicedesk/run.py against Request Tracker 5 (REST2 API),
for the ratios Steward/RT in bench/README.md.

    bench/peers/rt5.sh                            # install (Debian packages) and start RT
    .venv/bin/python bench/peers/rt_bench.py --create 200 --lists 100

- create: POST /REST/2.0/ticket (queue General, subject, body) with 1 and with 8 clients
  (threads, one keep-alive session each), ``--create`` tickets per run; tickets/s;
- list: GET /REST/2.0/tickets?query=Queue='General' AND Status='new' (50 per page),
  ``--lists`` sequential requests, p50/p95.

Results go to bench/peers/rt_results.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent


def _session(user: str, password: str) -> requests.Session:
    s = requests.Session()
    s.auth = (user, password)
    s.headers["Content-Type"] = "application/json"
    return s


def create(base: str, auth: tuple[str, str], total: int, clients: int) -> dict[str, float]:
    counter = iter(range(total))
    lock = threading.Lock()
    errors = [0]

    def work() -> None:
        s = _session(*auth)
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            body = {"Queue": "General", "Subject": f"Bench printer jam {n}",
                    "Content": f"Paper jam on floor {n}"}  # fmt: skip
            r = s.post(f"{base}/REST/2.0/ticket", data=json.dumps(body), timeout=120)
            if r.status_code != 201:
                with lock:
                    errors[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - started
    return {"clients": clients, "tickets": total, "seconds": round(seconds, 1),
            "per_second": round(total / seconds, 2), "errors": errors[0]}  # fmt: skip


def listing(base: str, auth: tuple[str, str], n: int) -> dict[str, float]:
    s = _session(*auth)
    query = "Queue='General' AND Status='new'"
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = s.get(f"{base}/REST/2.0/tickets", params={"query": query, "per_page": 50}, timeout=60)
        r.raise_for_status()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"requests": n, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * n) - 1], 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8099")
    parser.add_argument("--user", default="root")
    parser.add_argument("--password", default="bench-rt-password")
    parser.add_argument("--create", type=int, default=200)
    parser.add_argument("--lists", type=int, default=100)
    args = parser.parse_args()
    auth = (args.user, args.password)
    result = {
        "create": [create(args.base, auth, args.create, c) for c in (1, 8)],
        "list": listing(args.base, auth, args.lists),
    }
    (HERE / "rt_results.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
