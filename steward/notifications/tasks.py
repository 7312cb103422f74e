"""Sending notification e-mail, after the change that caused it has committed."""

from __future__ import annotations

from email.utils import make_msgid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from steward.core.tasks import task


def absolute_url(url: str) -> str:
    return f"{settings.BASE_URL}{url}" if url.startswith("/") else url


def notification_email(
    *, user: object, address: str, event: str, subject: str, body: str, url: str, reply_to: str
) -> EmailMessage:
    """One e-mail with its own Message-ID, marked auto-generated so that auto-responders stay
    quiet and our own listener never acts on it if it comes back (RFC 3834)."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        lines = [body.strip()] if body.strip() else []
        if url:
            lines.append(_("Open: %(url)s") % {"url": absolute_url(url)})
        lines.append("-- ")
        lines.append(
            _("Choose which notifications you receive: %(url)s")
            % {"url": absolute_url(reverse("notifications:preferences"))}
        )
        text = "\n\n".join(lines[:-2]) + "\n\n" + "\n".join(lines[-2:]) + "\n"
    message = EmailMessage(
        subject=" ".join(subject.splitlines()).strip(),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "Message-ID": make_msgid(domain=settings.INBOUND_MAIL_DOMAIN),
            "Auto-Submitted": "auto-generated",
            "X-Steward-Event": event,
        },
    )
    return message


@task()
def send_notification_mail(
    user_ids: list[int],
    event: str,
    subject: str,
    body: str = "",
    url: str = "",
    reply_to: dict[str, str] | None = None,
) -> int:
    """Mail each still-active user with an address; returns how many messages were sent."""
    replies = reply_to or {}
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    messages = [
        notification_email(
            user=user,
            address=user.email,
            event=event,
            subject=subject,
            body=body,
            url=url,
            reply_to=replies.get(str(user.pk), ""),
        )
        for user in users
    ]
    if not messages:
        return 0
    with get_connection() as connection:
        return int(connection.send_messages(messages) or 0)
