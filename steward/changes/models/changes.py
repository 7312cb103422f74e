"""Change management: change requests (standard, normal, emergency) on configuration items,
the pre-approved templates standard changes come from, maintenance and blackout windows, and
the per-user tokens calendar applications read the change calendar with.

Which state may follow which is one table (``TRANSITIONS``); what each state needs and the
approval route live in ``services``, the risk formula in ``risk``, conflicts in ``conflicts``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel


class ChangeType(models.TextChoices):
    STANDARD = "standard", _("Standard (pre-approved)")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class ChangeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSESSMENT = "assessment", _("Assessment")
    AUTHORISATION = "authorisation", _("Authorisation")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTATION = "implementation", _("Implementation")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = ChangeState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ASSESSMENT, S.CANCELLED}),
    S.ASSESSMENT: frozenset({S.AUTHORISATION, S.SCHEDULED, S.DRAFT, S.CANCELLED}),
    S.AUTHORISATION: frozenset({S.SCHEDULED, S.ASSESSMENT, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.IMPLEMENTATION, S.ASSESSMENT, S.CANCELLED}),
    S.IMPLEMENTATION: frozenset({S.REVIEW}),
    S.REVIEW: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
"""The one table of allowed moves. ``assessment → scheduled`` is for standard changes only
and ``authorisation → scheduled`` happens when the approval engine approves (services)."""

ACTIVE_STATES = (S.ASSESSMENT, S.AUTHORISATION, S.SCHEDULED, S.IMPLEMENTATION)
"""States whose planned window holds: what conflicts are looked for among."""
OPEN_STATES = (S.DRAFT, *ACTIVE_STATES, S.REVIEW)


class Outcome(models.TextChoices):
    SUCCESSFUL = "successful", _("Successful")
    PARTIALLY = "partially", _("Partially successful")
    FAILED = "failed", _("Failed")
    BACKED_OUT = "backed_out", _("Backed out")


FAILED_OUTCOMES = (Outcome.FAILED, Outcome.BACKED_OUT)


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ApprovalState(models.TextChoices):
    NONE = "", _("Not asked")
    PRE_APPROVED = "pre_approved", _("Pre-approved (standard)")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class ChangeTemplate(AuditedModel):
    """A change done often the same safe way: approved once, then run as standard changes
    that need no further approval."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    backout_plan = models.TextField(_("back-out plan"), blank=True)
    test_plan = models.TextField(_("test plan"), blank=True)
    default_duration_minutes = models.PositiveIntegerField(
        _("usual duration (minutes)"), default=60
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("change template")
        verbose_name_plural = _("change templates")

    def __str__(self) -> str:
        return self.name


class ChangeRequest(AuditedModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    change_type = models.CharField(
        _("type"), max_length=10, choices=ChangeType.choices, default=ChangeType.NORMAL
    )
    template = models.ForeignKey(
        ChangeTemplate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("template"),
        help_text=_("Standard changes come from a pre-approved template."),
    )
    state = models.CharField(
        _("state"), max_length=15, choices=ChangeState.choices, default=ChangeState.DRAFT
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("requester"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes_owned",
        verbose_name=_("owner"),
        help_text=_("Who implements the change."),
    )
    assignment_team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
        verbose_name=_("assignment group"),
    )
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    backout_plan = models.TextField(_("back-out plan"), blank=True)
    test_plan = models.TextField(_("test plan"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    review_notes = models.TextField(_("post-implementation review"), blank=True)
    configuration_items: Any = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        through="ChangeRequestCI",
        related_name="change_requests",
        blank=True,
        verbose_name=_("affected configuration items"),
    )
    risk_score = models.PositiveSmallIntegerField(_("risk score"), null=True, blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True)
    approval_request_id = models.PositiveIntegerField(_("approval request"), null=True, blank=True)
    approval_state = models.CharField(
        _("approval"), max_length=12, choices=ApprovalState.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            models.Index(fields=["planned_start"], name="chg_planned_start"),
            models.Index(fields=["planned_end"], name="chg_planned_end"),
            models.Index(fields=["state", "planned_start"], name="chg_state_start"),
            models.Index(fields=["template", "state"], name="chg_template_state"),
            models.Index(fields=["approval_request_id"], name="chg_approval"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gt=F("planned_start")),
                name="chg_planned_end_after_start",
                violation_error_message=_("The planned end must be after the planned start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"CHG-{self.pk}" if self.pk else "CHG-?"

    def get_absolute_url(self) -> str:
        """The change page (the approval page links back to it)."""
        from django.urls import reverse

        return reverse("changes:changerequest_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            errors["planned_end"] = _("The planned end must be after the planned start.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end is before the actual start.")
        if self.change_type == ChangeType.STANDARD and not self.template_id:
            errors["template"] = _("A standard change comes from a template.")
        if self.template_id and self.change_type != ChangeType.STANDARD:
            errors["template"] = _("Only standard changes come from a template.")
        if errors:
            raise ValidationError(errors)


class ChangeRequestCI(AuditedModel):
    """A configuration item a change touches."""

    change = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="ci_links", verbose_name=_("change")
    )
    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        on_delete=models.CASCADE,
        related_name="change_links",
        verbose_name=_("configuration item"),
    )

    class Meta:
        ordering = ["change_id", "configuration_item_id"]
        verbose_name = _("affected item")
        verbose_name_plural = _("affected items")
        constraints = [
            models.UniqueConstraint(fields=["change", "configuration_item"], name="chg_ci_unique")
        ]
        indexes = [models.Index(fields=["configuration_item", "change"], name="chg_ci_by_ci")]

    def __str__(self) -> str:
        return f"{self.change_id} → {self.configuration_item_id}"


class ChangeIncident(AuditedModel):
    """An incident (a service-desk ticket, by id) caused by the change."""

    change = models.ForeignKey(
        ChangeRequest,
        on_delete=models.CASCADE,
        related_name="incident_links",
        verbose_name=_("change"),
    )
    ticket_id = models.PositiveBigIntegerField(_("incident"))

    class Meta:
        ordering = ["change_id", "ticket_id"]
        verbose_name = _("incident caused")
        verbose_name_plural = _("incidents caused")
        constraints = [
            models.UniqueConstraint(fields=["change", "ticket_id"], name="chg_incident_unique")
        ]
        indexes = [models.Index(fields=["ticket_id"], name="chg_incident_ticket")]

    def __str__(self) -> str:
        return f"{self.change_id} ← {self.ticket_id}"


class WindowKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance window")
    BLACKOUT = "blackout", _("Blackout (no changes)")


class ChangeWindow(AuditedModel):
    """A maintenance window (changes belong inside) or a blackout (no change may be scheduled
    in it). With no items, it holds for everything; with items, for changes touching them or
    (for a service) anything the service depends on."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=WindowKind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    description = models.TextField(_("description"), blank=True)
    configuration_items = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        related_name="change_windows",
        blank=True,
        verbose_name=_("scope (items or services)"),
        help_text=_("Leave empty for a window that holds for every item."),
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("change window")
        verbose_name_plural = _("change windows")
        indexes = [
            models.Index(fields=["start"], name="chg_window_start"),
            models.Index(fields=["end"], name="chg_window_end"),
            models.Index(fields=["kind", "start"], name="chg_window_kind_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="chg_window_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})


class CalendarFeedToken(AuditedModel):
    """The secret in a user's calendar feed addresses (calendar applications cannot log in).
    Only a digest is kept, like inventory tokens; the secret is shown once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="change_feed_token",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    audit_exclude = ("updated_at", "last_used_at", "token_hash")

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"
