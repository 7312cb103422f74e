"""Approval requests (read, approve, reject, cancel) and own delegations."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from steward.approvals import selectors, services
from steward.approvals.api.serializers import (
    ApprovalRequestSerializer,
    DecideSerializer,
    DelegationSerializer,
)
from steward.approvals.models import ApprovalRequest, Decision, Delegation, Via


class ApprovalRequestViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Requests you asked for, decide, or decide for as a delegate (managers see all).
    ``?pending_for_me=true`` lists what waits for your decision now."""

    queryset = ApprovalRequest.objects.all()
    serializer_class = ApprovalRequestSerializer
    filterset_fields = ["status", "object_id"]
    ordering_fields = ["created_at"]
    required_action = "view"

    @extend_schema(parameters=[OpenApiParameter("pending_for_me", bool, required=False)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        qs = selectors.approval_request_list(user=self.request.user).prefetch_related(
            "stages__approvers", "stages__decisions"
        )
        wanted = self.request.query_params.get("pending_for_me", "").lower()
        if wanted in {"1", "true", "yes"}:
            ids = [r.pk for r, _s, _v in selectors.approval_pending_for(user=self.request.user)]
            qs = qs.filter(pk__in=ids)
        return qs

    def _decide(self, request: Request, pk: Any, decision: str) -> Response:
        approval = selectors.approval_request_get(user=request.user, pk=pk)
        if approval is None:
            raise NotFound()
        body = DecideSerializer(data=request.data if request.data else {})
        body.is_valid(raise_exception=True)
        services.approval_decide(
            request=approval,
            approver=request.user,
            decision=decision,
            comment=body.validated_data.get("comment", ""),
            via=Via.API,
        )
        fresh = self.get_queryset().get(pk=approval.pk)
        return Response(ApprovalRequestSerializer(fresh).data)

    @extend_schema(request=DecideSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, pk, Decision.APPROVE)

    @extend_schema(request=DecideSerializer, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, pk, Decision.REJECT)

    @extend_schema(request=None, responses=ApprovalRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        approval = selectors.approval_request_get(user=request.user, pk=pk)
        if approval is None:
            raise NotFound()
        services.approval_request_cancel(request=approval, actor=request.user)
        return Response(ApprovalRequestSerializer(self.get_queryset().get(pk=approval.pk)).data)


class DelegationViewSet(
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,  # type: ignore[type-arg]
):
    """Delegations you gave or received. POST delegates your approvals; DELETE ends one."""

    queryset = Delegation.objects.all()
    serializer_class = DelegationSerializer
    ordering_fields = ["start"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.delegation_list(user=self.request.user)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.delegation_create(
            from_user=self.request.user,
            to_user=data["to_user"],
            start=data["start"],
            end=data.get("end"),
            actor=self.request.user,
        )

    def perform_destroy(self, instance: Delegation) -> None:
        services.delegation_end(delegation=instance, actor=self.request.user)
