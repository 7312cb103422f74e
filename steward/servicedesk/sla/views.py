"""Pages of the SLA configuration: calendars, policies, targets, escalations, clocks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView, StewardView
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    SLAClock,
    SLAPolicy,
    SLATarget,
    WorkingHours,
)
from steward.servicedesk.sla import filtersets, services
from steward.servicedesk.sla.clocks import clock_state
from steward.servicedesk.sla.forms import HolidayImportForm
from steward.servicedesk.sla.ical import MAX_BYTES, MalformedCalendar

P = "servicedesk:"


class StatusesColumn(Column):
    """A list of ticket status codes, shown by their labels ("Pending", not ``['pending']``)."""

    def value(self, obj: Any) -> Any:
        from steward.servicedesk.models import Status

        labels = dict(Status.choices)
        return ", ".join(str(labels.get(code, code)) for code in super().value(obj) or ()) or None


class BusinessCalendarList(ObjectListView):
    model, url_prefix = BusinessCalendar, P + "businesscalendar"
    filterset_class = filtersets.BusinessCalendarFilterSet
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("time_zone", _("Time zone"), sort="time_zone"),
    ]


class BusinessCalendarDetail(ObjectDetailView):
    model, url_prefix = BusinessCalendar, P + "businesscalendar"
    template_name = "servicedesk/sla/calendar_detail.html"
    fields = [Column("time_zone", _("Time zone"))]

    def extra_context(self, obj: BusinessCalendar) -> dict[str, Any]:
        actions = []
        if permissions.can(self.request.user, "change", obj):
            actions = [
                (_("Import holidays"), reverse(P + "businesscalendar_import", args=[obj.pk])),
                (_("Add working hours"), reverse(P + "workinghours_add")),
                (_("Add holiday"), reverse(P + "holiday_add")),
            ]
        return {
            "actions": actions,
            "hours": list(obj.hours.all()),
            "holidays": list(obj.holidays.all()),
        }


class BusinessCalendarImport(StewardView):
    """Upload an .ics file of holidays; the result lists what was added, skipped or unread."""

    model, url_prefix = BusinessCalendar, P + "businesscalendar"
    template_name = "servicedesk/sla/holiday_import.html"

    def calendar(self) -> BusinessCalendar:
        from django.http import Http404

        try:
            calendar = self.restricted("change").get(pk=self.kwargs["pk"])
        except (BusinessCalendar.DoesNotExist, ValueError):
            raise Http404 from None
        if not permissions.can(self.request.user, "add", Holiday):
            raise PermissionDenied
        return calendar

    def render_page(self, calendar: Any, form: Any, result: Any = None, status: int = 200) -> Any:
        context = {
            "title": _("Import holidays into %(c)s") % {"c": calendar},
            "object": calendar,
            "form": form,
            "result": result,
            "url_prefix": self.url_prefix,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.calendar(), HolidayImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        calendar = self.calendar()
        form = HolidayImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(calendar, form, status=400)
        data = form.cleaned_data["file"].read(MAX_BYTES + 1)
        try:
            result = services.holidays_import(calendar=calendar, data=data, actor=request.user)
        except MalformedCalendar as exc:
            form.add_error("file", str(exc))
            return self.render_page(calendar, form, status=400)
        messages.success(request, _("Added %(n)s holidays.") % {"n": len(result.created)})
        return self.render_page(calendar, HolidayImportForm(), result=result)


def holiday_example(request: HttpRequest) -> HttpResponse:
    from steward.servicedesk.api.sla import example_response

    if not request.user.is_authenticated or not permissions.can(
        request.user, "view", BusinessCalendar
    ):
        raise PermissionDenied
    return example_response()


class WorkingHoursList(ObjectListView):
    model, url_prefix = WorkingHours, P + "workinghours"
    filterset_class = filtersets.WorkingHoursFilterSet
    select_related = ("calendar",)
    columns = [
        Column("calendar", _("Calendar")),
        Column("weekday", _("Weekday"), sort="weekday"),
        Column("start", _("From")),
        Column("end", _("Until")),
    ]


class WorkingHoursDetail(ObjectDetailView):
    model, url_prefix, select_related = WorkingHours, P + "workinghours", ("calendar",)
    fields = [
        Column("calendar", _("Calendar")),
        Column("weekday", _("Weekday (0 is Monday)")),
        Column("start", _("From")),
        Column("end", _("Until")),
    ]


class HolidayList(ObjectListView):
    model, url_prefix = Holiday, P + "holiday"
    filterset_class = filtersets.HolidayFilterSet
    select_related = ("calendar",)
    columns = [
        Column("date", _("Date"), sort="date"),
        Column("name", _("Name"), sort="name"),
        Column("calendar", _("Calendar")),
    ]


class HolidayDetail(ObjectDetailView):
    model, url_prefix, select_related = Holiday, P + "holiday", ("calendar",)
    fields = [Column("calendar", _("Calendar")), Column("date", _("Date"))]


class SLAPolicyList(ObjectListView):
    model, url_prefix = SLAPolicy, P + "slapolicy"
    filterset_class = filtersets.SLAPolicyFilterSet
    select_related = ("organisation", "service", "team", "calendar")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_kind_display", _("Kind")),
        Column("order", _("Order"), sort="order"),
        Column("organisation", _("Organisation")),
        Column("service", _("Service")),
        Column("team", _("Team")),
        Column("calendar", _("Calendar")),
        Column("is_active", _("Active")),
    ]


class SLAPolicyDetail(ObjectDetailView):
    model, url_prefix = SLAPolicy, P + "slapolicy"
    template_name = "servicedesk/sla/policy_detail.html"
    select_related = ("organisation", "service", "team", "calendar")
    fields = [
        Column("get_kind_display", _("Kind")),
        Column("order", _("Order")),
        Column("is_active", _("Active")),
        Column("organisation", _("For organisation")),
        Column("service", _("For service")),
        Column("team", _("For team (OLA)")),
        Column("calendar", _("Business calendar")),
        StatusesColumn("pause_statuses", _("Paused while")),
        Column("warning_percent", _("Warn at (%)")),
    ]

    def extra_context(self, obj: SLAPolicy) -> dict[str, Any]:
        actions = []
        if permissions.can(self.request.user, "change", obj):
            actions = [
                (_("Add target"), reverse(P + "slatarget_add")),
                (_("Add escalation"), reverse(P + "escalationrule_add")),
            ]
        return {
            "actions": actions,
            "targets": list(obj.targets.all()),
            "escalations": list(obj.escalations.select_related("notify_person", "reassign_team")),
        }


class SLATargetList(ObjectListView):
    model, url_prefix = SLATarget, P + "slatarget"
    filterset_class = filtersets.SLATargetFilterSet
    select_related = ("policy",)
    columns = [
        Column("policy", _("Policy")),
        Column("get_priority_display", _("Priority"), sort="priority"),
        Column("response_minutes", _("First response (min)")),
        Column("resolution_minutes", _("Resolution (min)")),
    ]


class SLATargetDetail(ObjectDetailView):
    model, url_prefix, select_related = SLATarget, P + "slatarget", ("policy",)
    fields = [
        Column("policy", _("Policy")),
        Column("get_priority_display", _("Priority")),
        Column("response_minutes", _("First response (min)")),
        Column("resolution_minutes", _("Resolution (min)")),
    ]


class EscalationRuleList(ObjectListView):
    model, url_prefix = EscalationRule, P + "escalationrule"
    filterset_class = filtersets.EscalationRuleFilterSet
    select_related = ("policy", "notify_person", "reassign_team")
    columns = [
        Column("policy", _("Policy")),
        Column("get_trigger_display", _("When")),
        Column("get_metric_display", _("Metric")),
        Column("get_action_display", _("Action")),
        Column("reassign_team", _("Reassign to")),
        Column("notify_person", _("Also notify")),
    ]


class EscalationRuleDetail(ObjectDetailView):
    model, url_prefix = EscalationRule, P + "escalationrule"
    select_related = ("policy", "notify_person", "reassign_team")
    fields = [
        Column("policy", _("Policy")),
        Column("get_trigger_display", _("When")),
        Column("get_metric_display", _("Metric")),
        Column("get_action_display", _("Action")),
        Column("notify_team_lead", _("Notify the team lead")),
        Column("notify_assignee", _("Notify the assignee")),
        Column("notify_person", _("Also notify")),
        Column("reassign_team", _("Reassign to")),
    ]


class SLAClockList(ObjectListView):
    """Read-only: clocks are written by the engine."""

    model, url_prefix = SLAClock, P + "slaclock"
    template_name = "servicedesk/sla/clock_list.html"
    filterset_class = filtersets.SLAClockFilterSet
    select_related = ("ticket", "team", "policy")
    columns = [
        Column("ticket", _("Ticket")),
        Column("get_metric_display", _("Metric")),
        Column("policy", _("Policy")),
        Column("team", _("Team")),
        Column("target_minutes", _("Target (min)")),
        Column("due_at", _("Due"), sort="due_at"),
        Column("breached_at", _("Breached"), sort="breached_at"),
        Column("is_active", _("Current")),
    ]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse(status=405)


class SLAClockDetail(ObjectDetailView):
    model, url_prefix = SLAClock, P + "slaclock"
    template_name = "servicedesk/sla/clock_detail.html"
    select_related = ("ticket", "team", "policy")
    tabs = ("history",)
    fields = [
        Column("ticket", _("Ticket")),
        Column("get_metric_display", _("Metric")),
        Column("policy", _("Policy")),
        Column("team", _("Team")),
        Column("target_minutes", _("Target (min)")),
        Column("started_at", _("Started")),
        Column("due_at", _("Due")),
        Column("stopped_at", _("Stopped")),
        Column("warned_at", _("Warned")),
        Column("breached_at", _("Breached")),
        Column("is_active", _("Current")),
    ]

    def extra_context(self, obj: SLAClock) -> dict[str, Any]:
        return {"state": clock_state(obj, timezone.now()), "can_change": False, "can_delete": False}
