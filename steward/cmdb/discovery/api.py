"""API of discovery under /api/cmdb/: the quarantine and review queue (read, resolve,
discard), inventory tokens (the secret answered once on create, revoke) and agents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from steward.cmdb.discovery import services
from steward.cmdb.models import (
    ConfigurationItem,
    DiscoveryAgent,
    InventorySubmission,
    InventoryToken,
)
from steward.core import permissions


class SubmissionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InventorySubmission
        fields = [
            "id",
            "received_at",
            "status",
            "reason_code",
            "reason",
            "deviceid",
            "user_agent",
            "remote_addr",
            "content_type",
            "token",
            "raw_size",
            "truncated",
            "candidates",
            "configuration_item",
            "resolved_at",
            "resolved_by",
            "result",
        ]
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(choices=["reprocess", "link", "create"])
    item = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


class InventoryTokenSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InventoryToken
        fields = [
            "id",
            "name",
            "prefix",
            "organisation",
            "location",
            "deviceid",
            "auto_create",
            "is_active",
            "last_used_at",
        ]
        read_only_fields = ["id", "prefix", "is_active", "last_used_at"]


class AgentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = DiscoveryAgent
        fields = [
            "id",
            "deviceid",
            "configuration_item",
            "user_agent",
            "remote_addr",
            "last_prolog_at",
            "last_inventory_at",
            "last_boot_at",
            "inventories",
            "facts",
        ]
        read_only_fields = fields


class _Restricted(viewsets.GenericViewSet):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user, "view")

    def changeable(self, pk: Any) -> Any:
        qs = permissions.restrict(self.queryset.model.objects.all(), self.request.user, "change")
        found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise Http404
        return found


class SubmissionViewSet(_Restricted, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = InventorySubmission.objects.defer("raw")
    serializer_class = SubmissionSerializer
    required_action = "view"

    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: Any = None) -> Response:
        """Re-process, link to ``item`` or create a new item."""
        submission = self.changeable(pk)
        body = ResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = None
        if body.validated_data["action"] == "link":
            allowed = permissions.restrict(ConfigurationItem.objects.all(), request.user, "change")
            item = allowed.filter(pk=body.validated_data.get("item") or 0).first()
            if item is None:
                return Response({"item": ["Choose an item you may change."]}, status=400)
        try:
            done = services.submission_resolve(
                submission=submission,
                actor=request.user,
                item=item,
                create=body.validated_data["action"] == "create",
            )
        except ValidationError as exc:
            return Response({"non_field_errors": exc.messages}, status=400)
        return Response(SubmissionSerializer(done).data)

    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: Any = None) -> Response:
        done = services.submission_discard(submission=self.changeable(pk), actor=request.user)
        return Response(SubmissionSerializer(done).data)


class TokenViewSet(
    _Restricted, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    queryset = InventoryToken.objects.all()
    serializer_class = InventoryTokenSerializer

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The secret is in this answer only."""
        body = InventoryTokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, secret = services.token_create(data=dict(body.validated_data), actor=request.user)
        return Response({**InventoryTokenSerializer(token).data, "secret": secret}, status=201)

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        token = services.token_revoke(token=self.changeable(pk), actor=request.user)
        return Response(InventoryTokenSerializer(token).data, status=status.HTTP_200_OK)


class AgentViewSet(_Restricted, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    queryset = DiscoveryAgent.objects.select_related("configuration_item")
    serializer_class = AgentSerializer


router = SimpleRouter()
router.register("inventory-submissions", SubmissionViewSet)
router.register("inventory-tokens", TokenViewSet)
router.register("discovery-agents", AgentViewSet)
urlpatterns = [path("", include(router.urls))]
