"""Forms of the SLA configuration pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    SLAPolicy,
    SLATarget,
    Status,
    WorkingHours,
)
from steward.servicedesk.models.tickets import DONE_STATUSES

OPEN_STATUS_CHOICES = [(v, label) for v, label in Status.choices if v not in DONE_STATUSES]


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone"]


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["calendar", "weekday", "start", "end"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["calendar", "date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class SLAPolicyForm(forms.ModelForm):
    pause_statuses = forms.MultipleChoiceField(
        label=_("Paused while"),
        choices=OPEN_STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticket statuses during which the clocks stop."),
    )

    class Meta:
        model = SLAPolicy
        fields = [
            "name",
            "kind",
            "order",
            "is_active",
            "organisation",
            "service",
            "team",
            "calendar",
            "pause_statuses",
            "warning_percent",
        ]


class SLATargetForm(forms.ModelForm):
    class Meta:
        model = SLATarget
        fields = ["policy", "priority", "response_minutes", "resolution_minutes"]


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = [
            "policy",
            "trigger",
            "metric",
            "action",
            "notify_team_lead",
            "notify_assignee",
            "notify_person",
            "reassign_team",
        ]


class HolidayImportForm(forms.Form):
    file = forms.FileField(
        label=_("iCalendar file (.ics)"),
        help_text=_("All-day events become holidays; dates already on the calendar are skipped."),
    )
