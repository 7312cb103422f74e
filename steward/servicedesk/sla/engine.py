"""The SLA/OLA engine's entry points, called by the ticket services inside their transaction.

Interface (fixed):

- ``ticket_opened(ticket, at=)``: choose the SLA policy and OLA for a new ticket not yet
  inserted, set its summary fields (due times, breached flags, paused) and return the
  function that starts its clocks once the ticket's row is written.
- ``ticket_changed(ticket, changed=, previous=, at=)``: after a saved change of priority,
  status, team, organisation, service, kind or category: pause/resume on pause statuses,
  stop on resolve/close/cancel, resume on reopen, re-target on priority or policy change
  (elapsed business time is kept), restart the OLA on reassignment to another team.
- ``first_response(ticket, at=)``: stop the response clock.

All three reconcile the ticket's clocks with what the ticket now is (``_sync``): the same
code path whatever changed, so that a combination of changes cannot leave a clock wrong.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from steward.core import configcache, events
from steward.servicedesk.models import (
    SLAClock,
    SLAMetric,
    SLAPolicy,
    SLAPolicyKind,
    SLATarget,
    Ticket,
)
from steward.servicedesk.models.tickets import DONE_STATUSES
from steward.servicedesk.sla.clocks import (
    Calendars,
    ClockState,
    bank,
    clock_state,
    is_breached,
    is_paused,
    is_running,
    set_due,
)

__all__ = [
    "ClockState",
    "clock_state",
    "first_response",
    "select_ola",
    "select_sla",
    "sla_states",
    "ticket_changed",
    "ticket_opened",
    "ticket_recalculate",
    "ticket_sla_state",
]

CLOCK_FIELDS = [
    "policy",
    "team",
    "target_minutes",
    "elapsed_seconds",
    "running_since",
    "due_at",
    "warning_due_at",
    "stopped_at",
    "warned_at",
    "breached_at",
    "is_active",
    "updated_at",
]
SUMMARY_FIELDS = (
    "sla_policy_id",
    "response_due",
    "resolution_due",
    "response_breached",
    "resolution_breached",
    "sla_paused",
)


def _active_targets() -> tuple[SLATarget, ...]:
    return tuple(SLATarget.objects.filter(policy__is_active=True).select_related("policy"))


def _copy(target: SLATarget) -> SLATarget:
    """A private copy of a cached target and its policy: clocks hold on to what they get."""
    mine = copy.copy(target)
    mine.policy = copy.copy(target.policy)
    return mine


def select_sla(ticket: Any) -> SLATarget | None:
    """The target row of the most specific active SLA with a target for the ticket's
    priority: organisation and service, organisation, service, anyone; then lowest order."""
    candidates = [
        t
        for t in configcache.get("servicedesk.sla_targets", _active_targets)
        if t.priority == ticket.priority
        and t.policy.kind == SLAPolicyKind.SLA
        and t.policy.organisation_id in (ticket.organisation_id, None)
        and t.policy.service_id in (ticket.service_id, None)
    ]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda t: (
            t.policy.organisation_id is None,
            t.policy.service_id is None,
            t.policy.order,
            t.policy.name,
        ),
    )
    return _copy(best)


def select_ola(ticket: Any) -> SLATarget | None:
    """The OLA target of the ticket's team (a policy for that team before one for any team)."""
    if ticket.team_id is None:
        return None
    candidates = [
        t
        for t in configcache.get("servicedesk.sla_targets", _active_targets)
        if t.priority == ticket.priority
        and t.policy.kind == SLAPolicyKind.OLA
        and t.resolution_minutes is not None
        and t.policy.team_id in (ticket.team_id, None)
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda t: (t.policy.team_id is None, t.policy.order, t.policy.name))
    return _copy(best)


def _minutes(target: SLATarget | None, metric: str) -> int | None:
    if target is None:
        return None
    if metric == SLAMetric.RESPONSE:
        return target.response_minutes
    return target.resolution_minutes


def _desired(ticket: Any, metric: str, policy: SLAPolicy | None) -> str:
    """What a clock of ``metric`` should be doing now: running, paused or stopped."""
    if ticket.status in DONE_STATUSES:
        return "stopped"
    if metric == SLAMetric.RESPONSE and ticket.first_response_at is not None:
        return "stopped"
    pause = policy.pause_statuses if policy is not None else []
    if ticket.status in (pause or []):
        return "paused"
    return "running"


def _state(clock: SLAClock) -> str:
    if clock.stopped_at is not None:
        return "stopped"
    return "running" if clock.running_since is not None else "paused"


def _values(clock: SLAClock) -> tuple[Any, ...]:
    return tuple(
        getattr(clock, "policy_id" if n == "policy" else "team_id" if n == "team" else n)
        for n in CLOCK_FIELDS
        if n != "updated_at"
    )


