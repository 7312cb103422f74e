"""Project portfolio: reads of projects (with what they spent), the roadmap (bars, milestone
markers, today) and the capacity of people (allocation per person per month, over-allocation
flagged), and the writes with a rule of their own: a project's milestones and allocations are
kept by those who may change the project (IT managers, its owner). Counts of queries do not
grow with the number of projects or people."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core import services as core_services
from steward.strategy.models import Allocation, CostRecord, Milestone, Project

FULL = 100


def _spent_from_costs() -> Subquery:
    costs = (
        CostRecord.objects.filter(projects=OuterRef("pk"))
        .order_by()
        .values("projects")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(costs, output_field=DecimalField(max_digits=16, decimal_places=2))


def with_spent(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``linked_costs`` (the sum of linked cost records, or None) and
    ``actual_spent`` (that, else the amount entered)."""
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)
    return qs.annotate(
        linked_costs=_spent_from_costs(),
        actual_spent=Coalesce(_spent_from_costs(), "spent", output_field=money),
    )


def project_list(*, user: Any) -> QuerySet[Project]:
    """Projects ``user`` may see, with what they spent (``with_spent``)."""
    qs = Project.objects.select_related("owner", "it_goal", "budget_line")
    return permissions.restrict(with_spent(qs), user)


def project_get(*, user: Any, pk: Any) -> Project | None:
    from steward.core.validation import is_id

    if not is_id(pk):
        return None
    return project_list(user=user).filter(pk=pk).first()


def milestone_list(*, user: Any) -> QuerySet[Milestone]:
    return permissions.restrict(Milestone.objects.select_related("project"), user)


def allocation_list(*, user: Any) -> QuerySet[Allocation]:
    return permissions.restrict(Allocation.objects.select_related("project", "person"), user)


def _ensure_can_change_project(actor: Any, project: Project) -> None:
    permissions.ensure(actor, "change", project)


def project_child_create(*, model: type[Any], data: dict[str, Any], actor: Any) -> Any:
    """Create a milestone or allocation: only on a project ``actor`` may change.
    Raises PermissionDenied, ValidationError."""
    _ensure_can_change_project(actor, data["project"])
    return core_services.object_create(model=model, data=data, actor=actor)


def project_child_update(*, obj: Any, data: dict[str, Any], actor: Any) -> Any:
    if "project" in data:
        _ensure_can_change_project(actor, data["project"])
    return core_services.object_update(obj=obj, data=data, actor=actor)


# Links to other apps -------------------------------------------------------------------

LINK_FIELDS = ("services", "changes", "requests", "risks", "cost_records")
MAX_LINKS = 200


def _visible_links(user: Any, field: str, ids: set[int]) -> set[int]:
    """The subset of ``ids`` of ``field``'s objects that ``user`` may see, read through the
    owning app's selectors (their visibility rules, not ours). One query, none for no ids."""
    if not ids:
        return set()
    qs = project_links_visible(user=user)[field]
    return set(qs.filter(pk__in=ids).order_by().values_list("pk", flat=True))


def _link_ids(field: str, values: Any) -> list[int]:
    """Ids of ``values`` (objects from a form, ids from the API). Raises ValidationError."""
    ids = []
    for value in values:
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool) or not isinstance(pk, int) or pk < 1:
            raise ValidationError({field: [_("Give ids.")]})
        ids.append(pk)
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_LINKS:
        raise ValidationError({field: [_("At most %(n)s links.") % {"n": MAX_LINKS}]})
    return ids


def _checked_links(
    actor: Any, data: dict[str, Any], project: Project | None
) -> dict[str, list[int]]:
    """The link fields of ``data`` as ids, each an object ``actor`` may see, plus the
    project's current links that ``actor`` may not see (an editor cannot see them, so does
    not send them back, and must not drop them unknowingly). An unknown id and a hidden one
    get the same answer. Raises ValidationError naming the field."""
    checked: dict[str, list[int]] = {}
    for field in LINK_FIELDS:
        if field not in data:
            continue
        wanted = _link_ids(field, data[field] or [])
        seen = _visible_links(actor, field, set(wanted))
        for pk in wanted:
            if pk not in seen:
                label = Project._meta.get_field(field).related_model._meta.verbose_name  # type: ignore[union-attr]
                raise ValidationError(
                    {field: [_("No such %(type)s: %(id)s.") % {"type": label, "id": pk}]}
                )
        if project is not None:
            # From the table, not the project's (maybe reader-narrowed) prefetched links.
            rows = Project._base_manager.filter(pk=project.pk).values_list(field, flat=True)
            current = {pk for pk in rows if pk is not None}
            hidden = current - _visible_links(actor, field, current)
            wanted += sorted(hidden - set(wanted))
        checked[field] = wanted
    return checked


