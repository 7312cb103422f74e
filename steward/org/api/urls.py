from rest_framework.routers import SimpleRouter

from steward.org.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet)
router.register("locations", views.LocationViewSet)
router.register("cost-centres", views.CostCenterViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("people", views.PersonViewSet)
router.register("teams", views.TeamViewSet)
urlpatterns = router.urls
