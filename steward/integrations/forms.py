from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.registry import ImportResource
from steward.integrations.models import WebhookSubscription, validate_event_patterns


class ImportForm(forms.Form):
    resource = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File (CSV or XLSX)"), allow_empty_file=True, help_text=_("First row: columns.")
    )

    def __init__(self, *args: Any, resources: list[ImportResource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [
            (r.name, str(r.model._meta.verbose_name_plural).capitalize()) for r in resources
        ]


class EventsField(forms.CharField):
    """Event patterns written one per line or separated by commas or spaces."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        patterns = [p for p in text.replace(",", " ").split() if p]
        validate_event_patterns(patterns)
        return patterns


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    events = EventsField(
        label=_("Events"),
        initial="*",
        help_text=_("For example org.person_* or * for every event; separate with commas."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "events", "is_active"]
