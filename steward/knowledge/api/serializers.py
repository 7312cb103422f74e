from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from steward.core import permissions
from steward.core.api.serializers import StrictSerializer
from steward.knowledge.models import (
    Article,
    ArticleCategory,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
)
from steward.knowledge.rendering import render_markdown

COMMON = ["custom_fields", "created_at", "updated_at"]


class ArticleCategorySerializer(StrictSerializer):
    class Meta:
        model = ArticleCategory
        fields = ["id", "name", "parent", "description", "order", *COMMON]


class ArticleSerializer(StrictSerializer):
    body_html = serializers.SerializerMethodField()
    category_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    slug = serializers.SlugField(max_length=220, required=False, allow_blank=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "body",
            "body_html",
            "category",
            "category_name",
            "status",
            "visibility",
            "keywords",
            "owner",
            "reviewer",
            "submitted_by",
            "version",
            "published_at",
            "helpful_count",
            "unhelpful_count",
            "view_count",
            "source_ticket",
            "url",
            *COMMON,
        ]
        read_only_fields = ["status", "source_ticket"]
        internal_fields = ("owner", "reviewer", "submitted_by", "source_ticket", "custom_fields")

    def to_representation(self, instance: Any) -> Any:
        """The internal fields are IT staff's: hidden from employees as well as customers
        (the source ticket is someone's request)."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not permissions.has_role(request.user, *permissions.STAFF):
            for name in self.Meta.internal_fields:
                data.pop(name, None)
        return data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_category_name(self, obj: Article) -> str | None:
        return obj.category.name if obj.category is not None else None

    def get_body_html(self, obj: Article) -> str:
        return str(render_markdown(obj.body))

    def get_url(self, obj: Article) -> str:
        return reverse("knowledge:article_read", kwargs={"slug": obj.slug})


class ArticleSearchHitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    visibility = serializers.CharField()
    score = serializers.FloatField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return reverse("knowledge:article_read", kwargs={"slug": obj.slug})


class ArticleVersionSerializer(StrictSerializer):
    class Meta:
        model = ArticleVersion
        fields = ["id", "article", "number", "title", "summary", "body", "author", "note",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class ArticleFeedbackSerializer(StrictSerializer):
    class Meta:
        model = ArticleFeedback
        fields = ["id", "article", "user", "helpful", "comment", "created_at", "updated_at"]
        read_only_fields = fields


class ArticleTicketLinkSerializer(StrictSerializer):
    class Meta:
        model = ArticleTicketLink
        fields = ["id", "article", "ticket", "linked_by", "created_at"]
        read_only_fields = fields


# Request bodies of the extra actions.
class RestoreSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class ReturnSerializer(serializers.Serializer):  # type: ignore[type-arg]
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FeedbackSerializer(serializers.Serializer):  # type: ignore[type-arg]
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class TicketRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    ticket = serializers.IntegerField(min_value=1, max_value=9_223_372_036_854_775_807)


class SearchQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(max_length=300, allow_blank=True)
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False)
