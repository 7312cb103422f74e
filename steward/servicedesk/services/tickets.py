"""The ticket use cases: open, change, assign, move through the lifecycle, reply.

Every service is keyword-only and atomic, checks permissions first (``actor=None`` is the
system: mail, monitoring, jobs), validates with field errors, saves (the ORM layer audits),
tells the SLA engine, writes timeline events and publishes on the event bus after commit.
Links, merge and time entries are in ``relations``; re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import audit, events, permissions
from steward.core.customfields import clean_custom_fields
from steward.core.ids import reserve_id
from steward.servicedesk import assetlink
from steward.servicedesk.models import (
    Channel,
    EntryKind,
    Impact,
    Status,
    Ticket,
    TicketEntry,
    TicketKind,
    Urgency,
)
from steward.servicedesk.services import routing
from steward.servicedesk.services import tags as ticket_tags
from steward.servicedesk.services.assignment import (
    UNCHANGED,
    check_assignee_in_team,
    ticket_assign,
)
from steward.servicedesk.services.lifecycle import (
    FK_FIELDS,
    REQUESTER_TRANSITIONS,
    apply_status,
    event_entry,
    is_staff,
    person_of,
    search_text,
    sla_changed,
    snapshot,
)
from steward.servicedesk.services.relations import (
    ticket_link,
    ticket_merge,
    ticket_unlink,
    time_entry_add,
)
from steward.servicedesk.services.replies import ticket_reply
from steward.servicedesk.services.routing import priority_for, route
from steward.servicedesk.sla import engine

__all__ = [
    "UNCHANGED",
    "ticket_assign",
    "ticket_bulk_update",
    "ticket_create",
    "ticket_link",
    "ticket_merge",
    "ticket_reply",
    "ticket_transition",
    "ticket_unlink",
    "ticket_update",
    "time_entry_add",
]

MAX_BULK = 500
STAFF_ONLY_ON_CREATE = ("team", "assignee", "is_major", "tags", "impact")


def _reference(ticket: Ticket) -> str:
    prefix = "REQ" if ticket.kind == TicketKind.REQUEST else "INC"
    return f"{prefix}-{ticket.pk:06d}"


def _check_choice(errors: dict[str, str], name: str, value: Any, choices: Any) -> None:
    if value not in choices.values:
        errors[name] = _("%(v)s is not a valid choice.") % {"v": value}


def ticket_create(
    *,
    actor: Any,
    requester: Any,
    title: str,
    description: str = "",
    kind: str = TicketKind.INCIDENT,
    channel: str = Channel.PORTAL,
    organisation: Any = None,
    category: Any = None,
    service: Any = None,
    impact: int | None = None,
    urgency: int | None = None,
    affected_person: Any = None,
    team: Any = None,
    assignee: Any = None,
    configuration_item_id: int | None = None,
    asset_id: int | None = None,
    custom_fields: Mapping[str, Any] | None = None,
    tags: Iterable[str] = (),
    message_id: str = "",
    is_major: bool = False,
) -> Ticket:
    """Opens a ticket: priority from the matrix, routed and auto-assigned when no team is
    given, SLA clocks started. A requester without an agent role opens tickets for
    themselves only and cannot choose team, assignee or major status (PermissionDenied).
    ``asset_id`` links the ticket to an asset the actor may see (their own, for a requester):
    the asset's repair history."""
    staff = actor is None or is_staff(actor)
    if actor is not None:
        permissions.ensure(actor, "add", Ticket)
        if not staff:
            me = person_of(actor)
            if me is None or requester is None or requester.pk != me.pk:
                raise PermissionDenied(_("You can only open tickets for yourself."))
            # A requester says how urgent it is for them; the impact (and with it most of the
            # priority) is the IT team's judgement.
            given = {
                "team": team,
                "assignee": assignee,
                "is_major": is_major,
                "tags": tags,
                "impact": impact is not None,
            }
            if any(given[name] for name in STAFF_ONLY_ON_CREATE):
                raise PermissionDenied(
                    _("Only agents set the team, assignee, impact, tags or major flag.")
                )
    errors: dict[str, str] = {}
    if requester is None:
        errors["requester"] = _("Who is asking? A requester is required.")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the ticket a short title.")
    _check_choice(errors, "kind", kind, TicketKind)
    _check_choice(errors, "channel", channel, Channel)
    impact = Impact.LOW if impact is None else impact
    urgency = Urgency.MEDIUM if urgency is None else urgency
    _check_choice(errors, "impact", impact, Impact)
    _check_choice(errors, "urgency", urgency, Urgency)
    if category is not None and category.kind and category.kind != kind:
        errors["category"] = _("%(c)s is not a category for this kind of ticket.") % {"c": category}
    if organisation is None and requester is not None:
        organisation = requester.organisation
    if not staff and organisation is not None and organisation.pk != requester.organisation_id:
        errors["organisation"] = _("You can only open tickets for your own organisation.")
    if (
        not staff
        and affected_person is not None
        and affected_person.organisation_id != requester.organisation_id
    ):
        errors["affected_person"] = _("The affected person must be of your organisation.")
    if custom_fields is not None and not isinstance(custom_fields, Mapping):
        errors["custom_fields"] = _("Custom fields are an object of names and values.")
    if asset_error := assetlink.check_asset(actor, asset_id):
        errors["asset_id"] = asset_error
    if errors:
        raise ValidationError(errors)

    ticket = Ticket(
        kind=kind,
        title=title,
        description=description or "",
        requester=requester,
        affected_person=affected_person,
        organisation=organisation,
        channel=channel,
        category=category,
        service=service,
        configuration_item_id=configuration_item_id,
        asset_id=asset_id,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        team=team,
        assignee=assignee,
        is_major=bool(is_major),
        created_by=actor if actor is not None and actor.pk else None,
        custom_fields=clean_custom_fields(Ticket, dict(custom_fields or {})),
    )
    routed = None
    if team is None:
        routed = route(ticket)
        ticket.team_id = routed.team_id
        if routed.category_id is not None and ticket.category_id is None:
            ticket.category_id = routed.category_id
        if routed.priority is not None:
            ticket.priority = routed.priority
    setting = None
    if assignee is not None:
        check_assignee_in_team(ticket.team, assignee)
    elif ticket.team_id is not None:
        # The routed team arrives with its assignment setting (one query for both).
        setting = routing.team_setting(ticket.team_id)
        if setting is not None:
            ticket.team = setting.team
            if routing.picks_before_write(setting):
                ticket.assignee, setting = routing.pick(setting), None
    return _open(
        ticket,
        actor=actor,
        setting=setting,
        routed=routed,
        message_id=message_id,
        tags=tags,
    )


