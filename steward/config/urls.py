from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from steward.core.api import views as core_api
from steward.core.metrics import metrics_view
from steward.core.ui import features, lookup, pages

core_router = SimpleRouter()
core_router.register("audit", core_api.AuditEntryViewSet)
core_router.register("jobs", core_api.JobViewSet)
core_router.register("tags", core_api.TagViewSet)
core_router.register("custom-fields", core_api.CustomFieldDefinitionViewSet)

api = [
    path("core/", include(core_router.urls)),
    path("core/token/", core_api.OwnTokenView.as_view(), name="api-own-token"),
    path("search/", core_api.SearchView.as_view(), name="api-search"),
    path("org/", include("steward.org.api.urls")),
    path("integrations/", include("steward.integrations.api.urls")),
    path("notifications/", include("steward.notifications.api.urls")),
    path("approvals/", include("steward.approvals.api.urls")),
    path("servicedesk/", include("steward.servicedesk.api.urls")),
    path("knowledge/", include("steward.knowledge.api.urls")),
    path("catalogue/", include("steward.catalogue.api.urls")),
    path("assets/", include("steward.assets.api.urls")),
    path("cmdb/", include("steward.cmdb.api.urls")),
    path("cmdb/", include("steward.cmdb.discovery.api")),
    path("changes/", include("steward.changes.api.urls")),
    path("strategy/", include("steward.strategy.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("readyz", pages.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include(api)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("search/", pages.search_page, name="search"),
    path("profile/", pages.profile, name="profile"),
    path("profile/token/", pages.token_create, name="token_create"),
    path("profile/token/revoke/", pages.token_revoke, name="token_revoke"),
    path("audit/", pages.AuditLogView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", pages.AuditEntryDetailView.as_view(), name="audit_detail"),
    path("jobs/", pages.jobs_page, name="job_list"),
    path("jobs/<uuid:pk>/", pages.job_detail, name="job_detail"),
    path(
        "objects/<int:content_type_id>/<str:pk>/<slug:tab>/", features.object_tab, name="object_tab"
    ),
    path("attachments/<int:pk>/", features.attachment_download, name="attachment_download"),
    path("lookup/<int:content_type_id>/", lookup.lookup_options, name="lookup_options"),
    path("admin/", include("steward.core.ui.admin")),
    path("org/", include("steward.org.urls")),
    path("integrations/", include("steward.integrations.urls")),
    path("inbox/", include("steward.notifications.urls")),
    path("approvals/", include("steward.approvals.urls")),
    path("servicedesk/", include("steward.servicedesk.urls")),
    path("knowledge/", include("steward.knowledge.urls")),
    path("catalogue/", include("steward.catalogue.urls")),
    path("assets/", include("steward.assets.urls")),
    path("cmdb/", include("steward.cmdb.urls")),
    path("inventory/", include("steward.cmdb.discovery.endpoint")),
    path("changes/", include("steward.changes.urls")),
    path("strategy/", include("steward.strategy.urls")),
    path("portal/", include("steward.portal.urls")),
    path("", include("steward.portal.public_urls")),
]

handler403 = pages.forbidden
handler400 = pages.bad_request
handler404 = pages.not_found
