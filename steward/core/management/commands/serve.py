import gc
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from steward.config import env


def default_workers() -> int:
    configured = env.get("STEWARD_WEB_WORKERS")
    if configured:
        if not configured.isdecimal():
            raise CommandError(f"STEWARD_WEB_WORKERS must be a whole number, not {configured!r}")
        return max(1, int(configured))
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Run the production web server (gunicorn, several workers, static files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--threads", type=int, default=1)

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int | None,
        threads: int,
        **options: Any,
    ) -> None:
        from gunicorn.app.base import BaseApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        from steward.config.wsgi import application

        workers = workers or default_workers()
        config = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "accesslog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
            "child_exit": _child_exit,
            "post_worker_init": _freeze_loaded_objects,
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Steward serving on http://{host}:{port}/ with {workers} workers")
        Server().run()


def _freeze_loaded_objects(worker: Any) -> None:
    """Once a worker has loaded the application, its modules, URL patterns, templates and
    settings live as long as it does: moved out of the collector's generations, a full
    collection during a request no longer walks them all (fewer long pauses)."""
    gc.collect()
    gc.freeze()


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
