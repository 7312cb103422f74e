"""``steward mail`` as operators run it: a separate process on a real port, fed by swaks."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import require_service
from steward.notifications.tests.test_smtp_listener import free_port


def _steward(data_dir: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "STEWARD_DATA_DIR": str(data_dir), "STEWARD_MAX_UPLOAD_MB": "0.01"}
    env.pop("STEWARD_DATABASE_URL", None)
    command = [str(Path(sys.executable).with_name("steward")), *args]
    return subprocess.Popen(command, env=env, text=True, **kwargs)


def test_steward_mail_command_receives_quarantines_and_refuses_oversize(tmp_path):
    require_service("swaks (apt-get install swaks)", shutil.which("swaks") is not None)
    assert _steward(tmp_path, "migrate", "-v0").wait(timeout=120) == 0
    port = free_port()
    server = _steward(
        tmp_path, "mail", "--host", "127.0.0.1", "--port", str(port), stdout=subprocess.PIPE
    )
    try:
        assert "listening on 127.0.0.1" in server.stdout.readline()
        base = ["swaks", "--server", f"127.0.0.1:{port}", "--from", "alice@example.test"]
        sent = subprocess.run(
            [*base, "--to", "nobody@steward.localhost", "--body", "hello"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert sent.returncode == 0, sent.stdout
        big = subprocess.run(
            [*base, "--to", "nobody@steward.localhost", "--body", "\n".join(["y" * 70] * 200)],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert big.returncode != 0 and "552" in big.stdout
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    time.sleep(0.1)
    with sqlite3.connect(tmp_path / "steward.sqlite3") as db:
        rows = db.execute(
            "select reason, envelope_from from notifications_inboundmessage"
        ).fetchall()
    assert rows == [("no-handler", "alice@example.test")]
