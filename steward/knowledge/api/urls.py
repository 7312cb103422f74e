from rest_framework.routers import SimpleRouter

from steward.knowledge.api import views

router = SimpleRouter()
router.register("categories", views.ArticleCategoryViewSet)
router.register("articles", views.ArticleViewSet)
router.register("versions", views.ArticleVersionViewSet)
router.register("feedback", views.ArticleFeedbackViewSet)
router.register("ticket-links", views.ArticleTicketLinkViewSet)
urlpatterns = router.urls
