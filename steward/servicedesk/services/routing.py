"""Where a new ticket goes: priority from the ITIL matrix, the routing rules, and automatic
assignment inside the team (round robin or least loaded, skipping people who are away)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Count, Q
from django.utils import timezone

from steward.core import configcache
from steward.core.compiled import Compiled
from steward.org.selectors import team_members_available
from steward.servicedesk.models import (
    AssignmentMethod,
    PriorityRule,
    RoutingRule,
    TeamSetting,
)
from steward.servicedesk.models.tickets import OPEN_STATUSES


def _matrix() -> dict[tuple[int, int], int]:
    rows = PriorityRule.objects.values_list("impact", "urgency", "priority")
    return {(impact, urgency): priority for impact, urgency, priority in rows}


def priority_for(impact: int, urgency: int) -> int:
    """The matrix cell, or the ITIL formula when an administrator deleted the cell."""
    found = configcache.get("servicedesk.priority_matrix", _matrix).get((impact, urgency))
    return found if found is not None else min(5, max(1, impact + urgency - 1))


@dataclass(frozen=True)
class Route:
    team_id: int | None = None
    category_id: int | None = None
    priority: int | None = None
    rule: RoutingRule | None = None


def _rules() -> tuple[RoutingRule, ...]:
    return tuple(RoutingRule.objects.filter(is_active=True).order_by("order", "id"))


def _matches(rule: RoutingRule, ticket: Any) -> bool:
    if rule.match_category_id and rule.match_category_id != ticket.category_id:
        return False
    if rule.match_organisation_id and rule.match_organisation_id != ticket.organisation_id:
        return False
    if rule.match_channel and rule.match_channel != ticket.channel:
        return False
    if rule.match_kind and rule.match_kind != ticket.kind:
        return False
    words = [w.strip().lower() for w in rule.match_keywords.split(",") if w.strip()]
    if words:
        text = f"{ticket.title}\n{ticket.description}".lower()
        if not any(w in text for w in words):
            return False
    return True


def route(ticket: Any) -> Route:
    """The first active rule (by ``order``) matching the unsaved ticket; else the category's
    default team; else nowhere (the ticket waits in the unassigned queue)."""
    for rule in configcache.get("servicedesk.routing_rules", _rules):
        if _matches(rule, ticket):
            return Route(rule.set_team_id, rule.set_category_id, rule.set_priority, rule)
    category = ticket.category
    if category is not None:
        team_id = category.default_team_id
        if team_id is None and category.parent_id is not None:
            team_id = category.parent.default_team_id
        if team_id is not None:
            return Route(team_id=team_id)
    return Route()


# Read for every routed ticket: compiled once (steward/core/compiled.py).
_SETTING: Compiled[TeamSetting] = Compiled(
    lambda team_id: TeamSetting.objects.select_related("team").filter(team_id=team_id), -1
)


def pick_assignee(team: Any, *, today: datetime.date | None = None) -> Any:
    """The person the team's setting picks for the next ticket, or None (manual queue)."""
    setting = team_setting(team.pk)
    return None if setting is None else pick(setting, today=today)


def team_setting(team_id: int) -> Any:
    """The team's assignment setting with its team (one query, no lock), or None."""
    try:
        return _SETTING.get(team_id)
    except TeamSetting.DoesNotExist:
        return None


def picks_before_write(setting: Any) -> bool:
    """Whether a new ticket's pick may run before the ticket's transaction: round robin on
    a database whose writers run side by side (PostgreSQL), where it then locks the cursor
    for one statement instead of the whole write. SQLite has one writer at a time, and an
    UPDATE outside Steward's IMMEDIATE transactions can fail as locked under load: there the
    pick joins the ticket's transaction, which holds the write lock anyway."""
    if setting.assignment != AssignmentMethod.ROUND_ROBIN:
        return False
    return connections[router.db_for_write(TeamSetting)].vendor != "sqlite"


def pick(setting: Any, *, today: datetime.date | None = None) -> Any:
    """The person ``setting`` picks for the next ticket of its team, or None.

    Round robin moves the cursor in one UPDATE that reads it (``_next_in_turn``): called
    before the ticket's transaction (a new ticket), it locks the setting row for that
    statement only, so concurrent tickets of one team take turns without queueing behind
    each other's whole write. Least loaded must see the tickets being written: it locks the
    row until the caller's transaction commits, so call it inside that transaction."""
    if setting.assignment == AssignmentMethod.NONE:
        return None
    people = team_members_available(setting.team_id, today=today or timezone.localdate())
    if not people:
        return None
    if setting.assignment == AssignmentMethod.ROUND_ROBIN:
        return _next_in_turn(setting, people)
    TeamSetting.objects.select_for_update().filter(pk=setting.pk).values_list("pk").get()
    loads = dict(
        setting.team.members.filter(pk__in=[p.pk for p in people])
        .annotate(n=Count("tickets_assigned", filter=Q(tickets_assigned__status__in=OPEN_STATUSES)))
        .values_list("pk", "n")
    )
    chosen = min(people, key=lambda p: (loads.get(p.pk, 0), p.pk))
    setting.last_assigned = chosen
    setting.save(update_fields=["last_assigned"])  # not audited: see TeamSetting
    return chosen


def _next_in_turn(setting: Any, people: list[Any]) -> Any:
    """The first available member after the last one picked (by key, wrapping round),
    chosen and recorded by one statement on the row's latest cursor: concurrent callers
    each get the next turn."""
    by_pk = {p.pk: p for p in people}
    marks = ", ".join(["%s"] * len(by_pk))
    table = TeamSetting._meta.db_table
    person = TeamSetting._meta.get_field("last_assigned").related_model._meta.db_table
    # The models' own table names and one placeholder per member.
    sql = (
        f'UPDATE "{table}" SET "last_assigned_id" = coalesce('  # noqa: S608
        f'(SELECT min("id") FROM "{person}" WHERE "id" IN ({marks}) '
        f'AND "id" > coalesce("{table}"."last_assigned_id", 0)), %s) '
        'WHERE "id" = %s RETURNING "last_assigned_id"'
    )
    with connections[router.db_for_write(TeamSetting)].cursor() as cursor:
        cursor.execute(sql, [*by_pk, min(by_pk), setting.pk])
        row = cursor.fetchone()
    if row is None:  # the setting was deleted meanwhile: the team no longer auto-assigns
        return None
    chosen = by_pk[row[0]]
    setting.last_assigned = chosen
    return chosen
