from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.core.validation import MAX_ID
from steward.strategy import risk
from steward.strategy.models import Risk, RiskControl, RiskMatrix, TargetType

COMMON = ["custom_fields", "created_at", "updated_at"]


class Input(serializers.Serializer):  # type: ignore[type-arg]
    """An action's body: a JSON object of known fields only (like ``StrictSerializer``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({k: [_("Unknown field.")] for k in unknown})
        return super().to_internal_value(data)


class BandSerializer(serializers.Serializer):  # type: ignore[type-arg]
    min_score = serializers.IntegerField()
    level = serializers.CharField()
    colour = serializers.CharField()


class RiskMatrixSerializer(StrictSerializer):
    """Scales are lists of labels, lowest first; bands start at ``min_score`` (the first at
    1) and give a score its level and colour (``#rrggbb``)."""

    likelihood_labels = serializers.ListField(child=serializers.CharField(max_length=40))
    impact_labels = serializers.ListField(child=serializers.CharField(max_length=40))
    bands = serializers.ListField(child=serializers.DictField())

    class Meta:
        model = RiskMatrix
        fields = ["id", "name", "likelihood_labels", "impact_labels", "bands", *COMMON]


class ScoreSerializer(serializers.Serializer):  # type: ignore[type-arg]
    likelihood = serializers.IntegerField(allow_null=True)
    impact = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(allow_null=True)
    colour = serializers.CharField(allow_null=True)


class AssessmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    inherent = ScoreSerializer()
    residual = ScoreSerializer()
    target = ScoreSerializer()


@extend_schema_field(AssessmentSerializer)
class AssessmentField(serializers.Field):  # type: ignore[type-arg]
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value: Any) -> Any:
        return risk.assessment(value)


class RecentField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            read_only=True, help_text="Linked incidents opened in the last 90 days.", **kwargs
        )

    def get_attribute(self, instance: Any) -> Any:
        return getattr(instance, "recent_incidents", 0)


class RiskSerializer(StrictSerializer):
    reference = serializers.CharField(read_only=True)
    matrix = serializers.PrimaryKeyRelatedField(
        queryset=RiskMatrix.objects.all(),
        required=False,
        help_text="Default: the first matrix (5 x 5 unless reconfigured).",
    )
    assessment = AssessmentField()
    recent_incidents = RecentField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "status",
            "owner",
            "matrix",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
            "treatment",
            "treatment_plan",
            "target_likelihood",
            "target_impact",
            "review_interval_days",
            "next_review",
            "last_reviewed",
            "assessment",
            "recent_incidents",
            *COMMON,
        ]
        read_only_fields = ["last_reviewed"]


class TargetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.ChoiceField(choices=TargetType.choices)
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


@extend_schema_field(TargetSerializer(many=True))
class LinksField(serializers.Field):  # type: ignore[type-arg]
    """What the control protects: ``[{"type": "cmdb.ConfigurationItem" | "assets.Asset",
    "id": 12}]`` (business services are configuration items). Writing replaces the list."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return [{"type": lk.target_type, "id": lk.target_id} for lk in value.all()]

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            raise serializers.ValidationError(_("Expected a list."))
        for item in data:
            if (
                not isinstance(item, dict)
                or set(item) != {"type", "id"}
                or item["type"] not in TargetType.values
                or isinstance(item["id"], bool)
                or not isinstance(item["id"], int)
                or not 1 <= item["id"] <= MAX_ID
            ):
                raise serializers.ValidationError(
                    _("Each link is a type (%(types)s) and an id.")
                    % {"types": ", ".join(TargetType.values)}
                )
        return data


class RiskControlSerializer(StrictSerializer):
    links = LinksField()

    class Meta:
        model = RiskControl
        fields = [
            "id",
            "risk",
            "name",
            "control_type",
            "effectiveness",
            "owner",
            "description",
            "links",
            *COMMON,
        ]


class RiskIncidentLinkSerializer(Input):
    incidents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=200,
    )


class RiskLinkResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    linked = serializers.IntegerField(help_text="Incidents newly linked.")


class LinkedIncidentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="ticket.pk")
    reference = serializers.CharField(source="ticket.reference")
    title = serializers.CharField(source="ticket.title")
    status = serializers.CharField(source="ticket.status")
    created_at = serializers.DateTimeField(source="ticket.created_at")
    linked_at = serializers.DateTimeField()


class HeatMapQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    matrix = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    view = serializers.ChoiceField(choices=["inherent", "residual"], default="inherent")


class CellSerializer(serializers.Serializer):  # type: ignore[type-arg]
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    count = serializers.IntegerField()
    level = serializers.CharField()
    colour = serializers.CharField()


class HeatMapSerializer(serializers.Serializer):  # type: ignore[type-arg]
    matrix = serializers.IntegerField(source="matrix.pk")
    view = serializers.CharField()
    likelihood_labels = serializers.ListField(
        child=serializers.CharField(), source="matrix.likelihood_labels"
    )
    impact_labels = serializers.ListField(
        child=serializers.CharField(), source="matrix.impact_labels"
    )
    cells = serializers.SerializerMethodField()
    total = serializers.IntegerField()

    def get_cells(self, obj: Any) -> list[dict[str, Any]]:
        return [CellSerializer(c).data for _lk, _label, row in obj.rows for c in row]
