from typing import Any

from django import forms

from steward.core.ui.lookup import LookupSelect
from steward.strategy.models import BudgetLine, CostCentre, CostRecord, FiscalYear

DATE = forms.DateInput(attrs={"type": "date"})
Person: Any = CostCentre._meta.get_field("owner").related_model


class FiscalYearForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FiscalYear
        fields = ["name", "start", "end"]
        widgets = {"start": DATE, "end": DATE}


class CostCentreForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CostCentre
        fields = ["code", "name", "owner", "department", "is_default", "is_active"]
        widgets = {"owner": LookupSelect(Person)}


class BudgetLineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BudgetLine
        fields = ["fiscal_year", "cost_centre", "category", "planned", "notes"]


class CostRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CostRecord
        fields = ["fiscal_year", "date", "amount", "cost_centre", "category", "description"]
        widgets = {"date": DATE}
