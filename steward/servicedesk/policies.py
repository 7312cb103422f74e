"""Who may see and change what in the service desk.

Staff see every ticket. An employee sees the tickets they requested or are affected by. A
customer contact sees their own tickets, or all of their organisation's when the organisation's
setting says so (the tenant filter confines them to their organisation first).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from steward.core import permissions
from steward.core.permissions import EVERYONE, INTERNAL, MANAGERS, SHARED, STAFF, Policy, Role

AGENTS = MANAGERS | {Role.AGENT}


def _person_id(user: Any) -> int | None:
    person = getattr(user, "person", None) if user is not None else None
    return person.pk if person is not None else None


def ticket_scope(user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]) -> QuerySet[Any]:
    if roles & STAFF:
        return qs
    person_id = _person_id(user)
    if person_id is None:
        return qs.none()
    mine = Q(requester_id=person_id) | Q(affected_person_id=person_id)
    if Role.CUSTOMER in roles and not roles & INTERNAL:
        from steward.servicedesk.models import CustomerVisibility, OrganisationSetting

        tenant = permissions.tenant_of(user)
        shared = OrganisationSetting.objects.filter(
            organisation_id=tenant, customer_visibility=CustomerVisibility.ORGANISATION
        ).exists()
        return qs if shared else qs.filter(mine)
    return qs.filter(mine)


def via_ticket_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    """Rows hanging off a ticket: visible with the ticket; internal notes to staff only."""
    if roles & STAFF:
        return qs
    from steward.servicedesk.models import EntryKind, Ticket

    tickets = ticket_scope(user, Ticket.objects.all(), "view", roles)
    qs = qs.filter(ticket__in=tickets)
    if qs.model.__name__ == "TicketEntry":
        qs = qs.exclude(kind=EntryKind.NOTE)
    return qs


def register() -> None:
    from steward.servicedesk import models as m

    permissions.register(
        m.Ticket,
        Policy(
            view=EVERYONE,
            add=EVERYONE,
            change=AGENTS,
            delete=frozenset({Role.ADMIN}),
            tenant_field="organisation_id",
            scope=ticket_scope,
            extra={"work": AGENTS, "reply": EVERYONE, "contribute": EVERYONE},
        ),
    )
    for model in (m.TicketEntry, m.SurveyResponse):
        permissions.register(
            model,
            Policy(
                view=EVERYONE,
                add=EVERYONE,
                change=AGENTS,
                tenant_field="ticket__organisation_id",
                scope=via_ticket_scope,
            ),
        )
    for model in (m.TicketLink, m.TimeEntry):
        permissions.register(model, Policy(view=STAFF, add=AGENTS, change=AGENTS, delete=AGENTS))
    permissions.register(m.SLAClock, Policy(view=STAFF, add=AGENTS, change=AGENTS))
    permissions.register(
        m.Service,
        Policy(
            view=EVERYONE,
            add=MANAGERS,
            change=MANAGERS,
            tenant_field=SHARED,
            scope=_public_services,
        ),
    )
    permissions.register(
        m.Category, Policy(view=EVERYONE, tenant_field=SHARED, scope=_any_category)
    )
    permissions.register(
        m.CannedResponse, Policy(view=STAFF, add=AGENTS, change=AGENTS, delete=AGENTS)
    )
    permissions.register(
        m.SavedQueue,
        Policy(view=STAFF, add=AGENTS, change=AGENTS, delete=AGENTS, scope=saved_queue_scope),
    )
    for model in (
        m.PriorityRule,
        m.RoutingRule,
        m.TeamSetting,
        m.OrganisationSetting,
        m.BusinessCalendar,
        m.WorkingHours,
        m.Holiday,
        m.SLAPolicy,
        m.SLATarget,
        m.EscalationRule,
    ):
        permissions.register(
            model, Policy(view=STAFF, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
        )


def _public_services(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    """Employees see every service; customer contacts the public ones."""
    if roles & INTERNAL:
        return qs
    return qs.filter(is_public=True)


def _any_category(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    return qs.filter(is_active=True) if not roles & STAFF else qs


def saved_queue_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    """Everyone sees shared queues and their own; only managers change shared ones, and
    nobody sees or changes another person's private queue."""
    mine = Q(owner_id=getattr(user, "pk", None))
    if action == "view" or roles & MANAGERS:
        return qs.filter(mine | Q(owner__isnull=True))
    return qs.filter(mine)
