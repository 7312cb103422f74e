from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.core.validation import MAX_ID
from steward.strategy.models import BudgetLine, CostRecord, FiscalYear

COMMON = ["custom_fields", "created_at", "updated_at"]


class FiscalYearSerializer(StrictSerializer):
    class Meta:
        model = FiscalYear
        fields = ["id", "name", "start", "end", *COMMON]


class BudgetLineSerializer(StrictSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "fiscal_year", "cost_centre", "category", "planned", "notes", *COMMON]


class CostRecordSerializer(StrictSerializer):
    class Meta:
        model = CostRecord
        fields = [
            "id",
            "fiscal_year",
            "date",
            "amount",
            "cost_centre",
            "category",
            "description",
            "source",
            "source_id",
            *COMMON,
        ]
        read_only_fields = ["source", "source_id"]


class RollupQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    fiscal_year = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    cost_centre = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    as_of = serializers.DateField(required=False)


class FiguresSerializer(serializers.Serializer):  # type: ignore[type-arg]
    planned = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    forecast = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance = serializers.DecimalField(max_digits=16, decimal_places=2)
    variance_percent = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)


class RollupRowSerializer(FiguresSerializer):
    cost_centre = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()


class CentreTotalSerializer(FiguresSerializer):
    cost_centre = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryTotalSerializer(FiguresSerializer):
    category = serializers.CharField()
    name = serializers.CharField()


class RollupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fiscal_year = serializers.IntegerField(source="fiscal_year.pk")
    as_of = serializers.DateField()
    elapsed_days = serializers.IntegerField()
    rows = RollupRowSerializer(many=True)
    by_centre = CentreTotalSerializer(many=True)
    by_category = CategoryTotalSerializer(many=True)
    total = FiguresSerializer()


def no_year_error() -> serializers.ValidationError:
    return serializers.ValidationError({"fiscal_year": [_("No such fiscal year.")]})
