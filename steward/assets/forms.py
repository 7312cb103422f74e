from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.assets.models import Asset, Condition, Contract, HardwareModel, Manufacturer, Status
from steward.core.ui.lookup import LookupSelect, LookupSelectMultiple

Person = Asset._meta.get_field("assigned_person").related_model
Location = Asset._meta.get_field("location").related_model
DATE = forms.DateInput(attrs={"type": "date"})


class ManufacturerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Manufacturer
        fields = ["name", "website"]


class HardwareModelForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HardwareModel
        fields = [
            "manufacturer",
            "name",
            "category",
            "depreciation_method",
            "useful_life_months",
            "residual_percent",
            "catalogue_item",
        ]


class AssetForm(forms.ModelForm):  # type: ignore[type-arg]
    """Catalogue data only: status and holder change through check-out, check-in and
    status changes on the asset's page."""

    class Meta:
        model = Asset
        fields = [
            "asset_tag",
            "name",
            "model",
            "serial",
            "organisation",
            "location",
            "condition",
            "purchase_cost",
            "purchase_date",
            "supplier",
            "invoice_number",
            "warranty_end",
            "notes",
        ]
        widgets = {"purchase_date": DATE, "warranty_end": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        models = HardwareModel.objects.select_related("manufacturer")
        self.fields["model"].queryset = models  # type: ignore[attr-defined]


class ContractForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Contract
        fields = [
            "name",
            "reference",
            "kind",
            "vendor",
            "cost",
            "start_date",
            "end_date",
            "renewal",
            "renewal_terms",
            "notice_days",
            "assets",
            "notes",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "assets": LookupSelectMultiple(Asset),
        }


class CheckOutForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        required=False,
        widget=LookupSelect(Person),
        label=_("Person"),
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(), required=False, label=_("or location")
    )
    loan_due = forms.DateField(
        required=False, widget=DATE, label=_("Loan due"), help_text=_("Blank: deployed.")
    )
    note = forms.CharField(required=False, max_length=500, label=_("Note"))

    def __init__(self, *args: Any, querysets: dict[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(), required=False, label=_("Back to location")
    )
    condition = forms.ChoiceField(
        choices=[("", "—"), *Condition.choices], required=False, label=_("Condition")
    )
    note = forms.CharField(required=False, max_length=500, label=_("Note"))

    def __init__(self, *args: Any, querysets: dict[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]


TRANSITION_CHOICES = [
    (s.value, s.label) for s in Status if s not in (Status.DEPLOYED, Status.LOANED)
]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=TRANSITION_CHOICES, label=_("New status"))
    note = forms.CharField(required=False, max_length=2000, label=_("Note"))
    repair_reference = forms.CharField(required=False, max_length=60, label=_("Repair ticket"))
    disposal_certificate = forms.CharField(
        required=False, max_length=100, label=_("Disposal certificate")
    )
