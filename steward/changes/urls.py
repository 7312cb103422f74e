from django.urls import URLPattern, URLResolver, path

from steward.changes import calendar_views, forms, incident_views, problem_views, views
from steward.core.ui.routes import crud

app_name = "changes"

_change_edit = views.ChangeRequestEdit.as_view()

urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/", views.ChangeRequestList.as_view(), name="changerequest_list"),
    path("requests/add/", _change_edit, name="changerequest_add"),
    path("requests/<int:pk>/", views.ChangeRequestDetail.as_view(), name="changerequest_detail"),
    path("requests/<int:pk>/edit/", _change_edit, name="changerequest_edit"),
    path("requests/<int:pk>/transition/", views.change_transition, name="changerequest_transition"),
    path("requests/<int:pk>/decide/", views.change_decide, name="changerequest_decide"),
    path("requests/<int:pk>/assess/", views.change_assess, name="changerequest_assess"),
    path(
        "requests/<int:pk>/incidents/<slug:action>/",
        incident_views.change_incident,
        name="changerequest_incident",
    ),
    path("incidents/<int:ticket_id>/panel/", incident_views.ticket_panel, name="ticket_panel"),
    path("calendar/", calendar_views.calendar_month, name="calendar_month"),
    path("calendar/week/", calendar_views.calendar_week, name="calendar_week"),
    path("calendar/feed/", calendar_views.feed_settings, name="feed_settings"),
    path("calendar/feed/rotate/", calendar_views.feed_rotate, name="feed_rotate"),
    path("calendar/feed/revoke/", calendar_views.feed_revoke, name="feed_revoke"),
    path("calendar/mine.ics", calendar_views.feed_mine, name="feed_mine"),
    path("calendar/teams/<str:team_id>.ics", calendar_views.feed_team, name="feed_team"),
    path("problems/", problem_views.ProblemList.as_view(), name="problem_list"),
    path("problems/add/", problem_views.ProblemEdit.as_view(), name="problem_add"),
    path("problems/<int:pk>/", problem_views.ProblemDetail.as_view(), name="problem_detail"),
    path("problems/<int:pk>/edit/", problem_views.ProblemEdit.as_view(), name="problem_edit"),
    path(
        "problems/<int:pk>/<slug:action>/",
        problem_views.problem_action,
        name="problem_action",
    ),
    *crud(
        "templates",
        "changetemplate",
        list_view=views.ChangeTemplateList,
        detail_view=views.ChangeTemplateDetail,
        form_class=forms.ChangeTemplateForm,
    ),
    *crud(
        "windows",
        "changewindow",
        list_view=views.ChangeWindowList,
        detail_view=views.ChangeWindowDetail,
        form_class=forms.ChangeWindowForm,
    ),
]
