"""Form helpers shared by every app: custom field inputs added to any model form, and the
renderers that give every select a meaningful empty choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from steward.core.customfields import definitions

DASHES = BLANK_CHOICE_DASH[0][1]
"""Django's and django-filter's empty choice, "---------": it says nothing to a reader."""


class FormRenderer(DjangoTemplates):
    """Django's renderer (``FORM_RENDERER``, so every form of every app), except that a select
    whose empty choice is Django's "---------" says what it means: "Choose…" when a value is
    required, "—" when the field may stay empty. Labels a form sets itself are kept."""

    def empty_label(self, widget: dict[str, Any]) -> str:
        return str(_("Choose…") if widget.get("required") else "—")

    def is_empty_choice(self, option: dict[str, Any]) -> bool:
        return option["value"] == "" and option["label"] == DASHES

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict):
            for _group, options, _index in widget.get("optgroups", ()):
                for option in options:
                    if self.is_empty_choice(option):
                        option["label"] = self.empty_label(widget)
            options = [o for _g, opts, _i in widget.get("optgroups", ()) for o in opts]
            if template_name == SELECT and all(o["template_name"] == OPTION for o in options):
                return select_html(widget)
            if template_name in CHOICE_LISTS and all(
                o["template_name"] == CHOICE_LISTS[template_name] for o in options
            ):
                return choice_list_html(widget)
        return str(super().render(template_name, context, request))


SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
CHOICE_LISTS = {
    "django/forms/widgets/checkbox_select.html": "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/radio.html": "django/forms/widgets/radio_option.html",
}
"""Lists of check boxes or radio buttons and the option template each uses."""


def _s(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: safe input stays as it is, the rest is escaped."""
    return str(value) if isinstance(value, SafeData) else conditional_escape(f"{value}")


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's ``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_s(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def select_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``select.html`` and ``select_option.html``, byte for byte, written in Python: a
    filter form's selects of a hundred options took a third of a list page's time through the
    template engine (one include per option)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{conditional_escape(localize(group))}">')
        for o in options:
            label = conditional_escape(localize(o["label"]))
            # Django's option template ends with a newline, kept in its output.
            value, attrs = _s(o["value"]), _attrs(o["attrs"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def _input_html(widget: dict[str, Any]) -> str:
    """Django's ``input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_s(value)}"'
    attrs = _attrs(widget["attrs"])
    return f'<input type="{_s(widget["type"])}" name="{_s(widget["name"])}"{shown}{attrs}>'


def choice_list_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``multiple_input.html`` with its ``input_option.html`` per choice (check box
    and radio lists), byte for byte, written in Python like ``select_html``: the queue's
    three check lists took a quarter of its page through the template engine."""
    id_, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = ["<div"]
    if id_:
        parts.append(f' id="{_s(id_)}"')
    if css:
        parts.append(f' class="{_s(css)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(localize(group))}</label>")
        for o in options:
            tag = _input_html(o) + "\n"
            if o.get("wrap_label"):
                option_id = o["attrs"].get("id")
                target = f' for="{_s(option_id)}"' if option_id else ""
                label = conditional_escape(localize(o["label"]))
                tag = f"<label{target}>{tag} {label}</label>"
            # Both option templates end with a newline, kept in Django's output.
            parts.append(f"<div>\n    {tag}\n\n</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def check_options_html(field: Any) -> tuple[SafeString, SafeString]:
    """A check-list field shown as a dropdown: the labels of the chosen options and one
    ``<li><label><input> label</label></li>`` per option (each input as ``BoundWidget.tag``
    writes it), without a template per option."""
    chosen, items = [], []
    for option in field.subwidgets:
        data = option.data
        label = conditional_escape(localize(data["label"]))
        if data.get("selected"):
            chosen.append(f'<span class="chosen">{label}</span>')
        items.append(f"<li><label>{_input_html(data)} {label}</label></li>")
    return mark_safe("".join(chosen)), mark_safe("".join(items))  # noqa: S308  (escaped above)


class ListedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """A select's rows in one plain query: Django iterates them with ``iterator()``, which on
    PostgreSQL opens a server-side cursor (DECLARE WITH HOLD, FETCH, CLOSE) for a few dozen
    rows (the queue's bulk-action selects spent 25 ms there)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = ListedModelChoiceIterator


class FilterRenderer(FormRenderer):
    """Filters of a list (filtersets, report filters): not choosing means "Any", also for a
    yes/no filter (whose empty choice Django calls "Unknown")."""

    def empty_label(self, widget: dict[str, Any]) -> str:
        return str(_("Any"))

    def is_empty_choice(self, option: dict[str, Any]) -> bool:
        return option["value"] in ("", "unknown")


FILTER_RENDERER = FilterRenderer()


class FilterForm(forms.Form):
    """Base of a form that filters a list rather than edits data."""

    default_renderer = FILTER_RENDERER


FIELD_TYPES: dict[str, Any] = {
    "text": lambda d: forms.CharField(max_length=1000),
    "integer": lambda d: forms.IntegerField(),
    "decimal": lambda d: forms.DecimalField(max_digits=20, decimal_places=6),
    "boolean": lambda d: forms.BooleanField(),
    "date": lambda d: forms.DateField(widget=forms.DateInput(attrs={"type": "date"})),
    "choice": lambda d: forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in d.choices]),
    "url": lambda d: forms.URLField(assume_scheme="https"),
}
PREFIX = "cf_"


def with_custom_fields(form_class: type[forms.ModelForm[Any]]) -> type[forms.ModelForm[Any]]:
    """A subclass of ``form_class`` with one input per custom field of its model; their values
    are gathered into ``cleaned_data["custom_fields"]``."""
    model = form_class._meta.model

    class CustomFieldsForm(form_class):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._custom = definitions(model)
            current = (getattr(self.instance, "custom_fields", None) or {}) if self.instance else {}
            for d in self._custom:
                field = FIELD_TYPES[d.type](d)
                field.required = d.required and d.type != "boolean"
                field.label, field.help_text = d.label, d.help_text
                field.initial = current.get(d.name)
                self.fields[PREFIX + d.name] = field

        def clean(self) -> dict[str, Any]:
            cleaned: dict[str, Any] = super().clean() or {}
            values = dict(getattr(self.instance, "custom_fields", None) or {})
            for d in self._custom:
                value = cleaned.pop(PREFIX + d.name, None)
                if value in (None, ""):
                    values.pop(d.name, None)
                else:
                    values[d.name] = (
                        value.isoformat()
                        if hasattr(value, "isoformat")
                        else (str(value) if d.type == "decimal" else value)
                    )
            if self._custom:
                cleaned["custom_fields"] = values
            return cleaned

    CustomFieldsForm.__name__ = form_class.__name__
    return CustomFieldsForm


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on the field it names, else on top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)
