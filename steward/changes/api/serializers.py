from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from steward.approvals.models import Decision
from steward.changes.models import (
    ChangeRequest,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    ChangeWindow,
    Outcome,
    Problem,
    ProblemState,
    RiskLevel,
    WindowKind,
)
from steward.core.api.serializers import StrictSerializer
from steward.core.validation import MAX_ID

COMMON = ["custom_fields", "created_at", "updated_at"]


class ItemIdsField(serializers.ListField):
    """Ids of configuration items, written as a list and read from the row's links (the
    prefetched ``ci_links`` of a change, or a window's items)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            max_length=200,
            required=False,
            **kwargs,
        )

    def get_attribute(self, instance: Any) -> Any:
        if hasattr(instance, "ci_links"):
            return [link.configuration_item_id for link in instance.ci_links.all()]
        return sorted(ci.pk for ci in instance.configuration_items.all())


class ChangeTemplateSerializer(StrictSerializer):
    class Meta:
        model = ChangeTemplate
        fields = [
            "id",
            "name",
            "description",
            "is_active",
            "risk_level",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "default_duration_minutes",
            *COMMON,
        ]


class ChangeRiskReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    factor = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()


class ChangeRequestSerializer(StrictSerializer):
    reference = serializers.CharField(read_only=True)
    change_type = serializers.ChoiceField(choices=ChangeType.choices, required=False)
    configuration_items = ItemIdsField(
        help_text="Ids of the affected configuration items; in draft and assessment only.",
    )
    risk_reasons = ChangeRiskReasonSerializer(many=True, read_only=True)
    # Read-only choice fields lose ``allow_blank`` in DRF, and with it the blank choice in
    # the schema: declared here so that "not yet" ("") is a documented value.
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True, allow_blank=True)
    risk_level = serializers.ChoiceField(
        choices=RiskLevel.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "change_type",
            "template",
            "state",
            "requester",
            "owner",
            "assignment_team",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "outcome",
            "review_notes",
            "configuration_items",
            "risk_score",
            "risk_level",
            "risk_reasons",
            "approval_request_id",
            "approval_state",
            "submitted_at",
            *COMMON,
        ]
        read_only_fields = [
            "state",
            "requester",
            "actual_start",
            "actual_end",
            "outcome",
            "risk_score",
            "risk_level",
            "approval_request_id",
            "approval_state",
            "submitted_at",
        ]


class ChangeWindowSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=WindowKind.choices)
    configuration_items = ItemIdsField(
        help_text="Scope: ids of items or services; empty for a window that holds for all.",
    )

    class Meta:
        model = ChangeWindow
        fields = [
            "id",
            "name",
            "kind",
            "start",
            "end",
            "description",
            "configuration_items",
            *COMMON,
        ]


class Input(serializers.Serializer):  # type: ignore[type-arg]
    """An action's body: a JSON object of known fields only (like ``StrictSerializer``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({k: [_("Unknown field.")] for k in unknown})
        return super().to_internal_value(data)


class ChangeTransitionSerializer(Input):
    state = serializers.ChoiceField(choices=ChangeState.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default="")
    review_notes = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=20000
    )
    actual_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    actual_end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    cab_team_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The team acting as CAB for this route (default: the team named "
        "“Change Advisory Board”).",
    )


class ChangeDecisionSerializer(Input):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class ChangeConflictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=["same_ci", "dependent", "blackout"])
    text = serializers.CharField()
    blocking = serializers.BooleanField(help_text="A blackout blocks scheduling.")
    change_id = serializers.IntegerField(allow_null=True)
    change_reference = serializers.CharField(allow_blank=True)
    window_id = serializers.IntegerField(allow_null=True)


class ChangeRiskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    score = serializers.IntegerField(allow_null=True)
    level = serializers.CharField(allow_blank=True)
    reasons = ChangeRiskReasonSerializer(many=True)


class ProblemTaskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    assignee = serializers.IntegerField(read_only=True, allow_null=True, source="assignee_id")
    done = serializers.BooleanField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)


class IncidentIdsField(serializers.ListField):
    """Ids of the linked incidents (service-desk tickets), read from the problem's links.
    No maximum in the schema: a problem gathers any number of incidents over time (the
    service refuses more than 200 in one request)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            required=False,
            **kwargs,
        )

    def get_attribute(self, instance: Any) -> Any:
        return [link.ticket_id for link in instance.incident_links.all()]


class ProblemSerializer(StrictSerializer):
    reference = serializers.CharField(read_only=True)
    incidents = IncidentIdsField(
        help_text="Ids of incidents (service-desk tickets) to link when creating; "
        "afterwards use link-incidents."
    )
    tasks = ProblemTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "state",
            "priority",
            "owner",
            "assignment_team",
            "root_cause",
            "workaround",
            "known_error_article_id",
            "resolved_at",
            "incidents",
            "tasks",
            *COMMON,
        ]
        read_only_fields = ["state", "known_error_article_id", "resolved_at"]


class ProblemTransitionSerializer(Input):
    state = serializers.ChoiceField(choices=ProblemState.choices)


class IncidentLinkSerializer(Input):
    incidents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=200,
    )


class ProblemTaskInputSerializer(Input):
    title = serializers.CharField(max_length=200)
    done = serializers.BooleanField(required=False, default=False)


class SimilarIncidentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    score = serializers.FloatField(help_text="Shared words / words of the problem.")
    shared = serializers.ListField(child=serializers.CharField())


class LinkResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    linked = serializers.IntegerField(help_text="Incidents newly linked.")


class CausedIncidentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An incident the change caused, as the caller may see it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
