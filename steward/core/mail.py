"""Inbound mail: an SMTP listener (aiosmtpd) that parses each message and hands it to the
handlers apps register in ``AppConfig.ready()``.

    register_mail_handler("approvals.reply", matches=is_approval_reply, handle=handle_reply)

A message that fails to parse, that no handler takes, whose handler raises, or that is an
auto-reply, a bounce or part of a loop is never acted on: it goes to the quarantine sink with
a reason. Core owns no model, so the store is plugged in by an app (``set_quarantine_sink``);
the notifications app keeps quarantined messages for administrators to read and re-process.
"""

from __future__ import annotations

import asyncio
import email.policy
import html
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any, cast

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from steward.core.context import Origin, change_context

log = logging.getLogger(__name__)


class InboundEmail(EmailMessage):
    """A parsed message plus the SMTP envelope it arrived with."""

    envelope_from: str = ""
    envelope_to: tuple[str, ...] = ()

    def recipients(self) -> list[str]:
        """Envelope recipients, else the To/Cc/Delivered-To headers. Case is kept: local
        parts may carry case-sensitive tokens."""
        found = list(self.envelope_to)
        if not found:
            headers = [str(v) for n in ("To", "Cc", "Delivered-To") for v in self.get_all(n, [])]
            found = [addr for _, addr in getaddresses(headers) if addr]
        return [a.strip() for a in found if a.strip()]

    def sender(self) -> str:
        """The From address (lower-cased), falling back to the envelope sender."""
        return (parseaddr(str(self.get("From", "")))[1] or self.envelope_from).strip().lower()


class MailRejected(Exception):
    """Raised by a handler to quarantine a message with a reason instead of acting on it."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class MailHandler:
    name: str
    matches: Callable[[InboundEmail], bool]
    handle: Callable[[InboundEmail], None]


@dataclass
class Outcome:
    """What became of one message: ``handler`` took it, or it was quarantined for ``reason``."""

    handler: str = ""
    reason: str = ""
    detail: str = ""
    message: InboundEmail | None = field(default=None, repr=False)

    @property
    def handled(self) -> bool:
        return not self.reason


QuarantineSink = Callable[..., Any]
_handlers: list[MailHandler] = []
_sink: QuarantineSink | None = None

AUTO_REPLY = "auto-reply"
PARSE_ERROR = "parse-error"
NO_HANDLER = "no-handler"
HANDLER_ERROR = "handler-error"


def register_mail_handler(
    name: str,
    matches: Callable[[InboundEmail], bool],
    handle: Callable[[InboundEmail], None],
) -> None:
    """Handlers are asked in registration order; the first whose ``matches`` is true wins."""
    if all(h.name != name for h in _handlers):
        _handlers.append(MailHandler(name, matches, handle))


def mail_handlers() -> tuple[MailHandler, ...]:
    return tuple(_handlers)


def set_quarantine_sink(sink: QuarantineSink) -> None:
    """``sink(raw=bytes, reason=str, detail=str, envelope_from=str, envelope_to=list,
    message=InboundEmail|None)`` stores a message nobody acted on."""
    global _sink
    _sink = sink


def parse(
    raw: bytes, *, envelope_from: str = "", envelope_to: list[str] | None = None
) -> InboundEmail:
    """Parse with the modern policy; raises ValueError when the bytes are not a message."""
    if not raw or not raw.strip():
        raise ValueError("empty message")
    parser = BytesParser(_class=InboundEmail, policy=email.policy.default)
    msg = cast(InboundEmail, parser.parsebytes(raw))
    if not msg.keys():
        raise ValueError("no headers")
    for name in ("From", "Subject", "Message-ID"):
        str(msg.get(name, ""))  # header parsing is lazy: surface broken headers now
    msg.envelope_from = envelope_from or ""
    msg.envelope_to = tuple(envelope_to or ())
    return msg


def body_text(msg: EmailMessage) -> str:
    """The plain text of a message (its HTML part with tags removed when there is no plain
    one). 8-bit text without a declared charset, as some clients send, is read as UTF-8."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    if part.get_param("charset") is None:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = str(part.get_content())
    return html_text(text) if part.get_content_type() == "text/html" else text


_HIDDEN_OPEN = re.compile(r"<(script|style|head)\b")


def _drop_hidden(markup: str) -> str:
    """Removes script, style and head elements in one pass (a lazy regex over unclosed tags is
    quadratic); an unclosed one hides the rest, as in a browser."""
    lower, out, pos = markup.lower(), [], 0
    while (match := _HIDDEN_OPEN.search(lower, pos)) is not None:
        out.append(markup[pos : match.start()])
        end = lower.find(f"</{match.group(1)}", match.end())
        if end == -1:
            return "".join(out)
        close = lower.find(">", end)
        pos = len(markup) if close == -1 else close + 1
    out.append(markup[pos:])
    return "".join(out)


_QUOTED = re.compile(r"(?is)<blockquote\b[^>]*>(.*?)</blockquote\s*>")
_BREAK = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|p|div)\b[^>]*>")


def html_text(markup: str) -> str:
    """Readable text of an HTML mail: one line per block, quoted parts prefixed with "> "."""
    from django.utils.html import strip_tags

    def quote(match: re.Match[str]) -> str:
        inner = html_text(match.group(1)).strip()
        return "\n" + "\n".join(f"> {line}" for line in inner.splitlines()) + "\n"

    markup = _drop_hidden(markup)
    markup = _QUOTED.sub(quote, markup)
    text = html.unescape(strip_tags(_BREAK.sub("\n", markup))).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _local(address: str) -> str:
    return address.split("@", 1)[0].lower()


