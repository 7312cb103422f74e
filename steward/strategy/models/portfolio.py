"""Project portfolio: initiatives and projects serving IT goals, with phase, status, health,
budget, planned and actual dates, milestones, the people allocated to them (a share of their
time over a period) and links to business services, changes, service-desk requests and risks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.strategy.models.budget import AMOUNT_VALIDATORS


class Kind(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    PROJECT = "project", _("Project")


class Phase(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    CLOSING = "closing", _("Closing")
    DONE = "done", _("Done")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


def _in_order(errors: dict[str, Any], start: object, end: object, field: str) -> None:
    if start and end and end < start:  # type: ignore[operator]
        errors[field] = _("Ends before it starts.")


class Project(AuditedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    description = models.TextField(_("description"), blank=True)
    it_goal = models.ForeignKey(
        "strategy.ITGoal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("IT goal"),
    )
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices, default=Phase.IDEA)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED
    )
    health = models.CharField(
        _("health"), max_length=5, choices=Health.choices, default=Health.GREEN
    )
    health_reason = models.CharField(
        _("health reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the project is amber or red (required then)."),
    )
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, validators=AMOUNT_VALIDATORS, default=0
    )
    spent = models.DecimalField(
        _("spent (entered)"),
        max_digits=14,
        decimal_places=2,
        validators=AMOUNT_VALIDATORS,
        default=0,
        help_text=_("Used when no cost records are linked."),
    )
    budget_line = models.ForeignKey(
        "strategy.BudgetLine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("budget line"),
    )
    cost_records = models.ManyToManyField(
        "strategy.CostRecord", blank=True, related_name="projects", verbose_name=_("costs")
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    services = models.ManyToManyField(
        "cmdb.ConfigurationItem", blank=True, related_name="+", verbose_name=_("services")
    )
    changes = models.ManyToManyField(
        "changes.ChangeRequest", blank=True, related_name="+", verbose_name=_("changes")
    )
    requests = models.ManyToManyField(
        "servicedesk.Ticket", blank=True, related_name="+", verbose_name=_("requests")
    )
    risks = models.ManyToManyField(
        "strategy.Risk", blank=True, related_name="projects", verbose_name=_("risks")
    )

    class Meta:
        ordering = ["planned_start", "name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.health != Health.GREEN and not self.health_reason.strip():
            errors["health_reason"] = _("Say why the project is amber or red.")
        _in_order(errors, self.planned_start, self.planned_end, "planned_end")
        _in_order(errors, self.actual_start, self.actual_end, "actual_end")
        if self.actual_end and not self.actual_start:
            errors["actual_start"] = _("A project that ended has started.")
        if errors:
            raise ValidationError(errors)


class Milestone(AuditedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    due = models.DateField(_("due"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["project", "due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name


class Allocation(AuditedModel):
    """A share of a person's working time given to a project from ``start`` to ``end``."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("project")
    )
    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    percent = models.PositiveSmallIntegerField(
        _("allocation %"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["person", "start", "pk"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        indexes = [models.Index(fields=["start", "end"], name="strategy_alloc_period")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.percent}% {self.start}–{self.end}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        _in_order(errors, self.start, self.end, "end")
        if self.person_id and self.person.kind != "employee":
            errors["person"] = _("Only our employees are allocated to projects.")
        if errors:
            raise ValidationError(errors)
