"""Forms of the agent pages: parse and validate input; the services apply the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.core.ui.forms import ListedModelChoiceField
from steward.core.ui.lookup import LookupSelect
from steward.org import selectors as org_selectors
from steward.servicedesk.models import (
    CannedResponse,
    Category,
    Channel,
    EntryKind,
    Impact,
    OrganisationSetting,
    PendingReason,
    Priority,
    PriorityRule,
    RoutingRule,
    SavedQueue,
    Service,
    Status,
    TeamSetting,
    Ticket,
    TicketKind,
    TicketLinkKind,
    Urgency,
)

PERSON_MODEL = Ticket._meta.get_field("requester").related_model
TEAM_MODEL = Ticket._meta.get_field("team").related_model
TEXTAREA = {"rows": 5}


def _restricted(model: Any, user: Any, **filters: Any) -> Any:
    return permissions.restrict(model.objects.filter(**filters), user)


def _agents(user: Any) -> Any:
    """People who can be assigned work: members of an assignment group."""
    return org_selectors.person_list(user=user).filter(teams__isnull=False).distinct()


# ---- Configuration (generic create/edit pages) ----------------------------------------------


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "kind", "default_team", "is_active"]


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "slug",
            "description",
            "owner_team",
            "status",
            "status_message",
            "is_public",
            "order",
        ]


class PriorityRuleForm(forms.ModelForm):
    class Meta:
        model = PriorityRule
        fields = ["impact", "urgency", "priority"]


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "order",
            "is_active",
            "match_category",
            "match_organisation",
            "match_channel",
            "match_kind",
            "match_keywords",
            "set_team",
            "set_category",
            "set_priority",
        ]


class TeamSettingForm(forms.ModelForm):
    class Meta:
        model = TeamSetting
        fields = ["team", "assignment"]


class OrganisationSettingForm(forms.ModelForm):
    class Meta:
        model = OrganisationSetting
        fields = ["organisation", "customer_visibility"]


class CannedResponseForm(forms.ModelForm):
    class Meta:
        model = CannedResponse
        fields = ["title", "body", "team", "is_active"]


class SavedQueueForm(forms.ModelForm):
    class Meta:
        model = SavedQueue
        fields = ["name", "query", "order"]


# ---- The agent workspace ----------------------------------------------------------------------


class TicketCreateForm(forms.Form):
    requester = forms.ModelChoiceField(
        label=_("Requester"),
        queryset=PERSON_MODEL.objects.none(),
        widget=LookupSelect(PERSON_MODEL),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    title = forms.CharField(label=_("Title"), max_length=250)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Affected service"), queryset=Service.objects.none(), required=False
    )
    impact = forms.TypedChoiceField(
        label=_("Impact"), choices=Impact.choices, coerce=int, initial=Impact.LOW
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = org_selectors.person_list(user=user)
        self.fields["category"].queryset = _restricted(Category, user, is_active=True)
        self.fields["service"].queryset = _restricted(Service, user)


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(EntryKind.REPLY, _("Public reply")), (EntryKind.NOTE, _("Internal note"))],
        initial=EntryKind.REPLY,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs=TEXTAREA))


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    pending_reason = forms.ChoiceField(
        label=_("Pending reason"), choices=[("", "—"), *PendingReason.choices], required=False
    )
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Assignment group"), queryset=TEAM_MODEL.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("Agent"), queryset=PERSON_MODEL.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = org_selectors.team_list(user=user)
        self.fields["team"].required = False
        self.fields["assignee"].queryset = _agents(user)


class FieldsForm(forms.Form):
    """The classification fields an agent corrects on the side panel (``ticket_update``)."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Affected service"), queryset=Service.objects.none(), required=False
    )
    impact = forms.TypedChoiceField(label=_("Impact"), choices=Impact.choices, coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int)
    tags = forms.CharField(
        label=_("Tags"), max_length=1000, required=False, help_text=_("Separated by commas.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _restricted(Category, user, is_active=True)
        self.fields["service"].queryset = _restricted(Service, user)


class TicketReferenceField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return str(super().clean(value) or "").strip().upper()


PARENT = "parent"


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Relation"),
        choices=[*TicketLinkKind.choices, (PARENT, _("child of (the other is the parent)"))],
    )
    target = TicketReferenceField(label=_("Ticket reference"))


class MergeForm(forms.Form):
    into = TicketReferenceField(label=_("Merge into ticket"))


class TimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_date(self) -> Any:
        return self.cleaned_data.get("date") or timezone.localdate()


class BulkForm(forms.Form):
    """Changes applied to the selected rows of the queue; blank fields are left alone."""

    team = ListedModelChoiceField(
        label=_("Team"), queryset=TEAM_MODEL.objects.none(), required=False, empty_label="—"
    )
    assignee = ListedModelChoiceField(
        label=_("Agent"), queryset=PERSON_MODEL.objects.none(), required=False, empty_label="—"
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Status.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", "—"), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams, agents = org_selectors.team_list(user=user), _agents(user)
        if not self.is_bound:  # listed for the page: only what the labels show
            teams = teams.select_related(None).only("name")
            agents = agents.select_related(None).only("first_name", "last_name")
        self.fields["team"].queryset, self.fields["assignee"].queryset = teams, agents

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class SaveQueueForm(forms.Form):
    name = forms.CharField(label=_("Queue name"), max_length=100)
    query = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)
    shared = forms.BooleanField(label=_("Share with every agent"), required=False)
