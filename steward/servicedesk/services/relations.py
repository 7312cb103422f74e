"""Tickets in relation to each other and to the work done on them: links, merge, time."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.core.models import Attachment, Watch
from steward.servicedesk.models import (
    Status,
    Ticket,
    TicketEntry,
    TicketLink,
    TicketLinkKind,
    TimeEntry,
)
from steward.servicedesk.models.tickets import OPEN_STATUSES
from steward.servicedesk.services.lifecycle import apply_status, event_entry, person_of


def _ensure_work(actor: Any, *tickets: Ticket) -> None:
    if actor is None:
        return
    for ticket in tickets:
        permissions.ensure(actor, "work", ticket)


@transaction.atomic
def ticket_link(*, source: Ticket, target: Ticket, kind: str, actor: Any) -> TicketLink:
    """Links two tickets ("source is a duplicate of / caused by / related to target").
    No self links and no second link of the same kind between the same two tickets
    (``related to`` counts both ways)."""
    _ensure_work(actor, source, target)
    if kind not in TicketLinkKind.values:
        raise ValidationError({"kind": _("%(v)s is not a kind of link.") % {"v": kind}})
    if target is None or source.pk == target.pk:
        raise ValidationError({"target": _("A ticket cannot be linked to itself.")})
    same = Q(source=source, target=target)
    if kind == TicketLinkKind.RELATED_TO:
        same |= Q(source=target, target=source)
    if TicketLink.objects.filter(same, kind=kind).exists():
        raise ValidationError({"target": _("These tickets are already linked this way.")})
    if (
        kind == TicketLinkKind.DUPLICATE_OF
        and TicketLink.objects.filter(source=target, target=source, kind=kind).exists()
    ):
        raise ValidationError(
            {"target": _("%(t)s is already a duplicate of this ticket.") % {"t": target.reference}}
        )
    link = TicketLink(source=source, target=target, kind=kind)
    link.save()
    label = TicketLinkKind(kind).label
    event_entry(source, actor, _("Linked: %(k)s %(t)s") % {"k": label, "t": target.reference})
    events.publish("servicedesk.ticket_updated", ticket_id=source.pk, changed=["links"])
    return link


@transaction.atomic
def ticket_unlink(*, link: TicketLink, actor: Any) -> None:
    _ensure_work(actor, link.source)
    source, target, kind = link.source, link.target, link.kind
    link.delete()
    event_entry(
        source,
        actor,
        _("Unlinked: %(k)s %(t)s") % {"k": TicketLinkKind(kind).label, "t": target.reference},
    )
    events.publish("servicedesk.ticket_updated", ticket_id=source.pk, changed=["links"])


def _move_links(ticket: Ticket, into: Ticket) -> None:
    for link in TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket)):
        source = into if link.source_id == ticket.pk else link.source
        target = into if link.target_id == ticket.pk else link.target
        duplicate = TicketLink.objects.filter(source=source, target=target, kind=link.kind).exists()
        if source.pk == target.pk or duplicate:
            link.delete()
            continue
        link.source, link.target = source, target
        link.save(update_fields=["source", "target", "updated_at"])


def _move_generic(ticket: Ticket, into: Ticket) -> None:
    kind = ContentType.objects.get_for_model(Ticket)
    already = set(
        Watch.objects.filter(content_type=kind, object_id=str(into.pk)).values_list(
            "user_id", flat=True
        )
    )
    watches = Watch.objects.filter(content_type=kind, object_id=str(ticket.pk))
    watches.filter(user_id__in=already).delete()
    watches.update(object_id=str(into.pk))
    Attachment.objects.filter(content_type=kind, object_id=str(ticket.pk)).update(
        object_id=str(into.pk)
    )


def _total_minutes(ticket: Ticket) -> int:
    return TimeEntry.objects.filter(ticket=ticket).aggregate(n=Sum("minutes"))["n"] or 0


@transaction.atomic
def ticket_merge(*, ticket: Ticket, into: Ticket, actor: Any) -> Ticket:
    """Merges ``ticket`` into ``into``: its conversation, links, child tickets, time,
    watchers and attachments move over; ``ticket`` is cancelled with ``merged_into`` set and
    both timelines say so. Returns the target."""
    _ensure_work(actor, ticket, into)
    locked = {
        t.pk: t
        for t in Ticket._base_manager.select_for_update().filter(pk__in=[ticket.pk, into.pk])
    }
    if ticket.pk == into.pk:
        raise ValidationError({"into": _("A ticket cannot be merged into itself.")})
    ticket, into = locked[ticket.pk], locked[into.pk]
    if ticket.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open ticket can be merged."))
    if into.status in (Status.CLOSED, Status.CANCELLED) or into.merged_into_id:
        raise ValidationError(
            {"into": _("%(t)s is closed or merged itself.") % {"t": into.reference}}
        )
    TicketEntry.objects.filter(ticket=ticket).update(ticket=into)
    TimeEntry.objects.filter(ticket=ticket).update(ticket=into)
    _move_links(ticket, into)
    Ticket.objects.filter(parent=ticket).exclude(pk=into.pk).update(parent=into)
    _move_generic(ticket, into)
    into_fields = ["time_spent_minutes", "updated_at"]
    if into.parent_id == ticket.pk:
        into.parent = None
        into_fields.append("parent")
    into.time_spent_minutes = _total_minutes(into)
    into.save(update_fields=into_fields)
    ticket.merged_into = into
    ticket.time_spent_minutes = 0
    ticket.save(update_fields=["merged_into", "time_spent_minutes", "updated_at"])
    apply_status(
        ticket,
        actor=actor,
        new=Status.CANCELLED,
        note=_("merged into %(t)s") % {"t": into.reference},
    )
    event_entry(into, actor, _("%(t)s was merged into this ticket") % {"t": ticket.reference})
    events.publish("servicedesk.ticket_updated", ticket_id=into.pk, changed=["entries", "links"])
    return into


@transaction.atomic
def time_entry_add(
    *,
    ticket: Ticket,
    actor: Any,
    minutes: int,
    date: datetime.date | None = None,
    note: str = "",
) -> TimeEntry:
    """Records work on a ticket by the acting person and adds it to the ticket's total."""
    _ensure_work(actor, ticket)
    person = person_of(actor)
    errors = {}
    if person is None:
        errors["person"] = _("Time is recorded for a person; your login has none.")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        errors["minutes"] = _("Give between 1 and 1440 minutes.")
    today = timezone.localdate()
    date = date or today
    if date > today:
        errors["date"] = _("Time cannot be recorded in the future.")
    if errors:
        raise ValidationError(errors)
    entry = TimeEntry(ticket=ticket, person=person, minutes=minutes, date=date, note=note or "")
    entry.full_clean(exclude=["ticket", "person"])
    entry.save()
    Ticket.objects.filter(pk=ticket.pk).update(time_spent_minutes=F("time_spent_minutes") + minutes)
    ticket.refresh_from_db(fields=["time_spent_minutes"])
    events.publish("servicedesk.ticket_updated", ticket_id=ticket.pk, changed=["time_spent"])
    return entry
