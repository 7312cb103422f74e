from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from steward.assets import selectors
from steward.assets.models import (
    Asset,
    AssetAssignment,
    Condition,
    Contract,
    HardwareModel,
    Manufacturer,
    Status,
)
from steward.assets.services import CREATABLE
from steward.core import permissions
from steward.core.api.serializers import StrictSerializer

COMMON = ["custom_fields", "created_at", "updated_at"]
Person = Asset._meta.get_field("assigned_person").related_model
Location = Asset._meta.get_field("location").related_model


class ManufacturerSerializer(StrictSerializer):
    class Meta:
        model = Manufacturer
        fields = ["id", "name", "website", *COMMON]


class HardwareModelSerializer(StrictSerializer):
    life_months = serializers.IntegerField(read_only=True)

    class Meta:
        model = HardwareModel
        fields = [
            "id",
            "manufacturer",
            "name",
            "category",
            "depreciation_method",
            "useful_life_months",
            "life_months",
            "residual_percent",
            "catalogue_item",
            *COMMON,
        ]


class AssetSerializer(StrictSerializer):
    status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="Set on create only: ordered or in_stock (the default). Later status "
        "changes go through check-out, check-in and transition.",
    )
    category = serializers.CharField(source="model.category", read_only=True)
    book_value = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id",
            "asset_tag",
            "name",
            "model",
            "category",
            "serial",
            "organisation",
            "location",
            "status",
            "condition",
            "purchase_cost",
            "purchase_date",
            "supplier",
            "invoice_number",
            "warranty_end",
            "book_value",
            "assigned_person",
            "assigned_location",
            "loan_due",
            "acknowledged_at",
            "status_changed_at",
            "status_note",
            "repair_reference",
            "disposal_certificate",
            "notes",
            *COMMON,
        ]
        read_only_fields = [
            "assigned_person",
            "assigned_location",
            "loan_due",
            "acknowledged_at",
            "status_changed_at",
            "status_note",
            "repair_reference",
            "disposal_certificate",
        ]
        internal_fields = ("notes",)

    def validate_status(self, value: str) -> str:
        if self.instance is not None or value not in CREATABLE:
            raise serializers.ValidationError(
                "A new asset is ordered or in stock; later use check-out, check-in or transition."
            )
        return value

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True))
    def get_book_value(self, obj: Asset) -> str | None:
        value = selectors.asset_book_value(obj)
        return None if value is None else str(value)


class AssetAssignmentSerializer(StrictSerializer):
    class Meta:
        model = AssetAssignment
        fields = [
            "id",
            "asset",
            "person",
            "location",
            "started_at",
            "ended_at",
            "loan_due",
            "acknowledged_at",
            "checked_out_by",
            "checked_in_by",
            "note",
            *COMMON,
        ]
        read_only_fields = fields


class ContractSerializer(StrictSerializer):
    class Meta:
        model = Contract
        fields = [
            "id",
            "name",
            "reference",
            "kind",
            "vendor",
            "cost",
            "start_date",
            "end_date",
            "renewal",
            "renewal_terms",
            "notice_days",
            "assets",
            "notes",
            *COMMON,
        ]


class _Restricted(serializers.Serializer):  # type: ignore[type-arg]
    """Person and location choices narrowed to what the requesting user may see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, model in (("person", Person), ("location", Location)):
            if name in self.fields:
                self.fields[name].queryset = permissions.restrict(model.objects.all(), user)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({n: ["Unknown field."] for n in unknown})
        return super().to_internal_value(data)


class AssetCheckOutSerializer(_Restricted):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(), required=False, allow_null=True
    )
    loan_due = serializers.DateField(
        required=False, allow_null=True, help_text="Given: a loan (status loaned); else deployed."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("person") is None) == (attrs.get("location") is None):
            raise serializers.ValidationError({"person": ["Give a person or a location."]})
        return attrs


class AssetCheckInSerializer(_Restricted):
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.none(), required=False, allow_null=True
    )
    condition = serializers.ChoiceField(choices=Condition.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AssetTransitionSerializer(_Restricted):
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="Not deployed or loaned: use check-out for those."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    repair_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="Needed for in_repair (or a note).",
    )
    disposal_certificate = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Needed for disposed."
    )


class AssetAcknowledgeSerializer(_Restricted):
    """No fields: the caller must be the person the asset is assigned to."""


class AssetBookValueQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField(required=False)


class AssetBookValueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    method = serializers.CharField()
    life_months = serializers.IntegerField()

    @staticmethod
    def of(asset: Asset, on: Any = None) -> dict[str, Any]:
        on = on or timezone.localdate()
        value: Decimal | None = selectors.asset_book_value(asset, on)
        return {
            "on": on,
            "value": value,
            "method": asset.model.depreciation_method,
            "life_months": asset.model.life_months,
        }
