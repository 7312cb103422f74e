"""Budget and cost: fiscal years, cost centres, the budget planned per fiscal year, cost
centre and category, and the costs actually incurred (entered by hand or rolled up from
assets, licences and contracts by ``sync``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel

MAX_YEAR_DAYS = 731
AMOUNT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("999999999999"))]


class Category(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SOFTWARE = "software", _("Software")
    CLOUD = "cloud", _("Cloud")
    SERVICES = "services", _("Services")
    STAFF = "staff", _("Staff")


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual entry")
    ASSET = "asset", _("Asset purchase")
    LICENCE = "licence", _("Licence")
    CONTRACT = "contract", _("Contract")


class FiscalYear(AuditedModel):
    name = models.CharField(_("name"), max_length=50, unique=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), help_text=_("The last day of the fiscal year."))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.start and self.end):
            return
        if self.end <= self.start:
            raise ValidationError({"end": _("The fiscal year must end after it starts.")})
        if (self.end - self.start).days >= MAX_YEAR_DAYS:
            raise ValidationError({"end": _("A fiscal year lasts at most two years.")})
        others = FiscalYear._base_manager.exclude(pk=self.pk)
        clash = others.filter(start__lte=self.end, end__gte=self.start).first()
        if clash is not None:
            raise ValidationError(
                {"start": _("Overlaps the fiscal year %(name)s.") % {"name": clash.name}}
            )
        if self.pk:
            outside = CostRecord._base_manager.filter(fiscal_year_id=self.pk).exclude(
                date__range=(self.start, self.end)
            )
            if outside.exists():
                raise ValidationError(
                    {"start": _("Costs are recorded outside these dates; move them first.")}
                )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class CostCentre(AuditedModel):
    """Where costs are booked. The owner (a person in the directory) sees its budget; costs
    of assets and licences held by people of ``department`` roll up here. The default
    centre takes the costs no other centre claims (contracts, unassigned stock)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    department = models.OneToOneField(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Takes costs no other cost centre claims.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cost centre")
        verbose_name_plural = _("cost centres")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="strategy_costcentre_one_default",
                violation_error_message=_("Another cost centre is already the default."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        # A budget is held inside the organisation: never by a customer's contact.
        if self.owner is not None and self.owner.kind != "employee":
            raise ValidationError({"owner": _("The owner must be one of our employees.")})


class BudgetLine(AuditedModel):
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="budget_lines"
    )
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    planned = models.DecimalField(
        _("planned"), validators=AMOUNT_VALIDATORS, max_digits=14, decimal_places=2
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["fiscal_year", "cost_centre", "category"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "cost_centre", "category"],
                name="strategy_budgetline_unique",
                violation_error_message=_(
                    "This cost centre already has a budget line for this category in this year."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}/{self.cost_centre_id}/{self.category}"


class CostRecord(AuditedModel):
    """One actual cost. ``source`` and ``source_id`` name the asset, licence or contract a
    rolled-up cost comes from (unique: the roll-up is idempotent); manual entries have none."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="cost_records"
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"), validators=AMOUNT_VALIDATORS, max_digits=14, decimal_places=2
    )
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, related_name="cost_records"
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL, editable=False
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("cost record")
        verbose_name_plural = _("cost records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="strategy_costrecord_source_unique",
            )
        ]
        indexes = [
            # The roll-up reads only this index: one year, grouped by centre and category.
            models.Index(
                fields=["fiscal_year", "cost_centre", "category", "date", "amount"],
                name="strategy_cost_rollup",
            ),
            models.Index(fields=["date"], name="strategy_cost_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.get_category_display()}"

    def clean(self) -> Any:
        if self.date and self.fiscal_year_id and not self.fiscal_year.covers(self.date):
            fy = self.fiscal_year
            raise ValidationError(
                {
                    "date": _("Outside the fiscal year %(name)s (%(start)s to %(end)s).")
                    % {"name": fy.name, "start": fy.start, "end": fy.end}
                }
            )
