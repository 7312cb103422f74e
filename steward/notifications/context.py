from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward.notifications.selectors import unread_count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    """``nav_unread_count`` for the inbox link of the shell (one indexed count query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread_count": unread_count(user)}
