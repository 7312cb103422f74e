"""Own notifications (list, mark read), own preferences, and the mail quarantine (admins)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from steward.core import permissions
from steward.notifications import selectors, services
from steward.notifications.api.serializers import (
    InboundMessageSerializer,
    NotificationSerializer,
    PreferenceSerializer,
)
from steward.notifications.models import InboundMessage, Notification

CountSerializer = inline_serializer("MarkedRead", fields={"marked": serializers.IntegerField()})


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Your own notifications, newest first; ``?unread=true`` for the unread ones."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_fields = ["event"]
    ordering_fields = ["created_at"]
    required_action = "view"

    def get_queryset(self) -> Any:
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notification_list(user=self.request.user, unread=unread)

    def _own(self, pk: Any) -> Notification:
        notification = selectors.notification_get(user=self.request.user, pk=pk)
        if notification is None:
            raise NotFound()
        return notification

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = services.notification_mark_read(
            notification=self._own(pk), user=request.user
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.notification_mark_all_read(user=request.user)})


class PreferenceView(APIView):
    """GET every event with your choice; POST ``{event, in_app, email}`` to set one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.preference_matrix(user=request.user)
        return Response(PreferenceSerializer(rows, many=True).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def post(self, request: Request) -> Response:
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pref = services.preference_set(user=request.user, **serializer.validated_data)
        row = next(
            r for r in selectors.preference_matrix(user=request.user) if r["event"] == pref.event
        )
        return Response(PreferenceSerializer(row).data)


OutcomeSerializer = inline_serializer(
    "ReprocessOutcome",
    fields={
        "handled": serializers.BooleanField(),
        "handler": serializers.CharField(),
        "reason": serializers.CharField(),
        "detail": serializers.CharField(),
    },
)


class InboundMessageViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Inbound mail in quarantine (administrators): read, re-process or discard."""

    queryset = InboundMessage.objects.all()
    serializer_class = InboundMessageSerializer
    filterset_fields = ["status", "reason"]
    ordering_fields = ["received_at"]
    required_action = "view"

    def get_queryset(self) -> Any:
        return selectors.inbound_message_list(user=self.request.user)

    def _message(self, pk: Any) -> InboundMessage:
        message = selectors.inbound_message_get(user=self.request.user, pk=pk)
        if message is None:
            raise NotFound()
        permissions.ensure(self.request.user, "change", message)
        return message

    @extend_schema(request=None, responses=OutcomeSerializer)
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: Any = None) -> Response:
        outcome = services.inbound_message_reprocess(message=self._message(pk), actor=request.user)
        return Response(
            {
                "handled": outcome.handled,
                "handler": outcome.handler,
                "reason": outcome.reason,
                "detail": outcome.detail,
            }
        )

    @extend_schema(request=None, responses=InboundMessageSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: Any = None) -> Response:
        message = services.inbound_message_discard(message=self._message(pk), actor=request.user)
        return Response(InboundMessageSerializer(message).data)
