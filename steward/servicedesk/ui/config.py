"""Service desk settings pages (generic list/detail/edit) and the staff-only lists of rows that
live on a ticket (entries, links, time, surveys), whose rows open their ticket."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from steward.core import permissions
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView
from steward.core.validation import is_id
from steward.servicedesk import filtersets
from steward.servicedesk.models import (
    CannedResponse,
    Category,
    Impact,
    OrganisationSetting,
    PriorityRule,
    RoutingRule,
    SavedQueue,
    Service,
    SurveyResponse,
    TeamSetting,
    TicketEntry,
    TicketLink,
    TimeEntry,
    Urgency,
)
from steward.servicedesk.ui.common import ensure_agent

SETTINGS_TABS = ("history",)


class CategoryList(ObjectListView):
    model, url_prefix = Category, "servicedesk:category"
    filterset_class = filtersets.CategoryFilterSet
    select_related = ("parent", "default_team")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("parent", _("Parent")),
        Column("get_kind_display", _("For")),
        Column("default_team", _("Default team")),
        Column("is_active", _("Active")),
    ]


class CategoryDetail(ObjectDetailView):
    model, url_prefix, tabs = Category, "servicedesk:category", SETTINGS_TABS
    select_related = ("parent", "default_team")
    fields = [
        Column("name", _("Name")),
        Column("parent", _("Parent")),
        Column("get_kind_display", _("For")),
        Column("default_team", _("Default team")),
        Column("is_active", _("Active")),
    ]


class ServiceList(ObjectListView):
    model, url_prefix = Service, "servicedesk:service"
    filterset_class = filtersets.ServiceFilterSet
    select_related = ("owner_team",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("owner_team", _("Owner team")),
        Column("is_public", _("Public")),
        Column("order", _("Order"), sort="order"),
    ]


class ServiceDetail(ObjectDetailView):
    model, url_prefix, tabs = Service, "servicedesk:service", ("history", "comments")
    select_related = ("owner_team",)
    fields = [
        Column("slug", _("Slug")),
        Column("description", _("Description")),
        Column("owner_team", _("Owner team")),
        Column("get_status_display", _("Status")),
        Column("status_message", _("Status message")),
        Column("is_public", _("On the public status page")),
        Column("order", _("Order")),
    ]


class PriorityRuleList(ObjectListView):
    model, url_prefix = PriorityRule, "servicedesk:priorityrule"
    filterset_class = filtersets.PriorityRuleFilterSet
    title = _("Priority matrix")
    columns = [
        Column("get_impact_display", _("Impact"), sort="impact"),
        Column("get_urgency_display", _("Urgency"), sort="urgency"),
        Column("get_priority_display", _("Priority"), sort="priority"),
    ]


class PriorityRuleDetail(ObjectDetailView):
    model, url_prefix, tabs = PriorityRule, "servicedesk:priorityrule", SETTINGS_TABS
    fields = [
        Column("get_impact_display", _("Impact")),
        Column("get_urgency_display", _("Urgency")),
        Column("get_priority_display", _("Priority")),
    ]


class PriorityMatrix(LoginRequiredMixin, View):
    """The ITIL matrix as the 3x3 grid people know: impact rows, urgency columns."""

    def get(self, request: HttpRequest) -> HttpResponse:
        ensure_agent(request.user)
        rules = permissions.restrict(PriorityRule.objects.all(), request.user)
        cells = {(r.impact, r.urgency): r for r in rules}
        grid = [
            (impact, [(urgency, cells.get((impact.value, urgency.value))) for urgency in Urgency])
            for impact in Impact
        ]
        context = {
            "title": _("Priority matrix"),
            "urgencies": list(Urgency),
            "grid": grid,
            "can_change": permissions.can(request.user, "change", PriorityRule),
        }
        return render(request, "servicedesk/priority_matrix.html", context)


class RoutingRuleList(ObjectListView):
    model, url_prefix = RoutingRule, "servicedesk:routingrule"
    filterset_class = filtersets.RoutingRuleFilterSet
    select_related = ("match_category", "match_organisation", "set_team")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("order", _("Order"), sort="order"),
        Column("match_category", _("Category is")),
        Column("match_organisation", _("Organisation is")),
        Column("get_match_channel_display", _("Channel is")),
        Column("match_keywords", _("Keywords")),
        Column("set_team", _("Route to")),
        Column("is_active", _("Active")),
    ]


class RoutingRuleDetail(ObjectDetailView):
    model, url_prefix, tabs = RoutingRule, "servicedesk:routingrule", SETTINGS_TABS
    select_related = ("match_category", "match_organisation", "set_team", "set_category")
    fields = [
        Column("order", _("Order")),
        Column("is_active", _("Active")),
        Column("match_category", _("Category is")),
        Column("match_organisation", _("Organisation is")),
        Column("get_match_channel_display", _("Channel is")),
        Column("get_match_kind_display", _("Kind is")),
        Column("match_keywords", _("Title or text contains any of")),
        Column("set_team", _("Route to team")),
        Column("set_category", _("Set category")),
        Column("get_set_priority_display", _("Set priority")),
    ]


class TeamSettingList(ObjectListView):
    model, url_prefix = TeamSetting, "servicedesk:teamsetting"
    filterset_class = filtersets.TeamSettingFilterSet
    select_related = ("team",)
    columns = [
        Column("team", _("Team"), sort="team__name"),
        Column("get_assignment_display", _("Automatic assignment")),
    ]


class TeamSettingDetail(ObjectDetailView):
    model, url_prefix, tabs = TeamSetting, "servicedesk:teamsetting", SETTINGS_TABS
    select_related = ("team", "last_assigned")
    fields = [
        Column("team", _("Team")),
        Column("get_assignment_display", _("Automatic assignment")),
        Column("last_assigned", _("Last assigned")),
    ]


class OrganisationSettingList(ObjectListView):
    model, url_prefix = OrganisationSetting, "servicedesk:organisationsetting"
    filterset_class = filtersets.OrganisationSettingFilterSet
    select_related = ("organisation",)
    columns = [
        Column("organisation", _("Organisation"), sort="organisation__name"),
        Column("get_customer_visibility_display", _("Contacts see")),
    ]


class OrganisationSettingDetail(ObjectDetailView):
    model, url_prefix, tabs = OrganisationSetting, "servicedesk:organisationsetting", SETTINGS_TABS
    select_related = ("organisation",)
    fields = [
        Column("organisation", _("Organisation")),
        Column("get_customer_visibility_display", _("Contacts see")),
    ]


class CannedResponseList(ObjectListView):
    model, url_prefix = CannedResponse, "servicedesk:cannedresponse"
    filterset_class = filtersets.CannedResponseFilterSet
    select_related = ("team",)
    columns = [
        Column("title", _("Title"), sort="title"),
        Column("team", _("Team")),
        Column("is_active", _("Active")),
        Column("updated_at", _("Updated"), sort="updated_at"),
    ]


class CannedResponseDetail(ObjectDetailView):
    model, url_prefix, tabs = CannedResponse, "servicedesk:cannedresponse", SETTINGS_TABS
    select_related = ("team",)
    fields = [
        Column("body", _("Text")),
        Column("team", _("Team")),
        Column("is_active", _("Active")),
    ]


class SavedQueueList(ObjectListView):
    model, url_prefix = SavedQueue, "servicedesk:savedqueue"
    filterset_class = filtersets.SavedQueueFilterSet
    select_related = ("owner",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("owner", _("Owner")),
        Column("query", _("Filter")),
        Column("order", _("Order"), sort="order"),
    ]

    def get_queryset(self) -> Any:
        from django.db.models import Q

        user = self.request.user
        return super().get_queryset().filter(Q(owner=None) | Q(owner=user))


class SavedQueueDetail(ObjectDetailView):
    model, url_prefix, tabs = SavedQueue, "servicedesk:savedqueue", SETTINGS_TABS
    select_related = ("owner",)
    fields = [
        Column("owner", _("Owner")),
        Column("query", _("Filter")),
        Column("order", _("Order")),
    ]

    def restricted(self, action: str = "view") -> Any:
        from django.db.models import Q

        return super().restricted(action).filter(Q(owner=None) | Q(owner=self.request.user))

    def extra_context(self, obj: SavedQueue) -> dict[str, Any]:
        url = reverse("servicedesk:ticket_list") + "?" + obj.query
        return {"actions": [(_("Open the queue"), url)]}


# ---- Rows that belong to a ticket: read-only lists for staff ----------------------------------


class TicketRowList(ObjectListView):
    """Staff-only; a row opens its ticket's workspace. Changes go through the workspace."""

    template_name = "servicedesk/row_list.html"
    fragment_template = "servicedesk/_row_table.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        ensure_agent(request.user)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse(status=405)


