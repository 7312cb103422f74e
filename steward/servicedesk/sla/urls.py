"""SLA configuration pages, included into ``servicedesk/urls.py`` (names ``servicedesk:...``)."""

from django.urls import path

from steward.core.ui.routes import crud
from steward.servicedesk.sla import forms, views

urlpatterns = [
    path(
        "settings/calendars/holiday-example.ics",
        views.holiday_example,
        name="holiday_example",
    ),
    path(
        "settings/calendars/<int:pk>/import-holidays/",
        views.BusinessCalendarImport.as_view(),
        name="businesscalendar_import",
    ),
    *crud(
        "settings/calendars",
        "businesscalendar",
        list_view=views.BusinessCalendarList,
        detail_view=views.BusinessCalendarDetail,
        form_class=forms.BusinessCalendarForm,
    ),
    *crud(
        "settings/working-hours",
        "workinghours",
        list_view=views.WorkingHoursList,
        detail_view=views.WorkingHoursDetail,
        form_class=forms.WorkingHoursForm,
    ),
    *crud(
        "settings/holidays",
        "holiday",
        list_view=views.HolidayList,
        detail_view=views.HolidayDetail,
        form_class=forms.HolidayForm,
    ),
    *crud(
        "settings/sla-policies",
        "slapolicy",
        list_view=views.SLAPolicyList,
        detail_view=views.SLAPolicyDetail,
        form_class=forms.SLAPolicyForm,
    ),
    *crud(
        "settings/sla-targets",
        "slatarget",
        list_view=views.SLATargetList,
        detail_view=views.SLATargetDetail,
        form_class=forms.SLATargetForm,
    ),
    *crud(
        "settings/escalation-rules",
        "escalationrule",
        list_view=views.EscalationRuleList,
        detail_view=views.EscalationRuleDetail,
        form_class=forms.EscalationRuleForm,
    ),
    path("sla-clocks/", views.SLAClockList.as_view(), name="slaclock_list"),
    path("sla-clocks/<int:pk>/", views.SLAClockDetail.as_view(), name="slaclock_detail"),
]
