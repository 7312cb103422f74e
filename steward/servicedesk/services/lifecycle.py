"""The ticket status lifecycle: which transitions are allowed and what each one records.

Used by the ticket services; not a public entry point (call ``ticket_transition``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.core.permissions import STAFF
from steward.servicedesk.models import (
    EntryKind,
    PendingReason,
    Status,
    Ticket,
    TicketEntry,
)
from steward.servicedesk.sla import engine

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.PENDING, S.RESOLVED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.PENDING, S.RESOLVED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.PENDING, S.RESOLVED, S.CANCELLED}),
    S.PENDING: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
"""Allowed status changes. Closed and cancelled are final; resolved → in progress reopens."""

REQUESTER_TRANSITIONS = frozenset({(S.RESOLVED, S.CLOSED), (S.RESOLVED, S.IN_PROGRESS)}) | {
    (old, S.CANCELLED) for old in (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.PENDING)
}
"""What a requester without an agent role may do to their own ticket: accept or reopen the
resolution, or withdraw an open ticket."""

SLA_FIELDS = frozenset(
    {"priority", "status", "team", "organisation", "service", "kind", "category", "assignee"}
)
"""Changes the SLA engine hears about (``engine.ticket_changed``)."""


def person_of(user: Any) -> Any:
    """The directory person behind a login, or None (the reverse one-to-one is cached)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "person", None)


def is_staff(user: Any) -> bool:
    return bool(permissions.roles_of(user) & STAFF)


def search_text(ticket: Ticket) -> str:
    return f"{ticket.reference} {ticket.title} {ticket.description}".lower()


def status_label(ticket: Ticket) -> str:
    label = str(Status(ticket.status).label)
    if ticket.status == Status.PENDING and ticket.pending_reason:
        return f"{label} ({PendingReason(ticket.pending_reason).label})"
    return label


def event_entry(
    ticket: Ticket, actor: Any, body: str, *, internal: bool = False, save: bool = True
) -> TicketEntry:
    """A system line in the ticket's timeline ("Assigned to Network"); ``internal`` ones
    (naming staff configuration, such as routing rules) are notes requesters never see.
    ``save=False`` leaves the saving to a caller writing several lines in one INSERT."""
    entry = TicketEntry(
        ticket=ticket,
        kind=EntryKind.NOTE if internal else EntryKind.EVENT,
        author=person_of(actor),
        body=body[:100_000],
    )
    if save:
        entry.save()
    return entry


def snapshot(ticket: Ticket) -> dict[str, Any]:
    """The values the SLA engine's ``previous`` mapping carries (ids for relations)."""
    return {
        "priority": ticket.priority,
        "status": ticket.status,
        "team": ticket.team_id,
        "organisation": ticket.organisation_id,
        "service": ticket.service_id,
        "kind": ticket.kind,
        "category": ticket.category_id,
        "assignee": ticket.assignee_id,
    }


def sla_changed(
    ticket: Ticket, previous: dict[str, Any], at: datetime.datetime | None = None
) -> set[str]:
    """Tell the SLA engine what changed (after saving); returns the changed SLA fields."""
    now = snapshot(ticket)
    changed = {name for name in SLA_FIELDS if previous.get(name) != now[name]}
    if changed:
        engine.ticket_changed(ticket, changed=changed, previous=previous, at=at or timezone.now())
    return changed


def check_transition(ticket: Ticket, new: str, *, pending_reason: str, resolution: str) -> None:
    """Raises ValidationError naming the field when ``new`` is not allowed from here."""
    if new not in Status.values:
        raise ValidationError({"status": _("Unknown status %(s)s.") % {"s": new}})
    old = ticket.status
    if new == old:
        if new == Status.PENDING and pending_reason and pending_reason != ticket.pending_reason:
            pass  # a new reason while pending is a change worth recording
        else:
            raise ValidationError(
                {"status": _("The ticket is already %(s)s.") % {"s": Status(old).label}}
            )
    elif new not in TRANSITIONS[old]:
        if not TRANSITIONS[old]:
            message = _("A %(old)s ticket cannot change status any more.")
        else:
            message = _("A %(old)s ticket cannot become %(new)s.")
        raise ValidationError(
            {"status": message % {"old": Status(old).label, "new": Status(new).label}}
        )
    if new == Status.PENDING:
        if not pending_reason:
            raise ValidationError({"pending_reason": _("Say what the ticket is waiting for.")})
        if pending_reason not in PendingReason.values:
            raise ValidationError(
                {"pending_reason": _("Unknown pending reason %(r)s.") % {"r": pending_reason}}
            )
    if new == Status.ASSIGNED and ticket.assignee_id is None:
        raise ValidationError({"status": _("Assign the ticket to someone first.")})
    if new == Status.RESOLVED and not (resolution or "").strip() and not ticket.resolution:
        raise ValidationError({"resolution": _("Describe how the ticket was resolved.")})


def apply_status(
    ticket: Ticket,
    *,
    actor: Any,
    new: str,
    pending_reason: str = "",
    resolution: str = "",
    note: str = "",
) -> str:
    """Checks and applies a status change to the saved ticket (no permission check: callers
    decide who may). Saves, writes the timeline event, tells the SLA engine, publishes.
    Returns the old status."""
    check_transition(ticket, new, pending_reason=pending_reason, resolution=resolution)
    previous = snapshot(ticket)
    old = ticket.status
    now = timezone.now()
    fields = ["status", "pending_reason", "updated_at"]
    ticket.status = new
    ticket.pending_reason = pending_reason if new == Status.PENDING else ""
    if new == Status.RESOLVED:
        if (resolution or "").strip():
            ticket.resolution = resolution.strip()
        ticket.resolved_at = now
        fields += ["resolution", "resolved_at"]
    elif new == Status.CLOSED:
        ticket.closed_at = now
        fields.append("closed_at")
    elif old == Status.RESOLVED and new == Status.IN_PROGRESS:
        ticket.reopen_count += 1
        ticket.resolved_at = None
        fields += ["reopen_count", "resolved_at"]
    ticket.full_clean(exclude=_FK_FIELDS, validate_unique=False)
    ticket.save(update_fields=fields)
    if old == Status.RESOLVED and new == Status.IN_PROGRESS:
        body = _("Reopened")
    else:
        body = _("Status: %(s)s") % {"s": status_label(ticket)}
    if note:
        body = f"{body}: {note}"
    event_entry(ticket, actor, body)
    sla_changed(ticket, previous, now)
    if old != new:
        events.publish("servicedesk.ticket_status_changed", ticket_id=ticket.pk, old=old, new=new)
        if new == Status.RESOLVED:
            events.publish("servicedesk.ticket_resolved", ticket_id=ticket.pk)
    return old


_FK_FIELDS = [
    "reference",
    "requester",
    "affected_person",
    "organisation",
    "category",
    "service",
    "team",
    "assignee",
    "parent",
    "merged_into",
    "sla_policy",
    "created_by",
]
"""Relations are checked by the services themselves (objects handed in are saved rows), so
``full_clean`` need not query each one again; the reference is derived, never typed."""
FK_FIELDS = _FK_FIELDS
