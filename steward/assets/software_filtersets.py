"""Filters of the software pages and API (shared, like ``filtersets.py``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from steward.assets.filtersets import AssetsFilterSet, IdFilter, IdModelChoiceFilter
from steward.assets.models import (
    SUPPLIER,
    Asset,
    DeviceOS,
    Installation,
    InstallSource,
    Licence,
    LicenceSeat,
    LicenceType,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
    VersionPolicy,
)
from steward.core.ui.lookup import LookupSelect

Person = Asset._meta.get_field("assigned_person").related_model
Organisation = Asset._meta.get_field("organisation").related_model


class PublisherFilterSet(AssetsFilterSet):
    class Meta:
        model = Publisher
        fields = ["q"]


class SoftwareProductFilterSet(AssetsFilterSet):
    search_fields = ("name", "aliases", "publisher__name")
    publisher = IdModelChoiceFilter(queryset=Publisher.objects.all(), label=_("Publisher"))

    class Meta:
        model = SoftwareProduct
        fields = ["q", "publisher", "licence_required"]


class SoftwareVersionFilterSet(AssetsFilterSet):
    search_fields = ("version", "product__name")
    product = IdModelChoiceFilter(queryset=SoftwareProduct.objects.all(), label=_("Product"))

    class Meta:
        model = SoftwareVersion
        fields = ["q", "product"]


class InstallationFilterSet(AssetsFilterSet):
    search_fields = ("asset__asset_tag", "asset__name", "product__name", "version__version")
    product = IdModelChoiceFilter(queryset=SoftwareProduct.objects.all(), label=_("Product"))
    asset = IdFilter(field_name="asset", label=_("Device (id)"))
    source = django_filters.ChoiceFilter(choices=InstallSource.choices)
    holder = IdModelChoiceFilter(
        field_name="asset__assigned_person",
        queryset=Person.objects.all(),
        widget=LookupSelect(Person),
        label=_("Used by"),
    )

    class Meta:
        model = Installation
        fields = ["q", "product", "asset", "source", "holder"]


class LicenceFilterSet(AssetsFilterSet):
    search_fields = ("name", "reference", "product__name")
    product = IdModelChoiceFilter(queryset=SoftwareProduct.objects.all(), label=_("Product"))
    licence_type = django_filters.ChoiceFilter(choices=LicenceType.choices)
    vendor = IdModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=SUPPLIER), label=_("Vendor")
    )
    expires_before = django_filters.DateFilter(
        field_name="expiry_date", lookup_expr="lte", label=_("Expires on or before")
    )

    class Meta:
        model = Licence
        fields = ["q", "product", "licence_type", "vendor", "renewal", "expires_before"]


class LicenceSeatFilterSet(AssetsFilterSet):
    search_fields = ("licence__name", "person__first_name", "person__last_name", "asset__asset_tag")
    licence = IdModelChoiceFilter(queryset=Licence.objects.all(), label=_("Licence"))
    person = IdModelChoiceFilter(
        queryset=Person.objects.all(), widget=LookupSelect(Person), label=_("Person")
    )
    asset = IdFilter(field_name="asset", label=_("Device (id)"))

    class Meta:
        model = LicenceSeat
        fields = ["q", "licence", "person", "asset"]


class DeviceOSFilterSet(AssetsFilterSet):
    search_fields = ("os_name", "os_version", "asset__asset_tag", "asset__name")
    updated_before = django_filters.DateFilter(
        field_name="last_update", lookup_expr="lt", label=_("Last update before")
    )

    class Meta:
        model = DeviceOS
        fields = ["q", "updated_before"]


class VersionPolicyFilterSet(AssetsFilterSet):
    search_fields = ("name", "os_name", "product__name")

    class Meta:
        model = VersionPolicy
        fields = ["q", "active"]