@transaction.atomic
def project_create(*, data: dict[str, Any], actor: Any) -> Project:
    """Create a project; its links only to services, changes, requests, risks and costs
    ``actor`` may see. Raises PermissionDenied, ValidationError."""
    data = {**data, **_checked_links(actor, data, None)}
    return core_services.object_create(model=Project, data=data, actor=actor)


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any], actor: Any) -> Project:
    """Change a project. A link field replaces the links ``actor`` may see and keeps those
    they may not. Raises PermissionDenied, ValidationError."""
    _ensure_can_change_project(actor, project)
    data = {**data, **_checked_links(actor, data, project)}
    return core_services.object_update(obj=project, data=data, actor=actor)


def project_links_visible(*, user: Any) -> dict[str, QuerySet[Any]]:
    """Per link field, what ``user`` may see, through each app's selectors (without their
    list joins): to check ids, to prefetch a project's links for a reader and to offer them
    in the form."""
    from steward.changes import selectors as changes_selectors
    from steward.cmdb import selectors as cmdb_selectors
    from steward.servicedesk import selectors as sd_selectors
    from steward.strategy import selectors
    from steward.strategy.models import Risk

    return {
        "services": cmdb_selectors.ci_list(user=user).select_related(None),
        "changes": changes_selectors.change_list(user=user).select_related(None),
        "requests": sd_selectors.ticket_list(user).select_related(None),
        # risk_selectors.risk_list is this plus a count of recent incidents.
        "risks": permissions.restrict(Risk.objects.all(), user),
        "cost_records": selectors.cost_record_list(user=user).select_related(None),
    }


# Roadmap -------------------------------------------------------------------------------


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], _first_of_month(start)
    while month <= end:
        months.append(month)
        month = _next_month(month)
    return months


def roadmap(
    *, user: Any, today: datetime.date | None = None, projects: QuerySet[Project] | None = None
) -> dict[str, Any]:
    """The bars of the roadmap: per project its planned span and (when started) its actual
    span, its milestones, health and phase; the window (first to last month shown) and
    today. Two queries whatever the number of projects."""
    today = today or timezone.localdate()
    qs = projects if projects is not None else project_list(user=user)
    rows = list(
        qs.exclude(status="cancelled")
        .select_related(None)
        .select_related("owner")
        .prefetch_related("milestones")
        .order_by("planned_start", "name")
    )
    bars: list[dict[str, Any]] = []
    for p in rows:
        end = p.actual_end or (max(p.planned_end, today) if p.actual_start else None)
        bars.append(
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "phase": p.phase,
                "phase_label": p.get_phase_display(),
                "status": p.status,
                "health": p.health,
                "health_reason": p.health_reason,
                "owner": str(p.owner) if p.owner else "",
                "planned_start": p.planned_start,
                "planned_end": p.planned_end,
                "actual_start": p.actual_start,
                "actual_end": end if p.actual_start else None,
                "milestones": [
                    {"name": m.name, "due": m.due, "done": m.done} for m in p.milestones.all()
                ],
            }
        )
    dates = [today]
    for b in bars:
        dates += [b["planned_start"], b["planned_end"]]
        dates += [d for d in (b["actual_start"], b["actual_end"]) if d]
        dates += [m["due"] for m in b["milestones"]]
    start = _first_of_month(min(dates))
    end = _next_month(max(dates)) - datetime.timedelta(days=1)
    return {
        "start": start,
        "end": end,
        "today": today,
        "months": months_between(start, end),
        "projects": bars,
    }


