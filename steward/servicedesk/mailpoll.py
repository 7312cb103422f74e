"""IMAP polling: the alternative to the SMTP listener for hosted mail (settings.IMAP, from the
``STEWARD_IMAP_*`` variables).

Each unseen message of the folder is fetched without marking it (``BODY.PEEK``), handed to the
same pipeline as SMTP mail (``steward.core.mail.dispatch``: a handler acts on it or it goes to
the quarantine), and only then marked seen or moved to ``DONE_FOLDER``. If the store fails or
the process dies in between, the message stays unseen and is fetched again next time; the
service-desk handler skips a Message-ID it already took, so a second delivery adds nothing.

A message over ``settings.MAX_UPLOAD_BYTES`` is not fetched whole: its headers are quarantined
as ``too-large`` and the message is left in the mailbox (marked seen) for an administrator.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import asdict, dataclass, field
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from steward.core import mail
from steward.core.jobs import job_handler

log = logging.getLogger(__name__)

JOB = "servicedesk.mail_poll"
TOO_LARGE = "too-large"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_HEADER_SPLIT = re.compile(rb"\r?\n\r?\n")


@dataclass
class PollResult:
    fetched: int = 0
    handled: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def configured(config: dict[str, Any] | None = None) -> bool:
    return bool((config or settings.IMAP).get("HOST"))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(config: dict[str, Any]) -> imaplib.IMAP4:
    host, port = config["HOST"], int(config["PORT"])
    security = (config.get("SECURITY") or "ssl").lower()
    if security == "ssl":
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=60
        )
    elif security in ("starttls", "none"):
        imap = imaplib.IMAP4(host, port, timeout=60)
        if security == "starttls":
            imap.starttls(ssl_context=ssl.create_default_context())
    else:
        raise ImproperlyConfigured(
            f"STEWARD_IMAP_SECURITY must be ssl, starttls or none: {security}"
        )
    imap.login(config.get("USER") or "", config.get("PASSWORD") or "")
    return imap


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    """What the server offers once logged in (the greeting's list may be shorter)."""
    status, data = imap.capability()
    if status != "OK" or not data or not data[0]:
        return set(imap.capabilities)
    return set(data[0].decode("ascii", "replace").upper().split())


def _envelope(raw: bytes) -> tuple[str, list[str]]:
    """An envelope for a fetched message: the sender from Return-Path (``<>`` for a bounce),
    the recipients from the headers plus the service desk's own address (the mailbox is the
    service desk's)."""
    desk = [a for a in settings.SERVICEDESK_MAIL_ADDRESSES if a.strip()][:1]
    try:
        parsed = mail.parse(_HEADER_SPLIT.split(raw, maxsplit=1)[0] + b"\r\n\r\n")
    except Exception:  # the pipeline quarantines what does not parse
        return "", desk
    envelope_from = ""
    return_path = parsed.get("Return-Path")
    if return_path is not None:
        envelope_from = parseaddr(str(return_path))[1] or "<>"
    if not envelope_from:
        envelope_from = parsed.sender() or "<>"
    headers = [str(v) for n in ("To", "Cc", "Delivered-To") for v in parsed.get_all(n, [])]
    recipients = [address for _name, address in getaddresses(headers) if address]
    lowered = {r.lower() for r in recipients}
    return envelope_from, recipients + [d for d in desk if d.lower() not in lowered]


def _fetch(imap: imaplib.IMAP4, uid: bytes, what: str) -> Any:
    status, data = imap.uid("FETCH", uid, what)
    if status != "OK" or not data or data[0] is None:
        raise imaplib.IMAP4.error(f"FETCH {uid!r} {what} failed: {status}")
    return data


def _done(imap: imaplib.IMAP4, uid: bytes, config: dict[str, Any], can_move: bool) -> bool:
    """Marks the message taken; returns True when it was flagged for expunge."""
    folder = config.get("DONE_FOLDER") or ""
    if not folder:
        imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return False
    imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    if can_move:
        status, _data = imap.uid("MOVE", uid, _quote(folder))
        if status == "OK":
            return False
    status, _data = imap.uid("COPY", uid, _quote(folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"COPY to {folder} failed; is the folder there?")
    imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
    return True


def _take(imap: imaplib.IMAP4, uid: bytes, config: dict[str, Any], result: PollResult) -> None:
    from steward.notifications.services import inbound_message_quarantine

    size_data = _fetch(imap, uid, "(RFC822.SIZE)")
    match = _SIZE.search(size_data[0] if isinstance(size_data[0], bytes) else size_data[0][0])
    size = int(match.group(1)) if match else 0
    limit = int(settings.MAX_UPLOAD_BYTES)
    if size > limit:
        head = _fetch(imap, uid, "(BODY.PEEK[HEADER])")[0][1]
        envelope_from, envelope_to = _envelope(head)
        try:
            parsed = mail.parse(head, envelope_from=envelope_from, envelope_to=envelope_to)
        except ValueError:
            parsed = None
        inbound_message_quarantine(
            raw=head,
            reason=TOO_LARGE,
            detail=f"{size} bytes, over the limit of {limit}; only the headers are kept here, "
            f"the message is still in the mailbox (IMAP UID {uid.decode()})",
            envelope_from=envelope_from,
            envelope_to=envelope_to,
            message=parsed,
        )
        result.quarantined += 1
        result.reasons[TOO_LARGE] = result.reasons.get(TOO_LARGE, 0) + 1
        return
    raw = _fetch(imap, uid, "(BODY.PEEK[])")[0][1]
    envelope_from, envelope_to = _envelope(raw)
    outcome = mail.dispatch(raw, envelope_from=envelope_from, envelope_to=envelope_to)
    if outcome.handled:
        result.handled += 1
    else:
        result.quarantined += 1
        result.reasons[outcome.reason] = result.reasons.get(outcome.reason, 0) + 1


def poll(config: dict[str, Any] | None = None, *, limit: int = 200) -> PollResult:
    """Take up to ``limit`` unseen messages; raises on a connection or store failure (what
    was not marked yet stays unseen for the next poll)."""
    config = dict(config or settings.IMAP)
    if not configured(config):
        raise ImproperlyConfigured("STEWARD_IMAP_HOST is not set")
    result = PollResult()
    imap = connect(config)
    try:
        status, _data = imap.select(_quote(config.get("FOLDER") or "INBOX"))
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {config.get('FOLDER')!r}")
        status, data = imap.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split()[:limit] if status == "OK" else []
        can_move = "MOVE" in _capabilities(imap)
        expunge = False
        try:
            for uid in uids:
                _take(imap, uid, config, result)
                result.fetched += 1
                expunge = _done(imap, uid, config, can_move) or expunge
        finally:
            if expunge:
                imap.expunge()
        imap.close()
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    if result.fetched:
        log.info("IMAP poll: %s", result)
    return result


@job_handler(JOB)
def poll_job(*, reporter: Any, user: Any = None, limit: int = 200, **arguments: Any) -> dict:
    """The worker's scheduled poll (created by ``steward migrate`` when IMAP is set up)."""
    if not configured():
        return {"skipped": "STEWARD_IMAP_HOST is not set"}
    result = poll(limit=limit)
    reporter.log(
        f"fetched {result.fetched}: {result.handled} taken, {result.quarantined} quarantined"
    )
    return asdict(result)


def ensure_schedule(**kwargs: Any) -> None:
    """post_migrate: the polling schedule exists once IMAP is configured."""
    import datetime

    from steward.core.jobs import schedule_ensure

    if configured():
        schedule_ensure(
            name="Service-desk mailbox (IMAP)",
            handler=JOB,
            interval=datetime.timedelta(seconds=max(10, int(settings.IMAP.get("INTERVAL", 60)))),
        )
