from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from steward.core.ui.lookup import LookupSelect
from steward.core.validation import is_id
from steward.strategy.models import Risk, RiskControl, RiskMatrix, TargetType

DATE = forms.DateInput(attrs={"type": "date"})
Person: Any = Risk._meta.get_field("owner").related_model


class RiskMatrixForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = RiskMatrix
        fields = ["name", "likelihood_labels", "impact_labels", "bands"]
        help_texts = {
            "likelihood_labels": _('A JSON list, lowest first: ["Rare", "Unlikely", …].'),
            "impact_labels": _('A JSON list, lowest first: ["Negligible", "Minor", …].'),
            "bands": _(
                'A JSON list: [{"min_score": 1, "level": "Low", "colour": "#9fd89a"}, …]; '
                "the first band starts at 1."
            ),
        }


class RiskForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "category",
            "status",
            "owner",
            "matrix",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "treatment",
            "treatment_plan",
            "target_likelihood",
            "target_impact",
            "review_interval_days",
            "next_review",
        ]
        widgets = {"owner": LookupSelect(Person), "next_review": DATE}


def _ids(text: str) -> list[int]:
    parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
    if any(not is_id(p) for p in parts):
        raise ValidationError(_("Give ids separated by commas."))
    return [int(p) for p in parts]


class RiskControlForm(forms.ModelForm):  # type: ignore[type-arg]
    configuration_items = forms.CharField(
        label=_("Configuration items and services (ids)"), required=False, max_length=2000
    )
    assets = forms.CharField(label=_("Assets (ids)"), required=False, max_length=2000)

    class Meta:
        model = RiskControl
        fields = ["risk", "name", "control_type", "effectiveness", "owner", "description"]
        widgets = {"owner": LookupSelect(Person)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            links = list(self.instance.links.all())
            for name, kind in (
                ("configuration_items", TargetType.CI),
                ("assets", TargetType.ASSET),
            ):
                self.initial[name] = ", ".join(
                    str(lk.target_id) for lk in links if lk.target_type == kind
                )

    def clean_configuration_items(self) -> list[int]:
        return _ids(self.cleaned_data.get("configuration_items", ""))

    def clean_assets(self) -> list[int]:
        return _ids(self.cleaned_data.get("assets", ""))
