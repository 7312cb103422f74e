"""The report filter: a date range, a team, an organisation. Shared by pages and API."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.core.ui.forms import FilterForm
from steward.org import selectors as org_selectors
from steward.servicedesk.reports.selectors import ReportFilters

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
EARLIEST, LATEST = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)


class ReportFilterForm(FilterForm):
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
    team = forms.ModelChoiceField(label=_("Group"), queryset=None, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = org_selectors.team_list(user=user).order_by("name")
        self.fields["organisation"].queryset = org_selectors.organisation_list(user=user).order_by(
            "name"
        )
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, _("Choose a day between 1970 and 2999."))
                data.pop(name, None)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> ReportFilters:
        """The cleaned filter; with no dates, the last ``DEFAULT_DAYS`` days (a report over a
        million tickets stays quick), and never a range longer than ``MAX_DAYS``."""
        data = self.cleaned_data
        end = data.get("date_to") or timezone.localdate()
        start = data.get("date_from") or end - datetime.timedelta(days=DEFAULT_DAYS)
        start = max(start, end - datetime.timedelta(days=MAX_DAYS))
        team, organisation = data.get("team"), data.get("organisation")
        return ReportFilters(
            date_from=start,
            date_to=end,
            team_id=team.pk if team else None,
            organisation_id=organisation.pk if organisation else None,
        )
