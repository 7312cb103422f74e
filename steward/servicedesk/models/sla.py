"""SLA and OLA: business calendars, policies with targets per priority, escalation rules,
and the clocks that run on each ticket."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.core.models.users import validate_time_zone
from steward.servicedesk.models.tickets import Priority, Ticket


class BusinessCalendar(AuditedModel):
    """Working hours per weekday in a time zone, minus holidays. A calendar with no working
    hours counts every minute (24x7)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class WorkingHours(AuditedModel):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="hours",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), validators=[MaxValueValidator(6)], help_text=_("0 is Monday.")
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="working_hours_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start}-{self.end}"

    def clean(self) -> None:
        if self.start is None or self.end is None or not self.calendar_id:
            return
        overlapping = WorkingHours.objects.filter(
            calendar_id=self.calendar_id,
            weekday=self.weekday,
            start__lt=self.end,
            end__gt=self.start,
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(
                {"start": _("These hours overlap other working hours of the same weekday.")}
            )


class Holiday(AuditedModel):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class SLAPolicyKind(models.TextChoices):
    SLA = "sla", _("SLA (with the requester)")
    OLA = "ola", _("OLA (with an assignment group)")


def default_pause_statuses() -> list[str]:
    return ["pending"]


class SLAPolicy(AuditedModel):
    """An SLA applies to tickets matching its organisation and service (blank matches any;
    the most specific, then lowest ``order`` wins). An OLA applies to a team's part of the
    work and restarts when the ticket is reassigned to another team."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=3, choices=SLAPolicyKind.choices, default=SLAPolicyKind.SLA
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    organisation = models.ForeignKey(
        "org.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("for organisation"),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("for service"),
    )
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("for team (OLA)"),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("business calendar"),
        help_text=_("Blank: around the clock."),
    )
    pause_statuses = models.JSONField(
        _("paused while"),
        default=default_pause_statuses,
        blank=True,
        help_text=_("Ticket statuses during which the clocks stop."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (% of target)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )

    class Meta:
        ordering = ["kind", "order", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.servicedesk.models.tickets import DONE_STATUSES, Status

        errors: dict[str, Any] = {}
        statuses = self.pause_statuses
        if not isinstance(statuses, list) or any(
            s not in Status.values or s in DONE_STATUSES for s in statuses
        ):
            open_ones = ", ".join(s for s in Status.values if s not in DONE_STATUSES)
            errors["pause_statuses"] = _("A list of open statuses: %(s)s.") % {"s": open_ones}
        if self.kind == SLAPolicyKind.SLA and self.team_id:
            errors["team"] = _("Only an OLA is for a team.")
        if self.kind == SLAPolicyKind.OLA and (self.organisation_id or self.service_id):
            errors["kind"] = _("An OLA is chosen by team, not by organisation or service.")
        if errors:
            raise ValidationError(errors)


class SLATarget(AuditedModel):
    """Minutes of business time for first response and for resolution at one priority."""

    policy = models.ForeignKey(
        SLAPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} P{self.priority}"

    def clean(self) -> None:
        if self.response_minutes is None and self.resolution_minutes is None:
            raise ValidationError(_("Give a response or a resolution target, or both."))
        if self.response_minutes == 0 or self.resolution_minutes == 0:
            raise ValidationError(_("A target is at least one minute."))


class SLAMetric(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    OLA = "ola", _("Team (OLA)")


class SLAClock(AuditedModel):
    """One running target on one ticket. Business seconds are banked in ``elapsed_seconds``
    each time the clock stops (pause, stop, recalculation); while running, the live figure
    is ``elapsed_seconds`` plus business time since ``running_since``."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="sla_clocks", verbose_name=_("ticket")
    )
    policy = models.ForeignKey(
        SLAPolicy,
        null=True,
        on_delete=models.SET_NULL,
        related_name="clocks",
        verbose_name=_("policy"),
    )
    metric = models.CharField(_("metric"), max_length=10, choices=SLAMetric.choices)
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team (OLA)"),
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    started_at = models.DateTimeField(_("started"))
    elapsed_seconds = models.PositiveBigIntegerField(_("elapsed business seconds"), default=0)
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    warning_due_at = models.DateTimeField(
        _("warning due"),
        null=True,
        blank=True,
        help_text=_("When the elapsed time reaches the policy's warning threshold."),
    )
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    is_active = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("False for an OLA clock of a team the ticket has left."),
    )

    class Meta:
        ordering = ["ticket_id", "metric", "started_at"]  # by the column: no join to tickets
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        indexes = [
            models.Index(fields=["is_active", "stopped_at", "due_at"], name="sla_clock_due"),
            models.Index(
                fields=["is_active", "stopped_at", "warning_due_at"], name="sla_clock_warning"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} on {self.ticket_id}"


class EscalationAction(models.TextChoices):
    NOTIFY = "notify", _("Notify")
    REASSIGN = "reassign", _("Reassign to a team")
    RAISE_PRIORITY = "raise_priority", _("Raise priority by one")


class EscalationRule(AuditedModel):
    """What happens when a clock of ``policy`` reaches its warning threshold or breaches."""

    class Trigger(models.TextChoices):
        WARNING = "warning", _("Warning threshold reached")
        BREACH = "breach", _("Target breached")

    policy = models.ForeignKey(
        SLAPolicy, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("policy")
    )
    trigger = models.CharField(_("when"), max_length=8, choices=Trigger.choices)
    metric = models.CharField(
        _("metric"),
        max_length=10,
        choices=SLAMetric.choices,
        blank=True,
        help_text=_("Blank: any metric."),
    )
    action = models.CharField(_("action"), max_length=15, choices=EscalationAction.choices)
    notify_team_lead = models.BooleanField(_("notify the team lead"), default=True)
    notify_assignee = models.BooleanField(_("notify the assignee"), default=True)
    notify_person = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("also notify"),
    )
    reassign_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reassign to"),
    )

    class Meta:
        ordering = ["policy", "trigger", "id"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")

    def __str__(self) -> str:
        return f"{self.policy}: {self.get_trigger_display()} → {self.get_action_display()}"

    def clean(self) -> None:
        if self.action == EscalationAction.REASSIGN and not self.reassign_team_id:
            raise ValidationError({"reassign_team": _("Choose the team to reassign to.")})
        if self.action == EscalationAction.NOTIFY and not (
            self.notify_team_lead or self.notify_assignee or self.notify_person_id
        ):
            raise ValidationError({"notify_person": _("Choose whom to notify.")})
