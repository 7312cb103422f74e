"""Showback: how the shared costs of a fiscal year are spread over the departments (one rule
per category: by headcount, by assigned assets or by usage) and the usage that departments
report per period (entered by hand or fed by the API)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel
from steward.strategy.models.budget import Category, FiscalYear

METRIC = RegexValidator(r"^[a-z0-9][a-z0-9_.-]*$", _("Lower-case letters, digits, - _ and ."))


class Basis(models.TextChoices):
    HEADCOUNT = "headcount", _("Headcount")
    ASSETS = "assets", _("Assigned assets")
    USAGE = "usage", _("Usage")


class AllocationRule(AuditedModel):
    """How the shared costs of one category in one fiscal year are allocated. Without a
    rule, a category is allocated by headcount."""

    fiscal_year = models.ForeignKey(
        FiscalYear,
        on_delete=models.CASCADE,
        related_name="allocation_rules",
        verbose_name=_("fiscal year"),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    basis = models.CharField(
        _("basis"), max_length=10, choices=Basis.choices, default=Basis.HEADCOUNT
    )
    metric = models.CharField(
        _("usage metric"),
        max_length=50,
        blank=True,
        validators=[METRIC],
        help_text=_("For the usage basis: the metric of the usage records, e.g. vcpu-hours."),
    )

    class Meta:
        ordering = ["fiscal_year", "category"]
        verbose_name = _("allocation rule")
        verbose_name_plural = _("allocation rules")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "category"],
                name="strategy_allocationrule_unique",
                violation_error_message=_("This category already has a rule in this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_basis_display()}"

    def clean(self) -> None:
        if self.basis == Basis.USAGE and not self.metric:
            raise ValidationError({"metric": _("Name the usage metric to allocate by.")})
        if self.basis != Basis.USAGE and self.metric:
            raise ValidationError({"metric": _("Only the usage basis takes a metric.")})


class UsageRecord(AuditedModel):
    """How much of something (``metric``) a department used in the period starting on
    ``period`` (e.g. the first day of a month)."""

    department = models.ForeignKey(
        "org.Department",
        on_delete=models.CASCADE,
        related_name="usage_records",
        verbose_name=_("department"),
    )
    metric = models.CharField(_("metric"), max_length=50, validators=[METRIC])
    period = models.DateField(_("period"), help_text=_("The first day of the period."))
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=16,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999999999999"))],
    )

    class Meta:
        ordering = ["-period", "metric", "department"]
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "metric", "period"],
                name="strategy_usage_unique",
                violation_error_message=_(
                    "This department already has usage of this metric for this period."
                ),
            )
        ]
        indexes = [models.Index(fields=["metric", "period"], name="strategy_usage_metric")]

    def __str__(self) -> str:
        return f"{self.period} {self.metric} {self.quantity}"
