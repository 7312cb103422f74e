"""A bounded load generator on loopback: wrk with a Lua script per scenario.

wrk runs ``clients`` connections on ``clients`` threads for a fixed duration and reports the
latency distribution it measured itself, so the Python runner is not in the hot path.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DONE = r"""
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "socket_errors": %d, "status_errors": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""

THREADS = r"""
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
function init(args)
  math.randomseed(1000 + tid)
  counter = 0
end
"""


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    headers: dict[str, str]
    detail_ids: tuple[int, int] | None = None
    body_organisation: int | None = None

    def lua(self, tag: str) -> str:
        lines = [THREADS, DONE]
        lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in self.headers.items()]
        if self.detail_ids:
            low, high = self.detail_ids
            lines.append(
                "request = function()\n"
                f'  return wrk.format("GET", "{self.path}" .. math.random({low}, {high}) .. "/")\n'
                "end"
            )
        elif self.method == "POST":
            lines.append('wrk.headers["Content-Type"] = "application/json"')
            lines.append(
                "request = function()\n"
                "  counter = counter + 1\n"
                '  local body = string.format(\'{"first_name": "Bench", "last_name": '
                '"Post%d", "organisation": '
                f"{self.body_organisation}, "
                '"email": "post-%s-%d-%d@bench.example"}\', counter, '
                f'"{tag}", tid, counter)\n'
                f'  return wrk.format("POST", "{self.path}", nil, body)\n'
                "end"
            )
        else:
            lines.append(f'request = function() return wrk.format("GET", "{self.path}") end')
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_version() -> str:
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).splitlines()[0].strip()


def run(base_url: str, scenario: Scenario, clients: int, seconds: float, tag: str) -> Measurement:
    """Runs one scenario; raises RuntimeError if wrk fails or prints no summary."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(scenario.lua(tag))
    try:
        result = subprocess.run(
            [
                "wrk",
                f"--threads={clients}",
                f"--connections={clients}",
                f"--duration={max(1, round(seconds))}s",
                "--timeout=30s",
                f"--script={script.name}",
                base_url + scenario.path,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed for {scenario.name}: {result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH "))
    return Measurement(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["socket_errors"] + data["status_errors"],
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )
