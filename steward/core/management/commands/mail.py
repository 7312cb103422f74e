import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from steward.core.mail import listening, mail_handlers, max_message_bytes


class Command(BaseCommand):
    help = "Receive mail over SMTP and hand each message to the registered mail handlers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            help="Largest message accepted (default: STEWARD_MAX_UPLOAD_MB).",
        )

    def handle(
        self, *args: Any, host: str, port: int, max_bytes: int | None, **options: Any
    ) -> None:
        limit = max_bytes or max_message_bytes()
        if limit <= 0:
            raise CommandError("--max-bytes must be positive")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        names = ", ".join(h.name for h in mail_handlers()) or "none"
        try:
            with listening(host, port, max_bytes=limit):
                self.stdout.write(
                    f"Steward mail listening on {host}:{port} "
                    f"(max {limit} bytes; handlers: {names})"
                )
                self.stdout.flush()
                stop.wait()
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
        self.stdout.write("Steward mail stopped")
