from django.urls import path

from steward.core.ui.routes import crud
from steward.core.ui.views import ObjectDeleteView
from steward.knowledge import forms, record_views, views
from steward.knowledge.models import Article, ArticleFeedback, ArticleTicketLink

app_name = "knowledge"
urlpatterns = [
    path("articles/", views.ArticleList.as_view(), name="article_list"),
    path("articles/add/", views.ArticleEdit.as_view(), name="article_add"),
    path("articles/<int:pk>/", views.article_by_pk, name="article_detail"),
    path("articles/<int:pk>/edit/", views.ArticleEdit.as_view(), name="article_edit"),
    path(
        "articles/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=Article, url_prefix="knowledge:article"),
        name="article_delete",
    ),
    path("articles/<int:pk>/versions/", views.article_versions, name="article_versions"),
    path("articles/<int:pk>/feedback/", views.article_feedback, name="article_feedback"),
    path("articles/<int:pk>/link-ticket/", views.article_link_ticket, name="article_link_ticket"),
    path("articles/<int:pk>/<slug:verb>/", views.article_action, name="article_action"),
    path("from-ticket/<int:ticket_id>/", views.draft_from_ticket, name="article_draft_from_ticket"),
    path("tickets/<int:ticket_id>/", views.ticket_panel, name="ticket_panel"),
    path("articles/<slug:slug>/", views.article_read, name="article_read"),
    path("review/", views.review_queue, name="review_queue"),
    path("suggest/", views.suggest, name="suggest"),
    path("preview/", views.preview, name="preview"),
    *crud(
        "categories",
        "articlecategory",
        list_view=record_views.CategoryList,
        detail_view=record_views.CategoryDetail,
        form_class=forms.ArticleCategoryForm,
    ),
    path("versions/", record_views.VersionList.as_view(), name="articleversion_list"),
    path("versions/<int:pk>/", record_views.VersionDetail.as_view(), name="articleversion_detail"),
    path("feedback/", record_views.FeedbackList.as_view(), name="articlefeedback_list"),
    path(
        "feedback/<int:pk>/", record_views.FeedbackDetail.as_view(), name="articlefeedback_detail"
    ),
    path(
        "feedback/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=ArticleFeedback, url_prefix="knowledge:articlefeedback"),
        name="articlefeedback_delete",
    ),
    path("ticket-links/", record_views.TicketLinkList.as_view(), name="articleticketlink_list"),
    path(
        "ticket-links/<int:pk>/",
        record_views.TicketLinkDetail.as_view(),
        name="articleticketlink_detail",
    ),
    path(
        "ticket-links/<int:pk>/delete/",
        ObjectDeleteView.as_view(model=ArticleTicketLink, url_prefix="knowledge:articleticketlink"),
        name="articleticketlink_delete",
    ),
]
