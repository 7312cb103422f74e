"""API of the SLA configuration and the clocks (``/api/servicedesk/...``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from steward.core import permissions
from steward.core.api.serializers import StrictSerializer
from steward.core.api.viewsets import StewardViewSet
from steward.servicedesk.models import (
    BusinessCalendar,
    EscalationRule,
    Holiday,
    SLAClock,
    SLAPolicy,
    SLATarget,
    Status,
    WorkingHours,
)
from steward.servicedesk.sla import filtersets, services
from steward.servicedesk.sla.clocks import Calendars, clock_state
from steward.servicedesk.sla.ical import EXAMPLE, MalformedCalendar

COMMON = ["custom_fields", "created_at", "updated_at"]


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$", "example": "08:00"}
)
class WallClockTime(serializers.TimeField):
    """A local wall-clock time without a zone ("08:00"): the calendar's zone applies. OpenAPI's
    ``format: time`` would demand an offset, which working hours do not have."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class WorkingHoursSerializer(StrictSerializer):
    start = WallClockTime(label=gettext_lazy("From"))
    end = WallClockTime(label=gettext_lazy("Until"))

    class Meta:
        model = WorkingHours
        fields = ["id", "calendar", "weekday", "start", "end", *COMMON]


class HolidaySerializer(StrictSerializer):
    class Meta:
        model = Holiday
        fields = ["id", "calendar", "date", "name", *COMMON]


class _HoursNested(StrictSerializer):
    start = WallClockTime(read_only=True)
    end = WallClockTime(read_only=True)

    class Meta:
        model = WorkingHours
        fields = ["id", "weekday", "start", "end"]


class _HolidayNested(StrictSerializer):
    class Meta:
        model = Holiday
        fields = ["id", "date", "name"]


class BusinessCalendarSerializer(StrictSerializer):
    hours = _HoursNested(many=True, read_only=True)
    holidays = _HolidayNested(many=True, read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "hours", "holidays", *COMMON]


class SLATargetSerializer(StrictSerializer):
    class Meta:
        model = SLATarget
        fields = ["id", "policy", "priority", "response_minutes", "resolution_minutes", *COMMON]


class _TargetNested(StrictSerializer):
    class Meta:
        model = SLATarget
        fields = ["id", "priority", "response_minutes", "resolution_minutes"]


class SLAPolicySerializer(StrictSerializer):
    targets = _TargetNested(many=True, read_only=True)
    pause_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices), required=False, max_length=10
    )

    class Meta:
        model = SLAPolicy
        fields = [
            "id",
            "name",
            "kind",
            "order",
            "is_active",
            "organisation",
            "service",
            "team",
            "calendar",
            "pause_statuses",
            "warning_percent",
            "targets",
            *COMMON,
        ]


class EscalationRuleSerializer(StrictSerializer):
    class Meta:
        model = EscalationRule
        fields = [
            "id",
            "policy",
            "trigger",
            "metric",
            "action",
            "notify_team_lead",
            "notify_assignee",
            "notify_person",
            "reassign_team",
            *COMMON,
        ]


MAX_UPLOAD = 2 * 1024 * 1024


class HolidayUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(allow_empty_file=True)


HolidayImportSerializer = inline_serializer(
    "HolidayImport",
    fields={
        "created": serializers.ListField(child=serializers.DictField()),
        "skipped": serializers.ListField(child=serializers.DictField()),
        "errors": serializers.ListField(child=serializers.CharField()),
    },
)


class ClockStateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    target_seconds = serializers.IntegerField()
    elapsed_seconds = serializers.IntegerField()
    remaining_seconds = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    percent = serializers.IntegerField()
    paused = serializers.BooleanField()
    stopped = serializers.BooleanField()
    warned = serializers.BooleanField()
    breached = serializers.BooleanField()


STATE_FIELDS = tuple(ClockStateSerializer().get_fields())


