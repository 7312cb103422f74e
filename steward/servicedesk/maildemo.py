"""Demo mail: a few messages through the real inbound pipeline, so that the demo shows a ticket
opened and answered by e-mail (with an attachment) and a quarantine with something to review
(an out-of-office reply, a bounce and a sender of an unknown domain)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.conf import settings

from steward.core import mail
from steward.servicedesk.models import TicketEntry

FIRST = "<demo-mail-1@northwind.example>"
SENDER = "Dana Whitfield <dana.whitfield@northwind.example>"


def _message(*headers: str, body: str) -> bytes:
    lines = [*headers, "Date: Mon, 23 Nov 2026 08:12:00 +0000"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def _messages(desk: str) -> list[tuple[str, bytes]]:
    boundary = "demo-boundary-1"
    first = _message(
        f"From: {SENDER}",
        f"To: {desk}",
        "Subject: RE: [EXT] Outlook keeps asking for my password",
        f"Message-ID: {FIRST}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        body=f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n"
        "Hello,\n\nsince this morning Outlook asks for my password every few minutes.\n"
        "The log of the sign-in assistant is attached.\n\nDana\n"
        f'--{boundary}\nContent-Type: text/csv; name="signin-log.csv"\n'
        'Content-Disposition: attachment; filename="signin-log.csv"\n\n'
        "time,result\n08:01,prompted\n08:05,prompted\n"
        f"--{boundary}--\n",
    )
    reply = _message(
        f"From: {SENDER}",
        f"To: {desk}",
        "Subject: Re: Outlook keeps asking for my password",
        "Message-ID: <demo-mail-2@northwind.example>",
        f"In-Reply-To: {FIRST}",
        f"References: {FIRST}",
        body="It also happens on my phone.\n\nOn Mon, Dana wrote:\n> since this morning...\n",
    )
    away = _message(
        f"From: {SENDER}",
        f"To: {desk}",
        "Subject: Out of office: Outlook keeps asking for my password",
        "Message-ID: <demo-mail-3@northwind.example>",
        "Auto-Submitted: auto-replied",
        body="I am out of the office until Monday.\n",
    )
    unknown = _message(
        "From: Sam Okafor <sam@unknown-startup.example>",
        f"To: {desk}",
        "Subject: Can we get access to your status API?",
        "Message-ID: <demo-mail-4@unknown-startup.example>",
        body="Hi, we are a new partner. Who do we talk to?\n",
    )
    bounce = _message(
        "From: Mail Delivery System <MAILER-DAEMON@mx.northwind.example>",
        f"To: {desk}",
        "Subject: Undelivered Mail Returned to Sender",
        "Message-ID: <demo-mail-5@mx.northwind.example>",
        body="This is the mail system. Your message could not be delivered.\n",
    )
    dana = "dana.whitfield@northwind.example"
    return [
        (dana, first),
        (dana, reply),
        (dana, away),
        ("sam@unknown-startup.example", unknown),
        ("", bounce),
    ]


def load(*, rng: random.Random, log: Callable[[str], None], **_kw: Any) -> None:
    if TicketEntry.objects.filter(message_id=FIRST).exists():
        log("demo mail already delivered")
        return
    addresses = [a for a in settings.SERVICEDESK_MAIL_ADDRESSES if a.strip()]
    if not addresses:
        log("no service-desk address (STEWARD_SERVICEDESK_ADDRESSES): no demo mail")
        return
    desk = addresses[0]
    outcomes = [
        mail.dispatch(raw, envelope_from=sender, envelope_to=[desk])
        for sender, raw in _messages(desk)
    ]
    taken = sum(1 for o in outcomes if o.handled)
    log(f"{len(outcomes)} demo mails to {desk}: {taken} taken, {len(outcomes) - taken} quarantined")
