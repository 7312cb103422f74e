"""Service-desk mail out: the acknowledgement of a new ticket, public replies of staff and the
resolution notice, to the requester (a directory person, often without a login, so by
address and not through ``notifications.notify``) and the ticket's watchers.

Each mail has the subject ``[INC-000123] title``, a Message-ID of ours (stored on the entry
for replies), In-Reply-To/References to the ticket's thread, an ``X-Loop`` marker and a
Reply-To to the service desk, and goes out from a task once the change has committed (the
events are delivered after commit). Internal notes are never mailed: the task re-reads the
entry and sends public replies only.

The reports area adds the survey link to the resolution notice with
``add_resolution_extra(provider)``; ``provider(ticket)`` returns a ``MailExtra`` (text and
HTML), rendered in the ``extra`` block of ``servicedesk/mail/resolved.*``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from steward.core import features, permissions
from steward.core.mail import loop_marker
from steward.core.tasks import task
from steward.servicedesk import mailids
from steward.servicedesk.models import EntryKind, Ticket, TicketEntry

log = logging.getLogger(__name__)

ACK, REPLY, RESOLVED = "ack", "reply", "resolved"
KINDS = (ACK, REPLY, RESOLVED)
MAX_REFERENCES = 10


@dataclass(frozen=True)
class MailExtra:
    text: str = ""
    html: str = ""
    """Already safe HTML (``format_html``): it is rendered as it is."""


_resolution_extras: list[Callable[[Ticket], MailExtra | None]] = []


def add_resolution_extra(provider: Callable[[Ticket], MailExtra | None]) -> None:
    """Let another area add a paragraph (the survey link) to the resolution notice."""
    if provider not in _resolution_extras:
        _resolution_extras.append(provider)


def resolution_mail_extra(ticket: Ticket) -> MailExtra:
    """What the registered providers add to the resolution mail of ``ticket``."""
    texts, htmls = [], []
    for provider in _resolution_extras:
        try:
            extra = provider(ticket)
        except Exception:
            log.exception("resolution mail extra %r failed for ticket %s", provider, ticket.pk)
            continue
        if extra is not None:
            texts.append(extra.text.strip())
            htmls.append(str(extra.html))
    return MailExtra(
        text="\n\n".join(t for t in texts if t),
        html=mark_safe("".join(htmls)),  # noqa: S308 - providers return safe HTML
    )


# --- events -> task -------------------------------------------------------------------------


def on_ticket_created(*, ticket_id: int, **payload: Any) -> None:
    send_ticket_mail.enqueue(kind=ACK, ticket_id=ticket_id)


def on_entry_added(
    *,
    ticket_id: int,
    entry_id: int,
    public: bool = False,
    by_requester: bool = True,
    **payload: Any,
) -> None:
    if public and not by_requester and payload.get("kind", EntryKind.REPLY) == EntryKind.REPLY:
        send_ticket_mail.enqueue(kind=REPLY, ticket_id=ticket_id, entry_id=entry_id)


def on_ticket_resolved(*, ticket_id: int, **payload: Any) -> None:
    send_ticket_mail.enqueue(kind=RESOLVED, ticket_id=ticket_id)


@task()
def send_ticket_mail(kind: str, ticket_id: int, entry_id: int | None = None) -> int:
    """Builds and sends one ticket mail; returns how many messages went out (0 or 1)."""
    message = ticket_message(kind=kind, ticket_id=ticket_id, entry_id=entry_id)
    if message is None:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages([message]) or 0)


# --- building -------------------------------------------------------------------------------


def _usable(address: str) -> bool:
    address = (address or "").strip().lower()
    desk = {a.strip().lower() for a in settings.SERVICEDESK_MAIL_ADDRESSES}
    return "@" in address and address not in desk


def _url(name: str, pk: int) -> str:
    try:
        path = reverse(name, args=[pk])
    except NoReverseMatch:
        return ""
    return f"{settings.BASE_URL}{path}"


def recipients(ticket: Ticket, kind: str, entry: TicketEntry | None) -> tuple[list[str], list[str]]:
    """(to, cc): the requester, and for replies and the resolution the watchers; never the
    author of the entry or a service-desk address."""
    requester = ticket.requester
    to = [requester.email] if requester.is_active and _usable(requester.email) else []
    cc: list[str] = []
    if kind != ACK:
        author_email = (entry.author.email if entry and entry.author else "").lower()
        seen = {a.lower() for a in to} | {author_email}
        for watch in features.watchers_of(ticket):
            address = (watch.user.email or "").strip()
            if (
                watch.user.is_active
                and _usable(address)
                and address.lower() not in seen
                and permissions.can(watch.user, "view", ticket)
            ):
                seen.add(address.lower())
                cc.append(address)
        if author_email and to and to[0].lower() == author_email:
            to = []
    return to, cc


def thread_headers(ticket: Ticket, entry: TicketEntry | None) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a new mail about ``ticket``: the fixed thread root first,
    then the latest Message-IDs of the ticket's conversation before ``entry``."""
    ids = TicketEntry.objects.filter(ticket=ticket).exclude(message_id="")
    if entry is not None:
        ids = ids.exclude(pk=entry.pk).filter(created_at__lte=entry.created_at)
    known = list(ids.order_by("created_at", "id").values_list("message_id", flat=True))
    root = mailids.thread_root(ticket.pk)
    chain = [root, *[m for m in known if m != root]]
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], chain[1], *chain[-(MAX_REFERENCES - 2) :]]
    return chain[-1], chain


