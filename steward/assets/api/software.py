"""API of the software side: catalogue, installations (with the discovery sync), licences
and their seats, device OS, version policies, the compliance report and the out-of-date
devices. Writes go through ``licensing``; reads through ``restrict``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.assets import compliance, licensing
from steward.assets import software_filtersets as f
from steward.assets.models import (
    Asset,
    DeviceOS,
    Installation,
    InstallSource,
    Licence,
    LicenceSeat,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
    VersionPolicy,
)
from steward.core import permissions
from steward.core.api.serializers import StrictSerializer
from steward.core.api.viewsets import StewardViewSet

COMMON = ["custom_fields", "created_at", "updated_at"]
READ_ONLY = ["get", "head", "options"]
NO_PATCH = ["get", "post", "delete", "head", "options"]
MAX_REPORT_ROWS = 1000


class PublisherSerializer(StrictSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "name", "key", "website", *COMMON]
        read_only_fields = ["key"]


class SoftwareProductSerializer(StrictSerializer):
    class Meta:
        model = SoftwareProduct
        fields = ["id", "publisher", "name", "key", "aliases", "licence_required", "notes", *COMMON]
        read_only_fields = ["key"]


class SoftwareVersionSerializer(StrictSerializer):
    class Meta:
        model = SoftwareVersion
        fields = ["id", "product", "version", "released_on", *COMMON]


class InstallationSerializer(StrictSerializer):
    class Meta:
        model = Installation
        fields = [
            "id",
            "asset",
            "product",
            "version",
            "installed_on",
            "discovered_at",
            "source",
            *COMMON,
        ]


class PackageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=300)
    publisher = serializers.CharField(max_length=300, required=False, allow_blank=True)
    version = serializers.CharField(max_length=100, required=False, allow_blank=True)


class InstallationSyncSerializer(serializers.Serializer):  # type: ignore[type-arg]
    asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.none())
    source = serializers.ChoiceField(choices=InstallSource.choices, default=InstallSource.DISCOVERY)
    packages = PackageSerializer(many=True, max_length=licensing.MAX_PACKAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["asset"].queryset = permissions.restrict(Asset.objects.all(), user)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({n: ["Unknown field."] for n in unknown})
        return super().to_internal_value(data)


class InstallationSyncResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class LicenceSerializer(StrictSerializer):
    class Meta:
        model = Licence
        fields = [
            "id",
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
            *COMMON,
        ]


class LicenceSeatSerializer(StrictSerializer):
    class Meta:
        model = LicenceSeat
        fields = ["id", "licence", "person", "asset", "note", *COMMON]
        # The conditional unique constraints are checked by the model (one seat per person
        # or device); DRF's own validator would make both person and asset required.
        validators: list[Any] = []


class DeviceOSSerializer(StrictSerializer):
    class Meta:
        model = DeviceOS
        fields = [
            "id",
            "asset",
            "os_name",
            "os_version",
            "last_update",
            "cpu_cores",
            "reported_at",
            *COMMON,
        ]


class VersionPolicySerializer(StrictSerializer):
    class Meta:
        model = VersionPolicy
        fields = ["id", "name", "product", "os_name", "minimum_version", "active", *COMMON]


class ComplianceRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    product = serializers.IntegerField()
    product_name = serializers.CharField()
    publisher = serializers.CharField()
    metric = serializers.CharField(help_text="devices, cores or users.")
    entitled = serializers.IntegerField()
    consumed = serializers.IntegerField()
    over_deployed = serializers.IntegerField()
    unused = serializers.IntegerField()
    expiring = serializers.IntegerField(help_text="Quantity expiring within 90 days.")
    next_expiry = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=list(compliance.STATUS_LABELS))


class ComplianceQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    product = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    status = serializers.ChoiceField(choices=list(compliance.STATUS_LABELS), required=False)


class OutOfDateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    asset = serializers.IntegerField(source="pk")
    asset_tag = serializers.CharField()
    name = serializers.CharField()
    holder = serializers.CharField(source="assigned_person", allow_null=True)
    os_name = serializers.CharField(source="device_os.os_name", allow_null=True, default=None)
    os_version = serializers.CharField(source="device_os.os_version", allow_null=True, default=None)
    last_update = serializers.DateField(
        source="device_os.last_update", allow_null=True, default=None
    )


class OutOfDateQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    policy = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class PublisherViewSet(StewardViewSet):
    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    filterset_class = f.PublisherFilterSet
    ordering_fields = ["name", "created_at"]


class SoftwareProductViewSet(StewardViewSet):
    queryset = SoftwareProduct.objects.all()
    serializer_class = SoftwareProductSerializer
    filterset_class = f.SoftwareProductFilterSet
    ordering_fields = ["name", "created_at"]


class SoftwareVersionViewSet(StewardViewSet):
    queryset = SoftwareVersion.objects.all()
    serializer_class = SoftwareVersionSerializer
    filterset_class = f.SoftwareVersionFilterSet
    ordering_fields = ["version_key", "created_at"]


class InstallationViewSet(StewardViewSet):
    """What is installed where. Discovery (or a script) reports a device's whole list with
    ``sync``; single rows can also be written by hand."""

    queryset = Installation.objects.all()
    serializer_class = InstallationSerializer
    filterset_class = f.InstallationFilterSet
    ordering_fields = ["installed_on", "discovered_at", "created_at"]

    @property
    def required_action(self) -> str | None:
        return "change" if self.action == "sync" else None

    @extend_schema(
        request=InstallationSyncSerializer,
        responses={200: InstallationSyncResultSerializer},
        summary="Replace a device's installations from one source with a reported list",
        description="Idempotent: products not yet in the catalogue are added (as not needing "
        "a licence), changed versions updated, products no longer reported removed; each "
        "change is audited. 400 for an unknown device, source or malformed list; 403 for "
        "roles other than asset manager, IT manager and administrator.",
    )
    @action(detail=False, methods=["post"])
    def sync(self, request: Request) -> Response:
        body = InstallationSyncSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        packages = [
            (p["name"], p.get("publisher", ""), p.get("version", "")) for p in data["packages"]
        ]
        counts = licensing.installations_sync(
            asset=data["asset"], packages=packages, source=data["source"], actor=request.user
        )
        return Response(InstallationSyncResultSerializer(counts).data)


class LicenceViewSet(StewardViewSet):
    queryset = Licence.objects.all()
    serializer_class = LicenceSerializer
    filterset_class = f.LicenceFilterSet
    ordering_fields = ["name", "start_date", "expiry_date", "quantity", "cost"]

    @property
    def required_action(self) -> str | None:
        return "view" if self.action == "compliance" else None

    def create_object(self, data: dict[str, Any]) -> Licence:
        return licensing.licence_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Licence:
        return licensing.licence_update(licence=obj, data=data, actor=self.request.user)

    @extend_schema(
        parameters=[ComplianceQuerySerializer],
        request=None,
        responses={200: ComplianceRowSerializer(many=True)},
        summary="Licence compliance per product and metric",
        description="Entitlements of active licences against installations (per device, "
        "per core) or seats held by people (per user, concurrent, subscription). Worst "
        "first. 400 for a malformed filter; 403 for roles that may not see licences.",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def compliance(self, request: Request) -> Response:
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        product = query.validated_data.get("product")
        rows = compliance.compliance(product_ids={product} if product else None)
        wanted = query.validated_data.get("status")
        body = [r.as_dict() for r in rows if wanted is None or r.status == wanted]
        return Response(ComplianceRowSerializer(body, many=True).data)


class LicenceSeatViewSet(StewardViewSet):
    """Seats are given and taken back, not edited: the service checks the licence type's
    holder (person or device) and that a seat is left."""

    http_method_names = NO_PATCH
    queryset = LicenceSeat.objects.all()
    serializer_class = LicenceSeatSerializer
    filterset_class = f.LicenceSeatFilterSet
    list_select_related = ("licence",)
    ordering_fields = ["created_at"]

    def create_object(self, data: dict[str, Any]) -> LicenceSeat:
        return licensing.licence_seat_assign(
            licence=data["licence"],
            person=data.get("person"),
            asset=data.get("asset"),
            note=data.get("note", ""),
            actor=self.request.user,
        )


class DeviceOSViewSet(StewardViewSet):
    queryset = DeviceOS.objects.all()
    serializer_class = DeviceOSSerializer
    filterset_class = f.DeviceOSFilterSet
    ordering_fields = ["os_name", "last_update", "created_at"]

    @property
    def required_action(self) -> str | None:
        return "view" if self.action == "out_of_date" else None

    @extend_schema(
        parameters=[OutOfDateQuerySerializer],
        request=None,
        responses={200: OutOfDateSerializer(many=True)},
        summary="Devices older than a minimum-version policy",
        description="Devices in use that run an older OS or product version than one active "
        "policy (``policy``) or any. At most 1,000 rows. 400 for a malformed or unknown "
        "policy; 403 for roles that may not see device OS.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="out-of-date",
        pagination_class=None,
        filter_backends=[],
    )
    def out_of_date(self, request: Request) -> Response:
        query = OutOfDateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        policy = None
        if "policy" in query.validated_data:
            policy = VersionPolicy.objects.filter(
                pk=query.validated_data["policy"], active=True
            ).first()
            if policy is None:
                raise serializers.ValidationError({"policy": ["No such active policy."]})
        devices = compliance.out_of_date_devices(user=request.user, policy=policy)
        return Response(OutOfDateSerializer(devices[:MAX_REPORT_ROWS], many=True).data)


class VersionPolicyViewSet(StewardViewSet):
    queryset = VersionPolicy.objects.all()
    serializer_class = VersionPolicySerializer
    filterset_class = f.VersionPolicyFilterSet
    list_select_related = ("product",)
    ordering_fields = ["name", "created_at"]


ROUTES = [
    ("software-publishers", PublisherViewSet),
    ("software-products", SoftwareProductViewSet),
    ("software-versions", SoftwareVersionViewSet),
    ("installations", InstallationViewSet),
    ("licences", LicenceViewSet),
    ("licence-seats", LicenceSeatViewSet),
    ("device-os", DeviceOSViewSet),
    ("version-policies", VersionPolicyViewSet),
]
