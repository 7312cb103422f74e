"""Who sees and changes what in the catalogue.

Items are shared rows (no tenant owns them): employees see those for employees, customer
contacts those for customers, staff everything; IT managers edit the catalogue. A request is
visible like its ticket (and to the person it is for); fulfilment tasks are staff work.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from steward.core import permissions
from steward.core.permissions import EVERYONE, INTERNAL, MANAGERS, SHARED, STAFF, Policy, Role

AGENTS = MANAGERS | {Role.AGENT}
NOBODY: frozenset[str] = frozenset()


def audiences_for(roles: frozenset[str]) -> tuple[str, ...]:
    if roles & STAFF:
        return ("employees", "customers", "both")
    if roles & INTERNAL:
        return ("employees", "both")
    return ("customers", "both")


def _item_scope(user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]) -> QuerySet[Any]:
    if roles & STAFF:
        return qs
    return qs.filter(is_active=True, audience__in=audiences_for(roles))


def _via_item_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    if roles & STAFF:
        return qs
    return qs.filter(item__is_active=True, item__audience__in=audiences_for(roles))


def _category_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    return qs if roles & STAFF else qs.filter(is_active=True)


def _request_scope(
    user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]
) -> QuerySet[Any]:
    """Staff see every request; others the requests whose ticket they may see, that are for
    them, or that they are asked to approve (themselves or as a delegate)."""
    if roles & STAFF:
        return qs
    from steward.approvals import selectors as approval_selectors
    from steward.approvals.models import ApprovalStage

    ticket_model = qs.model._meta.get_field("ticket").related_model
    tickets = permissions.restrict(ticket_model._default_manager.all(), user).values("pk")
    person = getattr(user, "person", None)
    deciders = [user.pk, *approval_selectors.delegator_ids(user)]
    to_approve = ApprovalStage.objects.filter(approvers__in=deciders).values("request_id")
    condition = Q(ticket__in=tickets) | Q(approval_request_id__in=to_approve)
    if person is not None:
        condition |= Q(requested_for_id=person.pk)
    return qs.filter(condition)


def _task_scope(user: Any, qs: QuerySet[Any], action: str, roles: frozenset[str]) -> QuerySet[Any]:
    """Agents and managers work any task; other staff (asset managers) their teams' tasks."""
    if action == "view" or roles & AGENTS:
        return qs
    person = getattr(user, "person", None)
    if person is None:
        return qs.none()
    return qs.filter(team__members=person)


def register() -> None:
    from steward.catalogue import models as m

    permissions.register(
        m.CatalogueCategory,
        Policy(view=EVERYONE, tenant_field=SHARED, scope=_category_scope),
    )
    permissions.register(
        m.CatalogueItem,
        Policy(view=EVERYONE, tenant_field=SHARED, scope=_item_scope),
    )
    permissions.register(
        m.ItemField,
        Policy(view=EVERYONE, tenant_field=SHARED, scope=_via_item_scope),
    )
    permissions.register(m.FulfilmentTaskTemplate, Policy(view=STAFF))
    permissions.register(
        m.RequestedItem,
        Policy(
            view=EVERYONE,
            add=NOBODY,
            change=NOBODY,
            delete=frozenset({Role.ADMIN}),
            tenant_field="ticket__organisation_id",
            scope=_request_scope,
            extra={"request": EVERYONE},
        ),
    )
    permissions.register(
        m.FulfilmentTask,
        Policy(view=STAFF, add=NOBODY, change=STAFF, delete=NOBODY, scope=_task_scope),
    )
