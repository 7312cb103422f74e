from django.urls import path

from steward.core.ui.views import ObjectDeleteView
from steward.integrations import views
from steward.integrations.models import WebhookSubscription

app_name = "integrations"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path(
        "imports/template/<str:resource>.<str:fmt>",
        views.import_template,
        name="import_template",
    ),
    path("webhooks/", views.WebhookList.as_view(), name="webhook_list"),
    path("webhooks/add/", views.webhook_add, name="webhook_add"),
    path("webhooks/<int:pk>/", views.WebhookDetail.as_view(), name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", views.WebhookEdit.as_view(), name="webhook_edit"),
    path(
        "webhooks/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=WebhookSubscription, url_prefix="integrations:webhook"),
        name="webhook_delete",
    ),
    path("webhooks/<int:pk>/ping/", views.webhook_ping, name="webhook_ping"),
    path("deliveries/<str:pk>/", views.delivery_detail, name="delivery_detail"),
    path("deliveries/<str:pk>/redeliver/", views.delivery_redeliver, name="delivery_redeliver"),
]
