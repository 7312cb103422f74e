from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.assets.models import (
    Asset,
    DeviceOS,
    Installation,
    Licence,
    LicenceSeat,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
    VersionPolicy,
)
from steward.core.ui.lookup import LookupSelect

DATE = forms.DateInput(attrs={"type": "date"})
Person = LicenceSeat._meta.get_field("person").related_model


class PublisherForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Publisher
        fields = ["name", "website"]


class SoftwareProductForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SoftwareProduct
        fields = ["publisher", "name", "aliases", "licence_required", "notes"]


class SoftwareVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SoftwareVersion
        fields = ["product", "version", "released_on"]
        widgets = {"released_on": DATE}


class InstallationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Installation
        fields = ["asset", "product", "version", "installed_on", "source"]
        widgets = {"installed_on": DATE, "asset": LookupSelect(Asset)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = SoftwareVersion.objects.select_related("product")
        self.fields["version"].queryset = versions  # type: ignore[attr-defined]


class LicenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Licence
        fields = [
            "product",
            "name",
            "reference",
            "licence_type",
            "quantity",
            "cost",
            "currency",
            "start_date",
            "expiry_date",
            "renewal",
            "vendor",
            "contract",
            "owner",
            "notes",
        ]
        widgets = {"start_date": DATE, "expiry_date": DATE}


class LicenceSeatForm(forms.ModelForm):  # type: ignore[type-arg]
    """Seats of per-user, concurrent and subscription licences go to a person; per-device
    and per-core seats to a device."""

    class Meta:
        model = LicenceSeat
        fields = ["licence", "person", "asset", "note"]
        widgets = {"asset": LookupSelect(Asset), "person": LookupSelect(Person)}
        labels = {"asset": _("or device")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        licences = Licence.objects.select_related("product")
        self.fields["licence"].queryset = licences  # type: ignore[attr-defined]


class DeviceOSForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DeviceOS
        fields = ["asset", "os_name", "os_version", "last_update", "cpu_cores"]
        widgets = {"last_update": DATE, "asset": LookupSelect(Asset)}


class VersionPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = VersionPolicy
        fields = ["name", "product", "os_name", "minimum_version", "active"]
