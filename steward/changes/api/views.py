from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.changes import filtersets, incidents, problems, selectors, services
from steward.changes.api import serializers as s
from steward.changes.models import (
    ChangeRequest,
    ChangeRequestCI,
    ChangeTemplate,
    ChangeWindow,
    Problem,
)
from steward.core.api.parsers import JSONParser
from steward.core.api.viewsets import StewardViewSet

JSON_ONLY = [JSONParser]
"""Bodies are JSON only: a multipart body with more parts than Django's
DATA_UPLOAD_MAX_NUMBER_FIELDS (a long ``configuration_items`` list sent as form parts) is
refused by Django as an HTML 400 before DRF's error format can answer."""

ErrorSerializer = inline_serializer(
    "ChangesError",
    fields={
        "type": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _("Invalid input: the field errors say what to fix."),
        403: _("Not allowed for your role."),
        404: _("No such change, or not visible to you."),
    }
    return {c: OpenApiResponse(ErrorSerializer, description=text[c]) for c in codes}


E = errors(400, 403, 404)


class ChangeRequestViewSet(StewardViewSet):
    """Change requests. ``transition`` moves one along its lifecycle (the approval route opens
    on authorisation); ``decide`` approves or rejects its open approval stage; ``risk``
    assesses it again with the reasons; ``conflicts`` lists what its planned window clashes
    with. Changes are cancelled, never deleted."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = JSON_ONLY
    queryset = ChangeRequest.objects.all()
    serializer_class = s.ChangeRequestSerializer
    filterset_class = filtersets.ChangeRequestFilterSet
    list_select_related = ()
    ordering_fields = ["planned_start", "created_at", "risk_score", "state"]

    def get_queryset(self) -> Any:
        links = Prefetch(
            "ci_links", queryset=ChangeRequestCI.objects.order_by("configuration_item_id")
        )
        return super().get_queryset().prefetch_related(links)

    def create_object(self, data: dict[str, Any]) -> ChangeRequest:
        return services.change_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> ChangeRequest:
        return services.change_update(change=obj, data=data, actor=self.request.user)

    def _change(self) -> ChangeRequest:
        change: ChangeRequest = self.get_object()
        return change

    def _out(self, change: ChangeRequest) -> Response:
        change = self.get_queryset().get(pk=change.pk)
        return Response(self.get_serializer(change).data)

    @extend_schema(
        request=s.ChangeTransitionSerializer,
        responses={200: s.ChangeRequestSerializer, **E},
        summary="Move the change along its lifecycle",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Authorisation opens the approval route; review needs an ``outcome``; closing a
        change that did not fully succeed needs ``review_notes``."""
        change = self._change()
        body = s.ChangeTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.change_transition(
            change=change, actor=request.user, **body.validated_data
        )
        return self._out(change)

    @extend_schema(
        request=s.ChangeDecisionSerializer,
        responses={200: s.ChangeRequestSerializer, **E},
        summary="Approve or reject the open approval stage",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        change = self._change()
        body = s.ChangeDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_decide(change=change, actor=request.user, **body.validated_data)
        return self._out(change)

    @extend_schema(
        request=None,
        responses={200: s.ChangeRiskSerializer, **errors(403, 404)},
        summary="Assess the risk again, with its reasons",
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def risk(self, request: Request, pk: str | None = None) -> Response:
        change = services.change_assess(change=self._change(), actor=request.user)
        return Response(
            s.ChangeRiskSerializer(
                {
                    "score": change.risk_score,
                    "level": change.risk_level,
                    "reasons": change.risk_reasons,
                }
            ).data
        )

    @extend_schema(
        request=None,
        responses={200: s.ChangeConflictSerializer(many=True), **errors(404)},
        summary="Conflicts of the planned window with other changes and blackouts",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def conflicts(self, request: Request, pk: str | None = None) -> Response:
        found = selectors.change_conflicts(change=self._change(), user=request.user)
        return Response(s.ChangeConflictSerializer([c.as_dict() for c in found], many=True).data)

    @extend_schema(
        request=None,
        responses={200: s.CausedIncidentSerializer(many=True), **errors(404)},
        summary="Incidents recorded as caused by the change",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def incidents(self, request: Request, pk: str | None = None) -> Response:
        """Empty for anyone but IT staff, who alone see which incidents a change caused."""
        found = selectors.change_incidents(change=self._change(), user=request.user)
        return Response(s.CausedIncidentSerializer(found, many=True).data)

    @extend_schema(
        request=s.IncidentLinkSerializer,
        responses={200: s.LinkResultSerializer, **E},
        summary="Record incidents as caused by the change",
    )
    @action(detail=True, methods=["post"], url_path="link-incidents")
    def link_incidents(self, request: Request, pk: str | None = None) -> Response:
        """Only once the change is carried out (implementation, review, closed, or cancelled
        after it started); incidents already linked are skipped."""
        body = s.IncidentLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        n = incidents.change_link_incidents(
            change=self._change(),
            ticket_ids=body.validated_data["incidents"],
            actor=request.user,
        )
        return Response({"linked": n})

    @extend_schema(
        request=s.IncidentLinkSerializer,
        responses={200: s.CausedIncidentSerializer(many=True), **E},
        summary="Remove incidents from those the change caused",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="unlink-incidents",
        pagination_class=None,
        filter_backends=[],
    )
    def unlink_incidents(self, request: Request, pk: str | None = None) -> Response:
        change = self._change()
        body = s.IncidentLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        for ticket_id in body.validated_data["incidents"]:
            incidents.change_unlink_incident(change=change, ticket_id=ticket_id, actor=request.user)
        found = selectors.change_incidents(change=change, user=request.user)
        return Response(s.CausedIncidentSerializer(found, many=True).data)


class ChangeTemplateViewSet(StewardViewSet):
    """Pre-approved templates of standard changes (IT managers maintain them)."""

    parser_classes = JSON_ONLY
    queryset = ChangeTemplate.objects.all()
    serializer_class = s.ChangeTemplateSerializer
    filterset_class = filtersets.ChangeTemplateFilterSet
    ordering_fields = ["name", "created_at"]


class ChangeWindowViewSet(StewardViewSet):
    """Maintenance windows (changes belong inside) and blackouts (no change may be
    scheduled in one), for everything or for the items and services named."""

    parser_classes = JSON_ONLY
    queryset = ChangeWindow.objects.all()
    serializer_class = s.ChangeWindowSerializer
    filterset_class = filtersets.ChangeWindowFilterSet
    list_prefetch_related = ("configuration_items",)
    ordering_fields = ["start", "end", "name"]

    def create_object(self, data: dict[str, Any]) -> ChangeWindow:
        return services.window_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Model:
        return services.window_update(window=obj, data=data, actor=self.request.user)


class ProblemViewSet(StewardViewSet):
    """Problems: the cause behind incidents. ``transition`` moves one (a known error needs
    a workaround, resolved a root cause); ``link-incidents`` attaches incidents by id;
    ``similar-incidents`` suggests incidents sharing words with it and ``attach-similar``
    links the close ones in one action; ``publish-known-error`` sends the known-error record
    to the knowledge base; ``tasks`` adds a task. Problems are closed, never deleted."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = JSON_ONLY
    queryset = Problem.objects.all()
    serializer_class = s.ProblemSerializer
    filterset_class = filtersets.ProblemFilterSet
    list_prefetch_related = ("incident_links", "tasks")
    ordering_fields = ["created_at", "priority", "state"]

    def create_object(self, data: dict[str, Any]) -> Problem:
        return problems.problem_create(data=data, actor=self.request.user)

    def update_object(self, obj: Any, data: dict[str, Any]) -> Problem:
        if "incidents" in data:
            raise serializers.ValidationError(
                {"incidents": [_("Use link-incidents to link incidents to a problem.")]}
            )
        return problems.problem_update(problem=obj, data=data, actor=self.request.user)

    def _out(self, problem: Problem) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=problem.pk)).data)

    @extend_schema(
        request=s.ProblemTransitionSerializer,
        responses={200: s.ProblemSerializer, **E},
        summary="Move the problem along its lifecycle",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        body = s.ProblemTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        problem = problems.problem_transition(
            problem=self.get_object(), actor=request.user, **body.validated_data
        )
        return self._out(problem)

    @extend_schema(
        request=s.IncidentLinkSerializer,
        responses={200: s.LinkResultSerializer, **E},
        summary="Link incidents to the problem",
    )
    @action(detail=True, methods=["post"], url_path="link-incidents")
    def link_incidents(self, request: Request, pk: str | None = None) -> Response:
        body = s.IncidentLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        n = problems.problem_link_incidents(
            problem=self.get_object(),
            ticket_ids=body.validated_data["incidents"],
            actor=request.user,
        )
        return Response({"linked": n})

    @extend_schema(
        request=None,
        responses={200: s.SimilarIncidentSerializer(many=True), **errors(404)},
        summary="Incidents sharing words with the problem (lexical)",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="similar-incidents",
        pagination_class=None,
        filter_backends=[],
    )
    def similar_incidents(self, request: Request, pk: str | None = None) -> Response:
        found = problems.similar_incidents(problem=self.get_object(), user=request.user)
        return Response(s.SimilarIncidentSerializer(found, many=True).data)

    @extend_schema(
        request=None,
        responses={200: s.LinkResultSerializer, **E},
        summary="Link every similar incident scoring 0.5 or more",
    )
    @action(detail=True, methods=["post"], url_path="attach-similar")
    def attach_similar(self, request: Request, pk: str | None = None) -> Response:
        n = problems.problem_attach_similar(problem=self.get_object(), actor=request.user)
        return Response({"linked": n})

    @extend_schema(
        request=None,
        responses={200: s.ProblemSerializer, **E},
        summary="Send the known-error record to the knowledge base (for review)",
    )
    @action(detail=True, methods=["post"], url_path="publish-known-error")
    def publish_known_error(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        problems.problem_publish_known_error(problem=problem, actor=request.user)
        return self._out(problem)

    @extend_schema(
        request=s.ProblemTaskInputSerializer,
        responses={200: s.ProblemSerializer, **E},
        summary="Add a task to the problem",
    )
    @action(detail=True, methods=["post"])
    def tasks(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        body = s.ProblemTaskInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = problems.task_add(
            problem=problem, title=body.validated_data["title"], actor=request.user
        )
        if body.validated_data["done"]:
            problems.task_set_done(task=task, done=True, actor=request.user)
        return self._out(problem)
