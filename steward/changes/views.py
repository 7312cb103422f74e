"""Pages of change management: the list, a change with its risk reasons, conflicts and the
services and people it reaches, the form, moves along the lifecycle, templates and windows.
The calendar and the feeds are in ``calendar_views``. Every read goes through the selectors,
every write through one service call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.changes import filtersets, incidents, risk, selectors, services
from steward.changes.forms import ChangeRequestForm, DecisionForm, TransitionForm
from steward.changes.models import (
    TRANSITIONS,
    ChangeIncident,
    ChangeRequest,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    ChangeWindow,
)
from steward.cmdb import selectors as cmdb
from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView

Team: Any = ChangeRequest._meta.get_field("assignment_team").related_model
User: Any = ChangeRequest._meta.get_field("owner").related_model


class ChangeRequestList(ObjectListView):
    model, url_prefix = ChangeRequest, "changes:changerequest"
    filterset_class = filtersets.ChangeRequestFilterSet
    select_related = ("assignment_team", "owner")
    columns = [
        Column("reference", _("Reference"), sort="id"),
        Column("title", _("Title"), sort="title"),
        Column("get_change_type_display", _("Type"), sort="change_type"),
        Column("get_state_display", _("State"), sort="state"),
        Column("get_risk_level_display", _("Risk"), sort="risk_score"),
        Column("planned_start", _("Planned start"), sort="planned_start"),
        Column("assignment_team", _("Assignment group")),
        Column("owner", _("Owner")),
    ]


class ChangeRequestDetail(ObjectDetailView):
    model, url_prefix = ChangeRequest, "changes:changerequest"
    template_name = "changes/change_detail.html"
    select_related = selectors.LIST_RELATED
    fields = [
        Column("reference", _("Reference")),
        Column("get_change_type_display", _("Type")),
        Column("template", _("Template")),
        Column("get_state_display", _("State")),
        Column("requester", _("Requester")),
        Column("owner", _("Owner")),
        Column("assignment_team", _("Assignment group")),
        Column("planned_start", _("Planned start")),
        Column("planned_end", _("Planned end")),
        Column("actual_start", _("Actual start")),
        Column("actual_end", _("Actual end")),
        Column("get_approval_state_display", _("Approval")),
        Column("get_outcome_display", _("Outcome")),
        Column("description", _("Description")),
        Column("implementation_plan", _("Implementation plan")),
        Column("backout_plan", _("Back-out plan")),
        Column("test_plan", _("Test plan")),
        Column("review_notes", _("Post-implementation review")),
    ]

    def extra_context(self, obj: ChangeRequest) -> dict[str, Any]:
        user = self.request.user
        can_change = permissions.can(user, "change", obj)
        moves = [ChangeState(s) for s in ChangeState.values if s in TRANSITIONS[obj.state]]
        if obj.change_type == ChangeType.STANDARD:
            moves = [m for m in moves if m != ChangeState.AUTHORISATION]
        elif obj.state == ChangeState.ASSESSMENT:
            moves = [m for m in moves if m != ChangeState.SCHEDULED]
        if obj.state == ChangeState.AUTHORISATION:
            moves = [
                m for m in moves if m != ChangeState.SCHEDULED or obj.approval_state == "approved"
            ]
        return {
            "items": selectors.affected_items(change=obj, user=user),
            "impact": selectors.change_impact(change=obj, user=user),
            "conflicts": selectors.change_conflicts(change=obj, user=user),
            "moves": moves if can_change else [],
            "transition_form": TransitionForm(),
            "decision_form": DecisionForm() if obj.state == ChangeState.AUTHORISATION else None,
            "can_change": can_change
            and obj.state not in (ChangeState.CLOSED, ChangeState.CANCELLED),
            "can_delete": False,
            "factor_labels": {k: str(v) for k, v in risk.FACTOR_LABELS.items()},
            "show_incidents": permissions.can(user, "view", ChangeIncident),
            "caused": selectors.change_incidents(change=obj, user=user),
            "can_link_incidents": permissions.can(user, "change", obj)
            and incidents.caused_incidents_allowed(obj),
        }


def _querysets(user: Any) -> dict[str, Any]:
    staff = User.objects.filter(is_active=True, groups__name__in=list(permissions.STAFF)).distinct()
    return {
        "configuration_items": cmdb.ci_list(user=user).order_by("name"),
        "assignment_team": permissions.restrict(Team.objects.all(), user),
        "owner": staff.order_by("username"),
    }


class ChangeRequestEdit(ObjectEditView):
    """Create or edit a change through the change services."""

    model, url_prefix = ChangeRequest, "changes:changerequest"

    def make_form(self, obj: ChangeRequest | None, data: Any = None) -> ChangeRequestForm:
        form = ChangeRequestForm(data, instance=obj, querysets=_querysets(self.request.user))
        template = self.request.GET.get("template")
        if (
            obj is None
            and data is None
            and template
            and template.isdecimal()
            and len(template) < 19
        ):
            form.initial.update({"template": template, "change_type": ChangeType.STANDARD})
        return form

    def form_data(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        if "configuration_items" in data:
            data["configuration_items"] = [ci.pk for ci in data["configuration_items"]]
        return data

    def save(self, obj: ChangeRequest | None, data: dict[str, Any]) -> ChangeRequest:
        if obj is None:
            return services.change_create(data=data, actor=self.request.user)
        if obj.state not in services.EDITABLE:
            data = {k: v for k, v in data.items() if k in services.LATE_FIELDS}
        return services.change_update(change=obj, data=data, actor=self.request.user)


def _change_or_404(request: HttpRequest, pk: Any) -> ChangeRequest:
    change = selectors.change_get(user=request.user, pk=pk)
    if change is None:
        raise Http404
    return change


def _messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def change_transition(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_or_404(request, pk)
    url = reverse("changes:changerequest_detail", kwargs={"pk": change.pk})
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return HttpResponseRedirect(url)
    try:
        moved = services.change_transition(change=change, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _messages(request, exc)
        return HttpResponseRedirect(url)
    messages.success(
        request,
        _t("%(ref)s is now %(s)s.")
        % {"ref": moved.reference, "s": moved.get_state_display().lower()},
    )
    return HttpResponseRedirect(url)


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_or_404(request, pk)
    url = reverse("changes:changerequest_detail", kwargs={"pk": change.pk})
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("Choose approve or reject."))
        return HttpResponseRedirect(url)
    try:
        services.change_decide(change=change, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _messages(request, exc)
        return HttpResponseRedirect(url)
    messages.success(request, _t("Your decision is recorded."))
    return HttpResponseRedirect(url)


@login_required
@require_POST
def change_assess(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change_or_404(request, pk)
    services.change_assess(change=change, actor=request.user)
    messages.success(request, _t("Risk assessed again."))
    return HttpResponseRedirect(
        reverse("changes:changerequest_detail", kwargs={"pk": change.pk}) + "#risk"
    )


class ChangeTemplateList(ObjectListView):
    model, url_prefix = ChangeTemplate, "changes:changetemplate"
    filterset_class = filtersets.ChangeTemplateFilterSet
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_risk_level_display", _("Risk level"), sort="risk_level"),
        Column("default_duration_minutes", _("Usual duration (minutes)")),
        Column("is_active", _("Active"), sort="is_active"),
    ]


class ChangeTemplateDetail(ObjectDetailView):
    model, url_prefix = ChangeTemplate, "changes:changetemplate"
    fields = [
        Column("description", _("Description")),
        Column("is_active", _("Active")),
        Column("get_risk_level_display", _("Risk level")),
        Column("default_duration_minutes", _("Usual duration (minutes)")),
        Column("implementation_plan", _("Implementation plan")),
        Column("backout_plan", _("Back-out plan")),
        Column("test_plan", _("Test plan")),
    ]

    def extra_context(self, obj: ChangeTemplate) -> dict[str, Any]:
        url = reverse("changes:changerequest_add") + f"?template={obj.pk}"
        if not permissions.can(self.request.user, "add", ChangeRequest):
            return {}
        return {"actions": [(_t("Raise a standard change"), url)]}


class ChangeWindowList(ObjectListView):
    model, url_prefix = ChangeWindow, "changes:changewindow"
    filterset_class = filtersets.ChangeWindowFilterSet
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("start", _("Start"), sort="start"),
        Column("end", _("End"), sort="end"),
    ]


class ChangeWindowDetail(ObjectDetailView):
    model, url_prefix = ChangeWindow, "changes:changewindow"
    template_name = "changes/window_detail.html"
    fields = [
        Column("get_kind_display", _("Kind")),
        Column("start", _("Start")),
        Column("end", _("End")),
        Column("description", _("Description")),
    ]

    def extra_context(self, obj: ChangeWindow) -> dict[str, Any]:
        scope = cmdb.ci_list(user=self.request.user).filter(
            pk__in=obj.configuration_items.values("pk")
        )
        return {"scope": list(scope.order_by("name")[:200])}
