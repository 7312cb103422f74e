"""Reads of change management, always through ``permissions.restrict``: lists, one change,
the calendar of a period (changes and windows with their conflicts flagged), what a change
reaches in the CMDB, and the feeds calendar applications read."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet, prefetch_related_objects

from steward.changes import calendar_cache
from steward.changes import conflicts as conflict_rules
from steward.changes.impact import ReachCache
from steward.changes.models import (
    ACTIVE_STATES,
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


class CalendarChange:
    """A change as the calendar reads it (a row of six columns, not a model instance with
    its audit snapshot: a busy month loads thousands), with what the page and the conflicts
    ask of a change."""

    __slots__ = ("_ci_ids", "change_type", "pk", "planned_end", "planned_start", "state", "title")

    def __init__(
        self,
        pk: int,
        title: str,
        state: str,
        change_type: str,
        planned_start: datetime.datetime,
        planned_end: datetime.datetime,
    ) -> None:
        self.pk, self.title, self.state, self.change_type = pk, title, state, change_type
        self.planned_start, self.planned_end = planned_start, planned_end

    @property
    def id(self) -> int:
        return self.pk

    @property
    def reference(self) -> str:
        return f"CHG-{self.pk}"

    def get_state_display(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


STATE_LABELS = dict(ChangeState.choices)
CALENDAR_FIELDS = ("pk", "title", "state", "change_type", "planned_start", "planned_end")
"""What the calendar and the conflicts read of a change (``CalendarChange``)."""


def _calendar_rows(qs: QuerySet[ChangeRequest]) -> list[CalendarChange]:
    rows = qs.order_by("planned_start", "pk").values_list(*CALENDAR_FIELDS)
    return [CalendarChange(*row) for row in rows]


def calendar_windows(
    *, user: Any, start: datetime.datetime, end: datetime.datetime
) -> list[ChangeWindow]:
    """The windows overlapping ``[start, end)`` that ``user`` may see, by start."""
    qs = window_list(user=user).filter(start__lt=end, end__gt=start)
    return list(qs.order_by("start", "pk"))


def calendar_visibility(*, user: Any) -> str:
    """What of the calendar ``user`` sees (``calendar_cache.visibility``): viewers with the
    same share its cached results."""
    from steward.cmdb import selectors as cmdb

    return calendar_cache.visibility(
        change_list(user=user), cmdb.ci_list(user=user), window_list(user=user)
    )


def calendar(
    *, user: Any, start: datetime.datetime, end: datetime.datetime, shown: int | None = None
) -> dict[str, Any]:
    """Changes (but cancelled ones) and windows overlapping ``[start, end)``, with the
    conflicts of each change. ``conflicts`` maps a change to its conflicts (only the first
    ``shown`` put into words, all with None) and ``counts`` to how many it has in all;
    changes without conflicts are in neither. The changes are ``CalendarChange`` rows; the
    conflicts (``calendar_period_conflicts``) come from ``calendar_cache`` when nothing they
    depend on was written since they were found for a viewer who sees the same rows."""
    visible = change_list(user=user).select_related(None)
    changes = _calendar_rows(
        visible.filter(planned_start__lt=end, planned_end__gt=start).exclude(
            state=ChangeState.CANCELLED
        )
    )
    windows = calendar_windows(user=user, start=start, end=end)
    found: dict[int, conflict_rules.Flagged] = {}
    if any(c.state in ACTIVE_STATES for c in changes):
        from django.utils import translation

        def compute() -> dict[int, conflict_rules.Flagged]:
            return calendar_period_conflicts(
                user=user, changes=changes, windows=windows, shown=shown
            )

        parts = (
            start.isoformat(),
            end.isoformat(),
            shown,
            translation.get_language(),
            calendar_visibility(user=user),
        )
        found = calendar_cache.get(parts, compute)
    return {
        "changes": changes,
        "windows": windows,
        "conflicts": {pk: f.shown for pk, f in found.items()},
        "counts": {pk: f.count for pk, f in found.items()},
    }


def calendar_period_conflicts(
    *,
    user: Any,
    changes: list[CalendarChange],
    windows: list[ChangeWindow],
    shown: int | None = None,
) -> dict[int, conflict_rules.Flagged]:
    """The conflicts of the active ``changes`` of a period (``conflicts.calendar_conflicts``)
    with every active change ``user`` sees overlapping them (which may start before or end
    after the period) and the blackouts of ``windows``: a fixed number of queries, however
    busy the period. What ``calendar`` caches."""
    active = [c for c in changes if c.state in ACTIVE_STATES]
    if not active:
        return {}
    lo, hi = min(c.planned_start for c in active), max(c.planned_end for c in active)
    around = (
        change_list(user=user)
        .select_related(None)
        .filter(state__in=ACTIVE_STATES, planned_start__lt=hi, planned_end__gt=lo)
    )
    candidates = conflict_rules.with_ci_ids(_calendar_rows(around))  # type: ignore[arg-type]
    by_pk = {c.pk: c for c in candidates}
    blackouts = [w for w in windows if w.kind == WindowKind.BLACKOUT]
    prefetch_related_objects(blackouts, "configuration_items")
    return conflict_rules.calendar_conflicts(
        [by_pk[c.pk] for c in active if c.pk in by_pk],  # type: ignore[misc]
        candidates=candidates,  # type: ignore[arg-type]
        blackouts=blackouts,
        user=user,
        shown=shown,
    )


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
