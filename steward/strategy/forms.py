from django import forms

from steward.strategy.models import AllocationRule, BudgetLine, CostRecord, FiscalYear, UsageRecord

DATE = forms.DateInput(attrs={"type": "date"})


class FiscalYearForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FiscalYear
        fields = ["name", "start", "end"]
        widgets = {"start": DATE, "end": DATE}


class BudgetLineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BudgetLine
        fields = ["fiscal_year", "cost_centre", "category", "planned", "notes"]


class CostRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CostRecord
        fields = ["fiscal_year", "date", "amount", "cost_centre", "category", "description"]
        widgets = {"date": DATE}


class AllocationRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AllocationRule
        fields = ["fiscal_year", "category", "basis", "metric"]


class UsageRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = UsageRecord
        fields = ["department", "metric", "period", "quantity"]
        widgets = {"period": DATE}