class SLAClockSerializer(StrictSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = SLAClock
        fields = [
            "id",
            "ticket",
            "policy",
            "metric",
            "team",
            "target_minutes",
            "started_at",
            "elapsed_seconds",
            "running_since",
            "due_at",
            "warning_due_at",
            "stopped_at",
            "warned_at",
            "breached_at",
            "is_active",
            "state",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ClockStateSerializer)
    def get_state(self, obj: SLAClock) -> dict[str, Any]:
        calendars = self.context.setdefault("sla_calendars", Calendars())
        now = self.context.setdefault("sla_now", timezone.now())
        data = clock_state(obj, now, calendars).as_dict()
        return {name: data[name] for name in STATE_FIELDS}


class BusinessCalendarViewSet(StewardViewSet):
    queryset = BusinessCalendar.objects.all()
    serializer_class = BusinessCalendarSerializer
    filterset_class = filtersets.BusinessCalendarFilterSet
    list_prefetch_related = ("hours", "holidays")
    ordering_fields = ["name"]
    required_action: str | None = None
    """Set per extra action (``RestrictedPermission`` reads it)."""

    @extend_schema(
        request={"multipart/form-data": HolidayUploadSerializer},
        responses={200: HolidayImportSerializer},
        summary="Import holidays from an iCalendar (.ics) file",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="import-holidays",
        parser_classes=[MultiPartParser],
        required_action="change",
    )
    def import_holidays(self, request: Request, pk: str | None = None) -> Response:
        """All-day events become holidays; dates already there are skipped, unreadable events
        are listed in ``errors``. A file that is not iCalendar answers 400."""
        calendar = self.get_object()
        upload = HolidayUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data["file"].read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise serializers.ValidationError({"file": [_("The file is larger than 2 MB.")]})
        try:
            result = services.holidays_import(calendar=calendar, data=data, actor=request.user)
        except MalformedCalendar as exc:
            raise serializers.ValidationError({"file": [str(exc)]}) from None
        return Response(result.as_dict(), status=status.HTTP_200_OK)

    @extend_schema(
        request=None,
        responses={(200, "text/calendar"): bytes},
        summary="An example holiday file",
    )
    @action(detail=False, methods=["get"], url_path="holiday-example", filter_backends=[])
    def holiday_example(self, request: Request) -> HttpResponse:
        return example_response()


def example_response() -> HttpResponse:
    response = HttpResponse(EXAMPLE, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="holidays-example.ics"'
    return response


class WorkingHoursViewSet(StewardViewSet):
    queryset = WorkingHours.objects.all()
    serializer_class = WorkingHoursSerializer
    filterset_class = filtersets.WorkingHoursFilterSet
    ordering_fields = ["weekday", "start"]


class HolidayViewSet(StewardViewSet):
    queryset = Holiday.objects.all()
    serializer_class = HolidaySerializer
    filterset_class = filtersets.HolidayFilterSet
    ordering_fields = ["date", "name"]


class SLAPolicyViewSet(StewardViewSet):
    queryset = SLAPolicy.objects.all()
    serializer_class = SLAPolicySerializer
    filterset_class = filtersets.SLAPolicyFilterSet
    list_prefetch_related = ("targets",)
    ordering_fields = ["order", "name"]


class SLATargetViewSet(StewardViewSet):
    queryset = SLATarget.objects.all()
    serializer_class = SLATargetSerializer
    filterset_class = filtersets.SLATargetFilterSet
    ordering_fields = ["priority"]


class EscalationRuleViewSet(StewardViewSet):
    queryset = EscalationRule.objects.all()
    serializer_class = EscalationRuleSerializer
    filterset_class = filtersets.EscalationRuleFilterSet
    ordering_fields = ["id"]


class SLAClockViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Clocks are written by the engine only; each carries its live ``state``."""

    queryset = SLAClock.objects.select_related("policy")
    serializer_class = SLAClockSerializer
    filterset_class = filtersets.SLAClockFilterSet
    ordering_fields = ["started_at", "due_at"]

    def get_queryset(self) -> Any:
        return permissions.restrict(super().get_queryset(), self.request.user, "view")

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._calendars().preload_for(page)
        return page

    def _calendars(self) -> Calendars:
        if not hasattr(self, "_sla_calendars"):
            self._sla_calendars = Calendars()
        return self._sla_calendars

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "sla_calendars": self._calendars()}


router = SimpleRouter()
router.register("business-calendars", BusinessCalendarViewSet)
router.register("working-hours", WorkingHoursViewSet)
router.register("holidays", HolidayViewSet)
router.register("sla-policies", SLAPolicyViewSet)
router.register("sla-targets", SLATargetViewSet)
router.register("escalation-rules", EscalationRuleViewSet)
router.register("sla-clocks", SLAClockViewSet)
urlpatterns = router.urls
