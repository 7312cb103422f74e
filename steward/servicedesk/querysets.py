"""Chainable adjectives for tickets: ``Ticket.objects.open().for_team(team).unassigned()``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from steward.core.models.base import AuditedQuerySet


def _ids(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "values_list"):
        return [getattr(v, "pk", v) for v in value]
    return [getattr(value, "pk", value)]


class TicketQuerySet(AuditedQuerySet):
    def open(self) -> TicketQuerySet:
        from steward.servicedesk.models.tickets import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def done(self) -> TicketQuerySet:
        from steward.servicedesk.models.tickets import OPEN_STATUSES

        return self.exclude(status__in=OPEN_STATUSES)

    def incidents(self) -> TicketQuerySet:
        return self.filter(kind="incident")

    def requests(self) -> TicketQuerySet:
        return self.filter(kind="request")

    def for_team(self, team: Any) -> TicketQuerySet:
        """Tickets of one team or of several (teams, ids or a queryset of teams)."""
        return self.filter(team_id__in=_ids(team))

    def assigned_to(self, person: Any) -> TicketQuerySet:
        return self.filter(assignee_id__in=_ids(person))

    def unassigned(self) -> TicketQuerySet:
        return self.filter(assignee__isnull=True)

    def requested_by(self, person: Any) -> TicketQuerySet:
        ids = _ids(person)
        return self.filter(Q(requester_id__in=ids) | Q(affected_person_id__in=ids))

    def major(self) -> TicketQuerySet:
        return self.filter(is_major=True)

    def breached(self) -> TicketQuerySet:
        return self.filter(Q(response_breached=True) | Q(resolution_breached=True))

    def breaching_within(
        self, minutes: int, *, now: datetime.datetime | None = None
    ) -> TicketQuerySet:
        """Open, not yet breached, running tickets whose resolution is due within ``minutes``
        (already overdue but not yet flagged counts too)."""
        now = now or timezone.now()
        limit = now + datetime.timedelta(minutes=max(0, int(minutes)))
        return self.open().filter(
            resolution_due__isnull=False,
            resolution_due__lte=limit,
            resolution_breached=False,
            sla_paused=False,
        )

    def overdue(self, *, now: datetime.datetime | None = None) -> TicketQuerySet:
        return self.open().filter(resolution_due__lt=now or timezone.now())

    def with_status(self, statuses: Iterable[str]) -> TicketQuerySet:
        return self.filter(status__in=list(statuses))