def ticket_message(
    *, kind: str, ticket_id: int, entry_id: int | None = None
) -> EmailMultiAlternatives | None:
    """The mail for one event, or None when there is nobody to send it to (or the entry is
    an internal note, or gone)."""
    if kind not in KINDS:
        raise ValueError(f"unknown ticket mail kind {kind!r}")
    ticket = (
        Ticket.objects.select_related("requester", "assignee", "team").filter(pk=ticket_id).first()
    )
    if ticket is None:
        return None
    entry = None
    if kind == REPLY:
        entry = (
            TicketEntry.objects.select_related("author")
            .filter(pk=entry_id, ticket=ticket, kind=EntryKind.REPLY)
            .first()
        )
        if entry is None:
            return None
    to, cc = recipients(ticket, kind, entry)
    if not to and not cc:
        return None
    message_id = mailids.issue(ticket.pk, kind)
    if entry is not None:
        if entry.message_id:
            message_id = entry.message_id if mailids.ticket_id_of(entry.message_id) else message_id
        else:
            TicketEntry.objects.filter(pk=entry.pk, message_id="").update(message_id=message_id)
    in_reply_to, references = thread_headers(ticket, entry)
    context = {
        "ticket": ticket,
        "entry": entry,
        "requester": ticket.requester,
        # Only people with a login can follow the ticket in the portal.
        "portal_url": _url("portal:ticket_detail", ticket.pk) if ticket.requester.user_id else "",
        "agent_url": _url("servicedesk:ticket_detail", ticket.pk),
        "extra": resolution_mail_extra(ticket) if kind == RESOLVED else MailExtra(),
    }
    template = {ACK: "acknowledgement", REPLY: "reply", RESOLVED: "resolved"}[kind]
    with translation.override(ticket.requester.language or settings.LANGUAGE_CODE):
        text = render_to_string(f"servicedesk/mail/{template}.txt", context)
        html = render_to_string(f"servicedesk/mail/{template}.html", context)
    headers = {
        "Message-ID": message_id,
        "In-Reply-To": in_reply_to,
        "References": " ".join(references),
        "X-Loop": loop_marker(),
        "X-Steward-Ticket": ticket.reference,
    }
    if kind == ACK:
        headers["Auto-Submitted"] = "auto-replied"
    elif kind == RESOLVED:
        headers["Auto-Submitted"] = "auto-generated"
    desk = [a for a in settings.SERVICEDESK_MAIL_ADDRESSES if a.strip()]
    message = EmailMultiAlternatives(
        subject=subject_of(ticket),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        cc=cc,
        reply_to=desk[:1] or None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def subject_of(ticket: Ticket) -> str:
    title = " ".join(ticket.title.split())
    return f"[{ticket.reference}] {title}"
