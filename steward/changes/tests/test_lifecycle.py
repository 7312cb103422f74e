"""The transition table, what each state needs, and the approval route's edges."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from steward.approvals.models import ApprovalRequest, StageStatus
from steward.approvals.services import approval_decide
from steward.changes import services
from steward.changes.models import (
    TRANSITIONS,
    ApprovalState,
    ChangeState,
    ChangeTemplate,
    ChangeType,
    RiskLevel,
)
from steward.core.models import AuditEntry

from .conftest import at

pytestmark = pytest.mark.django_db
S = ChangeState


def _commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks(execute=True)


def test_transition_table_has_every_state_and_final_states_lead_nowhere():
    assert set(TRANSITIONS) == set(ChangeState.values)
    assert TRANSITIONS[S.CLOSED] == frozenset() and TRANSITIONS[S.CANCELLED] == frozenset()
    for targets in TRANSITIONS.values():
        assert targets <= set(ChangeState.values)


def _normal(world, estate, **extra):
    data = {
        "title": "Upgrade the ERP VM",
        "configuration_items": [estate["vm"].pk],
        "planned_start": at(days=10),
        "planned_end": at(days=10, hours=2),
        "implementation_plan": "apt upgrade",
        "backout_plan": "restore the snapshot",
        **extra,
    }
    return services.change_create(data=data, actor=world["agent"])


def test_create_is_audited_and_starts_in_draft(world, estate):
    change = _normal(world, estate)
    assert change.state == S.DRAFT and change.requester == world["agent"]
    assert change.reference == f"CHG-{change.pk}"
    assert list(change.ci_links.values_list("configuration_item_id", flat=True)) == [
        estate["vm"].pk
    ]
    assert AuditEntry.objects.filter(object_id=str(change.pk), action="create").exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.SCHEDULED),
        (S.DRAFT, S.CLOSED),
        (S.ASSESSMENT, S.IMPLEMENTATION),
        (S.SCHEDULED, S.CLOSED),
        (S.IMPLEMENTATION, S.CANCELLED),
        (S.CLOSED, S.ASSESSMENT),
        (S.CANCELLED, S.DRAFT),
    ],
)
def test_moves_outside_the_table_are_refused(world, make_change, start, target):
    change = make_change(start=at(days=5), state=start)
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=target)
    assert "state" in exc.value.message_dict
    change.refresh_from_db()
    assert change.state == start


def test_unknown_state_is_a_validation_error(world, make_change):
    change = make_change(start=at(days=5), state=S.DRAFT)
    with pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state="nowhere")


def test_assessment_scores_the_risk(world, estate):
    change = _normal(world, estate)
    change = services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    assert change.risk_score is not None and change.risk_level in RiskLevel.values
    assert {r["factor"] for r in change.risk_reasons} >= {"services", "history", "lead_time"}


def test_authorisation_needs_a_window_and_plans(world, estate):
    change = _normal(world, estate, planned_start=None, planned_end=None, backout_plan="")
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.AUTHORISATION)
    assert "planned_start" in exc.value.message_dict
    services.change_update(
        change=change,
        data={"planned_start": at(days=10), "planned_end": at(days=10, hours=1)},
        actor=world["agent"],
    )
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.AUTHORISATION)
    assert "backout_plan" in exc.value.message_dict


def _to_authorisation(world, estate, django_capture_on_commit_callbacks, **extra):
    change = _normal(world, estate, **extra)
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with _commit(django_capture_on_commit_callbacks):
        change = services.change_transition(
            change=change, actor=world["agent"], state=S.AUTHORISATION
        )
    return change


def test_normal_change_is_scheduled_when_every_stage_approves(
    world, estate, django_capture_on_commit_callbacks
):
    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    approval = ApprovalRequest.objects.get(pk=change.approval_request_id)
    stages = list(approval.stages.order_by("position"))
    assert change.approval_state == ApprovalState.PENDING
    assert stages[0].kind == "person"  # the change manager first
    # The ERP is critical: at least medium risk, so the CAB follows with N of M.
    assert change.risk_level in (RiskLevel.MEDIUM, RiskLevel.HIGH)
    assert stages[1].kind == "group" and stages[1].team_id == world["cab"].pk
    for stage in stages:
        for approver in list(stage.approvers.all())[: stage.required]:
            with _commit(django_capture_on_commit_callbacks):
                approval_decide(request=approval, approver=approver, decision="approve")
    change.refresh_from_db()
    assert change.state == S.SCHEDULED and change.approval_state == ApprovalState.APPROVED


def test_a_rejection_stops_the_route_and_sends_the_change_back(
    world, estate, django_capture_on_commit_callbacks
):
    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    approval = ApprovalRequest.objects.get(pk=change.approval_request_id)
    first = approval.stages.order_by("position").first()
    with _commit(django_capture_on_commit_callbacks):
        approval_decide(request=approval, approver=first.approvers.first(), decision="reject")
    change.refresh_from_db()
    approval.refresh_from_db()
    assert change.state == S.ASSESSMENT and change.approval_state == ApprovalState.REJECTED
    assert approval.status == "rejected"
    assert not approval.stages.filter(
        status__in=[StageStatus.PENDING, StageStatus.WAITING]
    ).exists()
    with pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)


def test_scheduled_needs_the_approval(world, estate, django_capture_on_commit_callbacks):
    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)
    assert "not approved" in str(exc.value)


def test_low_risk_normal_change_needs_only_the_change_manager(world, make_ci):
    lonely = make_ci("lab-printer", "hardware")
    template_free = services.change_create(
        data={
            "title": "Replace toner",
            "configuration_items": [lonely.pk],
            "planned_start": at(days=30),
            "planned_end": at(days=30, hours=1),
            "implementation_plan": "swap",
            "backout_plan": "swap back",
        },
        actor=world["agent"],
    )
    services.change_transition(change=template_free, actor=world["agent"], state=S.ASSESSMENT)
    template_free.refresh_from_db()
    assert template_free.risk_level == RiskLevel.LOW, template_free.risk_reasons
    change = services.change_transition(
        change=template_free, actor=world["agent"], state=S.AUTHORISATION
    )
    stages = ApprovalRequest.objects.get(pk=change.approval_request_id).stages.all()
    assert [s.kind for s in stages] == ["person"]


def test_emergency_change_has_one_fast_stage(world, estate, django_capture_on_commit_callbacks):
    change = _to_authorisation(
        world,
        estate,
        django_capture_on_commit_callbacks,
        change_type=ChangeType.EMERGENCY,
        planned_start=at(hours=2),
        planned_end=at(hours=3),
    )
    approval = ApprovalRequest.objects.get(pk=change.approval_request_id)
    (stage,) = approval.stages.all()
    assert stage.kind == "group" and stage.required == 1
    with _commit(django_capture_on_commit_callbacks):
        approval_decide(request=approval, approver=world["cab_members"][0], decision="approve")
    change.refresh_from_db()
    assert change.state == S.SCHEDULED


def test_standard_change_is_pre_approved_and_takes_its_template(world, estate):
    template = ChangeTemplate.objects.create(
        name="Restart the wiki",
        implementation_plan="systemctl restart bookstack",
        backout_plan="none needed",
        default_duration_minutes=30,
    )
    change = services.change_create(
        data={
            "title": "Restart",
            "template": template,
            "configuration_items": [estate["wiki"].pk],
            "planned_start": at(days=3),
        },
        actor=world["agent"],
    )
    assert change.change_type == ChangeType.STANDARD
    assert change.implementation_plan == template.implementation_plan
    assert change.planned_end == at(days=3, hours=0.5)
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state=S.AUTHORISATION)
    change = services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)
    assert change.approval_state == ApprovalState.PRE_APPROVED
    assert change.approval_request_id is None


def test_normal_change_cannot_skip_authorisation(world, estate):
    change = _normal(world, estate)
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)


def test_review_needs_an_outcome_and_closing_a_failure_needs_a_review(world, make_change):
    change = make_change(start=at(days=-1), state=S.SCHEDULED)
    change = services.change_transition(change=change, actor=world["agent"], state=S.IMPLEMENTATION)
    assert change.actual_start is not None
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.REVIEW)
    assert "outcome" in exc.value.message_dict
    change = services.change_transition(
        change=change, actor=world["agent"], state=S.REVIEW, outcome="backed_out"
    )
    assert change.actual_end is not None
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.CLOSED)
    assert "review_notes" in exc.value.message_dict
    change = services.change_transition(
        change=change, actor=world["agent"], state=S.CLOSED, review_notes="Disk full; retry"
    )
    assert change.state == S.CLOSED


def test_cancelling_cancels_the_pending_approval(world, estate, django_capture_on_commit_callbacks):
    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    with _commit(django_capture_on_commit_callbacks):
        services.change_transition(change=change, actor=world["agent"], state=S.CANCELLED)
    change.refresh_from_db()
    assert change.state == S.CANCELLED and change.approval_state == ApprovalState.CANCELLED
    assert ApprovalRequest.objects.get(pk=change.approval_request_id).status == "cancelled"


def test_plan_is_frozen_after_assessment(world, make_change, estate):
    change = make_change(estate["vm"], start=at(days=5), state=S.SCHEDULED)
    with pytest.raises(ValidationError) as exc:
        services.change_update(
            change=change, data={"planned_start": at(days=6)}, actor=world["agent"]
        )
    assert "planned_start" in exc.value.message_dict
    services.change_update(change=change, data={"title": "Renamed"}, actor=world["agent"])


def test_employees_and_customers_may_not_raise_changes(world):
    for who in ("employee", "customer"):
        with pytest.raises(PermissionDenied):
            services.change_create(data={"title": "x"}, actor=world[who])


def test_items_the_actor_cannot_see_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.change_create(
            data={"title": "x", "configuration_items": [999999]}, actor=world["agent"]
        )
    assert "configuration_items" in exc.value.message_dict


def test_a_failed_transition_leaves_nothing_behind(world, estate):
    change = _normal(world, estate, backout_plan="")
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with transaction.atomic(), pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state=S.AUTHORISATION)
    assert not ApprovalRequest.objects.exists()


def test_withdrawing_to_assessment_cancels_the_pending_approval(
    world, estate, django_capture_on_commit_callbacks
):
    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    with _commit(django_capture_on_commit_callbacks):
        change = services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    assert change.approval_state == ApprovalState.CANCELLED
    assert ApprovalRequest.objects.get(pk=change.approval_request_id).status == "cancelled"
    services.change_update(
        change=change,
        data={"planned_start": at(days=12), "planned_end": at(days=12, hours=1)},
        actor=world["agent"],
    )
    with _commit(django_capture_on_commit_callbacks):
        change = services.change_transition(
            change=change, actor=world["agent"], state=S.AUTHORISATION
        )
    assert change.approval_state == ApprovalState.PENDING
    assert ApprovalRequest.objects.filter(status="pending").count() == 1


def test_replanning_a_scheduled_change_needs_a_new_approval(world, make_change, estate):
    change = make_change(
        estate["vm"], start=at(days=5), state=S.SCHEDULED, approval_state="approved"
    )
    change = services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    assert change.approval_state == ApprovalState.NONE
    with pytest.raises(ValidationError):
        services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)


def test_a_delegate_fills_a_cab_seat_through_the_change(
    world, estate, django_capture_on_commit_callbacks
):
    """Delegation is the engine's: the delegate of a CAB member decides the CAB stage on the
    change (recorded on behalf of the member), and one person still casts one vote."""
    import datetime

    from steward.approvals.models import ApprovalDecision
    from steward.approvals.services import delegation_create

    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    approval = ApprovalRequest.objects.get(pk=change.approval_request_id)
    manager_stage, cab_stage = approval.stages.order_by("position")
    with _commit(django_capture_on_commit_callbacks):
        services.change_decide(
            change=change, actor=manager_stage.approvers.get(), decision="approve"
        )
    member = world["cab_members"][0]
    delegate = world["users"]["asset_manager"]
    today = datetime.date.today()
    delegation_create(from_user=member, to_user=delegate, start=today, end=None, actor=member)
    with _commit(django_capture_on_commit_callbacks):
        services.change_decide(change=change, actor=delegate, decision="approve")
    vote = ApprovalDecision.objects.get(stage=cab_stage, approver=delegate)
    assert vote.on_behalf_of == member
    with pytest.raises(PermissionDenied):
        services.change_decide(change=change, actor=delegate, decision="approve")
    remaining = [u for u in world["cab_members"] if u != member]
    needed = cab_stage.required - 1
    for approver in remaining[:needed]:
        with _commit(django_capture_on_commit_callbacks):
            services.change_decide(change=change, actor=approver, decision="approve")
    change.refresh_from_db()
    assert change.state == S.SCHEDULED


def test_approval_stages_escalate_after_their_timeout(
    world, estate, django_capture_on_commit_callbacks
):
    """A normal change: the change manager's stage escalates to the next IT manager after
    two days, the CAB's to the change manager, who then decides it alone (no N of M)."""
    from steward.approvals import reminders
    from steward.changes.routes import TIMEOUT_EMERGENCY, TIMEOUT_NORMAL

    change = _to_authorisation(world, estate, django_capture_on_commit_callbacks)
    approval = ApprovalRequest.objects.get(pk=change.approval_request_id)
    manager_stage, cab_stage = approval.stages.order_by("position")
    change_manager = manager_stage.approvers.get()
    assert (manager_stage.timeout, cab_stage.timeout) == (TIMEOUT_NORMAL, TIMEOUT_NORMAL)
    assert manager_stage.escalate_to not in (None, change_manager)
    assert cab_stage.escalate_to == change_manager and cab_stage.required >= 2
    with _commit(django_capture_on_commit_callbacks):
        services.change_decide(change=change, actor=change_manager, decision="approve")
    with pytest.raises(PermissionDenied):  # no CAB member, until the CAB stage times out
        services.change_decide(change=change, actor=change_manager, decision="approve")
    cab_stage.refresh_from_db()
    assert reminders.escalate_overdue(now=cab_stage.opened_at + TIMEOUT_NORMAL) == 1
    with _commit(django_capture_on_commit_callbacks):
        services.change_decide(change=change, actor=change_manager, decision="approve")
    change.refresh_from_db()
    assert change.state == S.SCHEDULED
    assert TIMEOUT_EMERGENCY < TIMEOUT_NORMAL
