"""API representations of tickets and the service desk's settings. Inputs of the ticket
actions are plain serializers handed to one service each."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from steward.core import configcache, permissions
from steward.core.api.serializers import StrictSerializer
from steward.core.models import TaggedItem
from steward.core.validation import is_id
from steward.servicedesk.models import (
    Category,
    Channel,
    PendingReason,
    SurveyResponse,
    Ticket,
    TicketEntry,
    TicketLink,
    TimeEntry,
)
from steward.servicedesk.sla import engine

COMMON = ["custom_fields", "created_at", "updated_at"]
RELATED_QUERYSETS: tuple[str, ...] = (
    "requester",
    "affected_person",
    "organisation",
    "category",
    "service",
    "team",
    "assignee",
    "parent",
    "source",
    "target",
    "into",
    "ticket",
    "tickets",
)

ErrorSerializer = inline_serializer(
    "Error",
    fields={
        "type": serializers.CharField(),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


class Input(serializers.Serializer):  # type: ignore[type-arg]
    """An action's body: a JSON object of known fields only (like ``StrictSerializer``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - {n for n, f in self.fields.items() if not f.read_only})
        if unknown:
            raise serializers.ValidationError(
                {n: [_("Unknown or read-only field.")] for n in unknown}
            )
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A related row by id; a value that is no database id (text, a fraction, past 64 bits)
    answers "does not exist" instead of reaching the database driver."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not is_id(data):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def _categories() -> dict[int, Category]:
    return {c.pk: c for c in Category.objects.select_related("parent")}


class CachedCategoryField(IdRelatedField):
    """A category by id from the process's configuration cache (categories change rarely,
    and every new ticket names one): no query per ticket. An id the cache does not know yet
    goes to the database, which answers it or "does not exist"."""

    def to_internal_value(self, data: Any) -> Any:
        if is_id(data):  # digits only: True, 1.5 or a list go on to the usual refusal
            found = configcache.get("servicedesk.categories", _categories).get(int(data))
            user = getattr(self.context.get("request"), "user", None)
            # The same rule as the database's restricted queryset (an agent sees every
            # category, a requester the active ones), with no query where none narrows.
            if found is not None and permissions.can(user, "view", found):
                return copy.copy(found)  # the cached row is shared: the ticket gets its own
        return super().to_internal_value(data)


class DeskSerializer(StrictSerializer):
    """``Meta.internal_fields`` are for IT staff: hidden from customer contacts (the platform
    does that) and from employees too, who see only their own tickets' public side."""

    serializer_related_field = IdRelatedField

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        hidden = getattr(getattr(self, "Meta", None), "internal_fields", ())
        request = self.context.get("request")
        if (
            hidden
            and request is not None
            and not permissions.has_role(request.user, *permissions.STAFF)
        ):
            for name in hidden:
                data.pop(name, None)
        return data


