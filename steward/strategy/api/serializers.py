from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.core.api.serializers import StrictSerializer
from steward.core.validation import MAX_ID
from steward.strategy.models import AllocationRule, BudgetLine, CostRecord, FiscalYear, UsageRecord

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


class AllocationRuleSerializer(StrictSerializer):
    class Meta:
        model = AllocationRule
        fields = ["id", "fiscal_year", "category", "basis", "metric", *COMMON]


class UsageRecordSerializer(StrictSerializer):
    class Meta:
        model = UsageRecord
        fields = ["id", "department", "metric", "period", "quantity", *COMMON]


class ShowbackQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    fiscal_year = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    as_of = serializers.DateField(required=False)


AMOUNT = {"max_digits": 16, "decimal_places": 2}


class ShowbackDepartmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    department = serializers.IntegerField()
    name = serializers.CharField()
    cost_centre = serializers.IntegerField(allow_null=True)
    headcount = serializers.IntegerField()
    assets = serializers.IntegerField()
    direct = serializers.DecimalField(**AMOUNT)
    shared = serializers.DictField(child=serializers.DecimalField(**AMOUNT))
    total = serializers.DecimalField(**AMOUNT)


class ShowbackRuleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = serializers.CharField()
    name = serializers.CharField()
    basis = serializers.CharField()
    metric = serializers.CharField()


class UnallocatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = serializers.CharField()
    basis = serializers.CharField()
    metric = serializers.CharField()
    amount = serializers.DecimalField(**AMOUNT)


class ShowbackSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fiscal_year = serializers.IntegerField(source="fiscal_year.pk")
    as_of = serializers.DateField()
    total = serializers.DecimalField(**AMOUNT)
    allocated = serializers.DecimalField(**AMOUNT)
    departments = ShowbackDepartmentSerializer(many=True)
    rules = ShowbackRuleSerializer(many=True)
    unallocated = UnallocatedSerializer(many=True)


class AssetTCOSerializer(serializers.Serializer):  # type: ignore[type-arg]
    asset = serializers.IntegerField()
    asset_tag = serializers.CharField()
    name = serializers.CharField()
    purchase = serializers.DecimalField(**AMOUNT)
    contracts = serializers.DecimalField(**AMOUNT)
    licences = serializers.DecimalField(**AMOUNT)
    total = serializers.DecimalField(**AMOUNT)


class AssetTCOListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    results = AssetTCOSerializer(many=True)


class AssetTCOQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    limit = serializers.IntegerField(min_value=1, max_value=1000, required=False, default=100)


class ServiceTCOSerializer(serializers.Serializer):  # type: ignore[type-arg]
    service = serializers.IntegerField()
    name = serializers.CharField()
    items = serializers.IntegerField()
    assets = serializers.IntegerField()
    total = serializers.DecimalField(**AMOUNT)


class ServiceTCOListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = ServiceTCOSerializer(many=True)
