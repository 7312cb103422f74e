"""Scenario plans: growth (hires and what they need, from today's ratios per employee) and
cyber attack or disaster (recovery plans with RTO/RPO per business service, backup reports
per configuration item, tabletop exercises with their actions)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel

MAX_MINUTES = 60 * 24 * 365


class GrowthPlan(AuditedModel):
    """ "Hire N people in these departments by this date" (``hires``). ``computed`` holds the
    ratios, lines and budget of the last computation (``growth.growth_compute``), so a plan
    shows what it showed until it is recomputed."""

    name = models.CharField(_("name"), max_length=200)
    target_date = models.DateField(_("hired by"))
    notes = models.TextField(_("notes"), blank=True)
    computed = models.JSONField(_("computed lines"), default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    purchase_request = models.ForeignKey(
        "assets.PurchaseRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("purchase request draft"),
    )

    class Meta:
        ordering = ["target_date", "name"]
        verbose_name = _("growth plan")
        verbose_name_plural = _("growth plans")

    def __str__(self) -> str:
        return self.name


MAX_HIRES = 100_000


class GrowthHire(AuditedModel):
    """How many people a growth plan hires into one department."""

    plan = models.ForeignKey(GrowthPlan, on_delete=models.CASCADE, related_name="hires")
    department = models.ForeignKey(
        "org.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    count = models.PositiveIntegerField(
        _("hires"), validators=[MinValueValidator(1), MaxValueValidator(MAX_HIRES)]
    )

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("growth hire")
        verbose_name_plural = _("growth hires")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department"],
                name="strategy_growthhire_unique",
                violation_error_message=_("This department is already in the plan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} → {self.department_id}"


class RecoveryScenario(models.TextChoices):
    RANSOMWARE = "ransomware", _("Ransomware or cyber attack")
    DISASTER = "disaster", _("Site disaster (fire, flood, power)")
    OUTAGE = "outage", _("Provider or data-centre outage")


class RecoveryPlan(AuditedModel):
    name = models.CharField(_("name"), max_length=200)
    scenario = models.CharField(_("scenario"), max_length=12, choices=RecoveryScenario.choices)
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("recovery plan")
        verbose_name_plural = _("recovery plans")

    def __str__(self) -> str:
        return self.name


class RecoveryTarget(AuditedModel):
    """A business service a plan recovers, within ``rto_minutes`` (back in service) and
    losing at most ``rpo_minutes`` of data."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.CASCADE, related_name="targets")
    service = models.ForeignKey(
        "cmdb.ConfigurationItem",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service"),
    )
    rto_minutes = models.PositiveIntegerField(
        _("RTO (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    rpo_minutes = models.PositiveIntegerField(
        _("RPO (minutes)"), validators=[MinValueValidator(0), MaxValueValidator(MAX_MINUTES)]
    )

    class Meta:
        ordering = ["plan", "rto_minutes", "pk"]
        verbose_name = _("recovery target")
        verbose_name_plural = _("recovery targets")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "service"],
                name="strategy_recoverytarget_unique",
                violation_error_message=_("This service already has targets in this plan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.service_id}"


class BackupStatus(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    PARTIAL = "partial", _("Partly succeeded")
    FAILED = "failed", _("Failed")


class BackupReport(AuditedModel):
    """One run of a backup job for one configuration item, as the backup system reports it.
    One row per (item, job, finished at): a report sent again changes nothing."""

    configuration_item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("configuration item"),
    )
    job = models.CharField(_("job"), max_length=200)
    finished_at = models.DateTimeField(_("finished at"))
    status = models.CharField(_("status"), max_length=10, choices=BackupStatus.choices)
    size_bytes = models.PositiveBigIntegerField(
        _("size (bytes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10**18)],
    )
    message = models.CharField(_("message"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-finished_at", "-pk"]
        verbose_name = _("backup report")
        verbose_name_plural = _("backup reports")
        constraints = [
            models.UniqueConstraint(
                fields=["configuration_item", "job", "finished_at"],
                name="strategy_backupreport_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["configuration_item", "status", "finished_at"],
                name="strategy_backup_last",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.finished_at:%Y-%m-%d %H:%M} {self.status}"


class Exercise(AuditedModel):
    """A tabletop exercise: a plan walked through on paper, what was found."""

    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    plan = models.ForeignKey(
        RecoveryPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exercises",
        verbose_name=_("recovery plan"),
    )
    participants = models.TextField(_("participants"), blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-held_on", "name"]
        verbose_name = _("tabletop exercise")
        verbose_name_plural = _("tabletop exercises")

    def __str__(self) -> str:
        return self.name


class ExerciseAction(AuditedModel):
    """A finding of an exercise and the action that answers it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="actions")
    finding = models.TextField(_("finding"))
    action = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["done", "due", "pk"]
        verbose_name = _("exercise action")
        verbose_name_plural = _("exercise actions")

    def __str__(self) -> str:
        return self.action
