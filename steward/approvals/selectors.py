"""Reads of approvals: what waits for whom (delegations included), and who may decide."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from steward.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalStage,
    Delegation,
    RequestStatus,
    StageStatus,
)
from steward.core import permissions
from steward.core.validation import is_id


def today() -> datetime.date:
    return timezone.localdate()


def delegator_ids(user: Any, *, on: datetime.date | None = None) -> list[int]:
    """Users who delegated to ``user`` today (or ``on``)."""
    return list(
        Delegation.objects.active(on or today())
        .filter(to_user=user, from_user__is_active=True)
        .values_list("from_user_id", flat=True)
    )


def delegate_users(user: Any, *, on: datetime.date | None = None) -> list[Any]:
    """Active delegates of ``user`` today (or ``on``)."""
    return [
        d.to_user
        for d in Delegation.objects.active(on or today())
        .filter(from_user=user, to_user__is_active=True)
        .select_related("to_user")
    ]


def current_stage(request: ApprovalRequest) -> ApprovalStage | None:
    return request.stages.filter(status=StageStatus.PENDING).order_by("position").first()


def undecided_approver_ids(stage: ApprovalStage) -> set[int]:
    approvers = {u.pk for u in stage.approvers.all()}
    decided = {d.counts_for_id for d in stage.decisions.all()}
    return approvers - decided


def may_act_on(stage: ApprovalStage, user: Any) -> bool:
    """Nobody decides their own request (not even as someone's delegate), and one person casts
    at most one vote per stage, so a delegate cannot fill two seats of an N-of-M stage."""
    if stage.request.requester_id == user.pk:
        return False
    return all(d.approver_id != user.pk for d in stage.decisions.all())


def voter_for(stage: ApprovalStage, user: Any, *, on_behalf_of: Any = None) -> int | None:
    """The approver whose vote ``user`` would cast on ``stage`` (themselves, or the approver
    they are an active delegate of), or None when they may not decide."""
    if user is None or not user.is_authenticated or stage.status != StageStatus.PENDING:
        return None
    if not may_act_on(stage, user):
        return None
    open_ids = undecided_approver_ids(stage)
    if on_behalf_of is not None and on_behalf_of.pk != user.pk:
        allowed = on_behalf_of.pk in open_ids and on_behalf_of.pk in delegator_ids(user)
        return on_behalf_of.pk if allowed else None
    if user.pk in open_ids:
        return int(user.pk)
    for delegator in sorted(delegator_ids(user)):
        if delegator in open_ids:
            return delegator
    return None


def approval_request_list(*, user: Any) -> QuerySet[ApprovalRequest]:
    return permissions.restrict(
        ApprovalRequest.objects.select_related("requester", "content_type"), user
    )


def approval_request_get(*, user: Any, pk: Any) -> ApprovalRequest | None:
    if not is_id(pk):
        return None
    return (
        approval_request_list(user=user)
        .prefetch_related(
            Prefetch("stages", queryset=ApprovalStage.objects.select_related("escalate_to")),
            "stages__approvers",
            Prefetch(
                "stages__decisions",
                queryset=ApprovalDecision.objects.select_related("approver", "on_behalf_of"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def approval_pending_for(*, user: Any) -> list[tuple[ApprovalRequest, ApprovalStage, int]]:
    """Open stages ``user`` can decide now, for themselves or as a delegate, oldest first:
    ``(request, stage, voter_id)``."""
    ids = {user.pk, *delegator_ids(user)}
    stages = (
        ApprovalStage.objects.filter(
            status=StageStatus.PENDING,
            request__status=RequestStatus.PENDING,
            approvers__in=ids,
        )
        .distinct()
        .select_related("request__requester")
        .prefetch_related("approvers", "decisions")
        .order_by("opened_at", "pk")
    )
    found = []
    for stage in stages:
        if not may_act_on(stage, user):
            continue
        open_ids = undecided_approver_ids(stage)
        if user.pk in open_ids:
            found.append((stage.request, stage, user.pk))
            continue
        for delegator in sorted(ids - {user.pk}):
            if delegator in open_ids:
                found.append((stage.request, stage, delegator))
                break
    return found


def delegation_list(*, user: Any) -> QuerySet[Delegation]:
    return permissions.restrict(Delegation.objects.select_related("from_user", "to_user"), user)
