"""Filters shared by the assets list pages and the API. Related-row choices are narrowed to
what the user may see, and malformed ids answer 400 before they reach the database."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from steward.assets.models import (
    SUPPLIER,
    Asset,
    AssetAssignment,
    Category,
    Condition,
    Contract,
    ContractKind,
    HardwareModel,
    Manufacturer,
    Status,
)
from steward.core.filtersets import (
    IdFilter,
    IdModelChoiceFilter,
    SearchFilterSet,
)
from steward.core.ui.lookup import LookupSelect

Person = Asset._meta.get_field("assigned_person").related_model
Organisation = Asset._meta.get_field("organisation").related_model


AssetsFilterSet = SearchFilterSet


class ManufacturerFilterSet(AssetsFilterSet):
    class Meta:
        model = Manufacturer
        fields = ["q"]


class HardwareModelFilterSet(AssetsFilterSet):
    search_fields = ("name", "manufacturer__name")
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = HardwareModel
        fields = ["q", "manufacturer", "category", "depreciation_method"]


class AssetFilterSet(AssetsFilterSet):
    search_fields = ("asset_tag", "name", "serial")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    condition = django_filters.ChoiceFilter(choices=Condition.choices)
    category = django_filters.ChoiceFilter(
        field_name="model__category", choices=Category.choices, label=_("Category")
    )
    manufacturer = IdModelChoiceFilter(
        field_name="model__manufacturer",
        queryset=Manufacturer.objects.all(),
        label=_("Manufacturer"),
    )
    assigned_person = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Assigned to")
    )
    model = IdModelChoiceFilter(
        queryset=HardwareModel.objects.select_related("manufacturer"), label=_("Model")
    )
    supplier = IdModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Supplier")
    )
    loan_overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Loan overdue"))
    warranty_before = django_filters.DateFilter(
        field_name="warranty_end", lookup_expr="lt", label=_("Warranty ends before")
    )
    unacknowledged = django_filters.BooleanFilter(
        method="filter_unacknowledged", label=_("Not yet acknowledged")
    )

    class Meta:
        model = Asset
        fields = [
            "q",
            "status",
            "condition",
            "category",
            "manufacturer",
            "model",
            "organisation",
            "location",
            "assigned_person",
            "assigned_location",
            "supplier",
            "loan_overdue",
            "warranty_before",
            "unacknowledged",
        ]

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        from django.utils import timezone

        overdue = Q(status=Status.LOANED, loan_due__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_unacknowledged(
        self, queryset: QuerySet[Any], name: str, value: bool
    ) -> QuerySet[Any]:
        pending = Q(status__in=[Status.DEPLOYED, Status.LOANED], assigned_person__isnull=False)
        pending &= Q(acknowledged_at__isnull=True)
        return queryset.filter(pending) if value else queryset.exclude(pending)


class AssetAssignmentFilterSet(AssetsFilterSet):
    search_fields = (
        "asset__asset_tag",
        "asset__name",
        "person__first_name",
        "person__last_name",
        "location__name",
    )
    person = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Person")
    )
    at = django_filters.IsoDateTimeFilter(method="filter_at", label=_("Held at"))

    class Meta:
        model = AssetAssignment
        fields = ["asset", "person", "location", "at"]

    def filter_at(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        held = Q(started_at__lte=value) & (Q(ended_at__isnull=True) | Q(ended_at__gt=value))
        return queryset.filter(held)


class ContractFilterSet(AssetsFilterSet):
    search_fields = ("name", "reference")
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices)
    ends_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lt", label=_("Ends before")
    )
    asset = IdFilter(field_name="assets", label=_("Covers asset (id)"))
    vendor = IdModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Vendor")
    )

    class Meta:
        model = Contract
        fields = ["q", "kind", "vendor", "renewal", "ends_before", "asset"]
