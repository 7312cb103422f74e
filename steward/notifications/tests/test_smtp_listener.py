"""The SMTP listener against the real client swaks, on 127.0.0.1."""

import shutil
import socket
import subprocess
from contextlib import closing

import pytest

from conftest import require_service
from steward.core import mail
from steward.notifications.models import InboundMessage
from steward.org.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


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


@pytest.fixture
def listener():
    port = free_port()
    with mail.listening("127.0.0.1", port, max_bytes=4000):
        yield port


def test_mail_no_handler_takes_arrives_over_smtp_and_is_quarantined(listener):
    result = swaks(
        listener,
        "--from", "alice@example.test",
        "--to", "helpdesk@steward.example.test",
        "--header", "Subject: Laptop IT-000042 does not boot",
        "--header", "Message-Id: <ticket-req-0001@example.test>",
        "--body", "My laptop does not boot.",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "250 Message accepted" in result.stdout
    stored = InboundMessage.objects.get()
    assert (stored.reason, stored.envelope_from) == ("no-handler", "alice@example.test")
    assert stored.envelope_to == ["helpdesk@steward.example.test"]
    assert stored.message_id == "<ticket-req-0001@example.test>"
    assert b"X-Mailer: swaks" in bytes(stored.raw)


def test_over_size_message_is_refused_at_smtp_level(listener):
    result = swaks(
        listener,
        "--from", "alice@example.test",
        "--to", "helpdesk@steward.example.test",
        "--body", "\n".join(["x" * 70] * 80),
    )  # fmt: skip
    assert result.returncode != 0
    assert "552" in result.stdout + result.stderr
    assert not InboundMessage.objects.exists()


def test_registered_handler_acts_on_mail_from_swaks(listener):
    def handle(msg):
        Organisation.objects.create(name=str(msg["Subject"]), notes=mail.body_text(msg).strip())

    mail.register_mail_handler("test.swaks", lambda msg: "orgs@" in msg.recipients()[0], handle)
    try:
        result = swaks(
            listener,
            "--from", "alice@example.test",
            "--to", "orgs@steward.example.test",
            "--header", "Subject: =?UTF-8?Q?Imprimante_=C3=A9tage_2?=",
            "--body", "Imprimante bloquée.",
        )  # fmt: skip
    finally:
        mail._handlers[:] = [h for h in mail._handlers if h.name != "test.swaks"]
    assert result.returncode == 0, result.stdout + result.stderr
    org = Organisation.objects.get(name="Imprimante étage 2")
    assert org.notes == "Imprimante bloquée."
    assert not InboundMessage.objects.exists()
