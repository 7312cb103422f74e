"""Reads of notifications and preferences (every read through ``permissions.restrict``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.core import permissions
from steward.core.validation import is_id
from steward.notifications.models import InboundMessage, Notification, NotificationPreference
from steward.notifications.services import event_kinds


def notification_list(*, user: Any, unread: bool = False) -> QuerySet[Notification]:
    qs = permissions.restrict(Notification.objects.all(), user)
    return qs.filter(read_at__isnull=True) if unread else qs


def notification_get(*, user: Any, pk: Any) -> Notification | None:
    if not is_id(pk):
        return None
    return notification_list(user=user).filter(pk=pk).first()


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user).unread().count()


def preference_matrix(*, user: Any) -> list[dict[str, Any]]:
    """Every known event with this user's choice (both channels on when never chosen)."""
    chosen = {
        p.event: p
        for p in permissions.restrict(NotificationPreference.objects.filter(user=user), user)
    }
    rows = []
    for kind in event_kinds():
        pref = chosen.get(kind.key)
        rows.append(
            {
                "event": kind.key,
                "label": kind.label,
                "description": kind.description,
                "in_app": pref.in_app if pref else True,
                "email": pref.email if pref else True,
            }
        )
    return rows


def inbound_message_list(*, user: Any) -> QuerySet[InboundMessage]:
    return permissions.restrict(InboundMessage.objects.defer("raw"), user)


def inbound_message_get(*, user: Any, pk: Any) -> InboundMessage | None:
    if not is_id(pk):
        return None
    return permissions.restrict(InboundMessage.objects.all(), user).filter(pk=pk).first()
