"""Every state change of change management: change requests, their affected items, their
moves along ``models.TRANSITIONS``, risk, approvals, windows and calendar feed tokens.

Each function is atomic, asks the permission layer first, writes through the audited models
and announces itself on the event bus (``changes.*``, after commit). Raises
``ValidationError`` for bad input or a move the table or a state's needs forbid (400 in the
API) and ``PermissionDenied`` for a role that may not act (403).

What each state needs:

- **assessment**: a title; risk is assessed on entering it (and again on any later move
  before scheduling, so it reflects the current plan).
- **authorisation** (normal and emergency changes): a planned window and an implementation
  plan; normal changes a back-out plan too. The approval route is chosen by type and risk
  (``approval_route``) and opened in the platform's approval engine.
- **scheduled**: a planned window; the approval approved (standard changes are pre-approved
  by their template and go there straight from assessment); no blocking conflict (a blackout,
  see ``conflicts``). An approval approved while the change waits in authorisation moves it
  here by itself (``on_approval_decided``); a rejection sends it back to assessment, where it
  can be reworked and submitted again, or cancelled.
- **implementation**: records the actual start (now) unless given.
- **review**: an outcome; records the actual end (now) unless given.
- **closed**: a post-implementation review for any outcome but successful.
- **cancelled**: a pending approval is cancelled with it.

Moving back to assessment withdraws a pending approval (authorisation → assessment) or the
approval given (scheduled → assessment, to re-plan): the new plan is authorised anew.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.approvals import services as approvals
from steward.changes import conflicts as conflict_rules
from steward.changes import risk as risk_rules
from steward.changes.impact import ReachCache
from steward.changes.models import (
    TRANSITIONS,
    ApprovalState,
    ChangeRequest,
    ChangeRequestCI,
    ChangeState,
    ChangeType,
    ChangeWindow,
    Outcome,
)
from steward.changes.routes import CAB_TEAM_NAME, approval_route, cab_team_id
from steward.changes.tokens import feed_token_revoke, feed_token_rotate, feed_token_user
from steward.cmdb import selectors as cmdb
from steward.core import events, permissions, services
from steward.org import selectors as org_selectors

S = ChangeState
CONTENT_TYPE = "changes.changerequest"
EDITABLE = (S.DRAFT, S.ASSESSMENT)
"""States in which the plan (window, items, plans, type) may still change."""
FIELDS = (
    "title",
    "description",
    "change_type",
    "template",
    "owner",
    "assignment_team",
    "planned_start",
    "planned_end",
    "implementation_plan",
    "backout_plan",
    "test_plan",
)
LATE_FIELDS = ("title", "description", "owner", "assignment_team", "review_notes", "test_plan")
"""What may still change after assessment (the approved plan stays as approved)."""
MAX_CIS = 200
__all__ = [
    "CAB_TEAM_NAME",
    "approval_route",
    "cab_team_id",
    "feed_token_revoke",
    "feed_token_rotate",
    "feed_token_user",
]
"""Re-exported: approval routes live in ``routes``, feed tokens in ``tokens``."""


def _publish(name: str, change: ChangeRequest) -> None:
    events.publish(f"changes.{name}", model=change._meta.label, pk=change.pk, state=change.state)


def _resolve_cis(ids: Iterable[Any], actor: Any) -> list[int]:
    wanted = []
    for value in ids:
        pk = getattr(value, "pk", value)
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValidationError({"configuration_items": [_("Give item ids.")]})
        wanted.append(pk)
    wanted = sorted(set(wanted))
    if len(wanted) > MAX_CIS:
        raise ValidationError(
            {"configuration_items": [_("At most %(n)s items per change.") % {"n": MAX_CIS}]}
        )
    found = set(cmdb.ci_list(user=actor).filter(pk__in=wanted).values_list("pk", flat=True))
    unknown = [pk for pk in wanted if pk not in found]
    if unknown:
        raise ValidationError(
            {"configuration_items": [_("No such item: %(ids)s.") % {"ids": unknown[:10]}]}
        )
    return wanted


def _set_cis(change: ChangeRequest, ids: list[int]) -> None:
    current = set(
        ChangeRequestCI.objects.filter(change=change).values_list(
            "configuration_item_id", flat=True
        )
    )
    gone = current - set(ids)
    if gone:
        for link in ChangeRequestCI.objects.filter(change=change, configuration_item_id__in=gone):
            link.delete()
    for pk in ids:
        if pk not in current:
            ChangeRequestCI.objects.create(change=change, configuration_item_id=pk)


def _clean(data: Mapping[str, Any], actor: Any, change: ChangeRequest | None) -> dict[str, Any]:
    cleaned = {k: v for k, v in data.items() if k in FIELDS}
    template = cleaned.get("template", change.template if change else None)
    if template is not None:
        if not template.is_active and (change is None or change.template_id != template.pk):
            raise ValidationError({"template": [_("This template is no longer in use.")]})
        cleaned.setdefault("change_type", ChangeType.STANDARD)
        for plan in ("implementation_plan", "backout_plan", "test_plan"):
            current = cleaned.get(plan, getattr(change, plan, "") if change else "")
            if not current:
                cleaned[plan] = getattr(template, plan)
        start = cleaned.get("planned_start", change.planned_start if change else None)
        end = cleaned.get("planned_end", change.planned_end if change else None)
        if start is not None and end is None:
            cleaned["planned_end"] = start + datetime.timedelta(
                minutes=template.default_duration_minutes or 60
            )
    owner = cleaned.get("owner")
    if owner is not None and (
        not owner.is_active or not permissions.has_role(owner, *permissions.STAFF)
    ):
        raise ValidationError({"owner": [_("The owner must be an active member of IT staff.")]})
    team = cleaned.get("assignment_team")
    if team is not None and not org_selectors.team_list(user=actor).filter(pk=team.pk).exists():
        raise ValidationError({"assignment_team": [_("No such team.")]})
    return cleaned


@transaction.atomic
def change_create(*, data: Mapping[str, Any], actor: Any) -> ChangeRequest:
    """A new change in draft, raised by ``actor``. ``configuration_items``: item ids (or
    items) the actor may see. A template makes it a standard change and fills the plans and
    the planned end it leaves empty."""
    permissions.ensure(actor, "add", ChangeRequest)
    ci_ids = _resolve_cis(data.get("configuration_items") or [], actor)
    cleaned = _clean(data, actor, None)
    change = ChangeRequest(requester=actor, state=S.DRAFT, **cleaned)
    change.full_clean()
    change.save()
    _set_cis(change, ci_ids)
    _publish("change_created", change)
    return change


def _lock(change: ChangeRequest) -> ChangeRequest:
    locked: ChangeRequest = ChangeRequest._base_manager.select_for_update().get(pk=change.pk)
    return locked


@transaction.atomic
def change_update(*, change: ChangeRequest, data: Mapping[str, Any], actor: Any) -> ChangeRequest:
    """Change the plan while in draft or assessment; later only the title, description,
    owner, team, test plan and review notes. Raises ValidationError for a field the state
    freezes."""
    change = _lock(change)
    permissions.ensure(actor, "change", change)
    allowed: tuple[str, ...] = (*FIELDS, "configuration_items", "review_notes")
    if change.state not in EDITABLE:
        allowed = LATE_FIELDS
    frozen = sorted(k for k in data if k not in allowed)
    if frozen:
        raise ValidationError(
            {
                k: [_("Cannot change in state %(s)s.") % {"s": change.get_state_display()}]
                for k in frozen
            }
        )
    cleaned = _clean(data, actor, change)
    if "review_notes" in data:
        cleaned["review_notes"] = data["review_notes"]
    for name, value in cleaned.items():
        setattr(change, name, value)
    change.full_clean()
    change.save()
    if "configuration_items" in data:
        _set_cis(change, _resolve_cis(data["configuration_items"] or [], actor))
    if change.state == S.ASSESSMENT:
        _assess(change, actor)
    _publish("change_updated", change)
    return change


def _assess(change: ChangeRequest, actor: Any) -> risk_rules.Assessment:
    reach = ReachCache(actor).reach(conflict_rules.ci_ids_of(change))
    assessment = risk_rules.assess(change, reach=reach)
    change.risk_score, change.risk_level = assessment.score, assessment.level
    change.risk_reasons = assessment.reasons
    change.save(update_fields=["risk_score", "risk_level", "risk_reasons", "updated_at"])
    return assessment


@transaction.atomic
def change_assess(*, change: ChangeRequest, actor: Any) -> ChangeRequest:
    """Assess the risk again now (the CMDB, history and windows move on)."""
    change = _lock(change)
    permissions.ensure(actor, "change", change)
    _assess(change, actor)
    return change


def change_conflicts(*, change: ChangeRequest, actor: Any) -> list[conflict_rules.Conflict]:
    from steward.changes import selectors

    return conflict_rules.conflicts_for(
        change, visible=selectors.change_list(user=actor), cache=ReachCache(actor)
    )


# Moves


def _move(change: ChangeRequest, target: str) -> None:
    if target not in ChangeState.values:
        raise ValidationError({"state": [_("Unknown state.")]})
    if target not in TRANSITIONS[change.state]:
        raise ValidationError(
            {
                "state": [
                    _("A change in %(from)s cannot move to %(to)s.")
                    % {
                        "from": change.get_state_display().lower(),
                        "to": ChangeState(target).label.lower(),
                    }
                ]
            }
        )


def _need(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValidationError({field: [message]})


def _ensure_schedulable(change: ChangeRequest, actor: Any) -> None:
    _need(
        change.planned_start is not None and change.planned_end is not None,
        "planned_start",
        _("Plan the start and end first."),
    )
    found = change_conflicts(change=change, actor=actor)
    blocking = [c.text for c in found if c.blocking]
    if blocking:
        raise ValidationError({"planned_start": blocking})


@transaction.atomic
def change_transition(
    *,
    change: ChangeRequest,
    actor: Any,
    state: str,
    outcome: str = "",
    review_notes: str = "",
    actual_start: datetime.datetime | None = None,
    actual_end: datetime.datetime | None = None,
    cab_team_id: int | None = None,
) -> ChangeRequest:
    """Move ``change`` to ``state`` along the table, checking what the state needs (see the
    module docstring). Raises ValidationError or PermissionDenied."""
    change = _lock(change)
    permissions.ensure(actor, "change", change)
    _move(change, state)
    now = timezone.now()
    if state == S.ASSESSMENT:
        _need(bool(change.title.strip()), "title", _("Give the change a title."))
    elif state == S.AUTHORISATION:
        _to_authorisation(change, actor, cab_team_id)
    elif state == S.SCHEDULED:
        if change.state == S.ASSESSMENT:
            _need(
                change.change_type == ChangeType.STANDARD,
                "state",
                _("Only standard changes are scheduled without authorisation."),
            )
            change.approval_state = ApprovalState.PRE_APPROVED
        else:
            _need(
                change.approval_state == ApprovalState.APPROVED,
                "state",
                _("The change is not approved yet."),
            )
        _ensure_schedulable(change, actor)
    elif state == S.IMPLEMENTATION:
        change.actual_start = actual_start or change.actual_start or now
    elif state == S.REVIEW:
        _need(outcome in Outcome.values, "outcome", _("Give the outcome of the change."))
        change.outcome = outcome
        change.actual_end = actual_end or change.actual_end or now
        if review_notes:
            change.review_notes = review_notes
    elif state == S.CLOSED:
        if review_notes:
            change.review_notes = review_notes
        _need(
            change.outcome == Outcome.SUCCESSFUL or bool(change.review_notes.strip()),
            "review_notes",
            _("Write the post-implementation review of a change that did not fully succeed."),
        )
    if state == S.CANCELLED or change.state == S.AUTHORISATION:
        _cancel_approval(change)  # withdrawn to re-plan, or cancelled
    if state == S.ASSESSMENT and change.state == S.SCHEDULED:
        change.approval_state = ApprovalState.NONE  # a new plan needs a new approval
    previous = change.state
    change.state = state
    change.full_clean()
    change.save()
    if state == S.ASSESSMENT or (previous == S.ASSESSMENT and state == S.SCHEDULED):
        _assess(change, actor)
    _publish(f"change_{state}", change)
    return change


def _to_authorisation(change: ChangeRequest, actor: Any, cab: int | None) -> None:
    _need(
        change.change_type != ChangeType.STANDARD,
        "state",
        _("Standard changes are pre-approved: schedule them."),
    )
    _need(
        change.planned_start is not None and change.planned_end is not None,
        "planned_start",
        _("Plan the start and end first."),
    )
    _need(
        bool(change.implementation_plan.strip()),
        "implementation_plan",
        _("Write the implementation plan."),
    )
    if change.change_type == ChangeType.NORMAL:
        _need(bool(change.backout_plan.strip()), "backout_plan", _("Write the back-out plan."))
    _assess(change, actor)
    stages = approval_route(change, requester=change.requester, cab=cab_team_id(cab))
    approval = approvals.approval_request_create(
        obj=change,
        title=_("%(ref)s: %(t)s (%(type)s, %(risk)s risk)")
        % {
            "ref": change.reference,
            "t": change.title,
            "type": change.get_change_type_display().lower(),
            "risk": change.get_risk_level_display().lower(),
        },
        requester=change.requester,
        stages=stages,
    )
    change.approval_request_id = approval.pk
    change.approval_state = ApprovalState.PENDING
    change.submitted_at = timezone.now()


def _approval(change: ChangeRequest) -> Any:
    from steward.approvals.models import ApprovalRequest

    if not change.approval_request_id:
        return None
    return ApprovalRequest.objects.filter(pk=change.approval_request_id).first()


def _cancel_approval(change: ChangeRequest) -> None:
    approval = _approval(change)
    if approval is not None and approval.status == "pending":
        approvals.approval_request_cancel(request=approval, actor=approval.requester)
        change.approval_state = ApprovalState.CANCELLED


@transaction.atomic
def change_decide(
    *, change: ChangeRequest, actor: Any, decision: str, comment: str = ""
) -> ChangeRequest:
    """``actor`` approves or rejects the open stage of the change's approval through the
    engine (which checks that they are an approver of that stage, or a delegate of one)."""
    approval = _approval(change)
    if approval is None or change.state != S.AUTHORISATION:
        raise ValidationError(_("This change is not waiting for approval."))
    approvals.approval_decide(
        request=approval, approver=actor, decision=decision, comment=comment, via="api"
    )
    return change


def on_approval_decided(
    *, event: str, content_type: str = "", request_id: int = 0, **_: Any
) -> None:
    """Handler of ``approvals.request_approved``, ``_rejected`` and ``_cancelled``: an
    approved change in authorisation is scheduled (unless a blackout now blocks it: then it
    stays approved in authorisation, to be moved to another window); a rejected one goes back
    to assessment."""
    if content_type != CONTENT_TYPE:
        return
    outcome = event.rsplit("_", 1)[-1]
    with transaction.atomic():
        change = (
            ChangeRequest.objects.select_for_update()
            .filter(approval_request_id=request_id, state=S.AUTHORISATION)
            .first()
        )
        if change is None:
            return
        if outcome == "approved":
            change.approval_state = ApprovalState.APPROVED
            blocked = conflict_rules.has_blocking(
                conflict_rules.conflicts_for(
                    change, visible=ChangeRequest.objects.all(), cache=ReachCache(change.requester)
                )
            )
            if not blocked:
                change.state = S.SCHEDULED
        elif outcome == "rejected":
            change.approval_state, change.state = ApprovalState.REJECTED, S.ASSESSMENT
        else:
            change.approval_state, change.state = ApprovalState.CANCELLED, S.ASSESSMENT
        change.save()
        _publish(f"change_{change.state}", change)


# Windows


@transaction.atomic
def window_create(*, data: Mapping[str, Any], actor: Any) -> ChangeWindow:
    data = dict(data)
    ci_ids = _resolve_cis(data.pop("configuration_items", None) or [], actor)
    window: ChangeWindow = services.object_create(model=ChangeWindow, data=data, actor=actor)
    window.configuration_items.set(ci_ids)
    return window


@transaction.atomic
def window_update(*, window: ChangeWindow, data: Mapping[str, Any], actor: Any) -> ChangeWindow:
    data = dict(data)
    ci_ids = None
    if "configuration_items" in data:
        ci_ids = _resolve_cis(data.pop("configuration_items") or [], actor)
    window = services.object_update(obj=window, data=data, actor=actor)
    if ci_ids is not None:
        window.configuration_items.set(ci_ids)
    return window
