from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalStage, Delegation
from steward.core.api.serializers import StrictSerializer


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ApprovalDecision
        fields = ["id", "approver", "on_behalf_of", "decision", "comment", "via", "created_at"]
        read_only_fields = fields


class StageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalStage
        fields = [
            "id",
            "position",
            "name",
            "kind",
            "team_id",
            "required",
            "approvers",
            "status",
            "opened_at",
            "decided_at",
            "timeout",
            "escalate_to",
            "escalate_at",
            "escalated_at",
            "decisions",
        ]
        read_only_fields = fields


class ApprovalRequestSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    content_type = serializers.SerializerMethodField()
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = [
            "id",
            "title",
            "content_type",
            "object_id",
            "requester",
            "status",
            "created_at",
            "decided_at",
            "stages",
        ]
        read_only_fields = fields

    def get_content_type(self, obj: ApprovalRequest) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class DecideSerializer(serializers.Serializer):  # type: ignore[type-arg]
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - {"comment"})
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown or read-only field.")] for name in unknown}
            )
        return super().to_internal_value(data)


class DelegationSerializer(StrictSerializer):
    class Meta:
        model = Delegation
        fields = ["id", "from_user", "to_user", "start", "end", "created_at"]
        read_only_fields = ["from_user", "created_at"]
