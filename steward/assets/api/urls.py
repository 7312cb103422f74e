from rest_framework.routers import SimpleRouter

from steward.assets.api import views

router = SimpleRouter()
router.register("assets", views.AssetViewSet)
router.register("assignments", views.AssetAssignmentViewSet)
router.register("hardware-models", views.HardwareModelViewSet)
router.register("manufacturers", views.ManufacturerViewSet)
router.register("contracts", views.ContractViewSet)
urlpatterns = router.urls
