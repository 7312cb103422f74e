"""Replies and internal notes on a ticket: the conversation, and what it sets in motion."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.servicedesk.models import Channel, EntryKind, Status, Ticket, TicketEntry
from steward.servicedesk.services.lifecycle import apply_status, is_staff, person_of
from steward.servicedesk.sla import engine


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    actor: Any,
    author: Any = None,
    body: str,
    kind: str = EntryKind.REPLY,
    channel: str = Channel.PORTAL,
    message_id: str = "",
) -> TicketEntry:
    """Adds a public reply or an internal note. The first public reply by staff records the
    first response (the SLA response clock stops); a requester's public reply resumes a
    pending ticket and reopens a resolved one. Closed and cancelled tickets take notes only."""
    if kind not in (EntryKind.REPLY, EntryKind.NOTE):
        raise ValidationError({"kind": _("A reply is public (reply) or internal (note).")})
    if actor is not None:
        permissions.ensure(actor, "work" if kind == EntryKind.NOTE else "reply", ticket)
    author = author if author is not None else person_of(actor)
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = _("Write something.")
    if channel not in Channel.values:
        errors["channel"] = _("%(v)s is not a valid choice.") % {"v": channel}
    if author is None:
        errors["author"] = _("A reply needs an author.")
    if errors:
        raise ValidationError(errors)
    ticket = Ticket._base_manager.select_for_update().get(pk=ticket.pk)
    public = kind == EntryKind.REPLY
    if public and ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ValidationError(
            {
                "body": _("This ticket is %(s)s; open a new one.")
                % {"s": ticket.get_status_display()}
            }
        )
    by_requester = author.pk in (ticket.requester_id, ticket.affected_person_id)
    author_user = author.user if author.user_id else None
    by_staff = not by_requester and author_user is not None and is_staff(author_user)
    entry = TicketEntry(
        ticket=ticket,
        kind=kind,
        author=author,
        body=body,
        channel=channel,
        message_id=(message_id or "")[:255],
    )
    entry.full_clean(exclude=["ticket", "author"])
    entry.save()
    now = timezone.now()
    if public and by_staff and ticket.first_response_at is None:
        ticket.first_response_at = now
        ticket.save(update_fields=["first_response_at", "updated_at"])
        engine.first_response(ticket, at=now)
    if public and by_requester:
        if ticket.status == Status.PENDING:
            apply_status(
                ticket, actor=actor, new=Status.IN_PROGRESS, note=_("the requester replied")
            )
        elif ticket.status == Status.RESOLVED:
            apply_status(ticket, actor=actor, new=Status.IN_PROGRESS)
    else:
        ticket.save(update_fields=["updated_at"])
    events.publish(
        "servicedesk.entry_added",
        entry_id=entry.pk,
        ticket_id=ticket.pk,
        kind=kind,
        public=public,
        by_requester=by_requester,
    )
    return entry
