"""Who works a ticket: the assignment group and the agent, checked and auto-picked."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import events, permissions
from steward.servicedesk.models import Status, Ticket
from steward.servicedesk.services.lifecycle import event_entry, sla_changed, snapshot
from steward.servicedesk.services.routing import pick_assignee

UNCHANGED: Any = object()
"""Default of ``ticket_assign``'s team and assignee: leave as it is."""


def check_assignee_in_team(team: Any, assignee: Any) -> None:
    if assignee is None:
        return
    if not assignee.is_active:
        raise ValidationError({"assignee": _("%(p)s is not active.") % {"p": assignee}})
    if assignee.user_id is None:
        raise ValidationError({"assignee": _("%(p)s has no login.") % {"p": assignee}})
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("%(p)s is not a member of %(t)s.") % {"p": assignee, "t": team}}
        )


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, actor: Any, team: Any = UNCHANGED, assignee: Any = UNCHANGED
) -> Ticket:
    """Sets the assignment group and/or agent. A new team without an agent is auto-assigned
    per its setting; an agent must be an active member with a login. A new ticket given an
    agent becomes assigned."""
    if actor is not None:
        permissions.ensure(actor, "work", ticket)
    ticket = Ticket._base_manager.select_for_update().get(pk=ticket.pk)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ValidationError(_("A closed or cancelled ticket cannot be reassigned."))
    previous = snapshot(ticket)
    new_team = ticket.team if team is UNCHANGED else team
    new_assignee = ticket.assignee if assignee is UNCHANGED else assignee
    if team is not UNCHANGED and assignee is UNCHANGED and new_team != ticket.team:
        new_assignee = None
        if new_team is not None:
            new_assignee = pick_assignee(new_team)
    if assignee is not UNCHANGED or new_assignee is not None:
        check_assignee_in_team(new_team, new_assignee)
    if new_team == ticket.team and new_assignee == ticket.assignee:
        return ticket
    ticket.team, ticket.assignee = new_team, new_assignee
    fields = ["team", "assignee", "updated_at"]
    if ticket.assignee is not None and ticket.status == Status.NEW:
        ticket.status = Status.ASSIGNED
        fields.append("status")
    ticket.save(update_fields=fields)
    if ticket.team_id != previous["team"]:
        body = (
            _("Assigned to team %(t)s") % {"t": ticket.team}
            if ticket.team
            else _("Removed from its team")
        )
        event_entry(ticket, actor, body)
    if ticket.assignee_id != previous["assignee"]:
        body = (
            _("Assigned to %(p)s") % {"p": ticket.assignee} if ticket.assignee else _("Unassigned")
        )
        event_entry(ticket, actor, body)
    sla_changed(ticket, previous)
    events.publish(
        "servicedesk.ticket_assigned",
        ticket_id=ticket.pk,
        team_id=ticket.team_id,
        assignee_id=ticket.assignee_id,
    )
    if ticket.status != previous["status"]:
        events.publish(
            "servicedesk.ticket_status_changed",
            ticket_id=ticket.pk,
            old=previous["status"],
            new=ticket.status,
        )
    return ticket
