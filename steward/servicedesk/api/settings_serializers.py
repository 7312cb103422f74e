"""API representations of the service desk's settings: categories, business services, the
priority matrix, routing rules, team and organisation settings, canned responses, queues."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from steward.servicedesk.api.serializers import COMMON, DeskSerializer
from steward.servicedesk.models import (
    CannedResponse,
    Category,
    OrganisationSetting,
    PriorityRule,
    RoutingRule,
    SavedQueue,
    Service,
    TeamSetting,
)


class CategorySerializer(DeskSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent", "kind", "default_team", "is_active", *COMMON]


class ServiceSerializer(DeskSerializer):
    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "owner_team",
            "status",
            "status_message",
            "is_public",
            "order",
            *COMMON,
        ]
        internal_fields = ("owner_team",)


class PriorityRuleSerializer(DeskSerializer):
    class Meta:
        model = PriorityRule
        fields = ["id", "impact", "urgency", "priority", *COMMON]


class RoutingRuleSerializer(DeskSerializer):
    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "name",
            "order",
            "is_active",
            "match_category",
            "match_organisation",
            "match_channel",
            "match_kind",
            "match_keywords",
            "set_team",
            "set_category",
            "set_priority",
            *COMMON,
        ]


class TeamSettingSerializer(DeskSerializer):
    class Meta:
        model = TeamSetting
        fields = ["id", "team", "assignment", "last_assigned", *COMMON]
        read_only_fields = ["last_assigned"]


class OrganisationSettingSerializer(DeskSerializer):
    class Meta:
        model = OrganisationSetting
        fields = ["id", "organisation", "customer_visibility", *COMMON]


class CannedResponseSerializer(DeskSerializer):
    class Meta:
        model = CannedResponse
        fields = ["id", "title", "body", "team", "is_active", *COMMON]


class SavedQueueSerializer(DeskSerializer):
    personal = serializers.BooleanField(
        write_only=True, required=False, help_text=_("Only for you (else shared with agents).")
    )

    class Meta:
        model = SavedQueue
        fields = ["id", "name", "owner", "personal", "query", "order", *COMMON]
        read_only_fields = ["owner"]