@audit.batched
def _open(
    ticket: Ticket,
    *,
    actor: Any,
    setting: Any,
    routed: Any,
    message_id: str,
    tags: Iterable[str],
) -> Ticket:
    """Writes the prepared ticket in one transaction: the pick that must see concurrent
    tickets (``setting``), the row with its SLA clocks, the opening timeline lines."""
    channel = ticket.channel
    if setting is not None:
        ticket.assignee = routing.pick(setting)
    if ticket.assignee is not None:
        ticket.status = Status.ASSIGNED
    # The key reserved first, so that the reference derived from it and the SLA summary go
    # into the ticket's one INSERT (not a second UPDATE of every index of a fresh row).
    ticket.pk = reserve_id(Ticket)
    ticket.reference = _reference(ticket)
    ticket.search_text = search_text(ticket)
    ticket.full_clean(exclude=FK_FIELDS, validate_unique=False)
    start_clocks = engine.ticket_opened(ticket, at=timezone.now())
    ticket.save(force_insert=True)
    start_clocks()
    if actor is not None:
        permissions.ensure_saved_in_scope(actor, "view", ticket)

    lines = [
        TicketEntry(
            ticket=ticket,
            kind=EntryKind.EVENT,
            author=person_of(actor),
            body=_("Opened by %(p)s via %(c)s")
            % {"p": ticket.requester, "c": Channel(channel).label},
            channel=channel,
            message_id=message_id[:255],
        )
    ]
    if routed is not None and routed.rule is not None:
        lines.append(
            event_entry(
                ticket,
                None,
                _("Routed to %(t)s by rule “%(r)s”") % {"t": ticket.team, "r": routed.rule.name},
                internal=True,
                save=False,
            )
        )
    if ticket.assignee is not None:
        lines.append(
            event_entry(ticket, None, _("Assigned to %(p)s") % {"p": ticket.assignee}, save=False)
        )
    TicketEntry.objects.bulk_create(lines)  # audited, one INSERT for the opening lines
    names = [n for n in tags if n and n.strip()]
    if names:
        ticket_tags.ticket_tags_set(ticket=ticket, names=names, actor=actor)
    events.publish("servicedesk.ticket_created", ticket_id=ticket.pk)
    if ticket.team_id or ticket.assignee_id:
        events.publish(
            "servicedesk.ticket_assigned",
            ticket_id=ticket.pk,
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
        )
    return ticket


