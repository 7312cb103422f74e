from django.urls import path

from steward.portal.views import assets, home, requests, survey, tickets

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("start/", home.start, name="start"),
    path("report/", tickets.report, name="report"),
    path("report/<int:pk>/done/", tickets.report_done, name="report_done"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/<int:pk>/", tickets.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/status/", tickets.ticket_move, name="ticket_move"),
    path("request/", requests.request_home, name="request"),
    path("request/<int:pk>/", requests.request_detail, name="request_detail"),
    path("approvals/", requests.approvals, name="approvals"),
    path("approvals/<int:pk>/decide/", requests.approval_decide, name="approval_decide"),
    path("knowledge/", home.knowledge, name="knowledge"),
    path("assets/", assets.my_assets, name="assets"),
    path("assets/<int:pk>/acknowledge/", assets.asset_acknowledge, name="asset_acknowledge"),
    path("assets/<int:pk>/report/", assets.asset_report, name="asset_report"),
    path("survey/thanks/", survey.survey_thanks, name="survey_thanks"),
    path("survey/<str:token>/", survey.survey, name="survey"),
]
