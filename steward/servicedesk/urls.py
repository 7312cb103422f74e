from django.urls import path

from steward.core.ui.routes import crud
from steward.servicedesk import forms
from steward.servicedesk.reports.urls import urlpatterns as report_urls
from steward.servicedesk.sla.urls import urlpatterns as sla_urls
from steward.servicedesk.views import config, create, queue, workspace

app_name = "servicedesk"

_ticket = "tickets/<int:pk>"
urlpatterns: list = [
    # The agent queue and the ticket workspace (agent-ui area).
    path("tickets/", queue.TicketList.as_view(), name="ticket_list"),
    path("new-ticket/", create.ticket_new, name="ticket_add"),
    path("tickets/queue/save/", queue.queue_save, name="queue_save"),
    path("tickets/queue/mine/", queue.queue_redirect("mine"), name="queue_mine"),
    path("tickets/queue/unassigned/", queue.queue_redirect("unassigned"), name="queue_unassigned"),
    path("tickets/queue/breaching/", queue.queue_redirect("breaching"), name="queue_breaching"),
    path(f"{_ticket}/", workspace.TicketWorkspace.as_view(), name="ticket_detail"),
    path(f"{_ticket}/reply/", workspace.reply, name="ticket_reply"),
    path(f"{_ticket}/status/", workspace.transition, name="ticket_transition"),
    path(f"{_ticket}/assign/", workspace.assign, name="ticket_assign"),
    path(f"{_ticket}/fields/", workspace.update_fields, name="ticket_update"),
    path(f"{_ticket}/link/", workspace.link, name="ticket_link"),
    path(f"{_ticket}/merge/", workspace.merge, name="ticket_merge"),
    path(f"{_ticket}/time/", workspace.log_time, name="ticket_time"),
    path(f"{_ticket}/canned/", workspace.canned_fill, name="ticket_canned"),
    # Service desk settings (agent-ui area).
    path("settings/priority-matrix/", config.PriorityMatrix.as_view(), name="priority_matrix"),
    *crud(
        "settings/categories",
        "category",
        list_view=config.CategoryList,
        detail_view=config.CategoryDetail,
        form_class=forms.CategoryForm,
    ),
    *crud(
        "settings/services",
        "service",
        list_view=config.ServiceList,
        detail_view=config.ServiceDetail,
        form_class=forms.ServiceForm,
    ),
    *crud(
        "settings/priority-rules",
        "priorityrule",
        list_view=config.PriorityRuleList,
        detail_view=config.PriorityRuleDetail,
        form_class=forms.PriorityRuleForm,
    ),
    *crud(
        "settings/routing-rules",
        "routingrule",
        list_view=config.RoutingRuleList,
        detail_view=config.RoutingRuleDetail,
        form_class=forms.RoutingRuleForm,
    ),
    *crud(
        "settings/team-settings",
        "teamsetting",
        list_view=config.TeamSettingList,
        detail_view=config.TeamSettingDetail,
        form_class=forms.TeamSettingForm,
    ),
    *crud(
        "settings/organisation-settings",
        "organisationsetting",
        list_view=config.OrganisationSettingList,
        detail_view=config.OrganisationSettingDetail,
        form_class=forms.OrganisationSettingForm,
    ),
    *crud(
        "settings/canned-responses",
        "cannedresponse",
        list_view=config.CannedResponseList,
        detail_view=config.CannedResponseDetail,
        form_class=forms.CannedResponseForm,
    ),
    *crud(
        "settings/saved-queues",
        "savedqueue",
        list_view=config.SavedQueueList,
        detail_view=config.SavedQueueDetail,
        form_class=forms.SavedQueueForm,
    ),
    # Rows that live on a ticket: staff-only lists; a row opens its ticket.
    path("entries/", config.TicketEntryList.as_view(), name="ticketentry_list"),
    path(
        "entries/<int:pk>/",
        config.TicketRowOpen.as_view(model=config.TicketEntry),
        name="ticketentry_detail",
    ),
    path("links/", config.TicketLinkList.as_view(), name="ticketlink_list"),
    path(
        "links/<int:pk>/",
        config.TicketRowOpen.as_view(model=config.TicketLink, ticket_field="source_id"),
        name="ticketlink_detail",
    ),
    path("time/", config.TimeEntryList.as_view(), name="timeentry_list"),
    path(
        "time/<int:pk>/",
        config.TicketRowOpen.as_view(model=config.TimeEntry),
        name="timeentry_detail",
    ),
    path("surveys/", config.SurveyResponseList.as_view(), name="surveyresponse_list"),
    path(
        "surveys/<int:pk>/",
        config.TicketRowOpen.as_view(model=config.SurveyResponse),
        name="surveyresponse_detail",
    ),
]
urlpatterns += report_urls  # /servicedesk/reports/ (reports area)
urlpatterns += sla_urls  # /servicedesk/settings/calendars/, sla-policies/... (sla area)