class RestrictedChoicesMixin:
    """Related-object inputs accept only rows the requesting user may see, so an id of
    someone else's row answers "does not exist" like an unknown one."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        for name in RELATED_QUERYSETS:
            field = fields.get(name)
            if field is None or field.read_only:
                continue
            target = getattr(field, "child_relation", field)
            if getattr(target, "queryset", None) is not None:
                target.queryset = permissions.restrict(target.queryset.all(), user, "view")
        return fields


ClockSerializer = inline_serializer(
    "SLAClockState",
    fields={
        "target_seconds": serializers.IntegerField(),
        "elapsed_seconds": serializers.IntegerField(),
        "remaining_seconds": serializers.IntegerField(help_text=_("Negative once breached.")),
        "due_at": serializers.DateTimeField(allow_null=True),
        "percent": serializers.IntegerField(),
        "paused": serializers.BooleanField(),
        "stopped": serializers.BooleanField(),
        "warned": serializers.BooleanField(),
        "breached": serializers.BooleanField(),
    },
    allow_null=True,
)
CLOCK_FIELDS = (
    "target_seconds",
    "elapsed_seconds",
    "remaining_seconds",
    "due_at",
    "percent",
    "paused",
    "stopped",
    "warned",
    "breached",
)
SLASerializer = inline_serializer(
    "TicketSLA",
    fields={
        "response": ClockSerializer,
        "resolution": ClockSerializer,
        "ola": ClockSerializer,
    },
)


def _clock(state: Any) -> dict[str, Any] | None:
    if state is None:
        return None
    data = state.as_dict() if hasattr(state, "as_dict") else dict(state)
    return {name: data.get(name) for name in CLOCK_FIELDS}


class TicketListSerializer(serializers.ListSerializer):  # type: ignore[type-arg]
    """Fetches the SLA clocks and tags of a whole page at once (two queries per page)."""

    def to_representation(self, data: Any) -> Any:
        items = list(data.all() if hasattr(data, "all") else data)
        ids = [t.pk for t in items]
        self.context["sla_states"] = engine.sla_states(items, timezone.now()) if items else {}
        tags: dict[str, list[str]] = {str(pk): [] for pk in ids}
        if ids:
            rows = TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Ticket),
                object_id__in=list(tags),
            ).values_list("object_id", "tag__name")
            for object_id, name in rows.order_by("tag__name"):
                tags[object_id].append(name)
        self.context["tags"] = tags
        return [self.child.to_representation(item) for item in items]


class TicketSerializer(DeskSerializer):
    """A ticket as read. SLA due times and flags are the ticket's summary; ``sla`` carries
    the live elapsed and remaining business time of each running clock."""

    requester_name = serializers.CharField(source="requester.__str__", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    team_name = serializers.CharField(
        source="team.name", read_only=True, default=None, allow_null=True
    )
    assignee_name = serializers.CharField(
        source="assignee.__str__", read_only=True, default=None, allow_null=True
    )
    category_name = serializers.CharField(
        source="category.__str__", read_only=True, default=None, allow_null=True
    )
    service_name = serializers.CharField(
        source="service.name", read_only=True, default=None, allow_null=True
    )
    pending_reason = serializers.ChoiceField(
        choices=PendingReason.choices, allow_blank=True, read_only=True
    )
    tags = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        list_serializer_class = TicketListSerializer
        fields = [
            "id",
            "reference",
            "kind",
            "title",
            "description",
            "status",
            "pending_reason",
            "requester",
            "requester_name",
            "affected_person",
            "organisation",
            "organisation_name",
            "channel",
            "category",
            "category_name",
            "service",
            "service_name",
            "configuration_item_id",
            "asset_id",
            "impact",
            "urgency",
            "priority",
            "team",
            "team_name",
            "assignee",
            "assignee_name",
            "is_major",
            "parent",
            "merged_into",
            "resolution",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "reopen_count",
            "time_spent_minutes",
            "sla_policy",
            "response_due",
            "resolution_due",
            "response_breached",
            "resolution_breached",
            "sla_paused",
            "sla",
            "tags",
            "created_by",
            *COMMON,
        ]
        read_only_fields = fields
        internal_fields = ("time_spent_minutes", "created_by", "sla_policy", "custom_fields")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: Ticket) -> list[str]:
        cached = self.context.get("tags")
        if cached is not None and str(obj.pk) in cached:
            return cached[str(obj.pk)]
        from steward.core.features import tags_of

        return sorted(t.name for t in tags_of(obj))

    @extend_schema_field(SLASerializer)
    def get_sla(self, obj: Ticket) -> dict[str, Any]:
        states = self.context.get("sla_states")
        if states is not None and obj.pk in states:
            state = states[obj.pk]
        else:
            state = engine.ticket_sla_state(obj, timezone.now())
        return {m: _clock(state.get(m)) for m in ("response", "resolution", "ola")}


TAGS = serializers.ListField(
    child=serializers.CharField(max_length=64), max_length=20, required=False
)


class TicketCreateSerializer(RestrictedChoicesMixin, DeskSerializer):
    """What a client sends to open a ticket. Requesters without an agent role open tickets
    for themselves: their requester and organisation are set for them."""

    tags = TAGS
    category = CachedCategoryField(
        queryset=Category.objects.select_related("parent"), required=False, allow_null=True
    )

    class Meta:
        model = Ticket
        fields = [
            "kind",
            "title",
            "description",
            "requester",
            "affected_person",
            "organisation",
            "channel",
            "category",
            "service",
            "configuration_item_id",
            "asset_id",
            "impact",
            "urgency",
            "team",
            "assignee",
            "is_major",
            "custom_fields",
            "tags",
        ]
        extra_kwargs = {
            # Loaded with what opening the ticket reads next: the requester's organisation,
            # the category's parent (routing falls back to its team; the name shows both).
            "requester": {
                "required": False,
                "queryset": Ticket._meta.get_field(
                    "requester"
                ).related_model.objects.select_related("organisation"),
            },
            "organisation": {"required": False},
            "channel": {"default": Channel.API},
        }


class TicketUpdateSerializer(RestrictedChoicesMixin, DeskSerializer):
    tags = TAGS

    class Meta:
        model = Ticket
        fields = [
            "kind",
            "title",
            "description",
            "requester",
            "affected_person",
            "organisation",
            "category",
            "service",
            "configuration_item_id",
            "asset_id",
            "impact",
            "urgency",
            "priority",
            "team",
            "assignee",
            "is_major",
            "parent",
            "custom_fields",
            "tags",
        ]


class TicketEntrySerializer(DeskSerializer):
    author_name = serializers.CharField(
        source="author.__str__", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = TicketEntry
        fields = [
            "id",
            "ticket",
            "kind",
            "author",
            "author_name",
            "body",
            "channel",
            "message_id",
            "created_at",
        ]
        read_only_fields = fields
        internal_fields = ("message_id",)


class TicketLinkSerializer(RestrictedChoicesMixin, DeskSerializer):
    source_reference = serializers.CharField(source="source.reference", read_only=True)
    target_reference = serializers.CharField(source="target.reference", read_only=True)

    class Meta:
        model = TicketLink
        fields = ["id", "source", "source_reference", "target", "target_reference", "kind"]
        read_only_fields = ["id"]


class TimeEntrySerializer(RestrictedChoicesMixin, DeskSerializer):
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = TimeEntry
        fields = ["id", "ticket", "person", "person_name", "minutes", "date", "note", "created_at"]
        read_only_fields = ["id", "person", "created_at"]
        extra_kwargs = {"date": {"required": False}}


class SurveyResponseSerializer(DeskSerializer):
    """A satisfaction answer; the token that answers it is never shown."""

    class Meta:
        model = SurveyResponse
        fields = ["id", "ticket", "rating", "comment", "sent_at", "answered_at"]
        read_only_fields = fields
