"""Risk and security: the risk matrix (scales and score bands an IT manager edits), the risk
register with inherent, residual and target scores, controls linked to configuration items
(business services included) and assets, and the security incidents of the service desk
linked to a risk. Scoring and the rules of the matrix live in ``steward.strategy.risk``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel

MAX_SCALE = 10
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_SCALE)]


class RiskMatrix(AuditedModel):
    """Likelihood and impact scales (one label per step, lowest first) and the bands that
    turn a score (likelihood x impact) into a level and a colour. ``bands`` is a list of
    ``{"min_score": int, "level": str, "colour": "#rrggbb"}``, the first starting at 1."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    likelihood_labels = models.JSONField(_("likelihood scale"), default=list)
    impact_labels = models.JSONField(_("impact scale"), default=list)
    bands = models.JSONField(_("score bands"), default=list)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from steward.strategy.risk import matrix_validate

        matrix_validate(self)


class RiskCategory(models.TextChoices):
    SECURITY = "security", _("Information security")
    AVAILABILITY = "availability", _("Availability")
    DATA = "data", _("Data protection")
    COMPLIANCE = "compliance", _("Compliance")
    SUPPLIER = "supplier", _("Supplier")
    OPERATIONAL = "operational", _("Operational")
    PROJECT = "project", _("Project")


class Treatment(models.TextChoices):
    MITIGATE = "mitigate", _("Mitigate")
    ACCEPT = "accept", _("Accept")
    TRANSFER = "transfer", _("Transfer")
    AVOID = "avoid", _("Avoid")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    TREATING = "treating", _("In treatment")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class Risk(AuditedModel):
    """A risk on the register. Residual likelihood and impact are what remains with the
    controls in place (empty: not assessed yet, the inherent ones count); the target is
    what the treatment plan aims for. ``reminded_for`` is the review date its owner was last
    reminded of (once per review period)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=RiskCategory.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    matrix = models.ForeignKey(
        RiskMatrix, on_delete=models.PROTECT, related_name="risks", verbose_name=_("matrix")
    )
    inherent_likelihood = models.PositiveSmallIntegerField(
        _("inherent likelihood"), validators=SCORE_VALIDATORS
    )
    inherent_impact = models.PositiveSmallIntegerField(
        _("inherent impact"), validators=SCORE_VALIDATORS
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        _("residual likelihood"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    residual_impact = models.PositiveSmallIntegerField(
        _("residual impact"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    treatment = models.CharField(
        _("treatment"), max_length=10, choices=Treatment.choices, default=Treatment.MITIGATE
    )
    treatment_plan = models.TextField(_("treatment plan"), blank=True)
    target_likelihood = models.PositiveSmallIntegerField(
        _("target likelihood"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    target_impact = models.PositiveSmallIntegerField(
        _("target impact"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    review_interval_days = models.PositiveSmallIntegerField(
        _("review every (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True, editable=False)
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        indexes = [models.Index(fields=["status", "next_review"], name="strategy_risk_review")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"RSK-{self.pk}" if self.pk else "RSK-new"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_score(self) -> int:
        from steward.strategy.risk import residual

        likelihood, impact = residual(self)
        return likelihood * impact

    def level_of(self, score: int) -> str:
        from steward.strategy.risk import band_for

        band = band_for(self.matrix, score)
        return band.level if band else ""

    @property
    def inherent_text(self) -> str:
        return f"{self.inherent_score} {self.level_of(self.inherent_score)}"

    @property
    def residual_text(self) -> str:
        return f"{self.residual_score} {self.level_of(self.residual_score)}"

    def clean(self) -> Any:
        from steward.strategy.risk import risk_validate

        if self.owner is not None and self.owner.kind != "employee":
            raise ValidationError({"owner": _("The owner must be one of our employees.")})
        risk_validate(self)


class ControlType(models.TextChoices):
    PREVENTIVE = "preventive", _("Preventive")
    DETECTIVE = "detective", _("Detective")
    CORRECTIVE = "corrective", _("Corrective")
    DIRECTIVE = "directive", _("Directive")


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    PARTIAL = "partial", _("Partially effective")
    INEFFECTIVE = "ineffective", _("Ineffective")
    UNTESTED = "untested", _("Not tested")


class RiskControl(AuditedModel):
    risk = models.ForeignKey(
        Risk, on_delete=models.CASCADE, related_name="controls", verbose_name=_("risk")
    )
    name = models.CharField(_("name"), max_length=200)
    control_type = models.CharField(_("type"), max_length=12, choices=ControlType.choices)
    effectiveness = models.CharField(
        _("effectiveness"),
        max_length=12,
        choices=Effectiveness.choices,
        default=Effectiveness.UNTESTED,
    )
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
        ordering = ["risk", "name", "pk"]
        verbose_name = _("risk control")
        verbose_name_plural = _("risk controls")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.owner is not None and self.owner.kind != "employee":
            raise ValidationError({"owner": _("The owner must be one of our employees.")})


class TargetType(models.TextChoices):
    CI = "cmdb.ConfigurationItem", _("Configuration item or service")
    ASSET = "assets.Asset", _("Asset")


class RiskControlLink(AuditedModel):
    """What a control protects: a configuration item (business services are items of the
    CMDB) or an asset, by id (read through the CMDB's and assets' selectors)."""

    control = models.ForeignKey(RiskControl, on_delete=models.CASCADE, related_name="links")
    target_type = models.CharField(max_length=30, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["control", "target_type", "target_id"]
        verbose_name = _("control link")
        verbose_name_plural = _("control links")
        constraints = [
            models.UniqueConstraint(
                fields=["control", "target_type", "target_id"], name="strategy_controllink_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id}"


class RiskIncident(AuditedModel):
    """A security incident of the service desk linked to a risk (the ticket by id).
    ``opened_at`` is the incident's opening time, kept so that the incidents of the last 90
    days are counted for a whole list in one query."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="incident_links")
    ticket_id = models.PositiveBigIntegerField()
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("risk incident")
        verbose_name_plural = _("risk incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "ticket_id"], name="strategy_riskincident_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.risk_id}:{self.ticket_id}"
