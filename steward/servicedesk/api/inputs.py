"""Bodies of the ticket actions (transition, assign, reply, link, merge, time, bulk) and
of the canned-response render: plain serializers, each handed to one service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from steward.servicedesk.api.serializers import IdRelatedField, Input, RestrictedChoicesMixin
from steward.servicedesk.models import (
    Category,
    EntryKind,
    PendingReason,
    Status,
    Ticket,
    TicketLinkKind,
)


class TransitionSerializer(Input):
    status = serializers.ChoiceField(choices=Status.choices)
    pending_reason = serializers.ChoiceField(
        choices=PendingReason.choices, required=False, allow_blank=True, default=""
    )
    resolution = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20_000
    )


def _related(model: Any, **kw: Any) -> serializers.PrimaryKeyRelatedField:  # type: ignore[type-arg]
    return IdRelatedField(queryset=model.objects.all(), **kw)


class AssignSerializer(RestrictedChoicesMixin, Input):
    team = _related(Ticket._meta.get_field("team").related_model, allow_null=True, required=False)
    assignee = _related(
        Ticket._meta.get_field("assignee").related_model, allow_null=True, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(_("Give a team, an assignee or both."))
        return attrs


class ReplySerializer(Input):
    body = serializers.CharField(max_length=100_000)
    kind = serializers.ChoiceField(
        choices=[(EntryKind.REPLY, _("Public reply")), (EntryKind.NOTE, _("Internal note"))],
        default=EntryKind.REPLY,
    )


class LinkSerializer(RestrictedChoicesMixin, Input):
    target = _related(Ticket)
    kind = serializers.ChoiceField(choices=TicketLinkKind.choices)


class MergeSerializer(RestrictedChoicesMixin, Input):
    into = _related(Ticket)


class TimeSerializer(Input):
    minutes = serializers.IntegerField(min_value=1, max_value=1440)
    date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class BulkUpdateSerializer(RestrictedChoicesMixin, Input):
    tickets = IdRelatedField(queryset=Ticket.objects.all(), many=True, allow_empty=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    pending_reason = serializers.ChoiceField(
        choices=PendingReason.choices, required=False, allow_blank=True
    )
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    team = _related(Ticket._meta.get_field("team").related_model, allow_null=True, required=False)
    assignee = _related(
        Ticket._meta.get_field("assignee").related_model, allow_null=True, required=False
    )
    priority = serializers.ChoiceField(
        choices=Ticket._meta.get_field("priority").choices, required=False
    )
    category = _related(Category, allow_null=True, required=False)

    def validate_tickets(self, value: list[Ticket]) -> list[Ticket]:
        if len(value) > 500:
            raise serializers.ValidationError(_("At most 500 tickets at once."))
        return value


BulkResultSerializer = inline_serializer(
    "TicketBulkResult", fields={"updated": serializers.IntegerField()}
)
WatchSerializer = inline_serializer("Watching", fields={"watching": serializers.BooleanField()})


class CannedRenderSerializer(RestrictedChoicesMixin, Input):
    ticket = _related(Ticket)


RenderedSerializer = inline_serializer(
    "CannedResponseRendered", fields={"body": serializers.CharField()}
)
