"""Administration pages of the platform: custom fields, tags, schedules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.core.models import CustomFieldDefinition, Schedule, Tag
from steward.core.ui.routes import crud
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView


def _customisable() -> Any:
    ids = [
        ContentType.objects.get_for_model(m).pk
        for m in permissions.registered_models()
        if hasattr(m, "custom_fields")
    ]
    return ContentType.objects.filter(pk__in=ids).order_by("app_label", "model")


class CustomFieldForm(forms.ModelForm):  # type: ignore[type-arg]
    choices = forms.CharField(
        required=False,
        help_text=_("For a choice field: one per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = CustomFieldDefinition
        fields = [
            "content_type",
            "name",
            "label",
            "type",
            "required",
            "choices",
            "help_text",
            "order",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["content_type"].queryset = _customisable()  # type: ignore[attr-defined]
        self.fields["content_type"].label = _("Applies to")
        if self.instance and self.instance.pk:
            self.initial["choices"] = "\n".join(self.instance.choices or [])

    def clean_choices(self) -> list[str]:
        raw = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]


class TagForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Tag
        fields = ["name", "slug", "color"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


class CustomFieldList(ObjectListView):
    model, url_prefix = CustomFieldDefinition, "core:customfielddefinition"
    title = _("Custom fields")
    select_related = ("content_type",)
    columns = [
        Column("label", _("Label"), sort="label"),
        Column("name", _("Key")),
        Column("content_type", _("Applies to")),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
    ]


class CustomFieldDetail(ObjectDetailView):
    model, url_prefix = CustomFieldDefinition, "core:customfielddefinition"
    select_related = ("content_type",)
    fields = [
        Column("name", _("Key")),
        Column("content_type", _("Applies to")),
        Column("get_type_display", _("Type")),
        Column("required", _("Required")),
        Column("choices", _("Choices")),
        Column("help_text", _("Help text")),
    ]


class TagList(ObjectListView):
    model, url_prefix, title = Tag, "core:tag", _("Tags")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("slug", _("Slug")),
        Column("color", _("Colour")),
    ]


class TagDetail(ObjectDetailView):
    model, url_prefix = Tag, "core:tag"
    fields = [Column("slug", _("Slug")), Column("color", _("Colour"))]


class ScheduleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Schedule
        fields = ["name", "handler", "interval_seconds", "enabled", "next_run_at"]


class ScheduleList(ObjectListView):
    model, url_prefix, title = Schedule, "core:schedule", _("Schedules")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("handler", _("Job")),
        Column("interval_seconds", _("Every (s)")),
        Column("enabled", _("Enabled")),
        Column("last_run_at", _("Last run")),
        Column("next_run_at", _("Next run")),
    ]


class ScheduleDetail(ObjectDetailView):
    model, url_prefix = Schedule, "core:schedule"
    fields = [
        Column("handler", _("Job")),
        Column("arguments", _("Arguments")),
        Column("interval_seconds", _("Every (s)")),
        Column("enabled", _("Enabled")),
        Column("last_run_at", _("Last run")),
        Column("next_run_at", _("Next run")),
    ]


app_name = "core"
urlpatterns = [
    *crud(
        "custom-fields",
        "customfielddefinition",
        list_view=CustomFieldList,
        detail_view=CustomFieldDetail,
        form_class=CustomFieldForm,
    ),
    *crud("tags", "tag", list_view=TagList, detail_view=TagDetail, form_class=TagForm),
    *crud(
        "schedules",
        "schedule",
        list_view=ScheduleList,
        detail_view=ScheduleDetail,
        form_class=ScheduleForm,
    ),
]
