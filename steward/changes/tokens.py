"""Calendar feed tokens: the secret in a user's iCalendar addresses (calendar applications
cannot log in). Like the inventory tokens, only a digest is kept and the secret is shown
once."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes.models import CalendarFeedToken, ChangeRequest
from steward.core import permissions


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def feed_token_rotate(*, user: Any) -> str:
    """A new feed secret for ``user`` (the old one stops working); returned once to show,
    only its digest is kept. Raises PermissionDenied for someone who may see no change."""
    if not permissions.can(user, "view", ChangeRequest):
        raise PermissionDenied(_("You have no change calendar."))
    secret = "cal_" + secrets.token_urlsafe(32)
    CalendarFeedToken.objects.filter(user=user).delete()
    CalendarFeedToken.objects.create(user=user, prefix=secret[:12], token_hash=_digest(secret))
    return secret


@transaction.atomic
def feed_token_revoke(*, user: Any) -> None:
    for token in CalendarFeedToken.objects.filter(user=user):
        token.delete()


def feed_token_user(secret: str) -> Any:
    """The active user whose feed secret this is, or None. Marks the token used (at most
    once an hour, so polling calendar apps do not write on every read)."""
    if not secret or len(secret) > 200 or not secret.isascii():
        return None
    token = (
        CalendarFeedToken.objects.select_related("user").filter(token_hash=_digest(secret)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(hours=1):
        CalendarFeedToken._base_manager.filter(pk=token.pk).update(last_used_at=now)
    return token.user
