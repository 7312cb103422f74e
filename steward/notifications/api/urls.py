from django.urls import path
from rest_framework.routers import SimpleRouter

from steward.notifications.api import views

router = SimpleRouter()
router.register("inbound-messages", views.InboundMessageViewSet)
router.register("", views.NotificationViewSet, basename="notification")
urlpatterns = [
    path("preferences/", views.PreferenceView.as_view(), name="api-notification-preferences"),
    *router.urls,
]
