from rest_framework.routers import SimpleRouter

from steward.servicedesk.api import views
from steward.servicedesk.api.sla import urlpatterns as sla_api_urls
from steward.servicedesk.reports.api_urls import urlpatterns as report_api_urls

router = SimpleRouter()
# tickets-core area
router.register("tickets", views.TicketViewSet)
router.register("ticket-entries", views.TicketEntryViewSet)
router.register("ticket-links", views.TicketLinkViewSet)
router.register("time-entries", views.TimeEntryViewSet)
router.register("categories", views.CategoryViewSet)
router.register("services", views.ServiceViewSet)
router.register("priority-rules", views.PriorityRuleViewSet)
router.register("routing-rules", views.RoutingRuleViewSet)
router.register("team-settings", views.TeamSettingViewSet)
router.register("organisation-settings", views.OrganisationSettingViewSet)
router.register("canned-responses", views.CannedResponseViewSet)
router.register("saved-queues", views.SavedQueueViewSet)
router.register("survey-responses", views.SurveyResponseViewSet)
urlpatterns = router.urls
urlpatterns += report_api_urls  # /api/servicedesk/reports/<name>/ (reports area)
urlpatterns += sla_api_urls  # calendars, policies, clocks (sla area)
