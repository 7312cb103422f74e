"""Forms of the stock and procurement pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.assets.forms import DATE, Location, Person
from steward.assets.models import (
    SUPPLIER,
    AssetHealthReading,
    HardwareModel,
    PurchaseOrder,
    StockItem,
)
from steward.core.ui.lookup import LookupSelect

Organisation = PurchaseOrder._meta.get_field("vendor").related_model


class StockItemForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = StockItem
        fields = [
            "name",
            "kind",
            "unit",
            "hardware_model",
            "vendor",
            "reorder_point",
            "reorder_quantity",
            "unit_cost",
            "catalogue_item",
            "notes",
        ]


class HealthReadingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AssetHealthReading
        fields = ["asset", "read_at", "battery_wear_percent", "disk_health_percent", "source"]
        widgets = {"read_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class _WithQuerysets(forms.Form):
    def __init__(self, *args: Any, querysets: dict[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name, qs in (querysets or {}).items():
            if name in self.fields:
                self.fields[name].queryset = qs  # type: ignore[attr-defined]


def _location(label: Any = None) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(queryset=Location.objects.all(), label=label or _("Location"))


QUANTITY = {"min_value": 1, "max_value": 1_000_000, "label": _("Quantity")}


class ReceiveForm(_WithQuerysets):
    location = _location()
    quantity = forms.IntegerField(**QUANTITY)  # type: ignore[arg-type]
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class IssueForm(_WithQuerysets):
    location = _location(_("From location"))
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("To person")
    )
    quantity = forms.IntegerField(**QUANTITY)  # type: ignore[arg-type]
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class TransferForm(_WithQuerysets):
    from_location = _location(_("From location"))
    to_location = _location(_("To location"))
    quantity = forms.IntegerField(**QUANTITY)  # type: ignore[arg-type]
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class AdjustForm(_WithQuerysets):
    location = _location()
    quantity = forms.IntegerField(
        min_value=-1_000_000,
        max_value=1_000_000,
        label=_("Change"),
        help_text=_("Signed: +3 found, -2 lost."),
    )
    reason = forms.CharField(max_length=500, label=_("Reason"))


class PurchaseRequestForm(_WithQuerysets):
    """One line from the page (the API takes many)."""

    justification = forms.CharField(widget=forms.Textarea, label=_("Why is it needed?"))
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(), required=False, label=_("Deliver to")
    )
    hardware_model = forms.ModelChoiceField(
        queryset=HardwareModel.objects.select_related("manufacturer"),
        required=False,
        label=_("Hardware model"),
    )
    stock_item = forms.ModelChoiceField(
        queryset=StockItem.objects.all(), required=False, label=_("or stock item")
    )
    quantity = forms.IntegerField(min_value=1, max_value=100_000, initial=1, label=_("Quantity"))
    estimated_unit_cost = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label=_("Estimated unit cost")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("hardware_model") is None) == (data.get("stock_item") is None):
            raise forms.ValidationError(_("Choose a hardware model or a stock item."))
        return data


class OrderForm(_WithQuerysets):
    vendor = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Vendor")
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(), required=False, label=_("Deliver to")
    )
    expected_on = forms.DateField(required=False, widget=DATE, label=_("Expected on"))
    number = forms.CharField(
        required=False, max_length=30, label=_("Order number"), help_text=_("Blank: next number.")
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(required=False, max_length=5000, label=_("Comment"))


class CancelOrderForm(forms.Form):
    reason = forms.CharField(max_length=500, label=_("Reason"))


class ReceiptForm(forms.Form):
    """One quantity field per order line still outstanding (``line_<id>``)."""

    invoice_number = forms.CharField(required=False, max_length=60, label=_("Invoice number"))
    received_on = forms.DateField(required=False, widget=DATE, label=_("Received on"))

    def __init__(self, *args: Any, lines: list[Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        for line in lines:
            if line.outstanding:
                self.fields[f"line_{line.pk}"] = forms.IntegerField(
                    min_value=0,
                    max_value=100_000,
                    required=False,
                    initial=0,
                    label=str(line),
                    help_text=_("%(n)s outstanding") % {"n": line.outstanding},
                )

    def quantities(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_") and value
        }


class PurchaseOrderForm(forms.ModelForm):  # type: ignore[type-arg]
    """What may change on a placed order; lines and status follow receipts."""

    class Meta:
        model = PurchaseOrder
        fields = ["expected_on", "notes"]
        widgets = {"expected_on": DATE}
