"""Reads of the service desk, for its own pages and API and for other apps. Every read of
tickets and their rows goes through ``permissions.restrict``; lists carry the relations
they show (``select_related``) so that a page of tickets is one query."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.validation import is_id
from steward.servicedesk.models import (
    Category,
    Service,
    SurveyResponse,
    Ticket,
    TicketEntry,
    TicketLink,
    TimeEntry,
)

LIST_RELATED = (
    "requester",
    "organisation",
    "category",
    "category__parent",  # Category.__str__ shows "Parent / Child"
    "service",
    "team",
    "assignee",
    "sla_policy",
)
API_LIST_RELATED = tuple(r for r in LIST_RELATED if r != "sla_policy")
"""The API list shows the policy's id only: no join for it."""
API_LIST_ONLY = (
    *(f.name for f in Ticket._meta.concrete_fields if f.name != "search_text"),
    "requester__first_name",
    "requester__last_name",
    "organisation__name",
    "category__name",
    "category__parent__name",
    "service__name",
    "team__name",
    "assignee__first_name",
    "assignee__last_name",
)
"""Columns the API list serializes: the related rows' names, not their every column (a page
of 50 tickets built ~450 full related rows)."""
DETAIL_RELATED = (
    *LIST_RELATED,
    "affected_person",
    "category__parent",
    "parent",
    "merged_into",
    "created_by",
)
REFERENCE = re.compile(r"^\s*\[?(INC|REQ)-(\d{1,18})\]?\s*$", re.IGNORECASE)


def ticket_list(user: Any, **filters: Any) -> QuerySet[Ticket]:
    """The tickets ``user`` may see, with the relations a list shows, narrowed by
    ``filters`` (``open=True``, ``team=``, ``assignee=``, ``unassigned=True``,
    ``breaching_within=minutes``, ``requester=``, or any plain field lookup)."""
    tickets = Ticket.objects.select_related(*LIST_RELATED).joins_as_written()
    qs = permissions.restrict(tickets, user, "view")
    if filters.pop("open", None):
        qs = qs.open()
    if "team" in filters:
        qs = qs.for_team(filters.pop("team"))
    if "assignee" in filters:
        qs = qs.assigned_to(filters.pop("assignee"))
    if filters.pop("unassigned", None):
        qs = qs.unassigned()
    if "breaching_within" in filters:
        qs = qs.breaching_within(filters.pop("breaching_within"))
    if "requester" in filters:
        qs = qs.requested_by(filters.pop("requester"))
    return qs.filter(**filters) if filters else qs


def ticket_get(user: Any, pk: Any) -> Ticket | None:
    """One ticket ``user`` may see, or None (unknown, malformed or not theirs alike)."""
    if not is_id(pk):
        return None
    qs = Ticket.objects.select_related(*DETAIL_RELATED).joins_as_written()
    return permissions.restrict(qs, user, "view").filter(pk=pk).first()


def parse_reference(text: str) -> int | None:
    """The number of ``INC-000123`` / ``REQ-000123`` / ``[INC-123]``, or None."""
    match = REFERENCE.match(text or "")
    return int(match.group(2)) if match else None


def ticket_by_reference(reference: str) -> Ticket | None:
    """The ticket with this reference, for mail threading (no permission check: the caller
    is the system). The prefix may have changed with the ticket's kind: the number decides."""
    number = parse_reference(reference)
    if number is None:
        return None
    candidates = [f"INC-{number:06d}", f"REQ-{number:06d}"]
    return (
        Ticket.objects.select_related("requester", "organisation", "team", "assignee")
        .filter(reference__in=candidates)
        .first()
    )


MAX_INCIDENTS = 200
"""How many incidents one call links to something (a change, a problem, a risk)."""


def incidents_by_ids(user: Any, ticket_ids: Iterable[Any]) -> list[Ticket]:
    """The incidents ``user`` may see, in the order given, duplicates dropped, in one query,
    for the apps that link incidents to what caused them. Raises ValidationError (on
    ``incidents``) for too many ids, a non-id, or an id that is no incident the user can see
    (one message for both: nothing tells hidden from missing)."""
    wanted = list(dict.fromkeys(ticket_ids))
    if len(wanted) > MAX_INCIDENTS:
        raise ValidationError(
            {"incidents": [_("At most %(n)s incidents at once.") % {"n": MAX_INCIDENTS}]}
        )
    for pk in wanted:
        if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
            raise ValidationError({"incidents": [_("Give incident ids.")]})
    found = {t.pk: t for t in ticket_list(user, pk__in=wanted) if t.kind == "incident"}
    for pk in wanted:
        if pk not in found:
            raise ValidationError({"incidents": [_("No such incident: %(id)s.") % {"id": pk}]})
    return [found[pk] for pk in wanted]


def ticket_find(user: Any, text: str) -> Ticket | None:
    """The ticket ``user`` may see that ``text`` names: a reference (``INC-000123``,
    ``REQ-123``, ``[INC-123]``) or its bare number; None for anything else."""
    text = (text or "").strip()
    number = int(text) if text.isdigit() and len(text) <= 18 else parse_reference(text)
    if number is None:
        return None
    candidates = [f"INC-{number:06d}", f"REQ-{number:06d}"]
    return ticket_list(user, reference__in=candidates).first()


def entries_for(ticket: Ticket, user: Any) -> QuerySet[TicketEntry]:
    """The ticket's timeline as ``user`` may see it (no internal notes for requesters)."""
    qs = TicketEntry.objects.filter(ticket=ticket).select_related("author", "author__user")
    return permissions.restrict(qs, user, "view").order_by("created_at", "id")


