"""Service-desk reports: every figure aggregated in the database (GROUP BY), portable between
SQLite and PostgreSQL, through ``permissions.restrict``.

Percentiles (median, p90) use the nearest-rank method around the ORM's own query: on SQLite by
standard window functions (``ROW_NUMBER``/``COUNT`` over a partition), on PostgreSQL by the
ordered-set aggregate ``percentile_disc`` (the same value, several times faster), so only the
figures leave the database, whatever the number of tickets. Durations are wall-clock time from
creation (business-time figures are the SLA flags of the compliance report).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from steward.core import permissions
from steward.core.permissions import STAFF
from steward.servicedesk.models import Channel, Priority, Status, SurveyResponse, Ticket
from steward.servicedesk.models.tickets import DONE_STATUSES, OPEN_STATUSES

COLOURS = ["#1095c1", "#e07a5f", "#81b29a", "#f2cc8f", "#3d405b", "#9c6ade", "#e5989b", "#6d6875"]
AGE_BUCKETS = [
    ("lt1d", gettext_lazy("< 1 day"), datetime.timedelta(days=1)),
    ("1to3d", gettext_lazy("1–3 days"), datetime.timedelta(days=3)),
    ("3to7d", gettext_lazy("3–7 days"), datetime.timedelta(days=7)),
    ("7to30d", gettext_lazy("7–30 days"), datetime.timedelta(days=30)),
    ("gt30d", gettext_lazy("> 30 days"), None),
]
NO_TEAM = gettext_lazy("(no team)")


@dataclass(frozen=True)
class ReportFilters:
    """Tickets created in ``[date_from, date_to]`` (dates, inclusive), of one team and one
    organisation when given. The survey report filters on the date the survey was sent."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    team_id: int | None = None
    organisation_id: int | None = None

    def bounds(self) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        tz = timezone.get_current_timezone()
        start = end = None
        if self.date_from:
            start = datetime.datetime.combine(self.date_from, datetime.time.min, tz)
        if self.date_to:
            end = datetime.datetime.combine(
                self.date_to + datetime.timedelta(days=1), datetime.time.min, tz
            )
        return start, end


@dataclass
class Report:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: dict[str, Any] = field(default_factory=dict)


def can_view_reports(user: Any) -> bool:
    return bool(permissions.roles_of(user) & STAFF)


def _tickets(user: Any, filters: ReportFilters, *, date_field: str = "created_at") -> QuerySet:
    if not can_view_reports(user):
        raise PermissionDenied(_("Reports are for the service-desk staff."))
    qs = permissions.restrict(Ticket.objects.all(), user)
    start, end = filters.bounds()
    if start:
        qs = qs.filter(**{f"{date_field}__gte": start})
    if end:
        qs = qs.filter(**{f"{date_field}__lt": end})
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    return qs.order_by()


def _dataset(label: str, data: list[Any], i: int, **extra: Any) -> dict[str, Any]:
    colour = COLOURS[i % len(COLOURS)]
    return {"label": str(label), "data": data, "backgroundColor": colour, "borderColor": colour}


# Backlog ------------------------------------------------------------------------------------


def backlog(user: Any, filters: ReportFilters, *, now: datetime.datetime | None = None) -> Report:
    """Open tickets per assignment group and age bucket (age = time since creation)."""
    now = now or timezone.now()
    whens = [
        When(created_at__gt=now - limit, then=Value(key))
        for key, _label, limit in AGE_BUCKETS
        if limit is not None
    ]
    rows = (
        _tickets(user, filters)
        .filter(status__in=OPEN_STATUSES)
        .annotate(bucket=Case(*whens, default=Value(AGE_BUCKETS[-1][0])))
        .values("team__name", "bucket")
        .annotate(n=Count("id"))
    )
    keys = [key for key, _label, _limit in AGE_BUCKETS]
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        team = row["team__name"] or str(NO_TEAM)
        counts.setdefault(team, dict.fromkeys(keys, 0))[row["bucket"]] = row["n"]
    teams = sorted(counts)
    table = [[t, *(counts[t][k] for k in keys), sum(counts[t].values())] for t in teams]
    return Report(
        name="backlog",
        title=_("Backlog by group and age"),
        columns=[_("Group"), *(str(label) for _k, label, _l in AGE_BUCKETS), _("Total")],
        rows=table,
        chart={
            "type": "bar",
            "stacked": True,
            "labels": teams,
            "datasets": [
                _dataset(label, [counts[t][key] for t in teams], i)
                for i, (key, label, _l) in enumerate(AGE_BUCKETS)
            ],
        },
    )


