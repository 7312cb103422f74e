"""API of imports and webhooks: thin adapters to ``services`` and ``webhooks``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core import permissions
from steward.core.api.viewsets import StewardViewSet
from steward.integrations import services, webhooks
from steward.integrations.api import serializers as s
from steward.integrations.models import ImportBatch, WebhookDelivery, WebhookSubscription
from steward.integrations.readers import XLSX_MEDIA_TYPE

ResourceSerializer = inline_serializer(
    "ImportResource",
    many=True,
    fields={
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "columns": serializers.ListField(child=serializers.CharField()),
        "key": serializers.ListField(child=serializers.CharField()),
    },
)


class ImportBatchViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Upload a CSV or XLSX file (multipart) to check it; then ``apply`` it."""

    queryset = ImportBatch.objects.select_related("preview_job", "apply_job")
    serializer_class = s.ImportBatchSerializer
    filterset_fields = ["status", "resource"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user)

    @extend_schema(request=s.ImportCreateSerializer, responses={202: s.ImportBatchSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.ImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        batch = services.import_batch_create(
            resource=form.validated_data["resource"],
            upload=form.validated_data["file"],
            actor=request.user,
            dry_run=form.validated_data["dry_run"],
            valid_rows_only=form.validated_data["valid_rows_only"],
        )
        return Response(self.get_serializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.ImportApplySerializer, responses={202: s.ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        form = s.ImportApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        batch = services.import_batch_apply(
            batch=self.get_object(),
            actor=request.user,
            valid_rows_only=form.validated_data["valid_rows_only"],
        )
        return Response(self.get_serializer(batch).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ResourceSerializer})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def resources(self, request: Request) -> Response:
        return Response(
            [
                {
                    "name": r.name,
                    "label": str(r.model._meta.verbose_name_plural),
                    "columns": [c.field for c in r.columns],
                    "key": list(r.key),
                }
                for r in services.import_resources_for(request.user)
            ]
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("resource", str, required=True),
            OpenApiParameter("file_format", str, enum=["csv", "xlsx"]),
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def template(self, request: Request) -> HttpResponse:
        fmt = request.query_params.get("file_format", "csv")
        if fmt not in {"csv", "xlsx"}:
            raise serializers.ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        resource = services.import_resource_get(
            name=request.query_params.get("resource", ""), user=request.user
        )
        return template_response(resource, fmt)


def template_response(resource: Any, fmt: str) -> HttpResponse:
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_MEDIA_TYPE
    response = HttpResponse(services.import_template(resource=resource, fmt=fmt), media)
    filename = resource.name.replace(".", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}-template.{fmt}"'
    return response


SecretSerializer = inline_serializer("WebhookSecret", fields={"secret": serializers.CharField()})


class WebhookSubscriptionViewSet(StewardViewSet):
    """Webhook subscriptions (administrators). The secret is in the create response only."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = s.WebhookSubscriptionSerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["name"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sub, secret = webhooks.webhook_create(
            data=dict(serializer.validated_data), actor=request.user
        )
        return Response(
            {**self.get_serializer(sub).data, "secret": secret}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def ping(self, request: Request, pk: str | None = None) -> Response:
        delivery = webhooks.webhook_ping(subscription=self.get_object(), actor=request.user)
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: SecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        secret = webhooks.webhook_rotate_secret(subscription=self.get_object(), actor=request.user)
        return Response({"secret": secret})


class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    queryset = WebhookDelivery.objects.select_related("subscription")
    serializer_class = s.WebhookDeliverySerializer
    filterset_fields = ["subscription", "status", "event"]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user)

    @extend_schema(request=None, responses={202: s.WebhookDeliverySerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def redeliver(self, request: Request, pk: str | None = None) -> Response:
        delivery = webhooks.delivery_redeliver(delivery=self.get_object(), actor=request.user)
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
