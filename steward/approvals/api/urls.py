from rest_framework.routers import SimpleRouter

from steward.approvals.api import views

router = SimpleRouter()
router.register("requests", views.ApprovalRequestViewSet)
router.register("delegations", views.DelegationViewSet)
urlpatterns = router.urls