# Time to acknowledge and to resolve ---------------------------------------------------------


class Seconds(Func):
    """Seconds from ``start`` to ``end`` as a float, computed in SQL on both databases (Django's
    own datetime subtraction runs a Python function per row on SQLite: ten times slower)."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::float",
            arg_joiner=" - ",
            **extra,
        )


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds(), 3)
    return round(float(value), 3)  # julianday() is exact to about a millisecond


def percentiles(
    qs: QuerySet, group: str, duration: Any, points: Sequence[int] = (50, 90)
) -> dict[Any, dict[str, float | int]]:
    """Nearest-rank percentiles of ``duration`` per ``group`` value, in seconds, and the count:
    ``{group_value: {"n": 10, "p50": 3600.0, "p90": 7200.0}}``. One query; the database sorts
    each partition, only the rows at the wanted ranks come back."""
    inner = qs.annotate(_g=F(group), _d=duration).filter(_d__isnull=False).values_list("_g", "_d")
    sql, params = inner.query.sql_with_params()
    ranks = " OR ".join(f"rn = ({p} * cnt + 99) / 100" for p in points)
    wrapped = (
        "SELECT g, d, rn, cnt FROM (SELECT base._g AS g, base._d AS d, "  # noqa: S608 - no input
        "ROW_NUMBER() OVER (PARTITION BY base._g ORDER BY base._d) AS rn, "
        "COUNT(*) OVER (PARTITION BY base._g) AS cnt "
        f"FROM ({sql}) base) ranked WHERE {ranks}"
    )
    conn = connections[qs.db]
    if conn.vendor == "postgresql":  # same nearest rank, by the ordered-set aggregate
        discs = ", ".join(
            f"percentile_disc({p / 100}) WITHIN GROUP (ORDER BY base._d)" for p in points
        )
        wrapped = f"SELECT base._g, COUNT(*), {discs} FROM ({sql}) base GROUP BY base._g"  # noqa: S608
        with conn.cursor() as cursor:
            cursor.execute(wrapped, params)
            return {
                g: {
                    "n": n,
                    **{f"p{p}": _seconds(v) or 0.0 for p, v in zip(points, vs, strict=True)},
                }
                for g, n, *vs in cursor.fetchall()
            }
    result: dict[Any, dict[str, float | int]] = {}
    with conn.cursor() as cursor:
        cursor.execute(wrapped, params)
        for g, d, rn, cnt in cursor.fetchall():
            entry = result.setdefault(g, {"n": cnt})
            for p in points:
                if rn == (p * cnt + 99) // 100:
                    entry[f"p{p}"] = _seconds(d) or 0.0
    return result


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def response_times(user: Any, filters: ReportFilters) -> Report:
    """Median and 90th percentile of time to first response and to resolution, in hours,
    per priority and per assignment group."""
    qs = _tickets(user, filters)
    ack = Seconds(F("first_response_at"), F("created_at"))
    res = Seconds(F("resolved_at"), F("created_at"))
    by_priority = (percentiles(qs, "priority", ack), percentiles(qs, "priority", res))
    by_team = (percentiles(qs, "team__name", ack), percentiles(qs, "team__name", res))
    labels = dict(Priority.choices)
    rows: list[list[Any]] = []
    chart_labels: list[str] = []
    medians: tuple[list[Any], list[Any]] = ([], [])
    for dimension, (acks, resolves), name_of in (
        (_("Priority"), by_priority, lambda p: str(labels.get(p, p))),
        (_("Group"), by_team, lambda t: t or str(NO_TEAM)),
    ):
        keys = sorted(set(acks) | set(resolves), key=lambda k: (k is None, str(k)))
        for key in keys:
            a, r = acks.get(key, {}), resolves.get(key, {})
            rows.append(
                [
                    dimension,
                    name_of(key),
                    a.get("n", 0),
                    _hours(a.get("p50")),
                    _hours(a.get("p90")),
                    r.get("n", 0),
                    _hours(r.get("p50")),
                    _hours(r.get("p90")),
                ]
            )
            if dimension == _("Priority"):
                chart_labels.append(name_of(key))
                medians[0].append(_hours(a.get("p50")))
                medians[1].append(_hours(r.get("p50")))
    return Report(
        name="response-times",
        title=_("Time to acknowledge and to resolve"),
        columns=[
            _("By"),
            _("Value"),
            _("Acknowledged"),
            _("Acknowledge median (h)"),
            _("Acknowledge p90 (h)"),
            _("Resolved"),
            _("Resolve median (h)"),
            _("Resolve p90 (h)"),
        ],
        rows=rows,
        chart={
            "type": "bar",
            "labels": chart_labels,
            "datasets": [
                _dataset(_("Median hours to acknowledge"), medians[0], 0),
                _dataset(_("Median hours to resolve"), medians[1], 1),
            ],
        },
    )


# SLA compliance -----------------------------------------------------------------------------

BREACHED = Q(response_breached=True) | Q(resolution_breached=True)


def _compliance(qs: QuerySet, group: Any) -> list[dict[str, Any]]:
    """Met: done within every target; breached: any target missed (open or done). Open tickets
    still within target are not counted yet."""
    return list(
        qs.filter(Q(resolution_due__isnull=False) | Q(response_due__isnull=False))
        .annotate(_g=group)
        .values("_g")
        .annotate(
            breached=Count("id", filter=BREACHED),
            met=Count("id", filter=~BREACHED & Q(status__in=DONE_STATUSES)),
        )
        .order_by("_g")
    )


def _percent(met: int, breached: int) -> float | None:
    return round(100 * met / (met + breached), 1) if met + breached else None


def sla_compliance(user: Any, filters: ReportFilters) -> Report:
    """Share of tickets that met their SLA targets, per month of creation and per group."""
    qs = _tickets(user, filters)
    months = _compliance(qs, TruncMonth("created_at"))
    teams = _compliance(qs, Coalesce(F("team__name"), Value(str(NO_TEAM))))
    rows: list[list[Any]] = []
    for row in months:
        month = row["_g"].strftime("%Y-%m")
        rows.append(
            [_("Month"), month, row["met"], row["breached"], _percent(row["met"], row["breached"])]
        )
    for row in teams:
        rows.append(
            [
                _("Group"),
                row["_g"],
                row["met"],
                row["breached"],
                _percent(row["met"], row["breached"]),
            ]
        )
    return Report(
        name="sla-compliance",
        title=_("SLA compliance"),
        columns=[_("By"), _("Value"), _("Met"), _("Breached"), _("Compliance %")],
        rows=rows,
        chart={
            "type": "bar",
            "stacked": True,
            "labels": [r["_g"].strftime("%Y-%m") for r in months],
            "datasets": [
                _dataset(_("Met"), [r["met"] for r in months], 2),
                _dataset(_("Breached"), [r["breached"] for r in months], 1),
            ],
        },
    )


# Volume -------------------------------------------------------------------------------------


def _weekly(
    qs: QuerySet, category: Any
) -> tuple[list[str], dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """One GROUP BY week, category and channel; the two series are summed from it here."""
    rows = (
        qs.annotate(week=TruncWeek("created_at"), _c=category)
        .values("week", "_c", "channel")
        .annotate(n=Count("id"))
        .order_by("week")
    )
    weeks: list[str] = []
    by_category: dict[str, dict[str, int]] = {}
    by_channel: dict[str, dict[str, int]] = {}
    for row in rows:
        week = row["week"].date().isoformat()
        if not weeks or weeks[-1] != week:
            weeks.append(week)
        for series, key in ((by_category, str(row["_c"])), (by_channel, str(row["channel"]))):
            cell = series.setdefault(key, {})
            cell[week] = cell.get(week, 0) + row["n"]
    return weeks, by_category, by_channel


def volume(user: Any, filters: ReportFilters) -> Report:
    """New tickets per week, by top-level category and by channel."""
    qs = _tickets(user, filters)
    category = Coalesce(F("category__parent__name"), F("category__name"), Value(_("(none)")))
    weeks, by_category, by_channel = _weekly(qs, category)
    channel_labels = {str(k): str(v) for k, v in Channel.choices}
    by_channel = {channel_labels.get(k, k): v for k, v in by_channel.items()}
    categories, channels = sorted(by_category), sorted(by_channel)
    rows = [
        [
            week,
            *(by_category[c].get(week, 0) for c in categories),
            *(by_channel[h].get(week, 0) for h in channels),
            sum(by_channel[h].get(week, 0) for h in channels),
        ]
        for week in weeks
    ]
    return Report(
        name="volume",
        title=_("Volume by category and channel"),
        columns=[
            _("Week of"),
            *(_("Category: %(name)s") % {"name": c} for c in categories),
            *(_("Channel: %(name)s") % {"name": h} for h in channels),
            _("Total"),
        ],
        rows=rows,
        chart={
            "type": "line",
            "labels": weeks,
            "datasets": [
                {**_dataset(c, [by_category[c].get(w, 0) for w in weeks], i), "fill": False}
                for i, c in enumerate(categories)
            ],
        },
    )


# Satisfaction -------------------------------------------------------------------------------


def csat(user: Any, filters: ReportFilters) -> Report:
    """Surveys sent, answered, response rate and average rating per group and per agent."""
    tickets = _tickets(user, filters, date_field="survey__sent_at")
    surveys = SurveyResponse.objects.filter(ticket__in=tickets.values("id")).order_by()
    stats = {
        "sent": Count("id"),
        "answered": Count("id", filter=Q(answered_at__isnull=False)),
        "average": Avg("rating", filter=Q(answered_at__isnull=False)),
    }
    by_team = surveys.values(name=F("ticket__team__name")).annotate(**stats).order_by("name")
    by_agent = (
        surveys.values(
            first=F("ticket__assignee__first_name"), last=F("ticket__assignee__last_name")
        )
        .annotate(**stats)
        .order_by("first", "last")
    )
    rows: list[list[Any]] = []
    team_rows = list(by_team)
    for dimension, data, name_of in (
        (_("Group"), team_rows, lambda r: r["name"] or str(NO_TEAM)),
        (
            _("Agent"),
            list(by_agent),
            lambda r: f"{r['first'] or ''} {r['last'] or ''}".strip() or _("(unassigned)"),
        ),
    ):
        for r in data:
            rate = round(100 * r["answered"] / r["sent"], 1) if r["sent"] else None
            average = round(r["average"], 2) if r["average"] is not None else None
            rows.append([dimension, name_of(r), r["sent"], r["answered"], rate, average])
    return Report(
        name="csat",
        title=_("Customer satisfaction (CSAT)"),
        columns=[
            _("By"),
            _("Value"),
            _("Sent"),
            _("Answered"),
            _("Response rate %"),
            _("Average rating"),
        ],
        rows=rows,
        chart={
            "type": "bar",
            "labels": [r["name"] or str(NO_TEAM) for r in team_rows],
            "datasets": [
                _dataset(
                    _("Average rating (1–5)"),
                    [
                        round(r["average"], 2) if r["average"] is not None else None
                        for r in team_rows
                    ],
                    0,
                )
            ],
        },
    )


REPORTS: dict[str, tuple[Any, Callable[[Any, ReportFilters], Report]]] = {
    "backlog": (gettext_lazy("Backlog by group and age"), backlog),
    "response-times": (gettext_lazy("Time to acknowledge and to resolve"), response_times),
    "sla-compliance": (gettext_lazy("SLA compliance"), sla_compliance),
    "volume": (gettext_lazy("Volume by category and channel"), volume),
    "csat": (gettext_lazy("Customer satisfaction (CSAT)"), csat),
}


def report(name: str, user: Any, filters: ReportFilters) -> Report:
    """Raises ``KeyError`` for an unknown report, ``PermissionDenied`` for non-staff."""
    return REPORTS[name][1](user, filters)


def open_by_priority(user: Any) -> list[tuple[int, int]]:
    """(priority, open tickets) for the home dashboard chart."""
    rows = (
        permissions.restrict(Ticket.objects.all(), user)
        .filter(status__in=OPEN_STATUSES)
        .values("priority")
        .annotate(n=Count("id"))
        .order_by("priority")
    )
    return [(r["priority"], r["n"]) for r in rows]


__all__ = ["REPORTS", "Report", "ReportFilters", "Status", "can_view_reports", "report"]
