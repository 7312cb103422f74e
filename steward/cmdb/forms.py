"""Forms of the CMDB's pages. Related choices are narrowed to what the user may see by the
views; attribute inputs are built from the class's definitions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.cmdb.attributes import definitions_for
from steward.cmdb.models import AttributeDefinition, ConfigurationItem, RelationKind
from steward.core.ui.forms import FIELD_TYPES
from steward.core.ui.lookup import LookupSelect

Asset = ConfigurationItem._meta.get_field("asset").related_model
Person = ConfigurationItem._meta.get_field("owner").related_model
ATTR = "attr_"


class ConfigurationItemForm(forms.ModelForm):  # type: ignore[type-arg]
    """The item's own fields and one input per attribute of its class; attribute values
    are gathered into ``cleaned_data["attributes"]`` (the services validate them)."""

    class Meta:
        model = ConfigurationItem
        fields = [
            "name",
            "ci_class",
            "status",
            "criticality",
            "organisation",
            "owner_team",
            "owner",
            "asset",
            "serial_number",
            "hardware_uuid",
            "hostname",
            "fqdn",
            "description",
        ]
        widgets = {"asset": LookupSelect(Asset), "owner": LookupSelect(Person)}

    def __init__(
        self,
        *args: Any,
        ci_class: str | None = None,
        querysets: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs  # type: ignore[attr-defined]
        ci_class = ci_class or self.instance.ci_class
        if ci_class and not self.instance.pk:
            self.initial.setdefault("ci_class", ci_class)
        self._attributes = definitions_for(ci_class) if ci_class else []
        current = self.instance.attributes or {}
        for d in self._attributes:
            field = FIELD_TYPES[d.type](d)
            field.required = d.required and d.type != "boolean"
            field.label, field.help_text = d.label, d.help_text
            field.initial = current.get(d.name)
            self.fields[ATTR + d.name] = field

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        values: dict[str, Any] = {}
        for d in self._attributes:
            value = cleaned.pop(ATTR + d.name, None)
            if d.type == "boolean":
                values[d.name] = bool(value)
                continue
            if value in (None, ""):
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif d.type == "decimal":
                value = str(value)
            values[d.name] = value
        cleaned["attributes"] = values
        return cleaned


class RelationshipAddForm(forms.Form):
    """Add a relationship from an item's page: this item *kind* the other, or the reverse."""

    direction = forms.ChoiceField(
        choices=[("out", _("this item → other")), ("in", _("other → this item"))],
        initial="out",
        label=_("Direction"),
    )
    kind = forms.ChoiceField(choices=RelationKind.choices, label=_("Kind"))
    other = forms.ModelChoiceField(
        queryset=ConfigurationItem.objects.all(),
        widget=LookupSelect(ConfigurationItem),
        label=_("Other item"),
    )
    note = forms.CharField(required=False, max_length=300, label=_("Note"))

    def __init__(self, *args: Any, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["other"].queryset = queryset  # type: ignore[attr-defined]


class AttributeDefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AttributeDefinition
        fields = ["ci_class", "name", "label", "type", "required", "choices", "help_text", "order"]


class ImpactForm(forms.Form):
    max_hops = forms.IntegerField(min_value=0, max_value=25, initial=10, label=_("Hops"))
    direction = forms.ChoiceField(
        choices=[
            ("impact", _("What breaks if this goes down")),
            ("dependencies", _("Everything this needs")),
        ],
        initial="impact",
        label=_("Show"),
    )
