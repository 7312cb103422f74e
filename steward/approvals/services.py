"""State changes of approvals. Any app asks for approval of any object:

    approval_request_create(obj=change, title=..., requester=user, stages=[
        StageSpec(kind="manager"),
        StageSpec(kind="group", team_id=cab.pk, required=2, name="CAB"),
    ])

and reacts to ``approvals.request_approved`` / ``approvals.request_rejected`` (payload:
``request_id``, ``content_type`` as ``app_label.model``, ``object_id``) on the event bus.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.approvals import selectors
from steward.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalStage,
    Decision,
    Delegation,
    RequestStatus,
    StageKind,
    StageStatus,
    Via,
)
from steward.core import events, permissions
from steward.notifications.services import notify
from steward.org import selectors as org_selectors

EVENT_APPROVAL_NEEDED = "approvals.approval_needed"
EVENT_REMINDER = "approvals.reminder"
EVENT_DECIDED = "approvals.request_decided"
EVENT_ESCALATED = "approvals.escalated"


@dataclass(frozen=True)
class StageSpec:
    kind: str
    user: Any = None
    """The approver of a ``person`` stage."""
    team_id: int | None = None
    """The team of a ``group`` stage; its active members are the approvers."""
    required: int = 1
    """How many approvals close the stage (N of M for a group)."""
    name: str = ""
    timeout: datetime.timedelta | None = None
    """How long the stage may stay pending once open before it escalates to ``escalate_to``."""
    escalate_to: Any = None
    """Who decides the stage alone once it has timed out."""


def _spec(value: StageSpec | Mapping[str, Any]) -> StageSpec:
    if isinstance(value, StageSpec):
        return value
    try:
        return StageSpec(**value)
    except TypeError as exc:
        raise ValidationError({"stages": [str(exc)]}) from None


def _approvers(spec: StageSpec, requester: Any) -> list[Any]:
    """Resolve who decides a stage; raises ValidationError when nobody (enough) can."""
    if spec.kind == StageKind.PERSON:
        if spec.user is None or not spec.user.is_active:
            raise ValidationError({"stages": [_("A person stage needs an active approver.")]})
        if spec.user.pk == requester.pk:
            raise ValidationError({"stages": [_("Nobody approves their own request.")]})
        return [spec.user]
    if spec.kind == StageKind.MANAGER:
        manager = org_selectors.manager_user_of(requester)
        if manager is None or not manager.is_active or manager.pk == requester.pk:
            raise ValidationError({"stages": [_("The requester has no manager with a login.")]})
        return [manager]
    if spec.kind == StageKind.GROUP:
        if spec.team_id is None:
            raise ValidationError({"stages": [_("A group stage needs a team.")]})
        members = [u for u in org_selectors.team_member_users(spec.team_id) if u.pk != requester.pk]
        if len(members) < spec.required:
            raise ValidationError(
                {
                    "stages": [
                        _("The team has %(m)s possible approvers; %(n)s are required.")
                        % {"m": len(members), "n": spec.required}
                    ]
                }
            )
        return members
    raise ValidationError({"stages": [_("Unknown kind of stage: %(k)s") % {"k": spec.kind}]})


def _check_escalation(spec: StageSpec, requester: Any) -> None:
    if spec.timeout is None:
        return
    if spec.timeout <= datetime.timedelta(0):
        raise ValidationError({"stages": [_("A stage's timeout must be positive.")]})
    target = spec.escalate_to
    if target is None or not target.is_active:
        raise ValidationError({"stages": [_("A stage with a timeout needs an active escalation.")]})
    if target.pk == requester.pk:
        raise ValidationError({"stages": [_("Nobody approves their own request.")]})


def _payload(request: ApprovalRequest) -> dict[str, Any]:
    return {
        "request_id": request.pk,
        "content_type": f"{request.content_type.app_label}.{request.content_type.model}",
        "object_id": request.object_id,
        "status": request.status,
    }


def request_url(request: ApprovalRequest) -> str:
    return reverse("approvals:detail", kwargs={"pk": request.pk})


@transaction.atomic
def approval_request_create(
    *,
    obj: models.Model,
    title: str,
    requester: Any,
    stages: Iterable[StageSpec | Mapping[str, Any]],
) -> ApprovalRequest:
    """Open a request with its stages in order; the first stage opens (and its approvers are
    notified) at once. Raises ValidationError when a stage has nobody to decide it."""
    specs = [_spec(s) for s in stages]
    if not specs:
        raise ValidationError({"stages": [_("Give at least one stage.")]})
    if obj.pk is None:
        raise ValidationError({"obj": [_("Save the object before asking for approval.")]})
    for spec in specs:
        if spec.required < 1:
            raise ValidationError({"stages": [_("A stage needs at least one approval.")]})
        _check_escalation(spec, requester)
    resolved = [_approvers(spec, requester) for spec in specs]
    request = ApprovalRequest(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        title=title[:200],
        requester=requester,
    )
    request.full_clean()
    request.save()
    for position, (spec, approvers) in enumerate(zip(specs, resolved, strict=True), start=1):
        stage = ApprovalStage.objects.create(
            request=request,
            position=position,
            name=spec.name[:100],
            kind=spec.kind,
            team_id=spec.team_id,
            required=spec.required,
            timeout=spec.timeout,
            escalate_to=spec.escalate_to if spec.timeout else None,
        )
        stage.approvers.set(approvers)
    _open_next_stage(request)
    events.publish("approvals.request_created", **_payload(request))
    return request


def _open_next_stage(request: ApprovalRequest) -> ApprovalStage | None:
    stage: ApprovalStage | None = (
        request.stages.filter(status=StageStatus.WAITING).order_by("position").first()
    )
    if stage is None:
        return None
    stage.status, stage.opened_at = StageStatus.PENDING, timezone.now()
    stage.escalate_at = stage.opened_at + stage.timeout if stage.timeout else None
    stage.save(update_fields=["status", "opened_at", "escalate_at", "updated_at"])
    notify_approvers(stage, event=EVENT_APPROVAL_NEEDED)
    return stage


def notify_approvers(stage: ApprovalStage, *, event: str) -> None:
    """Tell the undecided approvers of a stage (and their active delegates) by a mail they can
    answer with "approve" or "reject"."""
    from steward.approvals.mailreply import reply_address

    request = stage.request
    open_ids = selectors.undecided_approver_ids(stage)
    recipients: dict[int, tuple[Any, Any]] = {}
    for approver in stage.approvers.filter(pk__in=open_ids, is_active=True):
        recipients.setdefault(approver.pk, (approver, approver))
        for delegate in selectors.delegate_users(approver):
            recipients.setdefault(delegate.pk, (delegate, approver))
    if not recipients:
        return
    title = (
        _("Reminder: approval needed: %(t)s")
        if event == EVENT_REMINDER
        else _("Approval needed: %(t)s")
    ) % {"t": request.title}
    body = _(
        '%(who)s asks for your approval of "%(t)s" (stage %(n)s: %(s)s).\n\n'
        'Reply to this e-mail with "approve" or "reject" on the first line; anything you '
        "write after it is kept as your comment."
    ) % {"who": request.requester, "t": request.title, "n": stage.position, "s": stage}
    notify(
        users=[user for user, _on in recipients.values()],
        event=event,
        title=title,
        body=body,
        url=request_url(request),
        reply_to={pk: reply_address(stage, on) for pk, (_u, on) in recipients.items()},
    )


@transaction.atomic
def escalate_stage(stage: ApprovalStage, *, now: datetime.datetime | None = None) -> bool:
    """Escalate a timed-out pending stage: its ``escalate_to`` becomes an approver who decides
    it alone. False when the stage is no longer pending or has escalated already (another
    worker got there first)."""
    now = now or timezone.now()
    stage = ApprovalStage.objects.select_for_update().select_related("request").get(pk=stage.pk)
    request = stage.request
    if (
        stage.status != StageStatus.PENDING
        or request.status != RequestStatus.PENDING
        or stage.escalated_at is not None
        or stage.escalate_to_id is None
    ):
        return False
    stage.escalated_at = now
    stage.save(update_fields=["escalated_at", "updated_at"])
    target = stage.escalate_to
    stage.approvers.add(target)
    events.publish(EVENT_ESCALATED, **_payload(request), stage=stage.position)
    from steward.approvals.mailreply import reply_address

    waited = now - (stage.opened_at or now)
    hours = int(waited.total_seconds() // 3600)
    notify(
        users=[target],
        event=EVENT_ESCALATED,
        title=_("Escalated to you: %(t)s") % {"t": request.title},
        body=_(
            'Stage %(n)s (%(s)s) of "%(t)s", asked by %(who)s, has waited %(h)s hours for a '
            "decision and is escalated to you: your approval alone closes it.\n\n"
            'Reply to this e-mail with "approve" or "reject" on the first line; anything you '
            "write after it is kept as your comment."
        )
        % {
            "n": stage.position,
            "s": stage,
            "t": request.title,
            "who": request.requester,
            "h": hours,
        },
        url=request_url(request),
        reply_to={target.pk: reply_address(stage, target)},
    )
    notify(
        users=[request.requester],
        event=EVENT_ESCALATED,
        title=_("%(t)s: escalated to %(who)s") % {"t": request.title, "who": target},
        url=request_url(request),
    )
    return True


def _finish(request: ApprovalRequest, status: str) -> None:
    now = timezone.now()
    request.status, request.decided_at = status, now
    request.save(update_fields=["status", "decided_at", "updated_at"])
    for stage in request.stages.filter(status__in=[StageStatus.WAITING, StageStatus.PENDING]):
        stage.status, stage.decided_at = StageStatus.CANCELLED, now
        stage.save(update_fields=["status", "decided_at", "updated_at"])
    events.publish(f"approvals.request_{status}", **_payload(request))
    if status in {RequestStatus.APPROVED, RequestStatus.REJECTED}:
        notify(
            users=[request.requester],
            event=EVENT_DECIDED,
            title=_("%(t)s: %(s)s") % {"t": request.title, "s": request.get_status_display()},
            url=request_url(request),
        )


@transaction.atomic
def approval_decide(
    *,
    request: ApprovalRequest,
    approver: Any,
    decision: str,
    comment: str = "",
    via: str = Via.WEB,
    on_behalf_of: Any = None,
) -> ApprovalRequest:
    """Record ``approver``'s decision on the open stage, for themselves or as the active
    delegate of an approver (recorded as ``on_behalf_of``). A stage closes when it has its
    required approvals, and the next one opens; one rejection ends the request.

    Raises ValidationError when the request is no longer pending or the decision is unknown,
    PermissionDenied when ``approver`` may not decide this stage."""
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("Choose approve or reject.")]})
    if via not in Via.values:
        raise ValidationError({"via": [_("Unknown channel.")]})
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            _("This request is already %(s)s.") % {"s": request.get_status_display()}
        )
    stage = selectors.current_stage(request)
    if stage is None:
        raise ValidationError(_("This request has no open stage."))
    voter = selectors.voter_for(stage, approver, on_behalf_of=on_behalf_of)
    if voter is None or not permissions.can(approver, "view", request):
        raise PermissionDenied(_("You are not an approver of this stage, or already decided."))
    ApprovalDecision.objects.create(
        stage=stage,
        approver=approver,
        on_behalf_of_id=None if voter == approver.pk else voter,
        decision=decision,
        comment=comment.strip()[:5000],
        via=via,
    )
    if decision == Decision.REJECT:
        stage.status, stage.decided_at = StageStatus.REJECTED, timezone.now()
        stage.save(update_fields=["status", "decided_at", "updated_at"])
        _finish(request, RequestStatus.REJECTED)
        return request
    escalated_decision = stage.escalated_at is not None and voter == stage.escalate_to_id
    approvals = stage.decisions.filter(decision=Decision.APPROVE).count()
    if escalated_decision or approvals >= stage.required:
        stage.status, stage.decided_at = StageStatus.APPROVED, timezone.now()
        stage.save(update_fields=["status", "decided_at", "updated_at"])
        if _open_next_stage(request) is None:
            _finish(request, RequestStatus.APPROVED)
    return request


@transaction.atomic
def approval_request_cancel(*, request: ApprovalRequest, actor: Any) -> ApprovalRequest:
    """The requester (or an IT manager) withdraws a pending request."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != actor.pk and not permissions.has_role(actor, *permissions.MANAGERS):
        raise PermissionDenied(_("Only the requester or a manager can cancel this request."))
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            _("This request is already %(s)s.") % {"s": request.get_status_display()}
        )
    _finish(request, RequestStatus.CANCELLED)
    return request