class _Sync:
    """One reconciliation of a ticket's clocks at ``at``."""

    def __init__(
        self, ticket: Any, at: datetime.datetime, clocks: list[SLAClock], force: bool = False
    ) -> None:
        self.ticket, self.at, self.force = ticket, at, force
        self.calendars = Calendars()
        self.clocks = clocks
        self.late: list[SLAClock] = []
        self.retargeted: set[int] = set()
        self.before = {c.pk: _values(c) for c in clocks}
        self.summary: dict[str, Any] = {}

    def retire(self, clock: SLAClock) -> None:
        """Stop and keep as history: an old team's OLA, or a metric the policy dropped."""
        self.move(clock, "stopped")
        clock.is_active = False
        clock.due_at = clock.warning_due_at = None

    def move(self, clock: SLAClock, state: str) -> None:
        unchanged = clock.pk is not None and id(clock) not in self.retargeted
        if unchanged and not self.force and _state(clock) == state:
            return
        calendar = self.calendars.of(clock)
        was_running = is_running(clock)
        bank(clock, calendar, self.at)
        if state == "running":
            if not was_running:
                clock.running_since, clock.stopped_at = self.at, None
        else:
            if was_running and clock.breached_at is None and is_breached(clock, self.at):
                clock.breached_at = self.at
                self.late.append(clock)
            clock.running_since = None
            if state == "stopped":
                clock.stopped_at = clock.stopped_at or self.at
            else:
                clock.stopped_at = None
        set_due(clock, calendar)

    def retarget(self, clock: SLAClock, target: SLATarget, minutes: int) -> None:
        if clock.policy_id == target.policy_id and clock.target_minutes == minutes:
            return
        bank(clock, self.calendars.of(clock), self.at)
        clock.policy, clock.target_minutes = target.policy, minutes
        self.retargeted.add(id(clock))
        if clock.breached_at is None and clock.warned_at is not None:
            percent = target.policy.warning_percent
            if clock.elapsed_seconds < minutes * 60 * percent // 100:
                clock.warned_at = None

    def metric(
        self, metric: str, target: SLATarget | None, team_id: int | None = None
    ) -> SLAClock | None:
        current = [c for c in self.clocks if c.metric == metric and c.is_active]
        for clock in current:
            if metric == SLAMetric.OLA and clock.team_id != team_id:
                self.retire(clock)
        current = [c for c in current if c.is_active]
        minutes = _minutes(target, metric)
        if target is None or minutes is None:
            for clock in current:
                self.retire(clock)
            return None
        policy = target.policy
        state = _desired(self.ticket, metric, policy)
        if not current:
            if state == "stopped" and metric == SLAMetric.RESPONSE:
                return None
            clock = SLAClock(
                ticket=self.ticket,
                policy=policy,
                metric=metric,
                team_id=team_id,
                target_minutes=minutes,
                started_at=self.at,
            )
            self.clocks.append(clock)
            current = [clock]
        clock = current[-1]
        for extra in current[:-1]:
            self.retire(extra)
        self.retarget(clock, target, minutes)
        self.move(clock, state)
        return clock

    def save(self) -> None:
        new = [clock for clock in self.clocks if clock.pk is None]
        if new:
            SLAClock.objects.bulk_create(new)  # audited; one INSERT for the ticket's clocks
        created = {clock.pk for clock in new}
        for clock in self.clocks:
            if clock.pk not in created and _values(clock) != self.before.get(clock.pk):
                clock.save(update_fields=CLOCK_FIELDS)
        for clock in self.late:
            events.publish(
                "servicedesk.sla_breached",
                clock_id=clock.pk,
                ticket_id=self.ticket.pk,
                metric=clock.metric,
            )


def _summary(
    ticket: Any, sla: SLATarget | None, sync: _Sync, at: datetime.datetime
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sla_policy_id": sla.policy_id if sla is not None else None,
        "response_due": None,
        "resolution_due": None,
        "response_breached": False,
        "resolution_breached": False,
        "sla_paused": False,
    }
    for clock in sync.clocks:
        if not clock.is_active:
            continue
        if clock.metric in (SLAMetric.RESPONSE, SLAMetric.RESOLUTION):
            values[f"{clock.metric}_due"] = clock.due_at
            values[f"{clock.metric}_breached"] = is_breached(clock, at)
        if clock.metric == SLAMetric.RESOLUTION and is_paused(clock):
            values["sla_paused"] = True
    return values


def _write_summary(ticket: Any, values: Mapping[str, Any], save: bool = True) -> None:
    changed = [name for name, value in values.items() if getattr(ticket, name) != value]
    for name in changed:
        setattr(ticket, name, values[name])
    if changed and save:
        ticket.save(update_fields=changed)


