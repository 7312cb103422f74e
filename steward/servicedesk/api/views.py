"""The service desk's REST API. Ticket writes and actions are adapters to the ticket
services; settings are plain CRUD through the generic services."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from steward.core import features, permissions
from steward.core.api.features import AttachmentActions
from steward.core.api.viewsets import StewardViewSet
from steward.servicedesk import filtersets, selectors
from steward.servicedesk import services as desk
from steward.servicedesk.api import inputs as i
from steward.servicedesk.api import serializers as s
from steward.servicedesk.api import settings_serializers as c
from steward.servicedesk.models import (
    CannedResponse,
    Category,
    Channel,
    OrganisationSetting,
    PriorityRule,
    RoutingRule,
    SavedQueue,
    Service,
    SurveyResponse,
    TeamSetting,
    Ticket,
    TicketEntry,
    TicketLink,
    TimeEntry,
)
from steward.servicedesk.services.lifecycle import is_staff, person_of


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: _("Invalid input: the field errors say what to fix."),
        403: _("Not allowed for your role."),
        404: _("No such ticket, or not visible to you."),
    }
    return {c: OpenApiResponse(s.ErrorSerializer, description=text[c]) for c in codes}


E = errors(400, 403, 404)
READ_ONLY = ["get", "head", "options"]


class TicketViewSet(AttachmentActions, StewardViewSet):
    """Incidents and service requests. Creating and changing go through the ticket services
    (priority matrix, routing, assignment, SLA clocks, audit, events)."""

    queryset = Ticket.objects.all()
    serializer_class = s.TicketSerializer
    filterset_class = filtersets.TicketFilterSet
    list_select_related = selectors.API_LIST_RELATED
    ordering_fields = ["id", "created_at", "updated_at", "priority", "status", "resolution_due"]

    def get_queryset(self) -> QuerySet[Any]:
        # Found by the ticket's own columns, joined by keys: planned in written order
        # (steward.core.planner; 10 ms of planning a read on PostgreSQL otherwise).
        qs = super().get_queryset().joins_as_written()
        if self.action == "retrieve":
            qs = qs.select_related(*selectors.DETAIL_RELATED).prefetch_related("sla_clocks")
        elif self.action == "list":
            qs = qs.only(*selectors.API_LIST_ONLY)
        return qs

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return s.TicketCreateSerializer
        if self.action == "partial_update":
            return s.TicketUpdateSerializer
        return s.TicketSerializer

    def _out(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.ticket_get(self.request.user, ticket.pk) or ticket
        return Response(s.TicketSerializer(fresh, context=self.get_serializer_context()).data, code)

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketSerializer, **E})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = s.TicketCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        user = request.user
        if not is_staff(user):
            staff_only = ("team", "assignee", "is_major", "tags", "impact")
            refused = [n for n in staff_only if data.get(n)]
            if refused:
                raise exceptions.ValidationError({n: [_("Only agents set this.")] for n in refused})
            me = person_of(user)
            if me is None:
                raise exceptions.PermissionDenied(_("Your login has no person in the directory."))
            data["requester"], data["organisation"] = me, me.organisation
        elif data.get("requester") is None:
            data["requester"] = person_of(user)
        ticket = desk.ticket_create(actor=user, **data)
        # The service holds the new ticket with its relations: answer from it, no re-read.
        context = self.get_serializer_context()
        if not data.get("tags"):
            context["tags"] = {str(ticket.pk): []}
        body = s.TicketSerializer(ticket, context=context).data
        return Response(body, status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateSerializer, responses={200: s.TicketSerializer, **E})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        payload = s.TicketUpdateSerializer(
            ticket, data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        ticket = desk.ticket_update(
            ticket=ticket, actor=request.user, data=dict(payload.validated_data)
        )
        return self._out(ticket)

    def create_object(self, data: dict[str, Any]) -> Model:
        """The generic bulk endpoint creates through the service too."""
        data.setdefault("requester", person_of(self.request.user))
        return desk.ticket_create(actor=self.request.user, **data)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        assert isinstance(obj, Ticket)
        return desk.ticket_update(ticket=obj, actor=self.request.user, data=data)

    @extend_schema(
        request=i.TransitionSerializer,
        responses={200: s.TicketSerializer, **E},
        summary="Move the ticket along its lifecycle",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Pending needs a ``pending_reason``, resolved a ``resolution``. Closed and
        cancelled are final; resolved → in_progress reopens."""
        ticket = self.get_object()
        body = i.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket = desk.ticket_transition(ticket=ticket, actor=request.user, **body.validated_data)
        return self._out(ticket)

    @extend_schema(
        request=i.AssignSerializer,
        responses={200: s.TicketSerializer, **E},
        summary="Set the assignment group and/or agent",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """A new team without an agent is assigned automatically per its setting."""
        ticket = self.get_object()
        body = i.AssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        ticket = desk.ticket_assign(ticket=ticket, actor=request.user, **body.validated_data)
        return self._out(ticket)

    @extend_schema(
        request=i.ReplySerializer,
        responses={201: s.TicketEntrySerializer, **E},
        summary="Reply publicly or add an internal note",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        body = i.ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = desk.ticket_reply(
            ticket=ticket, actor=request.user, channel=Channel.API, **body.validated_data
        )
        data = s.TicketEntrySerializer(entry, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: s.TicketEntrySerializer(many=True), **errors(404)},
        summary="The ticket's timeline (internal notes only for staff)",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        rows = selectors.entries_for(ticket, request.user)
        data = s.TicketEntrySerializer(rows, many=True, context=self.get_serializer_context())
        return Response(data.data)

    @extend_schema(
        request=i.LinkSerializer,
        responses={201: s.TicketLinkSerializer, **E},
        summary="Link this ticket to another",
    )
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        body = i.LinkSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        link = desk.ticket_link(source=ticket, actor=request.user, **body.validated_data)
        return Response(s.TicketLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=i.MergeSerializer,
        responses={200: s.TicketSerializer, **E},
        summary="Merge this ticket into another (returns the target)",
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        body = i.MergeSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        into = desk.ticket_merge(ticket=ticket, actor=request.user, **body.validated_data)
        return self._out(into)

    @extend_schema(
        request=i.TimeSerializer,
        responses={201: s.TimeEntrySerializer, **E},
        summary="Record time spent on the ticket",
    )
    @action(detail=True, methods=["post"])
    def time(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        body = i.TimeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = desk.time_entry_add(ticket=ticket, actor=request.user, **body.validated_data)
        return Response(s.TimeEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: i.WatchSerializer, **errors(403, 404)},
        summary="Start or stop watching the ticket",
    )
    @action(detail=True, methods=["post"])
    def watch(self, request: Request, pk: str | None = None) -> Response:
        ticket = self.get_object()
        return Response({"watching": features.watch_toggle(obj=ticket, user=request.user)})

    @extend_schema(
        request=i.BulkUpdateSerializer,
        responses={200: i.BulkResultSerializer, **errors(400, 403)},
        summary="Change status, team, assignee, priority or category of many tickets",
    )
    @action(detail=False, methods=["post"], url_path="bulk-update")
    def bulk_update(self, request: Request) -> Response:
        """Each ticket goes through the single-ticket services; all or nothing."""
        if not permissions.can(request.user, "work", Ticket):
            raise exceptions.PermissionDenied(_("Only agents change tickets in bulk."))
        body = i.BulkUpdateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        tickets = data.pop("tickets")
        count = desk.ticket_bulk_update(tickets=tickets, actor=request.user, data=data)
        return Response({"updated": count})


class TicketEntryViewSet(StewardViewSet):
    """Replies, notes and events of tickets (read-only: write with a ticket's ``reply``)."""

    http_method_names = READ_ONLY
    queryset = TicketEntry.objects.all()
    serializer_class = s.TicketEntrySerializer
    filterset_class = filtersets.TicketEntryFilterSet
    list_select_related = ("author",)
    ordering_fields = ["created_at", "id"]


class SurveyResponseViewSet(StewardViewSet):
    """Satisfaction answers (read-only: requesters answer through the survey link)."""

    http_method_names = READ_ONLY
    queryset = SurveyResponse.objects.all()
    serializer_class = s.SurveyResponseSerializer
    filterset_class = filtersets.SurveyResponseFilterSet
    ordering_fields = ["sent_at", "answered_at", "rating"]


class TicketLinkViewSet(StewardViewSet):
    http_method_names = [*READ_ONLY, "post", "delete"]
    queryset = TicketLink.objects.all()
    serializer_class = s.TicketLinkSerializer
    filterset_class = filtersets.TicketLinkFilterSet
    list_select_related = ("source", "target")
    ordering_fields = ["id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return desk.ticket_link(actor=self.request.user, **data)

    def perform_destroy(self, instance: Model) -> None:
        assert isinstance(instance, TicketLink)
        desk.ticket_unlink(link=instance, actor=self.request.user)


class TimeEntryViewSet(StewardViewSet):
    http_method_names = [*READ_ONLY, "post"]
    queryset = TimeEntry.objects.all()
    serializer_class = s.TimeEntrySerializer
    filterset_class = filtersets.TimeEntryFilterSet
    list_select_related = ("person",)
    ordering_fields = ["date", "id"]

    def create_object(self, data: dict[str, Any]) -> Model:
        return desk.time_entry_add(actor=self.request.user, **data)


class CategoryViewSet(StewardViewSet):
    queryset = Category.objects.all()
    serializer_class = c.CategorySerializer
    filterset_class = filtersets.CategoryFilterSet
    list_select_related = ("parent",)
    ordering_fields = ["name"]


class ServiceViewSet(StewardViewSet):
    queryset = Service.objects.all()
    serializer_class = c.ServiceSerializer
    filterset_class = filtersets.ServiceFilterSet
    ordering_fields = ["order", "name"]


class PriorityRuleViewSet(StewardViewSet):
    queryset = PriorityRule.objects.all()
    serializer_class = c.PriorityRuleSerializer
    filterset_class = filtersets.PriorityRuleFilterSet
    ordering_fields = ["impact", "urgency"]


class RoutingRuleViewSet(StewardViewSet):
    queryset = RoutingRule.objects.all()
    serializer_class = c.RoutingRuleSerializer
    filterset_class = filtersets.RoutingRuleFilterSet
    ordering_fields = ["order", "name"]


class TeamSettingViewSet(StewardViewSet):
    queryset = TeamSetting.objects.all()
    serializer_class = c.TeamSettingSerializer
    filterset_class = filtersets.TeamSettingFilterSet
    ordering_fields = ["id"]


class OrganisationSettingViewSet(StewardViewSet):
    queryset = OrganisationSetting.objects.all()
    serializer_class = c.OrganisationSettingSerializer
    filterset_class = filtersets.OrganisationSettingFilterSet
    ordering_fields = ["id"]


PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def render_canned(body: str, ticket: Ticket, agent: Any) -> str:
    """Fills ``{{ requester }}``, ``{{ reference }}``, ``{{ agent }}`` and ``{{ title }}``;
    other text is left as written (no template language: bodies are user input)."""
    values = {
        "requester": str(ticket.requester),
        "reference": ticket.reference,
        "title": ticket.title,
        "agent": str(agent) if agent is not None else "",
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


class CannedResponseViewSet(StewardViewSet):
    queryset = CannedResponse.objects.all()
    serializer_class = c.CannedResponseSerializer
    filterset_class = filtersets.CannedResponseFilterSet
    list_select_related = ("team",)
    ordering_fields = ["title"]

    @extend_schema(
        request=i.CannedRenderSerializer,
        responses={200: i.RenderedSerializer, **E},
        summary="The response's text filled in for a ticket",
    )
    @action(detail=True, methods=["post"])
    def render(self, request: Request, pk: str | None = None) -> Response:
        canned = self.get_object()
        body = i.CannedRenderSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        ticket = body.validated_data["ticket"]
        agent = person_of(request.user) or request.user
        return Response({"body": render_canned(canned.body, ticket, agent)})


class SavedQueueViewSet(StewardViewSet):
    """Shared queues (no owner) and the requesting agent's personal ones."""

    queryset = SavedQueue.objects.all()
    serializer_class = c.SavedQueueSerializer
    filterset_class = filtersets.SavedQueueFilterSet
    ordering_fields = ["order", "name"]

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().filter(Q(owner=None) | Q(owner=self.request.user))

    def create_object(self, data: dict[str, Any]) -> Model:
        data["owner"] = self.request.user if data.pop("personal", False) else None
        return super().create_object(data)

    def update_object(self, obj: Model, data: dict[str, Any]) -> Model:
        if "personal" in data:
            data["owner"] = self.request.user if data.pop("personal") else None
        return super().update_object(obj, data)
