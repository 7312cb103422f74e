from django.urls import path

from steward.cmdb.discovery import views

app_name = "discovery"
urlpatterns = [
    path("submissions/", views.SubmissionList.as_view(), name="submission_list"),
    path("submissions/<int:pk>/", views.SubmissionDetail.as_view(), name="submission_detail"),
    path("submissions/<int:pk>/resolve/", views.submission_resolve, name="submission_resolve"),
    path("tokens/", views.TokenList.as_view(), name="token_list"),
    path("tokens/add/", views.token_add, name="token_add"),
    path("tokens/<int:pk>/", views.TokenDetail.as_view(), name="token_detail"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("agents/", views.AgentList.as_view(), name="agent_list"),
    path("agents/<int:pk>/", views.AgentDetail.as_view(), name="agent_detail"),
]
