"""Goals and portfolio API: business goals, IT goals, key results, check-ins, projects,
milestones and allocations (list, create, update), and three read-only views: the progress
of IT goals, the roadmap and the capacity of people per month."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.core.api.serializers import StrictSerializer
from steward.core.api.viewsets import StewardViewSet
from steward.core.validation import MAX_ID
from steward.strategy import goals, portfolio
from steward.strategy import portfolio_filtersets as f
from steward.strategy.models import (
    Allocation,
    BusinessGoal,
    CheckIn,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
)

COMMON = ["custom_fields", "created_at", "updated_at"]


class BusinessGoalSerializer(StrictSerializer):
    class Meta:
        model = BusinessGoal
        fields = ["id", "title", "description", "owner", "target_date", *COMMON]


class ITGoalSerializer(StrictSerializer):
    class Meta:
        model = ITGoal
        fields = ["id", "business_goal", "title", "description", "owner", "start", "end", *COMMON]


class KeyResultSerializer(StrictSerializer):
    progress = serializers.FloatField(read_only=True)

    class Meta:
        model = KeyResult
        fields = [
            "id",
            "it_goal",
            "name",
            "metric",
            "unit",
            "start_value",
            "target_value",
            "current_value",
            "progress",
            *COMMON,
        ]


class CheckInSerializer(StrictSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "key_result", "date", "value", "note", *COMMON]


class LinkIdsField(serializers.ListField):  # type: ignore[type-arg]
    """Ids of linked objects. In: any ids; whether each exists and is one the caller may see
    is the service's check (``portfolio.project_create``), one answer for both. Out: the ids
    of the prefetched links (the viewset prefetches only those the reader may see)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.IntegerField(min_value=1, max_value=MAX_ID))
        kwargs.setdefault("max_length", portfolio.MAX_LINKS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, data: Any) -> list[int]:
        return [obj.pk for obj in data.all()]


class ProjectSerializer(StrictSerializer):
    services = LinkIdsField()
    changes = LinkIdsField()
    requests = LinkIdsField()
    risks = LinkIdsField()
    cost_records = LinkIdsField()
    actual_spent = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "it_goal",
            "phase",
            "status",
            "health",
            "health_reason",
            "owner",
            "budget",
            "spent",
            "actual_spent",
            "budget_line",
            "cost_records",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "services",
            "changes",
            "requests",
            "risks",
            *COMMON,
        ]


class MilestoneSerializer(StrictSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "project", "name", "due", "done", *COMMON]


class AllocationSerializer(StrictSerializer):
    class Meta:
        model = Allocation
        fields = ["id", "project", "person", "percent", "start", "end", *COMMON]


class BusinessGoalViewSet(StewardViewSet):
    queryset = BusinessGoal.objects.all()
    serializer_class = BusinessGoalSerializer
    filterset_class = f.BusinessGoalFilterSet


class ITGoalViewSet(StewardViewSet):
    queryset = ITGoal.objects.all()
    serializer_class = ITGoalSerializer
    filterset_class = f.ITGoalFilterSet


class KeyResultViewSet(StewardViewSet):
    queryset = KeyResult.objects.all()
    serializer_class = KeyResultSerializer
    filterset_class = f.KeyResultFilterSet


class CheckInViewSet(StewardViewSet):
    """A check-in records a key result's value; the latest becomes its current value."""

    queryset = CheckIn.objects.all()
    serializer_class = CheckInSerializer
    filterset_class = f.CheckInFilterSet

    def create_object(self, data: dict[str, Any]) -> Any:
        return goals.check_in_record(actor=self.request.user, **data)


