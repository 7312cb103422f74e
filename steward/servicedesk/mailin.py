"""Service-desk mail in: a message to a service-desk address opens a ticket or answers one.

The core listener (``steward.core.mail``) parses the message and has already set aside
auto-replies, bounces and loops; this handler takes what is addressed to one of
``settings.SERVICEDESK_MAIL_ADDRESSES`` (the IMAP poller adds the first one to everything it
fetches). Rules, in order:

1. No From header, a From that is a service-desk address (a loop), broken MIME structure or an
   unknown charset: quarantined with the reason (``MailRejected``), never half-read.
2. A Message-ID already on a ticket entry: taken before (a redelivery), nothing happens.
3. The sender is found by address (any case), or added to the directory: organisation by the
   mail domain (or a parent domain) matching ``Organisation.mail_domain``, else the internal
   organisation for the domain of the service-desk addresses, else
   ``settings.SERVICEDESK_MAIL_DEFAULT_ORGANISATION``; none: quarantined as
   ``unknown-sender`` so that an administrator adds the person and re-processes it.
4. Threading: In-Reply-To/References naming an entry's Message-ID or one we issued, else
   ``[INC-000123]`` in the subject. A thread on a closed or cancelled ticket opens a new ticket
   related to the old one.
5. A reply from the requester, affected person, a watcher or staff is a public reply; from
   anyone else an internal note "from a third party" that an agent may pass on.
6. Attachments go to the ticket through the core attachment store (its size limit and
   executable check); a refused one is named in an internal note, never dropped silently.
"""

from __future__ import annotations

import codecs
import mimetypes
import re
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from steward.core import features
from steward.core.mail import InboundEmail, MailRejected, body_text
from steward.servicedesk import mailids
from steward.servicedesk.models import Channel, EntryKind, Status, Ticket, TicketEntry

NO_FROM = "no-from"
LOOP = "loop"
MALFORMED = "malformed"
UNKNOWN_CHARSET = "unknown-charset"
UNKNOWN_SENDER = "unknown-sender"
INVALID = "invalid"

MAX_TEXT = 100_000
REFERENCE = re.compile(r"\[\s*((?:INC|REQ)-\d{6,})\s*\]", re.IGNORECASE)
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|antw|rif|enc|odp|doorst)\s*(?:\[\d+\])?\s*[:：]"
    r"|\[\s*ext(?:ernal)?\s*\]|\(\s*ext(?:ernal)?\s*\))\s*",
    re.IGNORECASE,
)
_QUOTE_INTRO = re.compile(
    r"^(on .{1,200} wrote:|le .{1,200} a écrit\s*:|am .{1,200} schrieb .{0,100}:"
    r"|-{2,}\s*original message\s*-{2,}|_{5,})\s*$",
    re.IGNORECASE,
)
_ENCODED_WORD_CHARSET = re.compile(r"=\?([^?*\s]+)(?:\*[^?]*)?\?[bq]\?", re.IGNORECASE)
STRUCTURE_DEFECTS = (
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "CloseBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
    "MissingHeaderBodySeparatorDefect",
)


def desk_addresses() -> list[str]:
    return [a.strip().lower() for a in settings.SERVICEDESK_MAIL_ADDRESSES if a.strip()]


def is_desk_mail(msg: InboundEmail) -> bool:
    addresses = set(desk_addresses())
    return any(r.lower() in addresses for r in msg.recipients())


def clean_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, [EXT] tags and our ticket reference."""
    text = " ".join(str(subject or "").split())
    text = REFERENCE.sub(" ", text)
    previous = None
    while previous != text:
        previous, text = text, _PREFIX.sub("", text, count=1)
    return " ".join(text.split())


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the "On ... wrote:" line, without trailing quotes."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if _QUOTE_INTRO.match(line.strip()):
            lines = lines[:index]
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    kept = "\n".join(lines).strip()
    return kept or text.strip()


# --- checks -------------------------------------------------------------------------------


def _check_charsets(msg: EmailMessage) -> None:
    names = set()
    for name, value in msg.raw_items():  # raw: the decoded value hides the charset names
        if name.lower() in ("subject", "from"):
            names.update(_ENCODED_WORD_CHARSET.findall(str(value)))
    for part in msg.walk():
        if part.get_content_maintype() == "text" and part.get_param("charset"):
            names.add(str(part.get_param("charset")))
    for charset in names:
        try:
            codecs.lookup(charset)
        except LookupError:
            raise MailRejected(UNKNOWN_CHARSET, charset[:100]) from None


def _check_structure(msg: EmailMessage) -> None:
    for part in msg.walk():
        for defect in part.defects:
            if type(defect).__name__ in STRUCTURE_DEFECTS:
                raise MailRejected(MALFORMED, f"{type(defect).__name__}: {defect}"[:500])


def check(msg: InboundEmail) -> str:
    """The sender's address once the message is fit to act on; raises MailRejected."""
    if not str(msg.get("From", "")).strip():
        raise MailRejected(NO_FROM, _("The message has no From header."))
    sender = msg.sender()
    if "@" not in sender:
        raise MailRejected(NO_FROM, str(msg.get("From", ""))[:300])
    if sender in desk_addresses():
        raise MailRejected(LOOP, f"sent from the service-desk address {sender}")
    _check_structure(msg)
    _check_charsets(msg)
    return sender


