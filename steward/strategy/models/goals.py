"""Goals and alignment: business goals, the IT goals (objectives) that serve them, their key
results with measures, and the check-ins that record a key result's value over time. A key
result's progress is how far its current value has moved from start towards target; an IT
goal's progress is the mean of its key results'; a business goal's the mean of its IT goals'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from steward.core.models import AuditedModel

MEASURE = 1_000_000_000_000
MEASURE_VALIDATORS = [MinValueValidator(Decimal(-MEASURE)), MaxValueValidator(Decimal(MEASURE))]


def _measure(name: Any) -> Any:
    return models.DecimalField(name, max_digits=18, decimal_places=4, validators=MEASURE_VALIDATORS)


def _dates_in_order(start: object, end: object, field: str = "end") -> None:
    if start and end and end < start:  # type: ignore[operator]
        raise ValidationError({field: _("Ends before it starts.")})


class BusinessGoal(AuditedModel):
    title = models.CharField(_("title"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("business goal")
        verbose_name_plural = _("business goals")

    def __str__(self) -> str:
        return self.title


class ITGoal(AuditedModel):
    """An IT objective serving a business goal, measured by its key results."""

    business_goal = models.ForeignKey(
        BusinessGoal,
        on_delete=models.PROTECT,
        related_name="it_goals",
        verbose_name=_("business goal"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "org.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["business_goal__title", "title"]
        verbose_name = _("IT goal")
        verbose_name_plural = _("IT goals")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        _dates_in_order(self.start, self.end)


class KeyResult(AuditedModel):
    it_goal = models.ForeignKey(
        ITGoal, on_delete=models.CASCADE, related_name="key_results", verbose_name=_("IT goal")
    )
    name = models.CharField(_("name"), max_length=200)
    metric = models.CharField(_("metric"), max_length=200, help_text=_("What is measured."))
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    start_value = _measure(_("start value"))
    target_value = _measure(_("target value"))
    current_value = _measure(_("current value"))

    class Meta:
        ordering = ["it_goal", "name"]
        verbose_name = _("key result")
        verbose_name_plural = _("key results")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.start_value is not None
            and self.target_value is not None
            and self.start_value == self.target_value
        ):
            raise ValidationError(
                {"target_value": _("The target must differ from the start value.")}
            )

    @property
    def progress(self) -> float:
        """0 to 100: the share of the way from start to target, either direction."""
        span = self.target_value - self.start_value
        if not span:
            return 0.0
        share = float((self.current_value - self.start_value) / span)
        return round(max(0.0, min(1.0, share)) * 100, 1)


class CheckIn(AuditedModel):
    """A key result's value on a day; the latest check-in sets its current value."""

    key_result = models.ForeignKey(
        KeyResult, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("key result")
    )
    date = models.DateField(_("date"))
    value = _measure(_("value"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["key_result", "-date", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.date} {self.value}"
