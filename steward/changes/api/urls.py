from rest_framework.routers import SimpleRouter

from steward.changes.api import views

router = SimpleRouter()
router.register("change-requests", views.ChangeRequestViewSet)
router.register("templates", views.ChangeTemplateViewSet)
router.register("windows", views.ChangeWindowViewSet)
router.register("problems", views.ProblemViewSet)

urlpatterns = router.urls
