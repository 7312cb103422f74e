"""Filters shared by the CMDB's list pages and its API. Related-row choices are narrowed to
what the user may see; malformed ids answer 400 before they reach the database."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from steward.cmdb.models import (
    AttributeDefinition,
    CIClass,
    CIStatus,
    ConfigurationItem,
    Criticality,
    RelationKind,
    Relationship,
)
from steward.core.filtersets import (
    IdFilter,
    IdModelChoiceFilter,
    SearchFilterSet,
)

Team = ConfigurationItem._meta.get_field("owner_team").related_model


CmdbFilterSet = SearchFilterSet


class ConfigurationItemFilterSet(CmdbFilterSet):
    search_fields = ("name", "hostname", "fqdn", "serial_number")
    ci_class = django_filters.MultipleChoiceFilter(choices=CIClass.choices, label=_("Class"))
    status = django_filters.MultipleChoiceFilter(choices=CIStatus.choices)
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices)
    owner_team = IdModelChoiceFilter(queryset=Team.objects.all(), label=_("Owner group"))
    asset = IdFilter(field_name="asset", label=_("Asset (id)"))
    hardware_uuid = django_filters.CharFilter(max_length=64)
    serial_number = django_filters.CharFilter(max_length=100)

    class Meta:
        model = ConfigurationItem
        fields = [
            "q",
            "ci_class",
            "status",
            "criticality",
            "organisation",
            "owner_team",
            "asset",
            "hardware_uuid",
            "serial_number",
        ]


class RelationshipFilterSet(CmdbFilterSet):
    search_fields = ("source__name", "target__name")
    kind = django_filters.MultipleChoiceFilter(choices=RelationKind.choices)
    source = IdFilter(field_name="source", label=_("Source (id)"))
    target = IdFilter(field_name="target", label=_("Target (id)"))
    ci = IdFilter(method="filter_ci", label=_("Either end (id)"))

    class Meta:
        model = Relationship
        fields = ["q", "kind", "source", "target", "ci"]

    def filter_ci(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return queryset.filter(Q(source_id=value) | Q(target_id=value))


class AttributeDefinitionFilterSet(CmdbFilterSet):
    search_fields = ("name", "label")
    ci_class = django_filters.ChoiceFilter(choices=CIClass.choices, label=_("Class"))

    class Meta:
        model = AttributeDefinition
        fields = ["q", "ci_class", "type"]