class TicketEntryList(TicketRowList):
    model, url_prefix = TicketEntry, "servicedesk:ticketentry"
    filterset_class = filtersets.TicketEntryFilterSet
    select_related = ("ticket", "author")
    columns = [
        Column("ticket.reference", _("Ticket")),
        Column("get_kind_display", _("Kind"), sort="kind"),
        Column("author", _("Author")),
        Column("get_channel_display", _("Channel")),
        Column("created_at", _("When"), sort="created_at"),
    ]


class TicketLinkList(TicketRowList):
    model, url_prefix = TicketLink, "servicedesk:ticketlink"
    filterset_class = filtersets.TicketLinkFilterSet
    select_related = ("source", "target")
    columns = [
        Column("source.reference", _("Ticket")),
        Column("get_kind_display", _("Relation")),
        Column("target.reference", _("Linked ticket")),
        Column("created_at", _("When"), sort="created_at"),
    ]


class TimeEntryList(TicketRowList):
    model, url_prefix = TimeEntry, "servicedesk:timeentry"
    filterset_class = filtersets.TimeEntryFilterSet
    select_related = ("ticket", "person")
    columns = [
        Column("ticket.reference", _("Ticket")),
        Column("person", _("Person")),
        Column("minutes", _("Minutes"), sort="minutes"),
        Column("date", _("Date"), sort="date"),
        Column("note", _("Note")),
    ]


class SurveyResponseList(TicketRowList):
    model, url_prefix = SurveyResponse, "servicedesk:surveyresponse"
    select_related = ("ticket",)
    columns = [
        Column("ticket.reference", _("Ticket")),
        Column("rating", _("Rating"), sort="rating"),
        Column("comment", _("Comment")),
        Column("sent_at", _("Sent"), sort="sent_at"),
        Column("answered_at", _("Answered"), sort="answered_at"),
    ]


class TicketRowOpen(LoginRequiredMixin, View):
    """``<row>_detail``: the row is shown in its ticket's workspace."""

    model: Any = None
    ticket_field = "ticket_id"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        ensure_agent(request.user)
        rows = permissions.restrict(self.model.objects.all(), request.user)
        row = rows.filter(pk=pk).first() if is_id(pk) else None
        if row is None:
            raise Http404
        url = reverse("servicedesk:ticket_detail", kwargs={"pk": getattr(row, self.ticket_field)})
        anchor = f"#entry-{row.pk}" if self.model is TicketEntry else ""
        return HttpResponseRedirect(url + anchor)
