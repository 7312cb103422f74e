from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.catalogue.models import (
    CatalogueCategory,
    CatalogueItem,
    FulfilmentTask,
    FulfilmentTaskTemplate,
    ItemField,
    RequestedItem,
)
from steward.core.api.serializers import StrictSerializer

COMMON = ["custom_fields", "created_at", "updated_at"]


class CatalogueCategorySerializer(StrictSerializer):
    class Meta:
        model = CatalogueCategory
        fields = ["id", "name", "description", "icon", "order", "is_active", *COMMON]


class CatalogueItemSerializer(StrictSerializer):
    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "name",
            "slug",
            "short_description",
            "description",
            "category",
            "icon",
            "audience",
            "is_active",
            "fulfilment_mode",
            "delivery_days",
            "price",
            "approval_stages",
            "default_team",
            "servicedesk_category",
            "order",
            *COMMON,
        ]
        internal_fields = ("approval_stages", "default_team", "servicedesk_category")


class ItemFieldSerializer(StrictSerializer):
    class Meta:
        model = ItemField
        fields = [
            "id",
            "item",
            "name",
            "label",
            "type",
            "required",
            "choices",
            "help_text",
            "order",
            "min_value",
            "max_value",
            *COMMON,
        ]


class FulfilmentTaskTemplateSerializer(StrictSerializer):
    class Meta:
        model = FulfilmentTaskTemplate
        fields = ["id", "item", "step", "title", "team", "instructions", *COMMON]


class RequestedItemSerializer(StrictSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)

    class Meta:
        model = RequestedItem
        fields = [
            "id",
            "ticket",
            "ticket_reference",
            "item",
            "requested_by",
            "requested_for",
            "answers",
            "state",
            "approval_request_id",
            "fulfilled_at",
            *COMMON,
        ]
        read_only_fields = fields


class FulfilmentTaskSerializer(StrictSerializer):
    class Meta:
        model = FulfilmentTask
        fields = [
            "id",
            "requested_item",
            "template",
            "step",
            "title",
            "instructions",
            "team",
            "assignee",
            "status",
            "opened_at",
            "done_at",
            "notes",
            *COMMON,
        ]
        read_only_fields = fields


class ItemRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answers = serializers.DictField(required=False, default=dict)
    requested_for = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**53
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({k: [_("Unknown field.")] for k in unknown})
        return super().to_internal_value(data)


class TaskCompleteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
