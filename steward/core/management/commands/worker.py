import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from steward.core.jobs import schedules_tick


def _scheduler(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            schedules_tick()
        except Exception:
            import logging

            logging.getLogger(__name__).exception("schedule tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)


class Command(BaseCommand):
    help = "Run background jobs and periodic schedules. Start as many as you like."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of the job queue."
        )
        parser.add_argument("--schedule-interval", type=float, default=15.0)
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(
        self,
        *args: Any,
        interval: float,
        schedule_interval: float,
        max_tasks: int | None,
        **options: Any,
    ) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=_scheduler, args=(stop, schedule_interval), daemon=True)
        thread.start()
        self.stdout.write(f"Steward worker started at {time.strftime('%H:%M:%S')}")
        kwargs: dict[str, Any] = {"interval": interval, "queue_name": "*"}
        if max_tasks:
            kwargs["max_tasks"] = max_tasks
        try:
            call_command("db_worker", **kwargs)
        finally:
            stop.set()
