"""``steward mail-poll``: fetch the service desk's mail from an IMAP mailbox (STEWARD_IMAP_*),
once or every few seconds. The worker runs the same poll on a schedule."""

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from steward.servicedesk import mailpoll


class Command(BaseCommand):
    help = "Fetch unseen mail from the service desk's IMAP mailbox and hand it to the handlers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Poll again every N seconds until stopped."
        )
        parser.add_argument("--limit", type=int, default=200, help="Most messages per poll.")

    def handle(self, *args: Any, every: int, limit: int, **options: Any) -> None:
        if not mailpoll.configured():
            raise CommandError(
                "STEWARD_IMAP_HOST is not set; see docs/user-guide/service-desk-email.md"
            )
        if every < 0 or limit <= 0:
            raise CommandError("--every must be 0 or more and --limit positive")
        stop = threading.Event()
        if every:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            try:
                result = mailpoll.poll(limit=limit)
            except (OSError, mailpoll.imaplib.IMAP4.error) as exc:
                if not every:
                    raise CommandError(f"IMAP poll failed: {exc}") from exc
                self.stderr.write(f"IMAP poll failed: {exc}")
            else:
                self.stdout.write(
                    f"fetched {result.fetched}: {result.handled} taken, "
                    f"{result.quarantined} quarantined"
                )
            self.stdout.flush()
            if not every or stop.wait(every):
                return
