"""What the agent pages share: who is an agent, the SLA state shown on a ticket, the status
transitions offered as buttons."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.servicedesk.models import Status

WARNING_WINDOW = datetime.timedelta(hours=1)

# The buttons offered for each status; the service has the last word on what is allowed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.PENDING, Status.RESOLVED, Status.CANCELLED),
    Status.ASSIGNED: (Status.IN_PROGRESS, Status.PENDING, Status.RESOLVED, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.PENDING, Status.RESOLVED, Status.CANCELLED),
    Status.PENDING: (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}
TRANSITION_LABELS = {
    Status.IN_PROGRESS: _("Start work"),
    Status.PENDING: _("Put on hold"),
    Status.RESOLVED: _("Resolve"),
    Status.CANCELLED: _("Cancel ticket"),
    Status.CLOSED: _("Close"),
}


def is_agent_user(user: Any) -> bool:
    """Staff work the queue; employees and customer contacts use the portal."""
    return bool(permissions.roles_of(user) & permissions.STAFF)


def ensure_agent(user: Any) -> None:
    if not is_agent_user(user):
        raise PermissionDenied


def can_work(user: Any) -> bool:
    from steward.servicedesk.models import Ticket

    return permissions.can(user, "work", Ticket)


@dataclass(frozen=True)
class SLAState:
    due: datetime.datetime | None
    remaining: datetime.timedelta | None
    breached: bool
    warning: bool
    paused: bool
    done: bool

    @property
    def css(self) -> str:
        if self.done:
            return "sla-done"
        if self.breached:
            return "sla-breached"
        if self.paused:
            return "sla-paused"
        return "sla-warning" if self.warning else "sla-ok"

    @property
    def remaining_text(self) -> str:
        if self.remaining is None:
            return ""
        return duration_text(self.remaining)


def duration_text(delta: datetime.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = f"{days}d {hours}h" if days else (f"{hours}h {mins:02d}m" if hours else f"{mins}m")
    return f"-{text}" if delta.total_seconds() < 0 else text


def sla_state(ticket: Any, *, now: datetime.datetime | None = None) -> SLAState:
    """The resolution clock as the ticket's summary fields (kept by the SLA engine) show it."""
    now = now or timezone.now()
    due = ticket.resolution_due
    done = ticket.status not in (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
    remaining = (due - now) if due and not done else None
    breached = bool(
        ticket.resolution_breached or (remaining is not None and remaining.total_seconds() < 0)
    )
    warning = remaining is not None and not breached and remaining <= WARNING_WINDOW
    return SLAState(due, remaining, breached, warning, bool(ticket.sla_paused), done)


def from_clock(clock: Any) -> SLAState:
    """A live clock of the SLA engine (``ClockState``): remaining is business time."""
    remaining = None if clock.stopped else datetime.timedelta(seconds=clock.remaining_seconds)
    warning = bool(
        remaining is not None
        and not clock.breached
        and (clock.warned or remaining <= WARNING_WINDOW)
    )
    return SLAState(clock.due_at, remaining, clock.breached, warning, clock.paused, clock.stopped)


def live_states(ticket: Any) -> dict[str, SLAState | None]:
    """Response, resolution and OLA clocks from the SLA engine; the ticket's summary fields
    where the engine has no clock."""
    from steward.servicedesk.sla import engine

    now = timezone.now()
    clocks = engine.ticket_sla_state(ticket, now)
    return {
        "response": from_clock(clocks["response"])
        if clocks.get("response")
        else response_state(ticket, now=now),
        "resolution": from_clock(clocks["resolution"])
        if clocks.get("resolution")
        else sla_state(ticket, now=now),
        "ola": from_clock(clocks["ola"]) if clocks.get("ola") else None,
    }


def response_state(ticket: Any, *, now: datetime.datetime | None = None) -> SLAState:
    now = now or timezone.now()
    due = ticket.response_due
    done = ticket.first_response_at is not None or ticket.status in (
        Status.RESOLVED,
        Status.CLOSED,
        Status.CANCELLED,
    )
    remaining = (due - now) if due and not done else None
    breached = bool(
        ticket.response_breached or (remaining is not None and remaining.total_seconds() < 0)
    )
    warning = remaining is not None and not breached and remaining <= WARNING_WINDOW
    return SLAState(due, remaining, breached, warning, bool(ticket.sla_paused), done)