@transaction.atomic
def delegation_create(
    *,
    from_user: Any,
    to_user: Any,
    start: datetime.date,
    end: datetime.date | None,
    actor: Any,
) -> Delegation:
    """People delegate their own approvals; IT managers may set one up for anyone."""
    if from_user.pk != actor.pk and not permissions.has_role(actor, *permissions.MANAGERS):
        raise PermissionDenied(_("You can only delegate your own approvals."))
    if not to_user.is_active:
        raise ValidationError({"to_user": [_("The delegate has no active login.")]})
    if not permissions.has_role(to_user, *permissions.INTERNAL):
        raise ValidationError({"to_user": [_("Only colleagues can be delegates, not customers.")]})
    delegation = Delegation(from_user=from_user, to_user=to_user, start=start, end=end)
    delegation.full_clean()
    delegation.save()
    return delegation


@transaction.atomic
def delegation_end(*, delegation: Delegation, actor: Any) -> Delegation | None:
    """Stop a delegation today: it no longer counts from now on (one not started is removed)."""
    if delegation.from_user_id != actor.pk and not permissions.has_role(
        actor, *permissions.MANAGERS
    ):
        raise PermissionDenied(_("You can only end your own delegations."))
    today = selectors.today()
    if delegation.end is not None and delegation.end < today:
        return delegation  # already over: its recorded period stays as it was
    if delegation.start >= today:
        delegation.delete()
        return None
    delegation.end = today - datetime.timedelta(days=1)
    delegation.save(update_fields=["end", "updated_at"])
    return delegation
