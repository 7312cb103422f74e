from rest_framework.routers import SimpleRouter

from steward.assets.api import procurement, software, views

router = SimpleRouter()
router.register("assets", views.AssetViewSet)
router.register("assignments", views.AssetAssignmentViewSet)
router.register("hardware-models", views.HardwareModelViewSet)
router.register("manufacturers", views.ManufacturerViewSet)
router.register("contracts", views.ContractViewSet)
for prefix, viewset in software.ROUTES:
    router.register(prefix, viewset)
for prefix, viewset in procurement.ROUTES:
    router.register(prefix, viewset)
urlpatterns = router.urls
urlpatterns += procurement.URLS
