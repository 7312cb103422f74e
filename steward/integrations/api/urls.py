from rest_framework.routers import SimpleRouter

from steward.integrations.api import views

router = SimpleRouter()
router.register("imports", views.ImportBatchViewSet)
router.register("webhooks", views.WebhookSubscriptionViewSet)
router.register("webhook-deliveries", views.WebhookDeliveryViewSet)
urlpatterns = router.urls
