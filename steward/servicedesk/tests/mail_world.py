"""Fixtures and helpers of the e-mail channel tests (mail area)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from contextlib import closing

import pytest

from conftest import require_service
from steward.core import mail

DESK = "servicedesk@steward.localhost"


@pytest.fixture(name="desk")
def desk_fixture(settings, org_world):
    """The org world with a service-desk address, tasks run at once (mail goes to the
    locmem outbox) and a person of the internal organisation at internal.example."""
    settings.SERVICEDESK_MAIL_ADDRESSES = [DESK]
    settings.SERVICEDESK_MAIL_DEFAULT_ORGANISATION = ""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    internal = org_world["internal"]
    internal.mail_domain = "internal.example"
    internal.save()
    return org_world


def eml(*headers: str, body: str = "My laptop does not boot.\n", to: str = DESK) -> bytes:
    """A message; ``"Name: value"`` replaces a default header, ``"Name: "`` drops it."""
    base = {
        "From": "Alice Martin <alice@acme.example>",
        "To": to,
        "Subject": "Laptop does not boot",
        "Message-ID": "<m1@acme.example>",
        "Date": "Mon, 23 Nov 2026 18:58:35 +0000",
    }
    extra = []
    for header in headers:
        name, _, value = header.partition(": ")
        if name in base:
            base[name] = value
        else:
            extra.append((name, value))
    lines = [f"{k}: {v}" for k, v in [*base.items(), *extra] if v]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def deliver(raw: bytes, *, sender: str = "alice@acme.example", to: str = DESK) -> mail.Outcome:
    """What the SMTP listener does with one message (run the events and tasks after commit
    with ``django_capture_on_commit_callbacks(execute=True)``)."""
    return mail.dispatch(raw, envelope_from=sender, envelope_to=[to])


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def swaks(port: int, *args: str) -> subprocess.CompletedProcess:
    require_service("swaks (apt-get install swaks)", shutil.which("swaks") is not None)
    return subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{port}", "--helo", "client.example.test", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
