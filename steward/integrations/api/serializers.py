from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.integrations.models import ImportBatch, WebhookDelivery, WebhookSubscription


class ImportBatchSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    job = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "resource",
            "file_name",
            "format",
            "status",
            "valid_rows_only",
            "error",
            "summary",
            "job",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_job(self, obj: ImportBatch) -> dict[str, Any] | None:
        job = obj.apply_job or obj.preview_job
        if job is None:
            return None
        return {
            "id": str(job.pk),
            "status": job.status,
            "percent": job.percent,
            "progress_done": job.progress_done,
            "progress_total": job.progress_total,
            "message": job.message,
        }


class ImportCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    resource = serializers.CharField(max_length=100)
    file = serializers.FileField(allow_empty_file=True)
    dry_run = serializers.BooleanField(default=True, help_text=_("Only check; apply later."))
    valid_rows_only = serializers.BooleanField(default=False)


class ImportApplySerializer(serializers.Serializer):  # type: ignore[type-arg]
    valid_rows_only = serializers.BooleanField(default=False)


class WebhookSubscriptionSerializer(StrictSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "events", "is_active", "created_at", "updated_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "payload",
            "attempts",
            "status",
            "response_code",
            "response_body",
            "error",
            "next_attempt_at",
            "last_attempt_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
