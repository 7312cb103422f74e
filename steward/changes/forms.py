"""Forms of the change pages. Item and team choices are narrowed to what the user may see by
the views; the services hold the rules."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.changes.models import (
    ChangeRequest,
    ChangeRequestCI,
    ChangeState,
    ChangeTemplate,
    ChangeWindow,
    Outcome,
)

ConfigurationItem: Any = ChangeRequestCI._meta.get_field("configuration_item").related_model
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ChangeRequestForm(forms.ModelForm):  # type: ignore[type-arg]
    configuration_items = forms.ModelMultipleChoiceField(
        queryset=ConfigurationItem.objects.none(),
        required=False,
        label=_("Affected configuration items"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "title",
            "change_type",
            "template",
            "description",
            "owner",
            "assignment_team",
            "planned_start",
            "planned_end",
            "implementation_plan",
            "backout_plan",
            "test_plan",
        ]
        widgets = {"planned_start": DATETIME, "planned_end": DATETIME}

    def __init__(self, *args: Any, querysets: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ChangeTemplate.objects.filter(is_active=True)  # type: ignore[attr-defined]
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial.setdefault(
                "configuration_items",
                list(self.instance.ci_links.values_list("configuration_item_id", flat=True)),
            )
            if self.instance.state not in (ChangeState.DRAFT, ChangeState.ASSESSMENT):
                for name in list(self.fields):
                    if name not in (
                        "title",
                        "description",
                        "owner",
                        "assignment_team",
                        "test_plan",
                    ):
                        del self.fields[name]


class TransitionForm(forms.Form):
    state = forms.ChoiceField(choices=ChangeState.choices, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        choices=[("", "—"), *Outcome.choices], required=False, label=_("Outcome")
    )
    review_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        label=_("Post-implementation review"),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(required=False, max_length=5000, label=_("Comment"))


class ChangeTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ChangeTemplate
        fields = [
            "name",
            "description",
            "is_active",
            "risk_level",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "default_duration_minutes",
        ]


class ChangeWindowForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ChangeWindow
        fields = ["name", "kind", "start", "end", "description", "configuration_items"]
        widgets = {"start": DATETIME, "end": DATETIME}


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False, max_length=7)

    def first_day(self, today: datetime.date) -> datetime.date:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if not value:
            return today.replace(day=1)
        year, month = (int(p) for p in value.split("-"))
        return datetime.date(min(max(year, 1900), 9998), month, 1)


class WeekForm(forms.Form):
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def monday(self, today: datetime.date) -> datetime.date:
        day = (self.cleaned_data.get("date") if self.is_valid() else None) or today
        return day - datetime.timedelta(days=day.weekday())