# --- requester ----------------------------------------------------------------------------


def _names(display: str, address: str) -> tuple[str, str]:
    display = " ".join(display.replace('"', " ").split())
    if "," in display:
        last, _sep, first = display.partition(",")
        if first.strip() and last.strip():
            return first.strip(), last.strip()
    words = display.split() if display and "@" not in display else []
    if not words:
        local, _sep, _domain = address.partition("@")
        words = [w.capitalize() for w in re.split(r"[._\-+]+", local) if w]
    if len(words) >= 2:
        return " ".join(words[:-1]), words[-1]
    return (words[0] if words else address), f"({address.partition('@')[2]})"


def organisation_for(domain: str) -> Any:
    """The organisation of a mail domain (or of its nearest parent domain); else the internal
    organisation for the domain of the service desk's own addresses; else the configured
    default organisation; else None."""
    from steward.org.selectors import (
        internal_organisation,
        organisation_by_mail_domain,
        organisation_by_name,
    )

    labels = domain.strip().lower().rstrip(".").split(".")
    candidates = [".".join(labels[start:]) for start in range(len(labels) - 1)]
    for candidate in candidates:
        found = organisation_by_mail_domain(candidate)
        if found is not None:
            return found
    own = {address.rpartition("@")[2] for address in desk_addresses()}
    if own & set(candidates):
        return internal_organisation()
    return organisation_by_name(settings.SERVICEDESK_MAIL_DEFAULT_ORGANISATION or "")


def requester_for(msg: InboundEmail, sender: str) -> Any:
    """The directory person who sent the message, added when unknown; raises MailRejected."""
    from steward.org.selectors import person_by_email
    from steward.org.services import person_register

    person = person_by_email(sender)
    if person is not None:
        return person
    domain = sender.rpartition("@")[2]
    organisation = organisation_for(domain)
    if organisation is None:
        raise MailRejected(
            UNKNOWN_SENDER,
            f"{sender}: no organisation has the mail domain {domain} and no default "
            "organisation is set (STEWARD_SERVICEDESK_DEFAULT_ORG)",
        )
    first, last = _names(parseaddr(str(msg.get("From", "")))[0], sender)
    try:
        with transaction.atomic():
            return person_register(
                email=sender,
                first_name=first,
                last_name=last,
                organisation=organisation,
                actor=None,
            )
    except IntegrityError:  # the same new sender in two mails at once: the other one won
        person = person_by_email(sender)
        if person is None:
            raise
        return person
    except ValidationError as exc:
        raise MailRejected(INVALID, "; ".join(exc.messages)[:500]) from None


# --- threading ----------------------------------------------------------------------------


def _follow_merges(ticket: Ticket | None) -> Ticket | None:
    for _hop in range(5):
        if ticket is None or ticket.merged_into_id is None:
            return ticket
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
    return ticket


def thread_of(msg: InboundEmail) -> Ticket | None:
    """The ticket a message answers: by In-Reply-To/References, then by subject reference."""
    ids = mailids.ids_in(str(msg.get("In-Reply-To", ""))) + list(
        reversed(mailids.ids_in(str(msg.get("References", ""))))
    )
    ticket_id = next((t for t in map(mailids.ticket_id_of, ids) if t is not None), None)
    if ticket_id is None and ids:
        ticket_id = (
            TicketEntry.objects.filter(message_id__in=ids[:50])
            .order_by("-created_at", "-id")
            .values_list("ticket_id", flat=True)
            .first()
        )
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    if ticket is None:
        match = REFERENCE.search(str(msg.get("Subject", "")))
        if match:
            ticket = Ticket.objects.filter(reference=match.group(1).upper()).first()
    return _follow_merges(ticket)


def is_involved(ticket: Ticket, person: Any) -> bool:
    """Requester, affected person, a watcher or staff: their mail is a public reply."""
    from steward.servicedesk.services.lifecycle import is_staff

    if person.pk in (ticket.requester_id, ticket.affected_person_id):
        return True
    user = person.user if person.user_id else None
    if user is None or not user.is_active:
        return False
    return is_staff(user) or any(w.user_id == user.pk for w in features.watchers_of(ticket))


