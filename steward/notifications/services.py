"""Telling people about events: in-app notifications and e-mail, per their preferences; and
the quarantine of inbound mail (the store behind ``steward.core.mail``).

Apps call ``notify`` from their services; the e-mail goes out after the transaction commits,
from a task, through Django's mail API (``settings.EMAIL_BACKEND``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import mail, permissions
from steward.notifications.models import (
    InboundMessage,
    InboundStatus,
    Notification,
    NotificationPreference,
)


@dataclass(frozen=True)
class EventKind:
    key: str
    label: Any
    description: Any = ""


_events: dict[str, EventKind] = {}


def event_register(key: str, label: Any, description: Any = "") -> None:
    """Apps declare the events they notify about (in ``ready()``) so people can choose."""
    _events.setdefault(key, EventKind(key, label, description))


def event_kinds() -> list[EventKind]:
    return sorted(_events.values(), key=lambda e: e.key)


def _unique_active(users: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for user in users:
        if user is not None and user.pk is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def notify(
    *,
    users: Iterable[Any],
    event: str,
    title: str,
    body: str = "",
    url: str = "",
    reply_to: Mapping[int, str] | None = None,
) -> list[Notification]:
    """Notify each user once through the channels they keep on for ``event`` (both channels
    when they never chose). ``reply_to`` maps a user id to the Reply-To of their e-mail, for
    mail that can be answered (approvals). Returns the in-app notifications created."""
    recipients = _unique_active(users)
    if not recipients:
        return []  # before any transaction: most events tell nobody
    with transaction.atomic():
        return _notify(recipients, event, title, body, url, reply_to)


def _notify(
    recipients: list[Any],
    event: str,
    title: str,
    body: str,
    url: str,
    reply_to: Mapping[int, str] | None,
) -> list[Notification]:
    title, url = title[:200], url[:500]
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            user__in=[u.pk for u in recipients], event=event
        )
    }
    rows = [
        Notification(recipient=u, event=event, title=title, body=body, url=url)
        for u in recipients
        if prefs.get(u.pk) is None or prefs[u.pk].in_app
    ]
    created = Notification.objects.bulk_create(rows)
    mail_to = [
        u.pk for u in recipients if u.email and (prefs.get(u.pk) is None or prefs[u.pk].email)
    ]
    if mail_to:
        from steward.notifications.tasks import send_notification_mail

        replies = {str(pk): addr for pk, addr in (reply_to or {}).items() if pk in mail_to}
        arguments: dict[str, Any] = {
            "user_ids": mail_to,
            "event": event,
            "subject": title,
            "body": body,
            "url": url,
            "reply_to": replies,
        }
        transaction.on_commit(lambda: send_notification_mail.enqueue(**arguments))
    return created


def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """Only the recipient reads a notification; raises PermissionDenied for anyone else."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user: Any, event: str, in_app: bool, email: bool) -> NotificationPreference:
    """Anyone sets their own preferences; raises ValidationError for an unknown event."""
    if event not in _events:
        raise ValidationError({"event": [_("Unknown event.")]})
    pref: NotificationPreference | None = NotificationPreference.objects.filter(
        user=user, event=event
    ).first()
    if pref is None:
        pref = NotificationPreference(user=user, event=event)
    elif (pref.in_app, pref.email) == (in_app, email):
        return pref
    pref.in_app, pref.email = in_app, email
    pref.full_clean()
    pref.save()
    return pref


def inbound_message_quarantine(
    *,
    raw: bytes,
    reason: str,
    detail: str = "",
    handler: str = "",
    envelope_from: str = "",
    envelope_to: list[str] | None = None,
    message: Any = None,
) -> InboundMessage:
    """The quarantine sink of ``steward.core.mail``: keep the raw bytes and the reason."""
    sender = subject = message_id = ""
    if message is not None:
        try:
            sender = message.sender()
            subject = str(message.get("Subject", ""))
            message_id = str(message.get("Message-ID", ""))
        except Exception:  # noqa: S110 - a broken header must not lose the message
            pass
    return InboundMessage.objects.create(
        raw=raw,
        size=len(raw),
        reason=reason[:50],
        detail=detail,
        handler=handler[:100],
        envelope_from=envelope_from[:320],
        envelope_to=list(envelope_to or []),
        sender=sender[:320],
        subject=subject[:300],
        message_id=message_id[:300],
    )


def _ensure_pending(message: InboundMessage, actor: Any) -> InboundMessage:
    permissions.ensure(actor, "change", message)
    locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != InboundStatus.QUARANTINED:
        raise ValidationError(_("This message is no longer in quarantine."))
    return locked


@transaction.atomic
def inbound_message_reprocess(*, message: InboundMessage, actor: Any) -> mail.Outcome:
    """Hand a quarantined message to the handlers again (after fixing what stopped it).
    It stays in quarantine with the new reason if it is still not acted on."""
    locked = _ensure_pending(message, actor)
    outcome = mail.dispatch(
        bytes(locked.raw),
        envelope_from=locked.envelope_from,
        envelope_to=list(locked.envelope_to),
        quarantine=False,
    )
    if outcome.handled:
        locked.status, locked.handler = InboundStatus.PROCESSED, outcome.handler
        locked.resolved_at, locked.resolved_by = timezone.now(), actor
    else:
        locked.reason, locked.detail = outcome.reason[:50], outcome.detail
        locked.handler = outcome.handler
    locked.attempts += 1
    locked.save()
    return outcome


@transaction.atomic
def inbound_message_discard(*, message: InboundMessage, actor: Any) -> InboundMessage:
    locked = _ensure_pending(message, actor)
    locked.status = InboundStatus.DISCARDED
    locked.resolved_at, locked.resolved_by = timezone.now(), actor
    locked.save(update_fields=["status", "resolved_at", "resolved_by"])
    return locked
