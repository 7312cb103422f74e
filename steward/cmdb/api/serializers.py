from __future__ import annotations

from typing import Any

from rest_framework import serializers

from steward.cmdb.models import (
    AttributeDefinition,
    CIClass,
    ConfigurationItem,
    RelationKind,
    Relationship,
)
from steward.core.api.serializers import JSONField, StrictSerializer
from steward.core.validation import MAX_ID

COMMON = ["custom_fields", "created_at", "updated_at"]


class ConfigurationItemSerializer(StrictSerializer):
    ci_class = serializers.ChoiceField(choices=CIClass.choices)
    attributes = JSONField(
        required=False,
        help_text="Class-specific attributes: the built-in ones of the class and those an "
        "administrator defined (see /api/cmdb/attribute-definitions/); unknown names are "
        "rejected.",
    )

    class Meta:
        model = ConfigurationItem
        fields = [
            "id",
            "name",
            "ci_class",
            "status",
            "criticality",
            "organisation",
            "asset",
            "serial_number",
            "hardware_uuid",
            "hostname",
            "fqdn",
            "description",
            "attributes",
            "owner_team",
            "owner",
            "source",
            "last_seen_at",
            *COMMON,
        ]
        read_only_fields = ["source", "last_seen_at"]


class RelationshipSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=RelationKind.choices)
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "source",
            "source_name",
            "kind",
            "target",
            "target_name",
            "note",
            "created_at",
        ]


class AttributeDefinitionSerializer(StrictSerializer):
    class Meta:
        model = AttributeDefinition
        fields = [
            "id",
            "ci_class",
            "name",
            "label",
            "type",
            "required",
            "choices",
            "help_text",
            "order",
            "created_at",
            "updated_at",
        ]


class ImpactQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    max_hops = serializers.IntegerField(min_value=0, max_value=25, required=False, default=10)
    direction = serializers.ChoiceField(
        choices=["impact", "dependencies"], required=False, default="impact"
    )


class ImpactNodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(max_value=MAX_ID)
    name = serializers.CharField()
    ci_class = serializers.CharField()
    status = serializers.CharField()
    criticality = serializers.IntegerField()
    hops = serializers.IntegerField()
    via = serializers.IntegerField(allow_null=True, help_text="Relationship reaching the node.")
    parent = serializers.IntegerField(allow_null=True, help_text="Item at the other end of via.")
    via_kind = serializers.CharField(allow_null=True)
    first_edge = serializers.IntegerField(
        allow_null=True, help_text="Relationship leaving the start on a shortest path."
    )


class ImpactPersonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class ImpactSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.IntegerField()
    direction = serializers.CharField()
    max_hops = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Items reached, the start excluded.")
    nodes = ImpactNodeSerializer(many=True, help_text="The start (hops 0) and every item reached.")
    services = ImpactNodeSerializer(many=True)
    people = ImpactPersonSerializer(many=True)

    @classmethod
    def of(cls, result: dict[str, Any]) -> dict[str, Any]:
        graph, nodes = result["graph"], result["nodes"]
        as_dicts = [vars(n) for n in nodes]
        service_ids = {n.id for n in graph.services}
        return {
            "start": graph.start,
            "direction": graph.direction,
            "max_hops": graph.max_hops,
            "count": sum(1 for n in nodes if n.hops > 0),
            "nodes": as_dicts,
            "services": [d for d in as_dicts if d["id"] in service_ids],
            "people": result["people"],
        }


class GraphNodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    ci_class = serializers.CharField()
    class_label = serializers.CharField()
    status = serializers.CharField()
    criticality = serializers.IntegerField()
    open_incidents = serializers.IntegerField()


class GraphEdgeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()


class GraphSerializer(serializers.Serializer):  # type: ignore[type-arg]
    root = serializers.IntegerField()
    truncated = serializers.BooleanField()
    nodes = GraphNodeSerializer(many=True)
    edges = GraphEdgeSerializer(many=True)
