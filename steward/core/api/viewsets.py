"""Base viewset: restricted queryset, writes through services, bulk create and update."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from steward.core import permissions, services
from steward.core.validation import is_id

MAX_BULK = 1000


class StewardViewSet(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Declare ``queryset``, ``serializer_class`` and ``filterset_class``; writes go through
    the generic services (override ``create_object`` etc. to call an app's own service)."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    list_select_related: tuple[str, ...] = ()
    list_prefetch_related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet[Any]:
        qs = super().get_queryset()
        if self.action != "list":  # a list joins its related rows after its filters
            qs = self.with_related(qs)
        return permissions.restrict(qs, self.request.user, "view")

    def with_related(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``list_select_related`` and ``list_prefetch_related`` applied to ``queryset``."""
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.list_prefetch_related:
            queryset = queryset.prefetch_related(*self.list_prefetch_related)
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """List filters narrow lists only. DRF also runs them on detail, update and delete,
        building a filter form per request for nothing; rows are already narrowed by
        ``restrict`` in ``get_queryset``. A list's related rows are joined after its
        filters: each filter clones the queryset, and Django deep-copies the tree of
        ``select_related`` at every clone (a third of a ticket page's cloning)."""
        if self.action != "list":
            return queryset
        return self.with_related(super().filter_queryset(queryset))

    # Adapters to services: the only write paths.
    def create_object(self, data: dict[str, Any]) -> Model:
        model = self.get_queryset().model
        return services.object_create(model=model, data=data, actor=self.request.user)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        return services.object_update(obj=obj, data=data, actor=self.request.user)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert serializer.instance is not None
        serializer.instance = self.update_object(
            serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Model) -> None:
        services.object_delete(obj=instance, actor=self.request.user)

    @extend_schema(request=None, responses=None, summary="Create or update many objects at once")
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request: Request) -> Response:
        """A list of objects; those with an ``id`` are updated, the others created. All or
        nothing: any error rolls back every row and answers 400 with errors keyed by index."""
        rows = request.data
        if not isinstance(rows, list) or not rows:
            raise exceptions.ValidationError({"non_field_errors": [_("Send a non-empty list.")]})
        if len(rows) > MAX_BULK:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("At most %(n)s rows per request.") % {"n": MAX_BULK}]}
            )
        errors: dict[str, Any] = {}
        results = []
        with transaction.atomic():
            for index, row in enumerate(rows):
                if not isinstance(row, dict):
                    errors[str(index)] = {"non_field_errors": [_("Expected a JSON object.")]}
                    continue
                pk = row.get("id")
                instance = None
                if pk is not None:
                    instance = self.get_queryset().filter(pk=pk).first() if is_id(pk) else None
                    if instance is None:
                        errors[str(index)] = {"id": [_("No such object.")]}
                        continue
                data = {k: v for k, v in row.items() if k != "id"}
                serializer = self.get_serializer(instance, data=data, partial=instance is not None)
                if not serializer.is_valid():
                    errors[str(index)] = serializer.errors
                    continue
                try:
                    if instance is None:
                        obj = self.create_object(dict(serializer.validated_data))
                    else:
                        obj = self.update_object(instance, dict(serializer.validated_data))
                except exceptions.APIException:
                    raise
                except Exception as exc:
                    from django.core.exceptions import PermissionDenied, ValidationError

                    if isinstance(exc, ValidationError):
                        errors[str(index)] = getattr(
                            exc, "message_dict", {"non_field_errors": exc.messages}
                        )
                        continue
                    if isinstance(exc, PermissionDenied):
                        raise exceptions.PermissionDenied(str(exc)) from exc
                    raise
                results.append(self.get_serializer(obj).data)
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise exceptions.ValidationError(errors)
        return Response(results, status=status.HTTP_200_OK)
