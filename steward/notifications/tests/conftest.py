from __future__ import annotations

import pytest


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in this process (what ``steward worker`` would do)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def events_registered():
    from steward.notifications.services import event_register

    event_register("test.ping", "Ping")
    return "test.ping"


@pytest.fixture
def mail_handler():
    """Register a mail handler for one test: ``mail_handler(name, matches, handle)``."""
    from steward.core import mail

    added = []

    def register(name, matches, handle):
        mail.register_mail_handler(name, matches, handle)
        added.append(name)

    yield register
    mail._handlers[:] = [h for h in mail._handlers if h.name not in added]


def eml(*headers: str, body: str = "Hello.\n") -> bytes:
    base = {
        "From": "alice@example.test",
        "To": "helpdesk@steward.example.test",
        "Subject": "Printer on floor 2",
        "Message-ID": "<m1@example.test>",
    }
    for header in headers:
        name, _, value = header.partition(": ")
        base[name] = value
    lines = [f"{k}: {v}" for k, v in base.items() if v]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
