"""Platform API: audit log, jobs, own tokens, tags, custom field definitions, search."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.core import permissions, tokens
from steward.core.api.serializers import StrictSerializer
from steward.core.api.viewsets import StewardViewSet
from steward.core.filtersets import AuditEntryFilterSet
from steward.core.models import AuditEntry, CustomFieldDefinition, Job, Tag
from steward.core.search import search


class AuditEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    content_type = serializers.CharField(source="content_type.model", read_only=True)
    app_label = serializers.CharField(source="content_type.app_label", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "actor_name",
            "origin",
            "request_id",
            "remote_addr",
            "action",
            "app_label",
            "content_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "changed_fields",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = AuditEntry.objects.select_related("content_type")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    ordering_fields = ["timestamp", "id"]

    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user)


class JobSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "name",
            "handler",
            "status",
            "progress_done",
            "progress_total",
            "percent",
            "message",
            "log",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]


class JobViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = Job.objects.all()
    serializer_class = JobSerializer
    filterset_fields = ["status", "handler"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user)


class TagSerializer(StrictSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "color"]


class TagViewSet(StewardViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    filterset_fields = ["slug"]
    ordering_fields = ["name"]


class CustomFieldDefinitionSerializer(StrictSerializer):
    model = serializers.SerializerMethodField()

    class Meta:
        model = CustomFieldDefinition
        fields = [
            "id",
            "content_type",
            "model",
            "name",
            "label",
            "type",
            "required",
            "choices",
            "help_text",
            "order",
        ]

    def get_model(self, obj: CustomFieldDefinition) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class CustomFieldDefinitionViewSet(StewardViewSet):
    queryset = CustomFieldDefinition.objects.select_related("content_type")
    serializer_class = CustomFieldDefinitionSerializer
    filterset_fields = ["content_type", "name"]


TokenSerializer = inline_serializer("Token", fields={"token": serializers.CharField()})


class OwnTokenView(APIView):
    """Your own API token: POST creates (or replaces) it, DELETE revokes it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        return Response(
            {"token": tokens.token_rotate(user=request.user)}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        tokens.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


HitSerializer = inline_serializer(
    "SearchHit",
    many=True,
    fields={
        "kind": serializers.CharField(),
        "label": serializers.CharField(),
        "url": serializers.CharField(),
        "id": serializers.CharField(),
    },
)


class SearchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description=_("Words to find"))],
        responses={200: HitSerializer},
    )
    def get(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        if not q.strip() or len(q) > 200:
            raise serializers.ValidationError({"q": [_("Give 1 to 200 characters.")]})
        hits = search(user=request.user, query=q)
        return Response(
            [{"kind": h.kind, "label": h.label, "url": h.url, "id": str(h.obj.pk)} for h in hits]
        )
