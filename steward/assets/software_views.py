"""Pages of the software side: catalogue, installations ("who uses which software"),
licences and seats, device OS and version policies, the compliance report (chart, table,
CSV/XLSX) and the out-of-date devices report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from steward.assets import compliance, licensing
from steward.assets import software_filtersets as f
from steward.assets.models import (
    DeviceOS,
    Installation,
    Licence,
    LicenceSeat,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
    VersionPolicy,
)
from steward.core import permissions
from steward.core.export import csv_response, xlsx_response
from steward.core.ui.views import Column, ObjectDetailView, ObjectEditView, ObjectListView
from steward.core.validation import is_id

MAX_REPORT_ROWS = 500


class PublisherList(ObjectListView):
    model, url_prefix = Publisher, "assets:publisher"
    filterset_class = f.PublisherFilterSet
    title = _("Software publishers")
    columns = [Column("name", _("Name"), sort="name"), Column("website", _("Website"))]


class PublisherDetail(ObjectDetailView):
    model, url_prefix = Publisher, "assets:publisher"
    fields = [
        Column("name", _("Name")),
        Column("key", _("Matched as")),
        Column("website", _("Website")),
    ]


class SoftwareProductList(ObjectListView):
    model, url_prefix = SoftwareProduct, "assets:softwareproduct"
    filterset_class = f.SoftwareProductFilterSet
    select_related = ("publisher",)
    title = _("Software")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("publisher", _("Publisher"), sort="publisher__name"),
        Column("licence_required", _("Licence required")),
    ]


class SoftwareProductDetail(ObjectDetailView):
    model, url_prefix = SoftwareProduct, "assets:softwareproduct"
    select_related = ("publisher",)
    fields = [
        Column("publisher", _("Publisher")),
        Column("key", _("Matched as")),
        Column("aliases", _("Aliases")),
        Column("licence_required", _("Licence required")),
        Column("notes", _("Notes")),
    ]


class SoftwareVersionList(ObjectListView):
    model, url_prefix = SoftwareVersion, "assets:softwareversion"
    filterset_class = f.SoftwareVersionFilterSet
    select_related = ("product",)
    columns = [
        Column("product", _("Product"), sort="product__name"),
        Column("version", _("Version"), sort="version_key"),
        Column("released_on", _("Released"), sort="released_on"),
    ]


class SoftwareVersionDetail(ObjectDetailView):
    model, url_prefix = SoftwareVersion, "assets:softwareversion"
    select_related = ("product",)
    fields = [
        Column("product", _("Product")),
        Column("version", _("Version")),
        Column("released_on", _("Released")),
    ]


class InstallationList(ObjectListView):
    """Who uses which software: filter by product to see the devices and their holders."""

    model, url_prefix = Installation, "assets:installation"
    filterset_class = f.InstallationFilterSet
    select_related = (
        "asset__assigned_person",
        "asset__assigned_location",
        "product",
        "version__product",  # the row's name (str) shows the version with its product
    )
    title = _("Installations: who uses which software")
    columns = [
        Column("asset", _("Device")),
        Column("asset.holder", _("Used by")),
        Column("product", _("Product"), sort="product__name"),
        Column("version.version", _("Version")),
        Column("get_source_display", _("Source"), sort="source"),
        Column("installed_on", _("Installed"), sort="installed_on"),
        Column("discovered_at", _("Last seen"), sort="discovered_at"),
    ]


class InstallationDetail(ObjectDetailView):
    model, url_prefix = Installation, "assets:installation"
    select_related = ("asset__assigned_person", "product", "version__product")
    fields = [
        Column("asset", _("Device")),
        Column("asset.holder", _("Used by")),
        Column("product", _("Product")),
        Column("version.version", _("Version")),
        Column("get_source_display", _("Source")),
        Column("installed_on", _("Installed")),
        Column("discovered_at", _("Last seen")),
    ]


class LicenceList(ObjectListView):
    model, url_prefix = Licence, "assets:licence"
    filterset_class = f.LicenceFilterSet
    select_related = ("product", "vendor")
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("product", _("Product")),
        Column("get_licence_type_display", _("Type"), sort="licence_type"),
        Column("quantity", _("Quantity"), sort="quantity"),
        Column("cost", _("Cost"), sort="cost"),
        Column("currency", _("Currency")),
        Column("vendor", _("Vendor")),
        Column("expiry_date", _("Expiry"), sort="expiry_date"),
    ]


class LicenceDetail(ObjectDetailView):
    model, url_prefix = Licence, "assets:licence"
    select_related = ("product", "vendor", "contract", "owner")
    fields = [
        Column("product", _("Product")),
        Column("reference", _("Licence number")),
        Column("get_licence_type_display", _("Type")),
        Column("quantity", _("Quantity")),
        Column("seats_used", _("Seats taken")),
        Column("cost", _("Cost")),
        Column("currency", _("Currency")),
        Column("start_date", _("Start")),
        Column("expiry_date", _("Expiry")),
        Column("get_renewal_display", _("Renewal")),
        Column("vendor", _("Vendor")),
        Column("contract", _("Contract")),
        Column("owner", _("Owner")),
        Column("notes", _("Notes")),
    ]

    def get_object(self) -> Any:
        obj = super().get_object()
        obj.seats_used = licensing.seats_used(obj)
        return obj


class LicenceSeatList(ObjectListView):
    model, url_prefix = LicenceSeat, "assets:licenceseat"
    filterset_class = f.LicenceSeatFilterSet
    select_related = ("licence", "person", "asset")
    columns = [
        Column("licence", _("Licence")),
        Column("holder", _("Held by")),
        Column("note", _("Note")),
        Column("created_at", _("Since"), sort="created_at"),
    ]


class LicenceSeatDetail(ObjectDetailView):
    model, url_prefix = LicenceSeat, "assets:licenceseat"
    select_related = ("licence", "person", "asset")
    fields = [
        Column("licence", _("Licence")),
        Column("holder", _("Held by")),
        Column("note", _("Note")),
        Column("created_at", _("Since")),
    ]


class DeviceOSList(ObjectListView):
    model, url_prefix = DeviceOS, "assets:deviceos"
    filterset_class = f.DeviceOSFilterSet
    select_related = ("asset",)
    title = _("Update status")
    columns = [
        Column("asset", _("Device")),
        Column("os_name", _("Operating system"), sort="os_name"),
        Column("os_version", _("Version"), sort="version_key"),
        Column("last_update", _("Last update"), sort="last_update"),
        Column("cpu_cores", _("CPU cores")),
    ]


class DeviceOSDetail(ObjectDetailView):
    model, url_prefix = DeviceOS, "assets:deviceos"
    select_related = ("asset",)
    fields = [
        Column("asset", _("Device")),
        Column("os_name", _("Operating system")),
        Column("os_version", _("Version")),
        Column("last_update", _("Last update")),
        Column("cpu_cores", _("CPU cores")),
        Column("reported_at", _("Reported")),
    ]


class VersionPolicyList(ObjectListView):
    model, url_prefix = VersionPolicy, "assets:versionpolicy"
    filterset_class = f.VersionPolicyFilterSet
    select_related = ("product",)
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("product", _("Product")),
        Column("os_name", _("Operating system")),
        Column("minimum_version", _("Minimum version")),
        Column("active", _("Active")),
    ]


class VersionPolicyDetail(ObjectDetailView):
    model, url_prefix = VersionPolicy, "assets:versionpolicy"
    select_related = ("product",)
    fields = [
        Column("product", _("Product")),
        Column("os_name", _("Operating system")),
        Column("minimum_version", _("Minimum version")),
        Column("active", _("Active")),
    ]


class LicenceEdit(ObjectEditView):
    """Licences are written through the licensing services."""

    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        if obj is None:
            return licensing.licence_create(data=data, actor=self.request.user)
        return licensing.licence_update(licence=obj, data=data, actor=self.request.user)


class LicenceSeatAdd(ObjectEditView):
    """A seat is assigned through the licensing services."""

    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        return licensing.licence_seat_assign(
            licence=data["licence"],
            person=data.get("person"),
            asset=data.get("asset"),
            note=data.get("note") or "",
            actor=self.request.user,
        )


@login_required
def compliance_page(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Compliance per product: chart, table, CSV and XLSX export (``?export=csv``)."""
    if not compliance.can_view(request.user):
        raise PermissionDenied(_t("Licence compliance is for IT staff."))
    status = request.GET.get("status", "")
    rows = compliance.compliance()
    if status in compliance.STATUS_LABELS:
        rows = [r for r in rows if r.status == status]
    header, body = compliance.table(rows)
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        respond = csv_response if export == "csv" else xlsx_response
        return respond("licence-compliance", header, body)
    totals = {key: sum(1 for r in rows if r.status == key) for key in compliance.STATUS_LABELS}
    return render(
        request,
        "assets/compliance.html",
        {
            "title": _t("Licence compliance"),
            "header": header,
            "rows": list(zip(rows, body, strict=True)),
            "chart": compliance.chart(rows),
            "statuses": [(k, v, totals[k]) for k, v in compliance.STATUS_LABELS.items()],
            "status": status,
        },
    )


