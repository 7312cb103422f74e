from rest_framework.routers import SimpleRouter

from steward.cmdb.api import views

router = SimpleRouter()
router.register("configuration-items", views.ConfigurationItemViewSet)
router.register("relationships", views.RelationshipViewSet)
router.register("attribute-definitions", views.AttributeDefinitionViewSet)

urlpatterns = router.urls
