from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.catalogue import filtersets, services
from steward.catalogue.api import serializers
from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FulfilmentTask,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core.api.viewsets import StewardViewSet
from steward.core.validation import is_id
from steward.org import selectors as org_selectors

READ_ONLY = ["get", "head", "options"]


def _visible(viewset: StewardViewSet, pk: Any) -> Any:
    """The row among those the user may view (404 otherwise). The extra actions check their
    own permission in the service, not the generic "add" a POST would imply."""
    found = viewset.get_queryset().filter(pk=pk).first() if is_id(pk) else None
    if found is None:
        raise exceptions.NotFound()
    return found


def _api_error(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class CatalogueCategoryViewSet(StewardViewSet):
    queryset = CatalogueCategory.objects.all()
    serializer_class = serializers.CatalogueCategorySerializer
    filterset_class = filtersets.CatalogueCategoryFilterSet
    ordering_fields = ["order", "name"]


class CatalogueItemViewSet(StewardViewSet):
    queryset = CatalogueItem.objects.all()
    serializer_class = serializers.CatalogueItemSerializer
    filterset_class = filtersets.CatalogueItemFilterSet
    ordering_fields = ["order", "name", "created_at"]

    @property
    def required_action(self) -> str | None:
        return "view" if self.action == "request_item" else None

    @extend_schema(
        request=serializers.ItemRequestSerializer,
        responses={
            201: serializers.RequestedItemSerializer,
            400: OpenApiResponse(description="Per-field errors of the answers."),
        },
        summary="Request this item",
    )
    @action(detail=True, methods=["post"], url_path="request")
    def request_item(self, request: Request, pk: str | None = None) -> Response:
        """File a request of this item with the form's answers (keyed by field name). Answers
        ``ticket_reference`` of the service-desk ticket it opened."""
        item = _visible(self, pk)
        payload = serializers.ItemRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        requested_for = None
        if payload.validated_data.get("requested_for"):
            requested_for = (
                org_selectors.person_list(user=request.user)
                .filter(pk=payload.validated_data["requested_for"])
                .first()
            )
            if requested_for is None:
                raise exceptions.ValidationError({"requested_for": ["No such person."]})
        try:
            requested = services.item_request(
                item=item,
                requester=org_selectors.person_for_user(request.user),
                requested_for=requested_for,
                answers=payload.validated_data.get("answers") or {},
                actor=request.user,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise _api_error(exc) from None
        data = serializers.RequestedItemSerializer(requested, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ItemFieldViewSet(StewardViewSet):
    queryset = ItemField.objects.all()
    serializer_class = serializers.ItemFieldSerializer
    filterset_class = filtersets.ItemFieldFilterSet
    ordering_fields = ["order", "name"]


class FulfilmentTaskTemplateViewSet(StewardViewSet):
    queryset = FulfilmentTaskTemplate.objects.all()
    serializer_class = serializers.FulfilmentTaskTemplateSerializer
    filterset_class = filtersets.FulfilmentTaskTemplateFilterSet
    ordering_fields = ["step", "title"]


class RequestedItemViewSet(StewardViewSet):
    """Requests are filed through ``items/{id}/request/``; here they are read."""

    http_method_names = READ_ONLY
    queryset = RequestedItem.objects.all()
    serializer_class = serializers.RequestedItemSerializer
    filterset_class = filtersets.RequestedItemFilterSet
    list_select_related = ("ticket",)
    ordering_fields = ["created_at"]


class FulfilmentTaskViewSet(StewardViewSet):
    """Tasks are created by requests and change through ``complete`` and ``skip``."""

    http_method_names = [*READ_ONLY, "post"]
    queryset = FulfilmentTask.objects.all()
    serializer_class = serializers.FulfilmentTaskSerializer
    filterset_class = filtersets.FulfilmentTaskFilterSet
    ordering_fields = ["step", "opened_at", "done_at"]

    @property
    def required_action(self) -> str | None:
        return "change" if self.action in ("complete", "skip") else None

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.MethodNotAllowed("POST")

    def _finish(self, request: Request, service: Any, pk: Any) -> Response:
        task = _visible(self, pk)
        payload = serializers.TaskCompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            task = service(task=task, actor=request.user, notes=payload.validated_data["notes"])
        except (ValidationError, PermissionDenied) as exc:
            raise _api_error(exc) from None
        return Response(serializers.FulfilmentTaskSerializer(task).data)

    @extend_schema(
        request=serializers.TaskCompleteSerializer,
        responses={
            200: serializers.FulfilmentTaskSerializer,
            400: OpenApiResponse(description="The task is not open."),
        },
        summary="Mark this task done",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._finish(request, services.fulfilment_task_complete, pk)

    @extend_schema(
        request=serializers.TaskCompleteSerializer,
        responses={
            200: serializers.FulfilmentTaskSerializer,
            400: OpenApiResponse(description="No reason given, or the task is not open."),
        },
        summary="Skip this task (a reason in notes is required)",
    )
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: str | None = None) -> Response:
        return self._finish(request, services.fulfilment_task_skip, pk)
