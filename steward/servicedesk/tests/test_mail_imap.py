"""IMAP polling against a real, throwaway Dovecot on 127.0.0.1 (Debian's dovecot-imapd)."""

from __future__ import annotations

import getpass
import imaplib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from conftest import require_service
from steward.core.jobs import job_execute, job_start
from steward.core.models.jobs import JobStatus, Schedule
from steward.notifications.models import InboundMessage
from steward.servicedesk import mailpoll
from steward.servicedesk.models import Ticket
from steward.servicedesk.tests.mail_world import desk_fixture, eml, free_port  # noqa: F401

pytestmark = pytest.mark.django_db

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "imap-test-secret"


def _config(folder: Path, port: int) -> str:
    if os.geteuid() == 0:
        user, group = "nobody", "nogroup"
        shutil.chown(folder / "mail", user, group)
        extra = ""
    else:
        user, group = getpass.getuser(), str(os.getgid())
        extra = f"default_login_user = {user}\ndefault_internal_user = {user}\n"
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = steward-test-{port}
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{folder}/mail/%u
{extra}
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot(settings):
    """A Dovecot with one mailbox, started for the test; ``settings.IMAP`` points to it."""
    require_service("dovecot (apt-get install dovecot-imapd)", os.access(DOVECOT, os.X_OK))
    folder = Path(tempfile.mkdtemp(prefix="steward-imap-"))
    folder.chmod(0o755)
    (folder / "mail").mkdir()
    port = free_port()
    (folder / "dovecot.conf").write_text(_config(folder, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"dovecot stopped: {process.stderr.read().decode()}")
                time.sleep(0.1)
        settings.IMAP = {
            "HOST": "127.0.0.1",
            "PORT": port,
            "USER": "desk",
            "PASSWORD": PASSWORD,
            "SECURITY": "none",
            "FOLDER": "INBOX",
            "DONE_FOLDER": "",
            "INTERVAL": 60,
        }
        yield settings.IMAP
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def mailbox(config):
    imap = imaplib.IMAP4(config["HOST"], config["PORT"])
    imap.login(config["USER"], config["PASSWORD"])
    return imap


def put(config, *messages: bytes) -> None:
    imap = mailbox(config)
    for raw in messages:
        status, _data = imap.append("INBOX", None, None, raw)
        assert status == "OK"
    imap.logout()


def flags(config, folder: str = "INBOX") -> list[str]:
    imap = mailbox(config)
    _status, count = imap.select(folder, readonly=True)
    if count[0] == b"0":
        imap.logout()
        return []
    _status, data = imap.fetch("1:*", "(FLAGS)")
    imap.logout()
    return [line.decode() for line in data if line]


def test_poll_opens_tickets_quarantines_auto_replies_and_marks_both_seen(desk, dovecot):
    put(dovecot, eml(), eml("Auto-Submitted: auto-replied", "Message-ID: <ooo@acme.example>"))
    result = mailpoll.poll()
    assert (result.fetched, result.handled, result.quarantined) == (2, 1, 1)
    assert Ticket.objects.get().requester.email == "alice@acme.example"
    assert InboundMessage.objects.get().reason == "auto-reply"
    assert all("\\Seen" in line for line in flags(dovecot))
    assert mailpoll.poll().fetched == 0


def test_a_message_stays_unseen_when_it_could_not_be_stored(desk, dovecot, monkeypatch):
    put(dovecot, eml())

    def store_down(*args, **kwargs):
        raise OSError("database is down")

    monkeypatch.setattr(mailpoll.mail, "dispatch", store_down)
    with pytest.raises(OSError):
        mailpoll.poll()
    assert not any("\\Seen" in line for line in flags(dovecot))
    monkeypatch.undo()
    assert mailpoll.poll().handled == 1
    assert Ticket.objects.count() == 1


def test_taken_mail_is_moved_to_the_done_folder(desk, dovecot):
    imap = mailbox(dovecot)
    assert imap.create("Done")[0] == "OK"
    imap.logout()
    dovecot["DONE_FOLDER"] = "Done"
    put(dovecot, eml())
    assert mailpoll.poll().handled == 1
    assert flags(dovecot) == []
    assert len(flags(dovecot, "Done")) == 1


def test_a_message_over_the_size_limit_is_quarantined_by_its_headers_and_left(
    desk, dovecot, settings
):
    settings.MAX_UPLOAD_BYTES = 2_000
    put(dovecot, eml(body="x" * 5_000))
    result = mailpoll.poll()
    assert (result.fetched, result.quarantined) == (1, 1)
    stored = InboundMessage.objects.get()
    assert stored.reason == mailpoll.TOO_LARGE
    assert stored.sender == "alice@acme.example" and "over the limit" in stored.detail
    assert b"xxxx" not in bytes(stored.raw)
    assert not Ticket.objects.exists()
    assert len(flags(dovecot)) == 1


def test_the_mail_poll_command_and_the_scheduled_job_take_the_mailbox(desk, dovecot, capsys):
    put(dovecot, eml())
    call_command("mail-poll")
    assert "fetched 1: 1 taken, 0 quarantined" in capsys.readouterr().out
    mailpoll.ensure_schedule()
    assert Schedule.objects.get(handler=mailpoll.JOB).interval_seconds == 60
    put(dovecot, eml("Message-ID: <second@acme.example>", "Subject: Second"))
    job = job_execute(job_start(handler=mailpoll.JOB, name="poll"))
    assert job.status == JobStatus.SUCCEEDED, job.log
    assert job.result["handled"] == 1
    assert Ticket.objects.count() == 2


def test_without_imap_settings_nothing_is_scheduled_and_the_command_says_why(desk, settings):
    settings.IMAP = {**settings.IMAP, "HOST": ""}
    mailpoll.ensure_schedule()
    assert not Schedule.objects.filter(handler=mailpoll.JOB).exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="STEWARD_IMAP_HOST"):
        call_command("mail-poll")
