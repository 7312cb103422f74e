"""Demo notifications: a welcome in every demo login's inbox."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from steward.core.models import User
from steward.notifications.models import Notification
from steward.notifications.services import notify

DEMO_USERS = ["admin", "manager", "agent", "assets", "employee", "customer"]


def load(*, rng: random.Random, log: Callable[[str], None], **_kw: Any) -> None:
    users = list(User.objects.filter(username__in=DEMO_USERS))
    if Notification.objects.filter(event="platform.welcome").exists():
        log("notifications already loaded")
        return
    notify(
        users=users,
        event="platform.welcome",
        title=_("Welcome to Steward"),
        body=_("This is the demo organisation Northwind Logistics. Explore freely."),
        url="/",
    )
    log(f"welcome notifications for {len(users)} logins")