def links_for(ticket: Ticket, user: Any) -> QuerySet[TicketLink]:
    """Links from and to the ticket (staff only, per policy)."""
    qs = TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket)).select_related(
        "source", "target"
    )
    return permissions.restrict(qs, user, "view")


def time_entries_for(ticket: Ticket, user: Any) -> QuerySet[TimeEntry]:
    qs = TimeEntry.objects.filter(ticket=ticket).select_related("person")
    return permissions.restrict(qs, user, "view")


def children_of(ticket: Ticket, user: Any) -> QuerySet[Ticket]:
    return ticket_list(user).filter(parent=ticket)


def category_by_names(names: list[str], *, kind: str = "incident") -> Category | None:
    """The first active category for ``kind`` (or for both kinds) named like one of ``names``
    (case-insensitive), in the order given, or None: how another app picks a sensible
    default (a problem reported on a laptop lands in "Laptop", else in "Hardware")."""
    wanted = [n.strip().lower() for n in names if n and n.strip()]
    if not wanted:
        return None
    match = Q()
    for name in wanted:
        match |= Q(name__iexact=name)
    rows = (
        Category.objects.filter(is_active=True)
        .filter(Q(kind=kind) | Q(kind=""))
        .filter(match)
        .select_related("parent")
        .order_by("parent_id", "pk")
    )
    found: dict[str, Category] = {}
    for category in rows:
        found.setdefault(category.name.lower(), category)
    return next((found[n] for n in wanted if n in found), None)


def tickets_of_asset(user: Any, asset_id: int) -> QuerySet[Ticket]:
    """The tickets about one asset that ``user`` may see, newest first: the asset's repair
    and problem history."""
    return ticket_list(user).filter(asset_id=asset_id).order_by("-created_at", "-id")


def service_status_list() -> QuerySet[Service]:
    """Business services in page order, for the public status page (no login: the caller
    shows only ``is_public`` ones)."""
    return Service.objects.all().order_by("order", "name")


def open_major_incidents() -> QuerySet[Ticket]:
    """Open major incidents, newest first, with their service (public status page)."""
    return (
        Ticket.objects.open()
        .incidents()
        .major()
        .select_related("service")
        .order_by("-created_at", "-id")
    )


def survey_by_token(token: str) -> SurveyResponse | None:
    """The survey behind a link's token (the token is the credential), or None."""
    if not token or len(token) > 64:
        return None
    return SurveyResponse.objects.select_related("ticket").filter(token=token).first()


def ticket_volume(*, since: Any, until: Any) -> dict[str, int]:
    """Tickets raised by employees between ``since`` and ``until`` (datetimes), those of any
    requester resolved then, and the distinct agents who resolved them: the growth
    scenario's tickets per person and tickets per agent (as the system). One query."""
    from django.db.models import Count

    created = Q(created_at__gte=since, created_at__lt=until, requester__kind="employee")
    resolved = Q(resolved_at__gte=since, resolved_at__lt=until)
    totals = Ticket.objects.filter(created | resolved).aggregate(
        created=Count("pk", filter=created),
        resolved=Count("pk", filter=resolved),
        agents=Count("assignee", filter=resolved & Q(assignee__isnull=False), distinct=True),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def service_health(user: Any, *, since: Any) -> list[dict[str, Any]]:
    """Per business service, over the tickets ``user`` may see: open incidents, open major
    incidents, and the SLA met and breached among tickets created since ``since`` (the SLA
    report's rule: met is done within every target, breached is any target missed; open
    tickets still within target are not counted), with ``sla_percent`` (None without any).
    Services in page order; two queries whatever the number of services or tickets."""
    from django.db.models import Count

    from steward.servicedesk.models.tickets import DONE_STATUSES, OPEN_STATUSES, TicketKind

    services = list(Service.objects.order_by("order", "name").values("pk", "name", "status"))
    breached = Q(response_breached=True) | Q(resolution_breached=True)
    recent = Q(created_at__gte=since) & (
        Q(resolution_due__isnull=False) | Q(response_due__isnull=False)
    )
    open_incident = Q(status__in=OPEN_STATUSES, kind=TicketKind.INCIDENT)
    rows = (
        permissions.restrict(Ticket.objects.all(), user, "view")
        .filter(service__isnull=False)
        .filter(Q(status__in=OPEN_STATUSES) | Q(created_at__gte=since))
        .order_by()
        .values("service_id")
        .annotate(
            open_incidents=Count("pk", filter=open_incident),
            major_incidents=Count("pk", filter=open_incident & Q(is_major=True)),
            sla_met=Count("pk", filter=recent & ~breached & Q(status__in=DONE_STATUSES)),
            sla_breached=Count("pk", filter=recent & breached),
        )
    )
    found = {row.pop("service_id"): row for row in rows}
    out = []
    for service in services:
        row = found.get(service["pk"], {})
        met, missed = row.get("sla_met", 0), row.get("sla_breached", 0)
        out.append(
            {
                "id": service["pk"],
                "name": service["name"],
                "status": service["status"],
                "open_incidents": row.get("open_incidents", 0),
                "major_incidents": row.get("major_incidents", 0),
                "sla_met": met,
                "sla_breached": missed,
                "sla_percent": round(100 * met / (met + missed), 1) if met + missed else None,
            }
        )
    return out
