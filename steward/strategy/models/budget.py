"""Budget and cost: fiscal years, the budget planned per fiscal year, cost centre (the
organisation's, ``org.CostCenter``) and category, and the costs actually incurred (entered
by hand or rolled up from assets, licences and contracts by ``sync``)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel, AuditedQuerySet

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
    costs_version = models.UUIDField(default=uuid.uuid4, editable=False)
    """A new random value in the transaction of every write of cost records (see
    ``rollup.costs_changed``): the roll-up's cache key, never reused for other costs."""

    audit_exclude = ("updated_at", "costs_version")

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


class BudgetLine(AuditedModel):
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="budget_lines"
    )
    cost_centre = models.ForeignKey(
        "org.CostCenter",
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("cost centre"),
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


def _costs_changed() -> None:
    from steward.strategy.rollup import costs_changed

    costs_changed()


class CostRecordQuerySet(AuditedQuerySet):
    """Bulk writes of costs bypass the row signals (``apps``) but must still give the years a
    new costs version, in the same transaction, so that no roll-up is served from before them.
    ``bulk_update`` goes through ``update``."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        _costs_changed()
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        _costs_changed()
        return created

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        _costs_changed()
        return deleted

    delete.alters_data = True  # type: ignore[attr-defined]


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
        "org.CostCenter",
        on_delete=models.PROTECT,
        related_name="cost_records",
        verbose_name=_("cost centre"),
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL, editable=False
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, editable=False)

    objects = CostRecordQuerySet.as_manager()  # type: ignore[misc]

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
