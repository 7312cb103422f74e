from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.strategy.models import (
    BackupReport,
    Exercise,
    ExerciseAction,
    GrowthHire,
    GrowthPlan,
    RecoveryPlan,
    RecoveryTarget,
)
from steward.strategy.models.scenarios import MAX_HIRES

COMMON = ["custom_fields", "created_at", "updated_at"]
Department: Any = GrowthHire._meta.get_field("department").related_model
MAX_DEPARTMENTS = 100


class GrowthHireSerializer(serializers.Serializer):  # type: ignore[type-arg]
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())
    count = serializers.IntegerField(min_value=1, max_value=MAX_HIRES)


class GrowthPlanSerializer(StrictSerializer):
    hires = GrowthHireSerializer(many=True, max_length=MAX_DEPARTMENTS)

    class Meta:
        model = GrowthPlan
        fields = [
            "id",
            "name",
            "target_date",
            "notes",
            "hires",
            "computed",
            "computed_at",
            "purchase_request",
            *COMMON,
        ]
        read_only_fields = ["computed", "computed_at", "purchase_request"]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        data["hires"] = [
            {"department": h.department_id, "count": h.count} for h in instance.hires.all()
        ]
        return data

    def validate_hires(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError(_("Hire at least one person."))
        return value


class RecoveryPlanSerializer(StrictSerializer):
    class Meta:
        model = RecoveryPlan
        fields = ["id", "name", "scenario", "owner", "description", *COMMON]


class RecoveryTargetSerializer(StrictSerializer):
    class Meta:
        model = RecoveryTarget
        fields = ["id", "plan", "service", "rto_minutes", "rpo_minutes", *COMMON]


class BackupReportSerializer(StrictSerializer):
    class Meta:
        model = BackupReport
        fields = [
            "id",
            "configuration_item",
            "job",
            "finished_at",
            "status",
            "size_bytes",
            "message",
            *COMMON,
        ]
        validators: list[Any] = []  # the (item, job, finished at) repeat is idempotent

    def validate_finished_at(self, value: Any) -> Any:
        import datetime

        from django.utils import timezone

        if value > timezone.now() + datetime.timedelta(days=1):
            raise serializers.ValidationError(_("A backup cannot finish in the future."))
        return value


class ExerciseSerializer(StrictSerializer):
    class Meta:
        model = Exercise
        fields = ["id", "name", "held_on", "plan", "participants", "summary", *COMMON]


class ExerciseActionSerializer(StrictSerializer):
    class Meta:
        model = ExerciseAction
        fields = ["id", "exercise", "finding", "action", "owner", "due", "done", *COMMON]


class RecoveryItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    ci_class = serializers.CharField()
    criticality = serializers.IntegerField()
    rpo_minutes = serializers.IntegerField(allow_null=True)
    last_success = serializers.DateTimeField(allow_null=True)
    last_report = serializers.DateTimeField(allow_null=True)
    age_minutes = serializers.IntegerField(allow_null=True)
    backup = serializers.ChoiceField(choices=["ok", "breach", "none"])
    needs = serializers.ListField(child=serializers.CharField())


class RecoveryStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    step = serializers.IntegerField()
    cycle = serializers.BooleanField()
    items = RecoveryItemSerializer(many=True)


class RecoveryTargetOutSerializer(serializers.Serializer):  # type: ignore[type-arg]
    service = serializers.IntegerField()
    name = serializers.CharField()
    rto_minutes = serializers.IntegerField()
    rpo_minutes = serializers.IntegerField()


class RecoveryOrderSerializer(serializers.Serializer):  # type: ignore[type-arg]
    computed_at = serializers.DateTimeField()
    breaches = serializers.IntegerField()
    targets = RecoveryTargetOutSerializer(many=True)
    steps = RecoveryStepSerializer(many=True)
