"""The e-mail channel end to end: the real client swaks against the SMTP listener on
127.0.0.1 and a free port, tickets in the database and replies in the outbox."""

from __future__ import annotations

import base64

import pytest
from django.core import mail as django_mail

from steward.core import mail
from steward.core.features import attachments_for
from steward.notifications.models import InboundMessage
from steward.servicedesk import mailids
from steward.servicedesk.models import EntryKind, Ticket, TicketEntry
from steward.servicedesk.tests.mail_world import DESK, desk_fixture, free_port, swaks  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


@pytest.fixture
def listener(desk):
    port = free_port()
    with mail.listening("127.0.0.1", port, max_bytes=20_000):
        yield port


def send(port: int, *args: str, sender: str = "acme_contact@acme.example") -> str:
    result = swaks(port, "--from", sender, "--to", DESK, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "250 Message accepted" in output
    return output


def test_a_plain_mail_over_smtp_opens_a_ticket_and_is_acknowledged(listener):
    send(
        listener,
        "--header", "Subject: Laptop IT-000042 does not boot",
        "--header", "Message-Id: <ticket-req-0001@acme.example>",
        "--body", "My laptop IT-000042 does not boot since this morning.",
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert ticket.title == "Laptop IT-000042 does not boot"
    assert ticket.requester.email == "acme_contact@acme.example"
    assert ticket.description == "My laptop IT-000042 does not boot since this morning."
    assert not InboundMessage.objects.exists()
    [ack] = django_mail.outbox
    assert ack.subject == f"[{ticket.reference}] Laptop IT-000042 does not boot"
    assert ack.extra_headers["In-Reply-To"] == "<ticket-req-0001@acme.example>"


def test_two_attachments_are_kept_including_a_raw_utf8_file_name(listener, tmp_path):
    csv = tmp_path / "inventory.csv"
    csv.write_bytes(b"hostname,asset_tag\nsrv01,IT-000042\n")
    gif = tmp_path / "screenshot.gif"
    gif.write_bytes(GIF)
    send(
        listener,
        "--header", "Subject: Screenshot and inventory attached",
        "--body", "See the two files.",
        "--attach-type", "text/csv", "--attach-name", "inventory.csv", "--attach", f"@{csv}",
        "--attach-type", "image/gif", "--attach-name", "écran 1.gif", "--attach", f"@{gif}",
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert ticket.description == "See the two files."
    kept = {a.name: a for a in attachments_for(ticket, None)}
    assert sorted(kept) == ["inventory.csv", "écran_1.gif"]
    assert kept["écran_1.gif"].file.read() == GIF
    assert kept["inventory.csv"].size == csv.stat().st_size


def test_replies_thread_by_subject_reference_and_by_in_reply_to(listener):
    send(
        listener,
        "--header", "Subject: Printer on floor 2",
        "--header", "Message-Id: <p1@acme.example>",
        "--body", "It jams.",
    )  # fmt: skip
    ticket = Ticket.objects.get()
    send(
        listener,
        "--header", f"Subject: Re: [{ticket.reference}] Printer on floor 2",
        "--header", "Message-Id: <p2@acme.example>",
        "--body", "Still jammed.\n\nOn Mon, 23 Nov 2026 helpdesk wrote:\n> Did you try?",
    )  # fmt: skip
    send(
        listener,
        "--header", "Subject: Re: Printer",
        "--header", "Message-Id: <p3@acme.example>",
        "--header", "In-Reply-To: <p1@acme.example>",
        "--header", "References: <p1@acme.example>",
        "--body", "Now it works.",
    )  # fmt: skip
    assert Ticket.objects.count() == 1
    replies = TicketEntry.objects.filter(ticket=ticket, kind=EntryKind.REPLY).order_by("id")
    assert [(e.body, e.message_id) for e in replies] == [
        ("Still jammed.", "<p2@acme.example>"),
        ("Now it works.", "<p3@acme.example>"),
    ]


def test_a_reply_to_our_acknowledgement_threads_onto_its_ticket(listener):
    send(listener, "--header", "Subject: VPN down", "--body", "No VPN.")
    ticket = Ticket.objects.get()
    [ack] = django_mail.outbox
    ours = ack.extra_headers["Message-ID"]
    assert mailids.ticket_id_of(ours) == ticket.pk
    send(
        listener,
        "--header", "Subject: Re: something",
        "--header", f"In-Reply-To: {ours}",
        "--header", f"References: {ack.extra_headers['References']}",
        "--body", "Back again, thanks.",
    )  # fmt: skip
    assert (
        TicketEntry.objects.get(ticket=ticket, kind=EntryKind.REPLY).body == "Back again, thanks."
    )


def test_an_auto_reply_and_a_bounce_open_nothing_and_are_quarantined(listener):
    send(
        listener,
        "--header", "Subject: Out of office",
        "--header", "Auto-Submitted: auto-replied",
        "--body", "I am away until Monday.",
    )  # fmt: skip
    send(
        listener,
        "--header", "Subject: Undelivered Mail Returned to Sender",
        "--body", "This is the mail system.",
        sender="<>",
    )  # fmt: skip
    assert not Ticket.objects.exists()
    stored = list(InboundMessage.objects.order_by("id").values_list("reason", "detail"))
    assert stored == [
        ("auto-reply", "Auto-Submitted: auto-replied"),
        ("auto-reply", "null envelope sender (bounce)"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"To: " + DESK.encode() + b"\r\nSubject: who am I\r\n\r\nNo sender.\r\n", "no-from"),
        (
            b"From: acme_contact@acme.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="aaa"\r\n\r\n--bbb\r\nlost\r\n',
            "malformed",
        ),
        (
            b"From: acme_contact@acme.example\r\nSubject: klingon\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla'\r\n",
            "unknown-charset",
        ),
    ],
    ids=["no-from", "broken-mime", "unknown-charset"],
)
def test_malformed_mail_over_smtp_is_quarantined_with_its_reason(listener, tmp_path, data, reason):
    message = tmp_path / "message.eml"
    message.write_bytes(data)
    send(listener, "--data", f"@{message}")
    assert not Ticket.objects.exists()
    stored = InboundMessage.objects.get()
    assert stored.reason == reason
    kept = bytes(stored.raw).replace(b"\r\n", b"\n").rstrip()
    assert kept == data.replace(b"\r\n", b"\n").rstrip()


def test_an_oversize_mail_is_refused_at_smtp_level_with_the_reason(listener):
    result = swaks(
        listener,
        "--from", "acme_contact@acme.example",
        "--to", DESK,
        "--body", "\n".join(["x" * 70] * 400),
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "552" in output
    assert not Ticket.objects.exists() and not InboundMessage.objects.exists()
