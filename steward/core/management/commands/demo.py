import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from steward.core.registry import demo_loaders

SEED = 20261124


def seed_demo(log: Callable[[str], None]) -> dict[str, str]:
    """Runs every app's demo loader with one fixed seed; returns logins and their roles."""
    password_file = settings.DATA_DIR / "demo_password"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(12))
        password_file.chmod(0o600)
    password = password_file.read_text().strip()
    logins: dict[str, str] = {}
    for _order, name, loader in demo_loaders:
        started = time.monotonic()
        with transaction.atomic():
            result = loader(
                rng=random.Random(f"{SEED}-{name}"),
                log=lambda m, n=name: log(f"[{n}] {m}"),
                password=password,
            )
        if isinstance(result, dict):
            logins.update(result)
        log(f"[{name}] done in {time.monotonic() - started:.1f}s")
    return logins | {"__password__": password}


class Command(BaseCommand):
    help = "Migrate, load the demo organisation (once), then run web and worker on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--mail-port",
            type=int,
            default=2525,
            help="Port of the inbound SMTP listener (approval replies, tickets).",
        )
        parser.add_argument("--no-serve", action="store_true", help="Only migrate and load data.")

    def handle(
        self, *args: Any, host: str, port: int, mail_port: int, no_serve: bool, **options: Any
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready in " + str(settings.DATA_DIR))
        logins = seed_demo(lambda m: self.stdout.write(m))
        password = logins.pop("__password__")
        if no_serve:
            self.stdout.write(f"Demo data ready. Logins (password for all: {password}):")
            for username, role in logins.items():
                self.stdout.write(f"  {username:<10} {role}")
            return
        steward = [sys.executable, "-m", "steward.config.cli"]
        children = [
            subprocess.Popen([*steward, "worker"]),
            subprocess.Popen([*steward, "mail", "--host", host, "--port", str(mail_port)]),
            subprocess.Popen(
                [*steward, "serve", "--host", host, "--port", str(port), "--workers", "2"]
            ),
        ]
        time.sleep(2)
        self._print(host, port, logins, password)
        self.stdout.write(f"Inbound mail (SMTP) on {host}:{mail_port}")
        try:
            while all(c.poll() is None for c in children):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _print(self, host: str, port: int, logins: dict[str, str], password: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Steward is running at http://{host}:{port}/"))
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, role in logins.items():
            self.stdout.write(f"  {username:<10} {role}")
        self.stdout.write("Stop with Ctrl+C.")
