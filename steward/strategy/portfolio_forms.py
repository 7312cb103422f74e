"""Forms of goals and the portfolio. Large tables (people, services, changes, requests) are
type-ahead lookups."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.core.ui.lookup import LookupSelect, LookupSelectMultiple
from steward.strategy.models import (
    Allocation,
    BusinessGoal,
    CheckIn,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _related(model: Any, name: str) -> Any:
    return model._meta.get_field(name).related_model


Person: Any = _related(Project, "owner")


class BusinessGoalForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BusinessGoal
        fields = ["title", "description", "owner", "target_date"]
        widgets = {"owner": LookupSelect(Person), "target_date": DATE}


class ITGoalForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ITGoal
        fields = ["business_goal", "title", "description", "owner", "start", "end"]
        widgets = {"owner": LookupSelect(Person), "start": DATE, "end": DATE}


class KeyResultForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = KeyResult
        fields = [
            "it_goal",
            "name",
            "metric",
            "unit",
            "start_value",
            "target_value",
            "current_value",
        ]


class CheckInForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CheckIn
        fields = ["key_result", "date", "value", "note"]
        widgets = {"date": DATE}


class ProjectForm(forms.ModelForm):  # type: ignore[type-arg]
    """The links offer, show and accept only what ``user`` may see (an unknown id and a
    hidden one get the same "not one of the available choices"); without a user, none."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from steward.strategy import portfolio

        visible = portfolio.project_links_visible(user=user)
        for name in portfolio.LINK_FIELDS:
            if name in self.fields:
                self.fields[name].queryset = visible[name]  # type: ignore[attr-defined]

    class Meta:
        model = Project
        fields = [
            "name",
            "kind",
            "description",
            "it_goal",
            "phase",
            "status",
            "health",
            "health_reason",
            "owner",
            "budget",
            "spent",
            "budget_line",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "services",
            "changes",
            "requests",
            "risks",
        ]
        widgets = {
            "owner": LookupSelect(Person),
            "services": LookupSelectMultiple(_related(Project, "services")),
            "changes": LookupSelectMultiple(_related(Project, "changes")),
            "requests": LookupSelectMultiple(_related(Project, "requests")),
            "risks": LookupSelectMultiple(_related(Project, "risks")),
            "planned_start": DATE,
            "planned_end": DATE,
            "actual_start": DATE,
            "actual_end": DATE,
        }


class MilestoneForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Milestone
        fields = ["project", "name", "due", "done"]
        widgets = {"due": DATE}


class AllocationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Allocation
        fields = ["project", "person", "percent", "start", "end"]
        widgets = {"person": LookupSelect(Person), "start": DATE, "end": DATE}