EDITABLE = (
    "title",
    "description",
    "kind",
    "category",
    "service",
    "impact",
    "urgency",
    "priority",
    "affected_person",
    "requester",
    "organisation",
    "configuration_item_id",
    "asset_id",
    "custom_fields",
    "is_major",
    "parent",
)
ROUTED_ELSEWHERE = ("status", "pending_reason", "resolution", "team", "assignee", "tags")


def _locked(ticket: Ticket) -> Ticket:
    return Ticket._base_manager.select_for_update().get(pk=ticket.pk)


def _check_asset(actor: Any, asset_id: Any) -> None:
    if asset_error := assetlink.check_asset(actor, asset_id):
        raise ValidationError({"asset_id": asset_error})


def _check_parent(ticket: Ticket, parent: Any) -> None:
    if parent is None:
        return
    if parent.pk == ticket.pk:
        raise ValidationError({"parent": _("A ticket cannot be its own parent.")})
    seen, current = {ticket.pk}, parent.pk
    while current is not None:
        if current in seen:
            raise ValidationError({"parent": _("That would make a cycle of parent tickets.")})
        seen.add(current)
        current = Ticket._base_manager.filter(pk=current).values_list("parent_id", flat=True)[0]


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: Any, data: Mapping[str, Any]) -> Ticket:
    """Changes fields of a ticket. Impact or urgency recompute the priority unless a
    priority is given too; ``team``/``assignee`` go through ``ticket_assign`` and ``status``
    (with ``pending_reason``/``resolution``) through ``ticket_transition``."""
    if actor is not None:
        permissions.ensure(actor, "work", ticket)
    unknown = sorted(set(data) - set(EDITABLE) - set(ROUTED_ELSEWHERE))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    ticket = _locked(ticket)
    if ticket.status in (Status.CLOSED, Status.CANCELLED) and set(data) & set(EDITABLE):
        raise ValidationError(_("A closed or cancelled ticket cannot be changed."))
    previous = snapshot(ticket)
    changed: list[str] = []
    for name in EDITABLE:
        if name not in data:
            continue
        value = data[name]
        if name == "custom_fields":
            if value is not None and not isinstance(value, Mapping):
                raise ValidationError(
                    {"custom_fields": _("Custom fields are an object of names and values.")}
                )
            value = clean_custom_fields(Ticket, dict(value or {}))
        if name in ("title", "description"):
            value = (value or "").strip()
        if name == "parent":
            _check_parent(ticket, value)
        if name == "asset_id" and value != ticket.asset_id:
            _check_asset(actor, value)
        current = getattr(ticket, name)
        if current != value:
            setattr(ticket, name, value)
            changed.append(name)
    if ("impact" in changed or "urgency" in changed) and "priority" not in data:
        priority = priority_for(ticket.impact, ticket.urgency)
        if priority != ticket.priority:
            ticket.priority = priority
            changed.append("priority")
    if "title" in changed and not ticket.title:
        raise ValidationError({"title": _("Give the ticket a short title.")})
    if (
        "category" in changed
        and ticket.category is not None
        and ticket.category.kind
        and ticket.category.kind != ticket.kind
    ):
        raise ValidationError({"category": _("Not a category for this kind of ticket.")})
    if changed:
        ticket.search_text = search_text(ticket)
        ticket.full_clean(exclude=FK_FIELDS, validate_unique=False)
        ticket.save()
        if actor is not None:
            permissions.ensure_saved_in_scope(actor, "view", ticket)
        if "priority" in changed:
            event_entry(ticket, actor, _("Priority: %(p)s") % {"p": ticket.get_priority_display()})
        sla_changed(ticket, previous)
    if "team" in data or "assignee" in data:
        ticket = ticket_assign(
            ticket=ticket,
            actor=actor,
            team=data.get("team", UNCHANGED),
            assignee=data.get("assignee", UNCHANGED),
        )
        changed += [n for n in ("team", "assignee") if n in data]
    if "status" in data and data["status"] != ticket.status:
        ticket = ticket_transition(
            ticket=ticket,
            actor=actor,
            status=data["status"],
            pending_reason=data.get("pending_reason", "") or "",
            resolution=data.get("resolution", "") or "",
        )
        changed.append("status")
    if "tags" in data:
        ticket_tags.ticket_tags_set(ticket=ticket, names=list(data["tags"] or []), actor=actor)
        changed.append("tags")
    if changed:
        events.publish("servicedesk.ticket_updated", ticket_id=ticket.pk, changed=changed)
    return ticket


