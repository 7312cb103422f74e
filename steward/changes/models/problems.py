"""Problem management: the unknown cause behind one or more incidents, investigated until it
is a known error (root cause and workaround known, published to the knowledge base for
agents) and then resolved, usually by a change. Incidents are service-desk tickets, linked
by id (the service desk owns them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel


class ProblemState(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    KNOWN_ERROR = "known_error", _("Known error")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


P = ProblemState
PROBLEM_TRANSITIONS: dict[str, frozenset[str]] = {
    P.NEW: frozenset({P.INVESTIGATING, P.CLOSED}),
    P.INVESTIGATING: frozenset({P.KNOWN_ERROR, P.RESOLVED, P.CLOSED}),
    P.KNOWN_ERROR: frozenset({P.INVESTIGATING, P.RESOLVED, P.CLOSED}),
    P.RESOLVED: frozenset({P.INVESTIGATING, P.CLOSED}),
    P.CLOSED: frozenset(),
}
"""The one table of allowed moves of a problem; what each state needs is in ``problems``."""


class ProblemPriority(models.IntegerChoices):
    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MEDIUM = 3, _("3 - Medium")
    LOW = 4, _("4 - Low")


class Problem(AuditedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=50_000)
    state = models.CharField(
        _("state"), max_length=15, choices=ProblemState.choices, default=ProblemState.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=ProblemPriority.choices, default=ProblemPriority.MEDIUM
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems_owned",
        verbose_name=_("owner"),
    )
    assignment_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name=_("assignment group"),
    )
    root_cause = models.TextField(_("root cause"), blank=True, max_length=50_000)
    workaround = models.TextField(_("workaround"), blank=True, max_length=50_000)
    known_error_article_id = models.PositiveBigIntegerField(
        _("known-error article"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [models.Index(fields=["state", "priority"], name="prb_state_priority")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"PRB-{self.pk}" if self.pk else "PRB-?"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("changes:problem_detail", kwargs={"pk": self.pk})


class ProblemIncident(AuditedModel):
    """An incident (a service-desk ticket, by id) caused by the problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="incident_links", verbose_name=_("problem")
    )
    ticket_id = models.PositiveBigIntegerField(_("incident"))

    class Meta:
        ordering = ["problem_id", "ticket_id"]
        verbose_name = _("linked incident")
        verbose_name_plural = _("linked incidents")
        constraints = [
            models.UniqueConstraint(fields=["problem", "ticket_id"], name="prb_incident_unique")
        ]
        indexes = [models.Index(fields=["ticket_id"], name="prb_incident_ticket")]

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.ticket_id}"


class ProblemTask(AuditedModel):
    """A piece of investigation work on a problem."""

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("problem")
    )
    title = models.CharField(_("title"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problem_tasks",
        verbose_name=_("assignee"),
    )
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["problem_id", "done", "pk"]
        verbose_name = _("problem task")
        verbose_name_plural = _("problem tasks")

    def __str__(self) -> str:
        return self.title
