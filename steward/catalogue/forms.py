"""Forms of the catalogue's set-up pages, and the request form built from an item's fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FieldType,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core.ui.lookup import LookupSelect
from steward.org import selectors as org_selectors


class CatalogueCategoryForm(forms.ModelForm):
    class Meta:
        model = CatalogueCategory
        fields = ["name", "description", "icon", "order", "is_active"]


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = [
            "name",
            "slug",
            "category",
            "icon",
            "short_description",
            "description",
            "audience",
            "is_active",
            "fulfilment_mode",
            "delivery_days",
            "price",
            "approval_stages",
            "default_team",
            "servicedesk_category",
            "order",
        ]


class ItemFieldForm(forms.ModelForm):
    class Meta:
        model = ItemField
        fields = [
            "item",
            "name",
            "label",
            "type",
            "required",
            "choices",
            "help_text",
            "order",
            "min_value",
            "max_value",
        ]


class FulfilmentTaskTemplateForm(forms.ModelForm):
    class Meta:
        model = FulfilmentTaskTemplate
        fields = ["item", "step", "title", "team", "instructions"]


PERSON_MODEL = RequestedItem._meta.get_field("requested_for").related_model


def _form_field(spec: ItemField, people: Any) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required,
        "help_text": spec.help_text,
    }
    kind = spec.type
    if kind == FieldType.TEXT:
        return forms.CharField(max_length=5000, **common)
    if kind == FieldType.TEXTAREA:
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == FieldType.NUMBER:
        attrs = {"step": "any"}
        if spec.min_value is not None:
            attrs["min"] = format(spec.min_value.normalize(), "f")
        if spec.max_value is not None:
            attrs["max"] = format(spec.max_value.normalize(), "f")
        return forms.DecimalField(
            max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs=attrs), **common
        )
    if kind == FieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldType.CHOICE:
        choices = [(c, c) for c in spec.choices]
        if len(choices) <= 4:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == FieldType.MULTICHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in spec.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldType.CHECKBOX:
        return forms.BooleanField(**common)
    if kind == FieldType.PERSON:
        return forms.ModelChoiceField(queryset=people, widget=LookupSelect(PERSON_MODEL), **common)
    return forms.EmailField(**common)


class RequestForm(forms.Form):
    """One input per question of the item, plus "for whom". The service re-checks every
    answer (the API goes straight there), so this form only parses."""

    def __init__(self, *args: Any, item: CatalogueItem, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = org_selectors.person_list(user=user)
        self.specs = list(item.fields.all())
        for spec in self.specs:
            self.fields[spec.name] = _form_field(spec, people)
        self.fields["requested_for"] = forms.ModelChoiceField(
            queryset=people,
            required=False,
            widget=LookupSelect(PERSON_MODEL),
            label=_("Requested for"),
            help_text=_("Leave empty when the request is for you."),
        )

    def answers(self) -> dict[str, Any]:
        """The cleaned values as the JSON the service expects."""
        found: dict[str, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if value in (None, "", []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif hasattr(value, "pk"):
                value = value.pk
            found[spec.name] = value
        return found
