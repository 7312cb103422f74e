"""Reads of change management, always through ``permissions.restrict``: lists, one change,
the calendar of a period (changes and windows with their conflicts flagged), what a change
reaches in the CMDB, and the feeds calendar applications read."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Min, Q, QuerySet

from steward.changes import conflicts as conflict_rules
from steward.changes.impact import ReachCache
from steward.changes.models import (
    ChangeIncident,
    ChangeRequest,
    ChangeRequestCI,
    ChangeState,
    ChangeTemplate,
    ChangeWindow,
    Problem,
    ProblemIncident,
    WindowKind,
)
from steward.core import permissions
from steward.core.validation import is_id

LIST_RELATED = ("requester", "owner", "assignment_team", "template")


def change_list(*, user: Any) -> QuerySet[ChangeRequest]:
    return permissions.restrict(ChangeRequest.objects.select_related(*LIST_RELATED), user)


def change_get(*, user: Any, pk: Any) -> ChangeRequest | None:
    """One change ``user`` may see, or None (unknown, malformed and hidden alike)."""
    if not is_id(pk):
        return None
    return change_list(user=user).filter(pk=pk).first()


def template_list(*, user: Any) -> QuerySet[ChangeTemplate]:
    return permissions.restrict(ChangeTemplate.objects.all(), user)


def window_list(*, user: Any) -> QuerySet[ChangeWindow]:
    return permissions.restrict(ChangeWindow.objects.all(), user)


def affected_items(*, change: ChangeRequest, user: Any) -> list[Any]:
    from steward.cmdb import selectors as cmdb

    ids = ChangeRequestCI.objects.filter(change=change).values_list("configuration_item_id")
    return list(cmdb.ci_list(user=user).filter(pk__in=ids).order_by("name", "pk"))


def change_impact(*, change: ChangeRequest, user: Any) -> dict[str, Any]:
    """The services and people the change's items reach (what the CMDB shows ``user``)."""
    reach = ReachCache(user, people=True).reach(conflict_rules.ci_ids_of(change))
    services = sorted(reach.services.values(), key=lambda s: (-s["criticality"], s["name"]))
    people = sorted(reach.people.values(), key=lambda p: p["name"].lower())
    return {"services": services, "people": people, "reached": len(reach.impact_ids)}


def change_conflicts(*, change: ChangeRequest, user: Any) -> list[conflict_rules.Conflict]:
    return conflict_rules.conflicts_for(
        change, visible=change_list(user=user), cache=ReachCache(user)
    )


CALENDAR_FIELDS = ("title", "state", "change_type", "planned_start", "planned_end")
"""What the calendar and the conflicts read of a change."""


def calendar(
    *, user: Any, start: datetime.datetime, end: datetime.datetime, shown: int | None = None
) -> dict[str, Any]:
    """Changes (but cancelled ones) and windows overlapping ``[start, end)``, with the
    conflicts of each change found for all of them together
    (``conflicts.calendar_conflicts``): the changes loaded once with only what a calendar
    shows, a fixed number of queries and no pass over every other change per change,
    however busy the period. ``conflicts`` maps a change to its conflicts (only the first
    ``shown`` put into words, all with None) and ``counts`` to how many it has in all;
    changes without conflicts are in neither."""
    planned = (
        change_list(user=user)
        .select_related(None)
        .only(*CALENDAR_FIELDS)
        .filter(planned_start__isnull=False, planned_end__isnull=False)
    )
    # Other changes overlapping the period's changes may start before or end after it.
    span = (
        planned.filter(planned_start__lt=end, planned_end__gt=start)
        .exclude(state=ChangeState.CANCELLED)
        .aggregate(lo=Min("planned_start"), hi=Max("planned_end"))
    )
    candidates: list[ChangeRequest] = []
    if span["lo"] is not None:
        around = conflict_rules.overlapping(
            planned, span["lo"], span["hi"], start_field="planned_start", end_field="planned_end"
        )
        candidates = conflict_rules.with_ci_ids(list(around.order_by("planned_start", "pk")))
    changes = [
        c
        for c in candidates
        if c.state != ChangeState.CANCELLED and c.planned_start < end and c.planned_end > start  # type: ignore[operator]
    ]
    windows = list(
        window_list(user=user)
        .prefetch_related("configuration_items")
        .filter(start__lt=end, end__gt=start)
        .order_by("start", "pk")
    )
    found = conflict_rules.calendar_conflicts(
        changes,
        candidates=candidates,
        blackouts=[w for w in windows if w.kind == WindowKind.BLACKOUT],
        user=user,
        shown=shown,
    )
    return {
        "changes": changes,
        "windows": windows,
        "conflicts": {pk: f.shown for pk, f in found.items()},
        "counts": {pk: f.count for pk, f in found.items()},
    }


def feed_changes(*, user: Any, team_id: int | None = None) -> QuerySet[ChangeRequest]:
    """The changes in a calendar feed: those ``user`` requested or owns (or, with
    ``team_id``, those assigned to the team), planned from 90 days ago on."""
    from django.utils import timezone

    since = timezone.now() - datetime.timedelta(days=90)
    qs = change_list(user=user).filter(planned_start__isnull=False, planned_end__gte=since)
    if team_id is not None:
        qs = qs.filter(assignment_team_id=team_id)
    else:
        qs = qs.filter(Q(requester=user) | Q(owner=user))
    return qs.order_by("planned_start", "pk")


def feed_windows(*, user: Any) -> QuerySet[ChangeWindow]:
    from django.utils import timezone

    since = timezone.now() - datetime.timedelta(days=90)
    return window_list(user=user).filter(end__gte=since).order_by("start", "pk")


def problem_list(*, user: Any) -> QuerySet[Problem]:
    return permissions.restrict(Problem.objects.select_related("owner", "assignment_team"), user)


def problem_get(*, user: Any, pk: Any) -> Problem | None:
    if not is_id(pk):
        return None
    return problem_list(user=user).filter(pk=pk).first()


def problem_incidents(*, problem: Problem, user: Any) -> list[Any]:
    """The linked incidents ``user`` may see, newest first (through the service desk)."""
    from steward.servicedesk import selectors as desk

    ids = ProblemIncident.objects.filter(problem=problem).values_list("ticket_id", flat=True)
    return list(desk.ticket_list(user, pk__in=list(ids)).order_by("-created_at", "-pk"))


def problems_of_incident(*, ticket_id: int, user: Any) -> QuerySet[Problem]:
    """The problems an incident is linked to (for the service desk's ticket page)."""
    links = ProblemIncident.objects.filter(ticket_id=ticket_id).values("problem_id")
    return problem_list(user=user).filter(pk__in=links)


def change_incidents(*, change: ChangeRequest, user: Any) -> list[Any]:
    """The incidents the change caused that ``user`` may see, newest first (through the
    service desk); empty for anyone who may not see the links (not IT staff)."""
    from steward.servicedesk import selectors as desk

    links = permissions.restrict(ChangeIncident.objects.filter(change=change), user)
    ids = list(links.values_list("ticket_id", flat=True))
    if not ids:
        return []
    return list(desk.ticket_list(user, pk__in=ids).order_by("-created_at", "-pk"))


def changes_of_incident(*, ticket_id: int, user: Any) -> QuerySet[ChangeRequest]:
    """The changes an incident was caused by (for the service desk's ticket page)."""
    links = permissions.restrict(ChangeIncident.objects.filter(ticket_id=ticket_id), user)
    return change_list(user=user).filter(pk__in=links.values("change_id")).order_by("-pk")
