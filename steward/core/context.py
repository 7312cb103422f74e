"""Change contexts: who is changing data, from where, and why.

Every write in Steward happens inside a change context (web, API, task, CLI, system). The
audit reads the current one; code that has none is recorded as ``system``.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    TASK = "task", _("Background task")
    CLI = "cli", _("Command line")
    MAIL = "mail", _("E-mail")
    SYSTEM = "system", _("System")


@dataclass
class ChangeContext:
    origin: str = Origin.SYSTEM
    user: Any = None
    request: Any = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    remote_addr: str | None = None

    def actor(self) -> Any:
        """The acting user; for requests read lazily since DRF authenticates after middleware."""
        if self.user is not None:
            return self.user
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user
        return None


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "steward_change_context", default=None
)


def current() -> ChangeContext:
    return _current.get() or ChangeContext()


@contextmanager
def change_context(
    *,
    origin: str,
    user: Any = None,
    request: Any = None,
    request_id: str | None = None,
    remote_addr: str | None = None,
) -> Iterator[ChangeContext]:
    ctx = ChangeContext(origin=origin, user=user, request=request, remote_addr=remote_addr)
    if request_id:
        ctx.request_id = request_id
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
