"""The real `steward worker` process runs queued jobs from the database."""

import os
import subprocess
import sys

STEWARD = [sys.executable, "-m", "steward.config.cli"]


def run(args, env, **kwargs):
    return subprocess.run(
        [*STEWARD, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **kwargs,
    )


def test_worker_process_runs_a_queued_job_and_records_its_result(tmp_path):
    env = {**os.environ, "STEWARD_DATA_DIR": str(tmp_path), "STEWARD_DATABASE_URL": ""}
    run(["migrate", "-v", "0"], env)
    start = (
        "from django.db import transaction\n"
        "from steward.core import jobs\n"
        "with transaction.atomic():\n"
        "    job = jobs.job_start(handler='approvals.remind', name='Reminders now')\n"
        "print(job.pk)\n"
    )
    job_id = run(["shell", "-c", start], env).stdout.strip().splitlines()[-1]
    run(["worker", "--max-tasks", "1", "--interval", "0.2"], env)
    check = (
        "from steward.core.models import Job\n"
        f"job = Job.objects.get(pk='{job_id}')\n"
        "print(job.status, job.result)\n"
    )
    status = run(["shell", "-c", check], env).stdout.strip().splitlines()[-1]
    assert status.startswith("succeeded"), status