class ProjectViewSet(StewardViewSet):
    """Projects with ``actual_spent``: the sum of linked cost records, else ``spent``. The
    links shown are those the reader may see; linking checks the same (``project_create``)."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = f.ProjectFilterSet

    def get_queryset(self) -> Any:
        visible = portfolio.project_links_visible(user=self.request.user)
        links = [Prefetch(name, queryset=qs.only("pk")) for name, qs in visible.items()]
        return portfolio.with_spent(super().get_queryset()).prefetch_related(*links)

    def _reread(self, project: Project) -> Project:
        """The saved project as the reader sees it (links narrowed, ``actual_spent``)."""
        return self.get_queryset().get(pk=project.pk)  # type: ignore[no-any-return]

    def create_object(self, data: dict[str, Any]) -> Any:
        return self._reread(portfolio.project_create(data=data, actor=self.request.user))

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        saved = portfolio.project_update(project=obj, data=data, actor=self.request.user)
        return self._reread(saved)


class _ProjectChildViewSet(StewardViewSet):
    def create_object(self, data: dict[str, Any]) -> Any:
        model = self.get_queryset().model
        return portfolio.project_child_create(model=model, data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Any:
        return portfolio.project_child_update(obj=obj, data=data, actor=self.request.user)


class MilestoneViewSet(_ProjectChildViewSet):
    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = f.MilestoneFilterSet


class AllocationViewSet(_ProjectChildViewSet):
    queryset = Allocation.objects.all()
    serializer_class = AllocationSerializer
    filterset_class = f.AllocationFilterSet


# Read-only views -----------------------------------------------------------------------


class KeyResultProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    metric = serializers.CharField()
    unit = serializers.CharField()
    start_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    target_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    current_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    progress = serializers.FloatField()


class GoalProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    progress = serializers.FloatField()
    key_results = KeyResultProgressSerializer(many=True)


class GoalProgressView(APIView):
    """Progress of every IT goal you may see: the mean of its key results' progress, each
    the share of the way from start to target (0-100)."""

    queryset = ITGoal.objects.all()

    @extend_schema(responses={200: GoalProgressSerializer(many=True)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = goals.it_goal_progress(user=request.user)
        return Response(GoalProgressSerializer(rows, many=True).data)


class MilestoneMarkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    due = serializers.DateField()
    done = serializers.BooleanField()


class RoadmapBarSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    phase = serializers.CharField()
    status = serializers.CharField()
    health = serializers.CharField()
    health_reason = serializers.CharField()
    owner = serializers.CharField()
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    actual_start = serializers.DateField(allow_null=True)
    actual_end = serializers.DateField(allow_null=True)
    milestones = MilestoneMarkSerializer(many=True)


class RoadmapSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField()
    end = serializers.DateField()
    today = serializers.DateField()
    projects = RoadmapBarSerializer(many=True)


class RoadmapView(APIView):
    """The portfolio roadmap: each project's planned and actual span and milestones (cancelled
    projects left out), the window shown and today."""

    queryset = Project.objects.all()

    @extend_schema(responses={200: RoadmapSerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(RoadmapSerializer(portfolio.roadmap(user=request.user)).data)


class CapacityQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.DateField(required=False)
    months = serializers.IntegerField(min_value=1, max_value=36, required=False, default=12)


class CapacityMonthSerializer(serializers.Serializer):  # type: ignore[type-arg]
    month = serializers.DateField()
    percent = serializers.IntegerField()
    over = serializers.BooleanField()


class CapacityPersonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    over = serializers.BooleanField()
    months = CapacityMonthSerializer(many=True)


class CapacitySerializer(serializers.Serializer):  # type: ignore[type-arg]
    months = serializers.ListField(child=serializers.DateField())
    people = CapacityPersonSerializer(many=True)


class CapacityView(APIView):
    """Per person and month (``months`` from ``start``, default this month), the sum of
    their allocations' percentages; ``over`` when above 100."""

    queryset = Allocation.objects.all()

    @extend_schema(parameters=[CapacityQuerySerializer], responses={200: CapacitySerializer})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = CapacityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start: datetime.date = query.validated_data.get("start") or timezone.localdate()
        data = portfolio.capacity(
            user=request.user, start=start, months=query.validated_data["months"]
        )
        return Response(CapacitySerializer(data).data)


def register(router: Any) -> list[Any]:
    """Register the viewsets on the app's router; the read-only views' URL patterns."""
    from django.urls import path

    for prefix, viewset in (
        ("business-goals", BusinessGoalViewSet),
        ("it-goals", ITGoalViewSet),
        ("key-results", KeyResultViewSet),
        ("check-ins", CheckInViewSet),
        ("projects", ProjectViewSet),
        ("milestones", MilestoneViewSet),
        ("allocations", AllocationViewSet),
    ):
        router.register(prefix, viewset)
    return [
        path("goal-progress/", GoalProgressView.as_view(), name="goal_progress"),
        path("roadmap/", RoadmapView.as_view(), name="roadmap"),
        path("capacity/", CapacityView.as_view(), name="capacity"),
    ]