# --- attachments --------------------------------------------------------------------------


def _leaves(part: EmailMessage) -> list[EmailMessage]:
    if part.get_content_type() == "message/rfc822":
        return [part]
    if part.is_multipart():
        return [leaf for sub in part.iter_parts() for leaf in _leaves(sub)]  # type: ignore[arg-type]
    return [part]


def _filename(part: EmailMessage, index: int) -> str:
    name = part.get_filename() or ""
    # Raw 8-bit names (swaks --attach-name) may come as surrogates: they are UTF-8 bytes.
    name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
    if not name:
        if part.get_content_type() == "message/rfc822":
            return f"message-{index}.eml"
        extension = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = f"attachment-{index}{extension}"
    return name


def attachments_of(msg: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every part that is not the message's text."""
    body = msg.get_body(preferencelist=("plain", "html"))
    found = []
    for index, part in enumerate(_leaves(msg), start=1):
        if part is body:
            continue
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        else:
            is_text_alternative = kind in ("text/plain", "text/html") and not part.get_filename()
            if is_text_alternative and part.get_content_disposition() != "attachment":
                continue
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        found.append((_filename(part, index), data))
    return found


def keep_attachments(ticket: Ticket, msg: EmailMessage) -> list[str]:
    """Stores the attachments on the ticket; returns the refused ones with the reason."""
    refused = []
    for name, data in attachments_of(msg):
        upload = SimpleUploadedFile(name, data)
        try:
            with transaction.atomic():
                features.attachment_add(obj=ticket, upload=upload, user=None)
        except ValidationError as exc:
            refused.append(f"{name}: {' '.join(exc.messages)}")
    return refused


# --- the handler --------------------------------------------------------------------------


def text_of(msg: EmailMessage) -> str:
    try:
        text = body_text(msg)
    except LookupError as exc:
        raise MailRejected(UNKNOWN_CHARSET, str(exc)[:200]) from None
    except (ValueError, UnicodeError, AssertionError) as exc:
        raise MailRejected(MALFORMED, f"{type(exc).__name__}: {exc}"[:500]) from None
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 100].rstrip() + "\n\n" + _("[The rest of the message was cut.]")
    return text


def _act_as_sender(person: Any) -> None:
    """The audit of what this mail changes names the sender's login (if they have an active
    one) as the actor; the dispatcher's mail change context has no user of its own."""
    from steward.core.context import Origin, current

    ctx = current()
    user = getattr(person, "user", None)
    if ctx.origin == Origin.MAIL and ctx.user is None and user is not None and user.is_active:
        ctx.user = user


def handle(msg: InboundEmail) -> None:
    """Mail handler (registered by ``mailchannel.register``): opens or answers a ticket."""
    from steward.servicedesk.services.tickets import ticket_create, ticket_link, ticket_reply

    sender = check(msg)
    message_id = str(msg.get("Message-ID", "")).strip()[:255]
    if message_id and TicketEntry.objects.filter(message_id=message_id).exists():
        return
    person = requester_for(msg, sender)
    _act_as_sender(person)
    text = text_of(msg)
    ticket = thread_of(msg)
    try:
        if ticket is not None and ticket.status not in (Status.CLOSED, Status.CANCELLED):
            involved = is_involved(ticket, person)
            body = strip_quoted(text) or _("(The message had no text.)")
            if not involved:
                body = (
                    _("From a third party (%(sender)s), not a requester, watcher or staff:")
                    % {"sender": sender}
                    + "\n\n"
                    + body
                )
            ticket_reply(
                ticket=ticket,
                actor=None,
                author=person,
                body=body,
                kind=EntryKind.REPLY if involved else EntryKind.NOTE,
                channel=Channel.EMAIL,
                message_id=message_id,
            )
            target = ticket
        else:
            title = clean_subject(str(msg.get("Subject", ""))) or _("(no subject)")
            target = ticket_create(
                actor=None,
                requester=person,
                title=title[:250],
                description=text,
                channel=Channel.EMAIL,
                message_id=message_id,
            )
            if ticket is not None:
                ticket_link(source=target, target=ticket, kind="related_to", actor=None)
        refused = keep_attachments(target, msg)
        if refused:
            ticket_reply(
                ticket=target,
                actor=None,
                author=person,
                body=_("Attachments of this mail that were not kept:") + "\n" + "\n".join(refused),
                kind=EntryKind.NOTE,
                channel=Channel.EMAIL,
            )
    except (ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        raise MailRejected(INVALID, "; ".join(str(m) for m in messages)[:500]) from None
