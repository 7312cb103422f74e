"""The ``steward`` command: Django's management commands plus serve, worker, demo,
createadmin, token, backup and restore. Every write it makes is audited as ``cli``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.config.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        _prepare_multiprocess_metrics()
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from steward.core.context import Origin, change_context

    with change_context(origin=Origin.CLI):
        execute_from_command_line(sys.argv)


def _prepare_multiprocess_metrics() -> None:
    """Gunicorn workers share metrics through files; prometheus_client reads the folder at
    import time, so it is set before Django (and the metrics module) loads."""
    import shutil

    from steward.config import env

    folder = env.data_dir() / "prometheus"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


if __name__ == "__main__":
    main()