@login_required
def out_of_date_page(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Devices older than a minimum-version policy (one, or any), with CSV/XLSX export."""
    if not permissions.can(request.user, "view", VersionPolicy):
        raise PermissionDenied(_t("The update report is for IT staff."))
    summary = compliance.policy_summary(user=request.user)
    chosen = request.GET.get("policy", "")
    policy = next(
        (s["policy"] for s in summary if is_id(chosen) and s["policy"].pk == int(chosen)), None
    )
    devices = compliance.out_of_date_devices(
        user=request.user, policy=policy, policies=[s["policy"] for s in summary]
    )
    header = [
        str(h) for h in (_("Device"), _("Used by"), _("OS"), _("OS version"), _("Last update"))
    ]

    def cells(asset: Any) -> list[Any]:
        os_ = getattr(asset, "device_os", None)
        return [
            str(asset),
            str(asset.assigned_person or ""),
            os_.os_name if os_ else "",
            os_.os_version if os_ else "",
            os_.last_update if os_ else None,
        ]

    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        respond = csv_response if export == "csv" else xlsx_response
        return respond("out-of-date-devices", header, (cells(a) for a in devices.iterator()))
    shown = list(devices[:MAX_REPORT_ROWS])
    return render(
        request,
        "assets/out_of_date.html",
        {
            "title": _t("Out-of-date devices"),
            "summary": summary,
            "policy": policy,
            "header": header,
            "rows": [(a, cells(a)) for a in shown],
            "truncated": len(shown) == MAX_REPORT_ROWS,
        },
    )
