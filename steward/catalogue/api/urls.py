from rest_framework.routers import SimpleRouter

from steward.catalogue.api import views

router = SimpleRouter()
router.register("categories", views.CatalogueCategoryViewSet)
router.register("items", views.CatalogueItemViewSet)
router.register("fields", views.ItemFieldViewSet)
router.register("task-templates", views.FulfilmentTaskTemplateViewSet)
router.register("requests", views.RequestedItemViewSet)
router.register("tasks", views.FulfilmentTaskViewSet)
urlpatterns = router.urls