def roadmap_layout(data: dict[str, Any]) -> dict[str, Any]:
    """Percent offsets and widths of the bars, markers and today line (server-drawn)."""
    first: datetime.date = data["start"]
    span = (data["end"] - first).days + 1

    def pos(day: datetime.date) -> float:
        return float(round((day - first).days * 100 / span, 3))

    def width(a: datetime.date, b: datetime.date) -> float:
        return float(round(max(1, (b - a).days + 1) * 100 / span, 3))

    rows = []
    for b in data["projects"]:
        row = {
            **b,
            "planned_left": pos(b["planned_start"]),
            "planned_width": width(b["planned_start"], b["planned_end"]),
            "markers": [{**m, "left": pos(m["due"])} for m in b["milestones"]],
        }
        if b["actual_start"]:
            row["actual_left"] = pos(b["actual_start"])
            row["actual_width"] = width(b["actual_start"], b["actual_end"])
        rows.append(row)
    months = [
        {"month": m, "left": pos(m), "width": width(m, _next_month(m) - datetime.timedelta(1))}
        for m in data["months"]
    ]
    return {**data, "rows": rows, "month_cells": months, "today_left": pos(data["today"])}


# Capacity ------------------------------------------------------------------------------


def capacity(*, user: Any, start: datetime.date, months: int = 12) -> dict[str, Any]:
    """Per person per month, the sum of the percentages of the allocations overlapping the
    month, and whether it is over 100 %. One query for the allocations of the window (with
    their people), whatever their number."""
    month_list = [_first_of_month(start)]
    for _i in range(max(1, min(months, 36)) - 1):
        month_list.append(_next_month(month_list[-1]))
    window_end = _next_month(month_list[-1]) - datetime.timedelta(days=1)
    allocations = list(
        allocation_list(user=user)
        .filter(start__lte=window_end, end__gte=month_list[0])
        .order_by("person__last_name", "person__first_name", "person_id", "start")
    )
    people: dict[int, dict[str, Any]] = {}
    totals: dict[int, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    for a in allocations:
        people.setdefault(a.person_id, {"id": a.person_id, "name": str(a.person)})
        for month in month_list:
            month_end = _next_month(month) - datetime.timedelta(days=1)
            if a.start <= month_end and a.end >= month:
                totals[a.person_id][month] += a.percent
    rows = []
    for pid, person in people.items():
        cells = [
            {"month": m, "percent": totals[pid][m], "over": totals[pid][m] > FULL}
            for m in month_list
        ]
        rows.append({**person, "months": cells, "over": any(c["over"] for c in cells)})
    return {"months": month_list, "people": rows}


def portfolio_summary(*, user: Any) -> dict[str, Any]:
    """Counts per health and phase of the visible projects, one query."""
    agg = project_list(user=user).aggregate(
        total=Count("pk"),
        red=Count("pk", filter=Q(health="red")),
        amber=Count("pk", filter=Q(health="amber")),
        green=Count("pk", filter=Q(health="green")),
        budget=Coalesce(Sum("budget"), Value(Decimal(0))),
    )
    return agg


def project_links(*, user: Any, project: Project) -> dict[str, Any]:
    """A project's milestones, people allocated, and the services, changes, requests and
    risks it links to that ``user`` may see (each read through its app's selectors)."""
    from steward.changes import selectors as changes_selectors
    from steward.cmdb import selectors as cmdb_selectors
    from steward.servicedesk import selectors as sd_selectors
    from steward.strategy import risk_selectors

    service_ids = list(project.services.values_list("pk", flat=True))
    change_ids = list(project.changes.values_list("pk", flat=True))
    request_ids = list(project.requests.values_list("pk", flat=True))
    return {
        "milestones": list(project.milestones.order_by("due", "pk")),
        "allocations": list(
            project.allocations.select_related("person").order_by("start", "person__last_name")
        ),
        "services": list(cmdb_selectors.ci_list(user=user).filter(pk__in=service_ids))
        if service_ids
        else [],
        "changes": list(changes_selectors.change_list(user=user).filter(pk__in=change_ids))
        if change_ids
        else [],
        "requests": list(sd_selectors.ticket_list(user, pk__in=request_ids)) if request_ids else [],
        "risks": list(risk_selectors.risk_list(user=user).filter(projects=project)),
    }