def _plan(ticket: Any, at: datetime.datetime, *, new: bool = False, force: bool = False) -> _Sync:
    """The reconciliation of the ticket's clocks, worked out but not saved."""
    clocks = [] if new else list(ticket.sla_clocks.filter(is_active=True).select_related("policy"))
    sync = _Sync(ticket, at, clocks, force=force)
    sla = select_sla(ticket)
    sync.metric(SLAMetric.RESPONSE, sla)
    sync.metric(SLAMetric.RESOLUTION, sla)
    sync.metric(SLAMetric.OLA, select_ola(ticket), team_id=ticket.team_id)
    sync.summary = _summary(ticket, sla, sync, at)
    return sync


def _sync(ticket: Any, at: datetime.datetime, *, force: bool = False) -> None:
    sync = _plan(ticket, at, force=force)
    sync.save()
    _write_summary(ticket, sync.summary)


def ticket_recalculate(ticket: Any, *, at: datetime.datetime) -> None:
    """After a change of policies or calendars: choose again and recompute every running
    clock's due time on the calendars as they are now (elapsed time is kept)."""
    _sync(ticket, at, force=True)


def ticket_opened(ticket: Any, *, at: datetime.datetime) -> Callable[[], None]:
    """For a new ticket whose row is not written yet (its key reserved, ``core.ids``): sets
    its summary fields (``SUMMARY_FIELDS``), so that they go into the ticket's one INSERT,
    and returns the function that saves its clocks, to call once that row exists."""
    sync = _plan(ticket, at, new=True)
    _write_summary(ticket, sync.summary, save=False)

    def save_clocks() -> None:
        sync.save()
        # A new ticket's clocks are all here: its first read (the API's answer to the
        # create) uses them as if prefetched instead of loading them again.
        cached = ticket.sla_clocks.all()
        cached._result_cache = list(sync.clocks)
        cached._prefetch_done = True
        ticket.__dict__.setdefault("_prefetched_objects_cache", {})["sla_clocks"] = cached

    return save_clocks


def ticket_changed(
    ticket: Any, *, changed: set[str], previous: Mapping[str, Any], at: datetime.datetime
) -> None:
    """``previous`` is not needed: the clocks themselves remember the team and the policy
    they run for, and ``_sync`` compares them with the ticket as it is now."""
    _sync(ticket, at)


def first_response(ticket: Any, *, at: datetime.datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = at
        ticket.save(update_fields=["first_response_at"])
    _sync(ticket, at)


def _policies() -> dict[int, SLAPolicy]:
    return {p.pk: p for p in SLAPolicy.objects.all()}


def _with_policies(clocks: Any) -> list[SLAClock]:
    """Clocks to read (never to save) with their policies from the process cache: a page of
    tickets has a few policies and many clocks."""
    policies = configcache.get("servicedesk.sla_policies", _policies)
    rows = list(clocks)
    if any(c.policy_id is not None and c.policy_id not in policies for c in rows):
        policies = _policies()  # a policy newer than what this process holds
    for clock in rows:
        if clock.policy_id is not None:
            clock.policy = policies[clock.policy_id]
    return rows


def ticket_sla_state(
    ticket: Any, now: datetime.datetime, calendars: Calendars | None = None
) -> dict[str, Any]:
    """Live state of the ticket's current clocks: ``{"policy_id", "response", "resolution",
    "ola"}``, each a ``ClockState`` or None. Uses prefetched ``sla_clocks`` when present."""
    calendars = calendars or Calendars()
    state: dict[str, Any] = {
        "policy_id": ticket.sla_policy_id,
        "response": None,
        "resolution": None,
        "ola": None,
    }
    prefetched = getattr(ticket, "_prefetched_objects_cache", {}).get("sla_clocks")
    if prefetched is not None:
        clocks = [c for c in prefetched if c.is_active]
    else:
        clocks = _with_policies(SLAClock.objects.filter(ticket_id=ticket.pk, is_active=True))
    calendars.preload_for(clocks)
    for clock in clocks:
        state[clock.metric] = clock_state(clock, now, calendars)
    return state


def sla_states(tickets: Iterable[Ticket], now: datetime.datetime) -> dict[int, dict[str, Any]]:
    """``ticket_sla_state`` for a page of tickets in one query of clocks (for lists)."""
    tickets = list(tickets)
    by_ticket: dict[int, list[SLAClock]] = {t.pk: [] for t in tickets}
    clocks = SLAClock.objects.filter(ticket_id__in=list(by_ticket), is_active=True)
    for clock in _with_policies(clocks):
        by_ticket[clock.ticket_id].append(clock)
    calendars = Calendars()
    calendars.preload_for(c for rows in by_ticket.values() for c in rows)
    out = {}
    for ticket in tickets:
        state: dict[str, Any] = {
            "policy_id": ticket.sla_policy_id,
            "response": None,
            "resolution": None,
            "ola": None,
        }
        for clock in by_ticket[ticket.pk]:
            state[clock.metric] = clock_state(clock, now, calendars)
        out[ticket.pk] = state
    return out
