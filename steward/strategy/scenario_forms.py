"""Forms of the scenario plans' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.ui.lookup import LookupSelect
from steward.strategy.models import (
    BackupReport,
    Exercise,
    ExerciseAction,
    GrowthHire,
    GrowthPlan,
    RecoveryPlan,
    RecoveryTarget,
)
from steward.strategy.models.scenarios import MAX_HIRES

DATE = forms.DateInput(attrs={"type": "date"})
Person: Any = RecoveryPlan._meta.get_field("owner").related_model
Department: Any = GrowthHire._meta.get_field("department").related_model
CI: Any = RecoveryTarget._meta.get_field("service").related_model
HIRE_ROWS = 4


class GrowthPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    """The plan and up to four departments with their hires."""

    class Meta:
        model = GrowthPlan
        fields = ["name", "target_date", "notes"]
        widgets = {"target_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = list(self.instance.hires.all()) if self.instance.pk else []
        for i in range(HIRE_ROWS):
            hire = existing[i] if i < len(existing) else None
            self.fields[f"department_{i}"] = forms.ModelChoiceField(
                Department.objects.order_by("name"),
                required=False,
                label=_("Department %(n)s") % {"n": i + 1},
                initial=hire.department_id if hire else None,
            )
            self.fields[f"count_{i}"] = forms.IntegerField(
                min_value=1,
                max_value=MAX_HIRES,
                required=False,
                label=_("Hires %(n)s") % {"n": i + 1},
                initial=hire.count if hire else None,
            )

    def hires(self) -> list[dict[str, Any]]:
        out = []
        for i in range(HIRE_ROWS):
            dept, count = (
                self.cleaned_data.get(f"department_{i}"),
                self.cleaned_data.get(f"count_{i}"),
            )
            if dept is not None and count:
                out.append({"department": dept, "count": count})
        return out


class RecoveryPlanForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RecoveryPlan
        fields = ["name", "scenario", "owner", "description"]
        widgets = {"owner": LookupSelect(Person)}


class RecoveryTargetForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RecoveryTarget
        fields = ["plan", "service", "rto_minutes", "rpo_minutes"]
        widgets = {"service": LookupSelect(CI)}


class BackupReportForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BackupReport
        fields = ["configuration_item", "job", "finished_at", "status", "size_bytes", "message"]
        widgets = {
            "configuration_item": LookupSelect(CI),
            "finished_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }


class ExerciseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Exercise
        fields = ["name", "held_on", "plan", "participants", "summary"]
        widgets = {"held_on": DATE}


class ExerciseActionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ExerciseAction
        fields = ["exercise", "finding", "action", "owner", "due", "done"]
        widgets = {"owner": LookupSelect(Person), "due": DATE}
