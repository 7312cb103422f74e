"""Selects are written in Python (``select_html``) instead of through Django's templates: the
output must be the same bytes the templates give, for every kind of select and value."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from steward.core.ui.forms import FILTER_RENDERER, FormRenderer

GROUPED = [
    ("", "---------"),
    ("Laptops", [("1", "ThinkPad <T14>"), ("2", 'Dell "XPS" & co')]),
    ("Phones", [(3, "Pixel 9"), (Decimal("4.5"), mark_safe("<b>safe</b>"))]),
    (datetime.date(2026, 12, 2), "a date as value"),
]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "A & B"), ("b", "<script>")])
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y"), ("z", "Z")],
        widget=forms.SelectMultiple(attrs={"size": 3, "data-q": 'a"b', "disabled": False}),
    )
    yes_no = forms.NullBooleanField(required=False)
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2)], coerce=int)


class _Reference(FormRenderer):
    """The same renderer with the templates only (the Python fast path switched off)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if isinstance(widget, dict):
            for _group, options, _index in widget.get("optgroups", ()):
                for option in options:
                    if self.is_empty_choice(option):
                        option["label"] = self.empty_label(widget)
        return str(DjangoTemplates.render(self, template_name, context, request))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "grouped": "2", "many": ["x", "z"], "yes_no": "true", "numbers": "2"},
        {"grouped": "4.5", "many": ["<y>"], "plain": '"a"'},
        {"grouped": "2026-12-02"},
    ],
)
@pytest.mark.parametrize("renderer", [FormRenderer(), FILTER_RENDERER], ids=["form", "filter"])
def test_selects_written_in_python_match_django_templates_byte_for_byte(data, renderer):
    reference = _Reference()
    reference.empty_label = renderer.empty_label  # type: ignore[method-assign]
    reference.is_empty_choice = renderer.is_empty_choice  # type: ignore[method-assign]
    for name in _Form.base_fields:
        fast = _Form(data, renderer=renderer)[name].as_widget()
        slow = _Form(data, renderer=reference)[name].as_widget()
        assert fast == slow, name
        assert "<select" in fast


def test_the_fast_path_is_taken():
    calls = []

    class Counting(FormRenderer):
        def get_template(self, template_name):
            calls.append(template_name)
            return super().get_template(template_name)

    _Form(renderer=Counting())["grouped"].as_widget()
    assert calls == []


class _Lists(forms.Form):
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A & B"), ("b", "<b>"), (3, mark_safe("<i>safe</i>"))],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks", "data-x": 'q"'}),
    )
    grouped_boxes = forms.MultipleChoiceField(
        choices=GROUPED[1:3], widget=forms.CheckboxSelectMultiple, required=False
    )
    radios = forms.ChoiceField(choices=[("1", "One"), ("2", "Two")], widget=forms.RadioSelect)
    no_id = forms.MultipleChoiceField(choices=[("z", "Z")], widget=forms.CheckboxSelectMultiple)


@pytest.mark.parametrize(
    "data",
    [None, {"boxes": ["a", "3"], "grouped_boxes": ["4.5", "1"], "radios": "2", "no_id": ["z"]}],
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("renderer", [FormRenderer(), FILTER_RENDERER], ids=["form", "filter"])
def test_check_and_radio_lists_written_in_python_match_django_byte_for_byte(
    data, auto_id, renderer
):
    reference = _Reference()
    for name in _Lists.base_fields:
        fast = _Lists(data, renderer=renderer, auto_id=auto_id)[name].as_widget()
        slow = _Lists(data, renderer=reference, auto_id=auto_id)[name].as_widget()
        assert fast == slow, name
        assert "<input" in fast


def test_the_fast_path_is_taken_for_check_lists():
    calls = []

    class Counting(FormRenderer):
        def get_template(self, template_name):
            calls.append(template_name)
            return super().get_template(template_name)

    _Lists(renderer=Counting())["grouped_boxes"].as_widget()
    _Lists(renderer=Counting())["radios"].as_widget()
    assert calls == []
