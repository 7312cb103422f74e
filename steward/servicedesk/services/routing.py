"""Where a new ticket goes: priority from the ITIL matrix, the routing rules, and automatic
assignment inside the team (round robin or least loaded, skipping people who are away)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from steward.servicedesk.models import (
    AssignmentMethod,
    PriorityRule,
    RoutingRule,
    TeamSetting,
)
from steward.servicedesk.models.tickets import OPEN_STATUSES


def priority_for(impact: int, urgency: int) -> int:
    """The matrix cell, or the ITIL formula when an administrator deleted the cell."""
    found = (
        PriorityRule.objects.filter(impact=impact, urgency=urgency)
        .values_list("priority", flat=True)
        .first()
    )
    return found if found is not None else min(5, max(1, impact + urgency - 1))


@dataclass(frozen=True)
class Route:
    team: Any = None
    category: Any = None
    priority: int | None = None
    rule: RoutingRule | None = None


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
    rules = RoutingRule.objects.filter(is_active=True).select_related("set_team", "set_category")
    for rule in rules.order_by("order", "id"):
        if _matches(rule, ticket):
            return Route(rule.set_team, rule.set_category, rule.set_priority, rule)
    category = ticket.category
    if category is not None:
        team = category.default_team
        if team is None and category.parent_id is not None:
            team = category.parent.default_team
        if team is not None:
            return Route(team=team)
    return Route()


def available_members(team: Any, today: datetime.date | None = None) -> list[Any]:
    """Team members who can take work now: active, with an active login, not away."""
    today = today or timezone.localdate()
    members = (
        team.members.filter(is_active=True, user__isnull=False, user__is_active=True)
        .filter(Q(away_until__isnull=True) | Q(away_until__lt=today))
        .select_related("user")
        .order_by("pk")
    )
    return list(members)


def pick_assignee(team: Any, *, today: datetime.date | None = None) -> Any:
    """The person the team's setting picks for the next ticket, or None (manual queue).
    Round robin remembers the last pick on the locked setting row, so concurrent tickets
    take turns instead of landing on the same person."""
    setting = TeamSetting.objects.select_for_update().filter(team=team).first()
    if setting is None or setting.assignment == AssignmentMethod.NONE:
        return None
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
