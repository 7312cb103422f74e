"""Incidents linked to what caused them: a problem (its incidents) or a change ("caused by
change"). Incidents are service-desk tickets of kind incident, read through
``steward.servicedesk.selectors`` with the actor's own visibility and linked by id.

A change causes incidents only once it has been carried out: in implementation, review or
closed, or cancelled after it started (``actual_start``). Linking is idempotent (an incident
already linked is skipped) and audited; ``changes.incident_caused`` is published per new link
so that the service desk or analytics can react."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from steward.changes.models import ChangeIncident, ChangeRequest, ChangeState
from steward.core import events, permissions

CARRIED_OUT = frozenset({ChangeState.IMPLEMENTATION, ChangeState.REVIEW, ChangeState.CLOSED})


def caused_incidents_allowed(change: ChangeRequest) -> bool:
    return change.state in CARRIED_OUT or (
        change.state == ChangeState.CANCELLED and change.actual_start is not None
    )


@transaction.atomic
def change_link_incidents(*, change: ChangeRequest, ticket_ids: Iterable[Any], actor: Any) -> int:
    """Record that the change caused these incidents; returns how many links are new."""
    permissions.ensure(actor, "change", change)
    if not caused_incidents_allowed(change):
        raise ValidationError(
            {
                "incidents": [
                    _("A change causes incidents only once carried out; %(ref)s is %(s)s.")
                    % {"ref": change.reference, "s": change.get_state_display().lower()}
                ]
            }
        )
    from steward.servicedesk import selectors as desk

    tickets = desk.incidents_by_ids(actor, ticket_ids)
    linked = set(ChangeIncident.objects.filter(change=change).values_list("ticket_id", flat=True))
    added = 0
    for ticket in tickets:
        if ticket.pk in linked:
            continue
        ChangeIncident.objects.create(change=change, ticket_id=ticket.pk)
        events.publish(
            "changes.incident_caused",
            change_id=change.pk,
            reference=change.reference,
            ticket_id=ticket.pk,
        )
        added += 1
    return added


@transaction.atomic
def change_unlink_incident(*, change: ChangeRequest, ticket_id: int, actor: Any) -> None:
    permissions.ensure(actor, "change", change)
    for link in ChangeIncident.objects.filter(change=change, ticket_id=ticket_id):
        link.delete()
