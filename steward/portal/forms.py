"""Forms of the portal: plain words for people who are not IT specialists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

URGENCY_CHOICES = [
    (1, _("It stops my work")),
    (2, _("It slows me down")),
    (3, _("It is an inconvenience")),
]
"""The urgency scale of the ITIL matrix (1 high … 3 low) in the requester's words."""

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero to ``MAX_FILES`` files; the type and size checks happen when they are stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_FILES}, code="too_many"
            )
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    title = forms.CharField(
        label=_("What is wrong?"),
        max_length=250,
        help_text=_("A few words, for example “I cannot print from my laptop”."),
    )
    description = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you try, when did it start, what does the screen say?"),
    )
    service = forms.TypedChoiceField(
        label=_("Which service is it about?"), required=False, coerce=int, empty_value=None
    )
    urgency = forms.TypedChoiceField(
        label=_("How much does it affect you?"),
        choices=URGENCY_CHOICES,
        coerce=int,
        initial=2,
        widget=forms.RadioSelect,
    )
    attachments = MultipleFileField(
        label=_("Screenshots or files"),
        required=False,
        help_text=_("Optional, up to %(n)s files.") % {"n": MAX_FILES},
    )

    def __init__(self, *args: Any, services: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = {s.pk: s for s in services}
        self.fields["service"].choices = [
            ("", _("I am not sure")),
            *[(s.pk, s.name) for s in services],
        ]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = MultipleFileField(label=_("Add files"), required=False)


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five faces.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssetProblemForm(forms.Form):
    """A problem with one of my devices: what is wrong and how much it hurts; the asset's
    tag, model and serial go into the ticket without the person typing them."""

    title = forms.CharField(
        label=_("What is wrong?"),
        max_length=200,
        help_text=_("A few words, for example “The screen flickers”."),
    )
    description = forms.CharField(
        label=_("Tell us more"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.TypedChoiceField(
        label=_("How much does it affect you?"),
        choices=URGENCY_CHOICES,
        coerce=int,
        initial=2,
        widget=forms.RadioSelect,
    )
