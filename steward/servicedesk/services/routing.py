"""Where a new ticket goes: priority from the ITIL matrix, the routing rules, and automatic
assignment inside the team (round robin or least loaded, skipping people who are away)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from steward.core import configcache
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


def available_members(team: Any, today: datetime.date | None = None) -> list[Any]:
    """Team members who can take work now: active, with an active login, not away. Read
    with what the pick and its callers use: ids, names (the timeline) and what the
    assignment check reads (active, login), not every column."""
    today = today or timezone.localdate()
    members = (
        team.members.filter(is_active=True, user__isnull=False, user__is_active=True)
        .filter(Q(away_until__isnull=True) | Q(away_until__lt=today))
        .only("first_name", "last_name", "is_active", "user")
        .order_by("pk")
    )
    return list(members)


def pick_assignee(team: Any, *, today: datetime.date | None = None) -> Any:
    """The person the team's setting picks for the next ticket, or None (manual queue).
    Round robin remembers the last pick on the locked setting row, so concurrent tickets
    take turns instead of landing on the same person."""
    return team_and_pick(team.pk, today=today)[1]


def team_and_pick(team_id: int, *, today: datetime.date | None = None) -> tuple[Any, Any]:
    """``pick_assignee`` for a team known by its id (a routed new ticket), and the team: it
    comes with the locked setting row in one query. (None, None) for a team without one."""
    try:
        setting = (
            TeamSetting.objects.select_for_update(of=("self",))
            .select_related("team")
            .get(team_id=team_id)  # one per team: no ORDER BY to build and plan
        )
    except TeamSetting.DoesNotExist:
        return None, None
    if setting.assignment == AssignmentMethod.NONE:
        return setting.team, None
    return setting.team, _pick(setting, setting.team, today)


def _pick(setting: Any, team: Any, today: datetime.date | None) -> Any:
    people = available_members(team, today)
    if not people:
        return None
    if setting.assignment == AssignmentMethod.ROUND_ROBIN:
        last = setting.last_assigned_id or 0
        chosen = next((p for p in people if p.pk > last), people[0])
    else:
        loads = dict(
            team.members.filter(pk__in=[p.pk for p in people])
            .annotate(
                n=Count("tickets_assigned", filter=Q(tickets_assigned__status__in=OPEN_STATUSES))
            )
            .values_list("pk", "n")
        )
        chosen = min(people, key=lambda p: (loads.get(p.pk, 0), p.pk))
    setting.last_assigned = chosen
    setting.save(update_fields=["last_assigned", "updated_at"])
    return chosen
