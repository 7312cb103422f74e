from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.notifications.models import InboundMessage, Notification


class NotificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class PreferenceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event = serializers.CharField(max_length=100)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - {"event", "in_app", "email"})
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown or read-only field.")] for name in unknown}
            )
        return super().to_internal_value(data)


class InboundMessageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = InboundMessage
        fields = [
            "id",
            "received_at",
            "status",
            "reason",
            "detail",
            "handler",
            "envelope_from",
            "envelope_to",
            "sender",
            "subject",
            "message_id",
            "size",
            "attempts",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields
