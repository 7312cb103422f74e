"""The minute scan: clocks that reached their warning threshold or their due time.

Found by the indexed instants ``warning_due_at`` and ``due_at`` (never by walking tickets),
claimed with a conditional update so that each trigger fires once per clock however many
workers run the scan, then announced on the bus and escalated per the policy's rules.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import events
from steward.core.jobs import job_handler
from steward.servicedesk.models import (
    EscalationAction,
    EscalationRule,
    SLAClock,
    SLAMetric,
    Ticket,
)

log = logging.getLogger(__name__)
HANDLER = "servicedesk.sla_scan"
WARNING, BREACH = EscalationRule.Trigger.WARNING, EscalationRule.Trigger.BREACH
EVENTS = {WARNING: "servicedesk.sla_warning", BREACH: "servicedesk.sla_breached"}
BATCH = 500


def _due(field: str, now: datetime.datetime) -> Any:
    """Ids of running clocks past ``field``; a warning whose due time has passed too is left
    to the breach (which records the warning), so that nobody is told twice."""
    marker = "warned_at" if field == "warning_due_at" else "breached_at"
    qs = SLAClock.objects.filter(is_active=True, stopped_at__isnull=True).filter(
        **{f"{field}__lt": now, f"{marker}__isnull": True}
    )
    if field == "warning_due_at":
        qs = qs.exclude(due_at__lt=now)
    return qs.order_by(field).values_list("pk", flat=True)[:BATCH]


def sla_scan(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Mark, announce and escalate every clock that crossed a threshold. Idempotent."""
    now = now or timezone.now()
    counts = {"warnings": 0, "breaches": 0}
    for pk in list(_due("warning_due_at", now)):
        counts["warnings"] += _fire(pk, WARNING, now)
    for pk in list(_due("due_at", now)):
        counts["breaches"] += _fire(pk, BREACH, now)
    return counts


def _fire(clock_id: int, trigger: str, now: datetime.datetime) -> int:
    marker = "warned_at" if trigger == WARNING else "breached_at"
    with transaction.atomic():
        won = SLAClock.objects.filter(
            pk=clock_id, is_active=True, stopped_at__isnull=True, **{f"{marker}__isnull": True}
        ).update(**{marker: now})
        if not won:
            return 0
        clock = SLAClock.objects.select_related(
            "policy", "team__lead__user", "ticket__assignee__user", "ticket__team__lead__user"
        ).get(pk=clock_id)
        ticket = clock.ticket
        if trigger == BREACH and clock.metric in (SLAMetric.RESPONSE, SLAMetric.RESOLUTION):
            Ticket.objects.filter(pk=ticket.pk).update(**{f"{clock.metric}_breached": True})
        if trigger == BREACH and clock.warned_at is None:
            SLAClock.objects.filter(pk=clock_id).update(warned_at=now)
        events.publish(EVENTS[trigger], clock_id=clock.pk, ticket_id=ticket.pk, metric=clock.metric)
        for rule in _rules(clock, trigger):
            try:
                with transaction.atomic():
                    escalate(rule, clock, trigger)
            except (ValidationError, PermissionDenied) as exc:
                log.warning("escalation %s on ticket %s failed: %s", rule.pk, ticket.pk, exc)
    return 1


def _rules(clock: SLAClock, trigger: str) -> list[EscalationRule]:
    if clock.policy_id is None:
        return []
    rules = EscalationRule.objects.filter(policy_id=clock.policy_id, trigger=trigger)
    return [
        r
        for r in rules.select_related("notify_person__user", "reassign_team")
        if not r.metric or r.metric == clock.metric
    ]


def _ticket_url(ticket: Ticket) -> str:
    try:
        return reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
    except NoReverseMatch:
        return ""


def escalate(rule: EscalationRule, clock: SLAClock, trigger: str) -> None:
    """Run one rule: notify people, reassign the ticket, or raise its priority by one. The
    ticket changes go through the ticket services as the system (``actor=None``)."""
    from steward.servicedesk.services import ticket_assign, ticket_update

    ticket = Ticket.objects.get(pk=clock.ticket_id)
    if rule.action == EscalationAction.NOTIFY:
        _notify(rule, clock, trigger)
    elif rule.action == EscalationAction.REASSIGN and rule.reassign_team_id:
        if ticket.team_id != rule.reassign_team_id:
            ticket_assign(ticket=ticket, actor=None, team=rule.reassign_team)
    elif rule.action == EscalationAction.RAISE_PRIORITY and ticket.priority > 1:
        ticket_update(ticket=ticket, actor=None, data={"priority": ticket.priority - 1})


def _notify(rule: EscalationRule, clock: SLAClock, trigger: str) -> None:
    from steward.notifications.services import notify

    ticket = clock.ticket
    users = []
    team = clock.team if clock.team_id else ticket.team
    if rule.notify_team_lead and team is not None and team.lead_id and team.lead.user_id:
        users.append(team.lead.user)
    if rule.notify_assignee and ticket.assignee_id and ticket.assignee.user_id:
        users.append(ticket.assignee.user)
    if rule.notify_person_id and rule.notify_person.user_id:
        users.append(rule.notify_person.user)
    if trigger == WARNING:
        title = _("%(ref)s: %(metric)s target at %(pct)s%%") % {
            "ref": ticket.reference,
            "metric": clock.get_metric_display(),
            "pct": clock.policy.warning_percent if clock.policy else 80,
        }
    else:
        title = _("%(ref)s: %(metric)s target breached") % {
            "ref": ticket.reference,
            "metric": clock.get_metric_display(),
        }
    notify(
        users=users, event=EVENTS[trigger], title=title, body=ticket.title, url=_ticket_url(ticket)
    )


@job_handler(HANDLER)
def sla_scan_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
    counts = sla_scan()
    if counts["warnings"] or counts["breaches"]:
        reporter.log(f"{counts['warnings']} warnings, {counts['breaches']} breaches")
    return counts
