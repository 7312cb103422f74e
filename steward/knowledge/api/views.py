"""The knowledge base API. Lifecycle, feedback and ticket actions are thin adapters to
``services``; reads go through ``selectors`` (``readable_articles``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core import permissions
from steward.core import services as core_services
from steward.core.api.viewsets import StewardViewSet
from steward.core.validation import is_id
from steward.knowledge import filtersets, selectors, services
from steward.knowledge.api import serializers as s
from steward.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
)

SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, required=True, description="What to look for."),
    OpenApiParameter("limit", int, required=False, description="At most this many (1-50)."),
]


class ArticleCategoryViewSet(StewardViewSet):
    queryset = ArticleCategory.objects.all()
    serializer_class = s.ArticleCategorySerializer
    filterset_class = filtersets.ArticleCategoryFilterSet
    list_select_related = ("parent",)
    ordering_fields = ["name", "order"]


class ArticleViewSet(StewardViewSet):
    """Articles you may read. Writers (agents, IT managers) create and edit drafts; every
    change of title, summary or body is kept as a version."""

    queryset = Article.objects.all()
    serializer_class = s.ArticleSerializer
    filterset_class = filtersets.ArticleFilterSet
    list_select_related = ("category",)
    ordering_fields = ["title", "published_at", "created_at", "updated_at", "view_count"]

    # Actions any reader may call; the service decides (403) once the article is visible.
    READER_ACTIONS = frozenset(
        {"feedback", "search", "suggest", "submit", "publish", "send_back", "retire", "reopen",
         "restore", "link_ticket"}
    )  # fmt: skip

    @property
    def required_action(self) -> str | None:
        return "view" if self.action in self.READER_ACTIONS else None

    def create_object(self, data: dict[str, Any]) -> Model:
        return services.article_create(actor=self.request.user, data=data)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        assert isinstance(obj, Article)
        return services.article_update(article=obj, actor=self.request.user, data=data)

    def get_object(self) -> Any:
        """The actions' object checks are the services' (a reader may vote on a published
        article, a reviewer publish it); DRF's method-based object check would ask for
        ``add`` on every POST."""
        if self.action not in self.READER_ACTIONS:
            return super().get_object()
        article = (
            self.get_queryset().filter(pk=self.kwargs["pk"]).first()
            if is_id(self.kwargs.get("pk"))
            else None
        )
        if article is None:
            raise NotFound()
        return article

    def _answer(self, article: Article) -> Response:
        fresh = self.get_queryset().get(pk=article.pk)
        return Response(s.ArticleSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft for review."""
        article = services.article_submit_for_review(article=self.get_object(), actor=request.user)
        return self._answer(article)

    @extend_schema(request=None, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish an article in review (IT managers or its reviewer; not its submitter)."""
        article = services.article_publish(article=self.get_object(), actor=request.user)
        return self._answer(article)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        """Return an article in review to draft, with a comment for its author."""
        body = s.ReturnSerializer(data=request.data or {})
        body.is_valid(raise_exception=True)
        article = services.article_return_to_draft(
            article=self.get_object(),
            actor=request.user,
            comment=body.validated_data.get("comment", ""),
        )
        return self._answer(article)

    @extend_schema(request=None, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        """Take an article out of use (it stays readable to staff)."""
        article = services.article_retire(article=self.get_object(), actor=request.user)
        return self._answer(article)

    @extend_schema(request=None, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Make a retired article a draft again."""
        article = services.article_reopen(article=self.get_object(), actor=request.user)
        return self._answer(article)

    @extend_schema(request=s.RestoreSerializer, responses={200: s.ArticleSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Make an old version's text current again (as a new version)."""
        body = s.RestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article = services.article_restore_version(
            article=self.get_object(), actor=request.user, number=body.validated_data["number"]
        )
        return self._answer(article)

    @extend_schema(request=s.FeedbackSerializer, responses={200: s.ArticleFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str | None = None) -> Response:
        """Was this helpful? One vote per user; voting again replaces the vote."""
        body = s.FeedbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vote = services.feedback_record(
            article=self.get_object(),
            user=request.user,
            helpful=body.validated_data["helpful"],
            comment=body.validated_data.get("comment", ""),
        )
        return Response(s.ArticleFeedbackSerializer(vote).data)

    @extend_schema(request=s.TicketRefSerializer, responses={200: s.ArticleTicketLinkSerializer})
    @action(detail=True, methods=["post"], url_path="link-ticket")
    def link_ticket(self, request: Request, pk: str | None = None) -> Response:
        """Record that this article helped with a ticket."""
        body = s.TicketRefSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = services.article_link_ticket(
            article=self.get_object(), ticket_id=body.validated_data["ticket"], actor=request.user
        )
        return Response(s.ArticleTicketLinkSerializer(link).data)

    @extend_schema(request=s.TicketRefSerializer, responses={201: s.ArticleSerializer})
    @action(detail=False, methods=["post"], url_path="draft-from-ticket")
    def draft_from_ticket(self, request: Request) -> Response:
        """Turn a resolved ticket into a draft article linked to it."""
        body = s.TicketRefSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article = services.article_draft_from_ticket(
            ticket_id=body.validated_data["ticket"], actor=request.user
        )
        data = s.ArticleSerializer(article, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _hits(self, request: Request, *, suggest: bool) -> Response:
        query = s.SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text, limit = query.validated_data["q"], query.validated_data.get("limit")
        if suggest:
            hits = selectors.article_suggest(request.user, text, limit or 5)
        else:
            hits = selectors.article_search(request.user, text, limit or 20)
        return Response(s.ArticleSearchHitSerializer(hits, many=True).data)

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: s.ArticleSearchHitSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def search(self, request: Request) -> Response:
        """Full-text search, best match first (title beats keywords beats body)."""
        return self._hits(request, suggest=False)

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={200: s.ArticleSearchHitSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def suggest(self, request: Request) -> Response:
        """Published articles for text being typed (the portal's suggestions)."""
        return self._hits(request, suggest=True)


class _RestrictedReadViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    list_select_related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet[Any]:
        qs = super().get_queryset().select_related(*self.list_select_related)
        return permissions.restrict(qs, self.request.user, "view")


class _DeleteThroughServices(mixins.DestroyModelMixin):
    def perform_destroy(self, instance: Model) -> None:
        core_services.object_delete(obj=instance, actor=self.request.user)  # type: ignore[attr-defined]


class ArticleVersionViewSet(_RestrictedReadViewSet):
    """Every saved version of every article (staff)."""

    queryset = ArticleVersion.objects.all()
    serializer_class = s.ArticleVersionSerializer
    filterset_class = filtersets.ArticleVersionFilterSet
    ordering_fields = ["number", "created_at"]


class ArticleFeedbackViewSet(_DeleteThroughServices, _RestrictedReadViewSet):
    """Readers' votes and comments (staff read; IT managers delete abuse)."""

    queryset = ArticleFeedback.objects.all()
    serializer_class = s.ArticleFeedbackSerializer
    filterset_class = filtersets.ArticleFeedbackFilterSet
    ordering_fields = ["created_at"]


class ArticleTicketLinkViewSet(_DeleteThroughServices, _RestrictedReadViewSet):
    """Which articles helped with which tickets (staff read; writers unlink)."""

    queryset = ArticleTicketLink.objects.all()
    serializer_class = s.ArticleTicketLinkSerializer
    filterset_class = filtersets.ArticleTicketLinkFilterSet
    ordering_fields = ["created_at"]
