from __future__ import annotations

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from steward.cmdb import filtersets, selectors, services
from steward.cmdb.api import serializers as s
from steward.cmdb.models import AttributeDefinition, ConfigurationItem, Relationship
from steward.core.api.viewsets import StewardViewSet


class ConfigurationItemViewSet(StewardViewSet):
    """Configuration items. ``impact`` answers what breaks if the item goes down (or, with
    ``direction=dependencies``, everything it needs); ``graph`` gives the item and its direct
    neighbours as the service map draws them."""

    queryset = ConfigurationItem.objects.all()
    serializer_class = s.ConfigurationItemSerializer
    filterset_class = filtersets.ConfigurationItemFilterSet
    ordering_fields = ["name", "ci_class", "status", "criticality", "created_at"]

    def create_object(self, data: dict[str, Any]) -> ConfigurationItem:
        return services.ci_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> ConfigurationItem:
        return services.ci_update(ci=obj, data=data, actor=self.request.user)

    def perform_destroy(self, instance: Model) -> None:
        assert isinstance(instance, ConfigurationItem)
        services.ci_delete(ci=instance, actor=self.request.user)

    def _ci(self, pk: str | None) -> ConfigurationItem:
        ci: ConfigurationItem = get_object_or_404(self.get_queryset(), pk=pk)
        return ci

    @extend_schema(
        parameters=[
            OpenApiParameter("max_hops", int, description="0 to 25; 10 when left out"),
            OpenApiParameter(
                "direction",
                str,
                enum=["impact", "dependencies"],
                description="impact: what breaks if this item goes down (default); "
                "dependencies: everything this item needs",
            ),
        ],
        request=None,
        responses={200: s.ImpactSerializer},
        summary="Impact analysis: items, services and people affected within N hops",
        description="Computed in the database with one recursive query. Each item comes "
        "with its distance (hops), the relationship that reached it on a shortest path "
        "(via) and the relationship leaving the start on that path (first_edge).",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def impact(self, request: Request, pk: str | None = None) -> Response:
        ci = self._ci(pk)
        query = s.ImpactQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = selectors.ci_impact(user=request.user, ci=ci, **query.validated_data)
        return Response(s.ImpactSerializer(s.ImpactSerializer.of(result)).data)

    @extend_schema(
        request=None,
        responses={200: s.GraphSerializer},
        summary="The item and its direct neighbours, for the service map",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def graph(self, request: Request, pk: str | None = None) -> Response:
        ci = self._ci(pk)
        return Response(s.GraphSerializer(selectors.neighbourhood(user=request.user, ci=ci)).data)


class RelationshipViewSet(StewardViewSet):
    """Typed, directed relationships ``source kind target``. Which classes each kind may
    join is listed in the user guide; other pairs, self-loops and duplicates answer 400.
    A relationship is created or deleted, never changed."""

    http_method_names = ["get", "post", "delete", "head", "options"]
    queryset = Relationship.objects.all()
    serializer_class = s.RelationshipSerializer
    filterset_class = filtersets.RelationshipFilterSet
    list_select_related = ("source", "target")
    ordering_fields = ["created_at", "kind"]

    def create_object(self, data: dict[str, Any]) -> Relationship:
        return services.relationship_create(actor=self.request.user, **data)

    def perform_destroy(self, instance: Model) -> None:
        assert isinstance(instance, Relationship)
        services.relationship_delete(relationship=instance, actor=self.request.user)


class AttributeDefinitionViewSet(StewardViewSet):
    """Attributes administrators add to a class of item, beyond the built-in ones."""

    queryset = AttributeDefinition.objects.all()
    serializer_class = s.AttributeDefinitionSerializer
    filterset_class = filtersets.AttributeDefinitionFilterSet
    ordering_fields = ["ci_class", "order", "name"]