def _may_transition(actor: Any, ticket: Ticket, new: str) -> None:
    if actor is None or permissions.can(actor, "work", ticket):
        return
    me = person_of(actor)
    own = me is not None and me.pk in (ticket.requester_id, ticket.affected_person_id)
    if (
        own
        and (ticket.status, new) in REQUESTER_TRANSITIONS
        and permissions.can(actor, "reply", ticket)
    ):
        return
    raise PermissionDenied(_("You may not change the status of this ticket."))


@transaction.atomic
def ticket_transition(
    *, ticket: Ticket, actor: Any, status: str, pending_reason: str = "", resolution: str = ""
) -> Ticket:
    """Moves the ticket along the lifecycle (``lifecycle.TRANSITIONS``). Pending needs a
    reason, resolved a resolution; reopening counts and clears the resolution time. Agents
    may make any allowed move; a requester may accept, reopen or withdraw their own."""
    _may_transition(actor, ticket, status)
    ticket = _locked(ticket)
    _may_transition(actor, ticket, status)
    apply_status(
        ticket, actor=actor, new=status, pending_reason=pending_reason, resolution=resolution
    )
    return ticket


@transaction.atomic
def ticket_bulk_update(*, tickets: Iterable[Ticket], actor: Any, data: Mapping[str, Any]) -> int:
    """Applies ``data`` (status, pending_reason, resolution, team, assignee, priority,
    category) to up to 500 tickets, each through ``ticket_update`` so that every rule, audit
    row, SLA hook and event applies. All or nothing: one refusal rolls back the lot.
    Returns how many tickets changed."""
    allowed = {"status", "pending_reason", "resolution", "team", "assignee", "priority", "category"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: _("Not a bulk-editable field.") for name in unknown})
    if not data:
        raise ValidationError(_("Say what to change."))
    rows = list(tickets)
    if not rows:
        raise ValidationError({"tickets": _("Choose at least one ticket.")})
    if len(rows) > MAX_BULK:
        raise ValidationError({"tickets": _("At most %(n)s tickets at once.") % {"n": MAX_BULK}})
    count = 0
    for ticket in rows:
        try:
            before = snapshot(ticket)
            updated = ticket_update(ticket=ticket, actor=actor, data=data)
        except ValidationError as exc:
            messages = "; ".join(exc.messages)
            raise ValidationError(
                {"tickets": _("%(r)s: %(m)s") % {"r": ticket.reference, "m": messages}}
            ) from exc
        if snapshot(updated) != before:
            count += 1
    return count