def loop_marker() -> str:
    """The ``X-Loop`` value Steward puts on the mail it sends; seen coming back, it is a loop."""
    return f"steward@{settings.INBOUND_MAIL_DOMAIN}".lower()


def auto_reply_reason(msg: InboundEmail) -> str:
    """Why a message is an auto-reply, bounce or loop (RFC 3834), or '' when it is not."""
    auto = str(msg.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    if any(str(v).strip().lower() == loop_marker() for v in msg.get_all("X-Loop", [])):
        return "X-Loop: our own marker (loop)"
    for header in ("X-Autoreply", "X-Autorespond"):
        if header in msg:
            return header
    if str(msg.get("X-Auto-Response-Suppress", "")).strip().lower() in {"all", "oof"}:
        return "X-Auto-Response-Suppress"
    sender = msg.sender()
    if msg.envelope_to and msg.envelope_from.strip() in {"", "<>"}:
        return "null envelope sender (bounce)"
    if _local(sender) in {"mailer-daemon", "postmaster", "noreply", "no-reply"}:
        return f"sender {sender}"
    own = settings.DEFAULT_FROM_EMAIL.lower()
    if sender and own and parseaddr(own)[1].lower() == sender:
        return "sent by Steward itself (loop)"
    content = msg.get_content_type()
    if content == "multipart/report":
        return "delivery report"
    return ""


def dispatch(
    raw: bytes,
    *,
    envelope_from: str = "",
    envelope_to: list[str] | None = None,
    quarantine: bool = True,
) -> Outcome:
    """Parse ``raw`` and give it to the first matching handler, inside a ``mail`` change
    context and a transaction. Anything not acted on is sent to the quarantine sink unless
    ``quarantine`` is false (re-processing decides itself what to do with the outcome)."""
    outcome = _route(raw, envelope_from=envelope_from, envelope_to=envelope_to or [])
    if outcome.reason and quarantine:
        _quarantine(raw, outcome, envelope_from, envelope_to or [])
    return outcome


def _route(raw: bytes, *, envelope_from: str, envelope_to: list[str]) -> Outcome:
    try:
        msg = parse(raw, envelope_from=envelope_from, envelope_to=envelope_to)
    except Exception as exc:
        return Outcome(reason=PARSE_ERROR, detail=str(exc)[:500])
    reason = auto_reply_reason(msg)
    if reason:
        return Outcome(reason=AUTO_REPLY, detail=reason, message=msg)
    for handler in _handlers:
        try:
            taken = handler.matches(msg)
        except Exception as exc:
            log.exception("mail handler %s failed to match", handler.name)
            return Outcome(handler.name, HANDLER_ERROR, f"{type(exc).__name__}: {exc}"[:500], msg)
        if not taken:
            continue
        try:
            with change_context(origin=Origin.MAIL), transaction.atomic():
                handler.handle(msg)
        except MailRejected as exc:
            return Outcome(handler.name, exc.reason, exc.detail[:500], msg)
        except Exception as exc:
            log.exception("mail handler %s failed", handler.name)
            return Outcome(handler.name, HANDLER_ERROR, f"{type(exc).__name__}: {exc}"[:500], msg)
        return Outcome(handler=handler.name, message=msg)
    return Outcome(reason=NO_HANDLER, detail=", ".join(msg.recipients())[:500], message=msg)


def _quarantine(raw: bytes, outcome: Outcome, envelope_from: str, envelope_to: list[str]) -> None:
    if _sink is None:
        log.warning("no quarantine store; dropped mail (%s: %s)", outcome.reason, outcome.detail)
        return
    with change_context(origin=Origin.MAIL):
        _sink(
            raw=raw,
            reason=outcome.reason,
            detail=outcome.detail,
            handler=outcome.handler,
            envelope_from=envelope_from,
            envelope_to=envelope_to,
            message=outcome.message,
        )


class SMTPHandler:
    """aiosmtpd handler: dispatch runs in a worker thread because the ORM is synchronous."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        try:
            Address(addr_spec=address)
        except Exception:
            return "553 5.1.3 Bad recipient address syntax"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None, _dispatch_in_thread, raw, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except Exception:
            log.exception("inbound mail could not be stored")
            return "451 4.3.0 Temporary failure, try again later"
        return "250 Message accepted for delivery"


def _dispatch_in_thread(raw: bytes, envelope_from: str, envelope_to: list[str]) -> Outcome:
    close_old_connections()
    try:
        outcome = dispatch(raw, envelope_from=envelope_from, envelope_to=envelope_to)
    finally:
        connections.close_all()  # a pool thread: keep no connection open between messages
    log.info(
        "inbound mail from %s to %s: %s",
        envelope_from,
        ",".join(envelope_to),
        outcome.handler if outcome.handled else f"quarantined ({outcome.reason})",
    )
    return outcome


def max_message_bytes() -> int:
    return int(settings.MAX_UPLOAD_BYTES)


@contextmanager
def listening(
    host: str = "127.0.0.1", port: int = 2525, *, max_bytes: int | None = None
) -> Iterator[Any]:
    """Run the SMTP listener in a background thread for the duration of the block.

    Messages larger than ``max_bytes`` (default ``settings.MAX_UPLOAD_BYTES``) are refused at
    SMTP level with 552, before they reach any handler."""
    from aiosmtpd.controller import Controller

    controller = Controller(
        SMTPHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes or max_message_bytes(),
        server_hostname=settings.INBOUND_MAIL_DOMAIN,
        ident="Steward SMTP",
    )
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
