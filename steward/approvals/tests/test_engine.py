import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.approvals import reminders, services
from steward.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalStage,
    Delegation,
    StageStatus,
)
from steward.approvals.services import StageSpec
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _create(world, *stages, requester=Role.EMPLOYEE):
    return services.approval_request_create(
        obj=world["obj"],
        title="New laptop",
        requester=world["users"][requester],
        stages=list(stages),
    )


def _u(world, role):
    return world["users"][role]


def test_first_stage_opens_at_once_and_its_approvers_are_notified(world):
    request = _create(
        world, StageSpec(kind="manager"), StageSpec(kind="person", user=_u(world, Role.ADMIN))
    )
    first, second = request.stages.order_by("position")
    assert (first.status, second.status) == (StageStatus.PENDING, StageStatus.WAITING)
    assert list(first.approvers.all()) == [_u(world, Role.IT_MANAGER)]
    note = Notification.objects.get(recipient=_u(world, Role.IT_MANAGER))
    assert note.event == "approvals.approval_needed" and note.url == f"/approvals/{request.pk}/"
    assert not Notification.objects.filter(recipient=_u(world, Role.ADMIN)).exists()


def test_stages_advance_in_order_and_the_last_approval_approves_the_request(
    world, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _create(
            world, StageSpec(kind="manager"), StageSpec(kind="person", user=_u(world, Role.ADMIN))
        )
        services.approval_decide(
            request=request, approver=_u(world, Role.IT_MANAGER), decision="approve"
        )
        assert Notification.objects.filter(recipient=_u(world, Role.ADMIN)).exists()
        request = services.approval_decide(
            request=request, approver=_u(world, Role.ADMIN), decision="approve", comment="ok"
        )
    assert request.status == "approved" and request.decided_at is not None
    names = [name for name, _ in published]
    assert "approvals.request_approved" in names and "approvals.request_rejected" not in names
    payload = dict(published)["approvals.request_approved"]
    assert payload == {
        "request_id": request.pk,
        "content_type": "org.organisation",
        "object_id": str(world["obj"].pk),
        "status": "approved",
    }


def test_group_stage_needs_n_of_m_approvals(world):
    request = _create(world, StageSpec(kind="group", team_id=world["cab"].pk, required=2))
    stage = request.stages.get()
    assert stage.approvers.count() == 4
    services.approval_decide(request=request, approver=_u(world, Role.AGENT), decision="approve")
    stage.refresh_from_db()
    request.refresh_from_db()
    assert (stage.status, request.status) == (StageStatus.PENDING, "pending")
    services.approval_decide(request=request, approver=_u(world, Role.ADMIN), decision="approve")
    stage.refresh_from_db()
    request.refresh_from_db()
    assert (stage.status, request.status) == (StageStatus.APPROVED, "approved")


def test_one_reject_ends_the_request_and_cancels_later_stages(
    world, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _create(
            world,
            StageSpec(kind="group", team_id=world["cab"].pk, required=2),
            StageSpec(kind="person", user=_u(world, Role.ADMIN)),
        )
        services.approval_decide(
            request=request, approver=_u(world, Role.AGENT), decision="approve"
        )
        services.approval_decide(
            request=request,
            approver=_u(world, Role.ASSET_MANAGER),
            decision="reject",
            comment="no budget",
        )
    request.refresh_from_db()
    assert request.status == "rejected"
    assert [s.status for s in request.stages.order_by("position")] == ["rejected", "cancelled"]
    assert "approvals.request_rejected" in [name for name, _ in published]
    assert Notification.objects.filter(
        recipient=_u(world, Role.EMPLOYEE), event="approvals.request_decided"
    ).exists()
    with pytest.raises(ValidationError):
        services.approval_decide(
            request=request, approver=_u(world, Role.ADMIN), decision="approve"
        )


def test_someone_who_is_not_an_approver_cannot_decide(world):
    request = _create(world, StageSpec(kind="manager"))
    with pytest.raises(PermissionDenied):
        services.approval_decide(
            request=request, approver=_u(world, Role.AGENT), decision="approve"
        )
    assert not ApprovalDecision.objects.exists()


def test_an_approver_decides_a_stage_only_once(world):
    request = _create(world, StageSpec(kind="group", team_id=world["cab"].pk, required=2))
    services.approval_decide(request=request, approver=_u(world, Role.AGENT), decision="approve")
    with pytest.raises(PermissionDenied):
        services.approval_decide(
            request=request, approver=_u(world, Role.AGENT), decision="approve"
        )


def test_unknown_decision_is_rejected(world):
    request = _create(world, StageSpec(kind="manager"))
    with pytest.raises(ValidationError):
        services.approval_decide(
            request=request, approver=_u(world, Role.IT_MANAGER), decision="maybe"
        )


def test_requester_without_manager_cannot_ask_for_manager_approval(world):
    with pytest.raises(ValidationError):
        _create(world, StageSpec(kind="manager"), requester=Role.AGENT)
    assert not ApprovalRequest.objects.exists()


def test_nobody_approves_their_own_request(world):
    with pytest.raises(ValidationError):
        _create(world, StageSpec(kind="person", user=_u(world, Role.EMPLOYEE)))
    request = _create(world, StageSpec(kind="group", team_id=world["cab"].pk), requester=Role.AGENT)
    assert _u(world, Role.AGENT) not in request.stages.get().approvers.all()


def test_group_with_fewer_members_than_required_is_rejected(world):
    with pytest.raises(ValidationError):
        _create(world, StageSpec(kind="group", team_id=world["cab"].pk, required=5))


def test_stages_may_be_given_as_dicts(world):
    request = _create(world, {"kind": "person", "user": _u(world, Role.ADMIN), "name": "Boss"})
    assert str(request.stages.get()) == "Boss"
    with pytest.raises(ValidationError):
        _create(world, {"kind": "person", "who": "nobody"})


def test_delegate_decides_on_behalf_of_delegator(world):
    manager, agent = _u(world, Role.IT_MANAGER), _u(world, Role.AGENT)
    services.delegation_create(
        from_user=manager, to_user=agent, start=timezone.localdate(), end=None, actor=manager
    )
    request = _create(world, StageSpec(kind="manager"))
    assert Notification.objects.filter(recipient=agent, event="approvals.approval_needed").exists()
    services.approval_decide(request=request, approver=agent, decision="approve")
    decision = ApprovalDecision.objects.get()
    assert (decision.approver, decision.on_behalf_of) == (agent, manager)
    request.refresh_from_db()
    assert request.status == "approved"
    entry = AuditEntry.objects.get(content_type__model="approvaldecision", action="create")
    assert entry.after["on_behalf_of_id"] == manager.pk


def test_expired_or_future_delegation_gives_no_right_to_decide(world):
    manager, agent = _u(world, Role.IT_MANAGER), _u(world, Role.AGENT)
    today = timezone.localdate()
    Delegation.objects.create(
        from_user=manager,
        to_user=agent,
        start=today - datetime.timedelta(days=10),
        end=today - datetime.timedelta(days=1),
    )
    Delegation.objects.create(
        from_user=manager, to_user=agent, start=today + datetime.timedelta(days=1)
    )
    request = _create(world, StageSpec(kind="manager"))
    with pytest.raises(PermissionDenied):
        services.approval_decide(request=request, approver=agent, decision="approve")


def test_people_delegate_only_their_own_approvals(world):
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            from_user=_u(world, Role.ADMIN),
            to_user=_u(world, Role.AGENT),
            start=timezone.localdate(),
            end=None,
            actor=_u(world, Role.EMPLOYEE),
        )
    with pytest.raises(ValidationError):
        services.delegation_create(
            from_user=_u(world, Role.AGENT),
            to_user=_u(world, Role.AGENT),
            start=timezone.localdate(),
            end=None,
            actor=_u(world, Role.AGENT),
        )


def test_requester_cancels_a_pending_request(world, published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = _create(world, StageSpec(kind="manager"))
        with pytest.raises(PermissionDenied):
            services.approval_request_cancel(request=request, actor=_u(world, Role.AGENT))
        services.approval_request_cancel(request=request, actor=_u(world, Role.EMPLOYEE))
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert "approvals.request_cancelled" in [n for n, _ in published]


def test_approval_mail_has_a_signed_reply_to_on_the_inbound_domain(
    world, immediate_tasks, django_capture_on_commit_callbacks, settings
):
    settings.INBOUND_MAIL_DOMAIN = "steward.example.test"
    with django_capture_on_commit_callbacks(execute=True):
        _create(world, StageSpec(kind="manager"))
    (message,) = mail.outbox
    assert message.to == [_u(world, Role.IT_MANAGER).email]
    (reply_to,) = message.reply_to
    assert reply_to.startswith("approval+") and reply_to.endswith("@steward.example.test")
    assert "approve" in message.body and message.message()["Message-ID"]


def test_stage_pending_longer_than_n_hours_gets_a_reminder_once_per_period(world):
    request = _create(world, StageSpec(kind="manager"))
    stage = request.stages.get()
    now = timezone.now()
    ApprovalStage.objects.filter(pk=stage.pk).update(opened_at=now - datetime.timedelta(hours=30))
    assert reminders.remind_pending(hours=24, now=now) == 1
    assert Notification.objects.filter(event="approvals.reminder").count() == 1
    assert reminders.remind_pending(hours=24, now=now + datetime.timedelta(hours=1)) == 0
    assert reminders.remind_pending(hours=24, now=now + datetime.timedelta(hours=25)) == 1


def test_fresh_or_decided_stages_get_no_reminder(world):
    request = _create(world, StageSpec(kind="manager"))
    assert reminders.remind_pending(hours=24) == 0
    services.approval_request_cancel(request=request, actor=_u(world, Role.EMPLOYEE))
    later = timezone.now() + datetime.timedelta(days=3)
    assert reminders.remind_pending(hours=24, now=later) == 0


def test_reminder_schedule_exists_and_its_job_runs(world):
    from steward.core import jobs
    from steward.core.models import Schedule

    schedule = Schedule.objects.get(handler=reminders.HANDLER)
    assert schedule.arguments == {"hours": 24}
    job = jobs.job_execute(
        jobs.job_start(handler=reminders.HANDLER, name="remind", arguments={"hours": 24})
    )
    assert job.status == "succeeded" and job.result == {"stages": 0}


def _timed(world, *, hours=48):
    """The admin asks; the CAB stage (2 of its 3 other members) escalates to the employee,
    who is no member, after ``hours``."""
    return _create(
        world,
        StageSpec(
            kind="group",
            team_id=world["cab"].pk,
            required=2,
            timeout=datetime.timedelta(hours=hours),
            escalate_to=_u(world, Role.EMPLOYEE),
        ),
        requester=Role.ADMIN,
    )


def test_a_stage_escalates_once_its_timeout_passes(
    world, published, django_capture_on_commit_callbacks, immediate_tasks
):
    request = _create(
        world,
        StageSpec(
            kind="person",
            user=_u(world, Role.AGENT),
            timeout=datetime.timedelta(hours=4),
            escalate_to=_u(world, Role.ADMIN),
        ),
    )
    stage = request.stages.get()
    assert stage.escalate_at == stage.opened_at + datetime.timedelta(hours=4)
    assert reminders.escalate_overdue(now=stage.opened_at + datetime.timedelta(hours=3)) == 0
    later = stage.opened_at + datetime.timedelta(hours=4, minutes=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.escalate_overdue(now=later) == 1
    assert reminders.escalate_overdue(now=later + datetime.timedelta(days=1)) == 0
    stage.refresh_from_db()
    assert stage.escalated_at == later
    assert set(stage.approvers.all()) == {_u(world, Role.AGENT), _u(world, Role.ADMIN)}
    to_admin = Notification.objects.get(recipient=_u(world, Role.ADMIN))
    assert to_admin.event == "approvals.escalated" and "4 hours" in to_admin.body
    assert Notification.objects.filter(
        recipient=_u(world, Role.EMPLOYEE), event="approvals.escalated"
    ).exists()
    (message,) = [m for m in mail.outbox if m.to == [_u(world, Role.ADMIN).email]]
    assert message.reply_to[0].startswith("approval+")
    assert dict(published)["approvals.escalated"] == {
        "request_id": request.pk,
        "content_type": "org.organisation",
        "object_id": str(world["obj"].pk),
        "status": "pending",
        "stage": 1,
    }
    updates = AuditEntry.objects.filter(
        content_type__model="approvalstage", object_id=str(stage.pk), action="update"
    )
    assert any((e.after or {}).get("escalated_at") for e in updates)


def test_after_escalation_the_escalation_approver_alone_decides_an_n_of_m_stage(world):
    request = _timed(world)
    stage = request.stages.get()
    outsider = _u(world, Role.EMPLOYEE)
    with pytest.raises(PermissionDenied):  # not an approver before the timeout
        services.approval_decide(request=request, approver=outsider, decision="approve")
    services.approval_decide(request=request, approver=_u(world, Role.AGENT), decision="approve")
    reminders.escalate_overdue(now=stage.opened_at + datetime.timedelta(hours=49))
    request = services.approval_decide(request=request, approver=outsider, decision="approve")
    stage.refresh_from_db()
    assert (stage.status, request.status) == (StageStatus.APPROVED, "approved")
    assert stage.decisions.count() == 2  # one member's vote plus the escalation's


def test_after_escalation_the_members_still_decide_n_of_m(world):
    request = _timed(world)
    stage = request.stages.get()
    reminders.escalate_overdue(now=stage.opened_at + datetime.timedelta(hours=49))
    services.approval_decide(request=request, approver=_u(world, Role.AGENT), decision="approve")
    request.refresh_from_db()
    assert request.status == "pending"  # one member's vote is still one of two
    services.approval_decide(request=request, approver=_u(world, Role.EMPLOYEE), decision="reject")
    request.refresh_from_db()
    assert request.status == "rejected"  # and the escalation approver may reject alone


def test_decided_or_cancelled_stages_do_not_escalate(world):
    request = _timed(world)
    stage = request.stages.get()
    services.approval_request_cancel(request=request, actor=_u(world, Role.ADMIN))
    assert reminders.escalate_overdue(now=stage.opened_at + datetime.timedelta(days=5)) == 0
    stage.refresh_from_db()
    assert stage.escalated_at is None and stage.approvers.count() == 3


def test_a_waiting_stage_starts_its_clock_when_it_opens(world):
    request = _create(
        world,
        StageSpec(kind="manager"),
        StageSpec(
            kind="person",
            user=_u(world, Role.AGENT),
            timeout=datetime.timedelta(hours=1),
            escalate_to=_u(world, Role.ADMIN),
        ),
    )
    _first, second = request.stages.order_by("position")
    assert second.escalate_at is None
    assert reminders.escalate_overdue(now=timezone.now() + datetime.timedelta(days=3)) == 0
    services.approval_decide(
        request=request, approver=_u(world, Role.IT_MANAGER), decision="approve"
    )
    second.refresh_from_db()
    assert second.escalate_at == second.opened_at + datetime.timedelta(hours=1)


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"timeout": datetime.timedelta(hours=2)}, "needs an active escalation"),
        ({"timeout": datetime.timedelta(0), "escalate_to": "admin"}, "must be positive"),
        ({"timeout": datetime.timedelta(hours=2), "escalate_to": "employee"}, "own request"),
    ],
)
def test_an_escalation_needs_a_positive_timeout_and_someone_else(world, spec, message):
    if "escalate_to" in spec:
        spec = {**spec, "escalate_to": _u(world, spec["escalate_to"])}
    with pytest.raises(ValidationError) as exc:
        _create(world, StageSpec(kind="person", user=_u(world, Role.AGENT), **spec))
    assert message in str(exc.value)
    assert not ApprovalRequest.objects.exists()


def test_escalation_schedule_exists_and_its_job_escalates(world):
    from steward.core import jobs
    from steward.core.models import Schedule

    request = _timed(world, hours=1)
    ApprovalStage.objects.filter(request=request).update(
        escalate_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    schedule = Schedule.objects.get(handler=reminders.ESCALATE_HANDLER)
    assert schedule.interval_seconds == 15 * 60
    job = jobs.job_execute(
        jobs.job_start(handler=reminders.ESCALATE_HANDLER, name="escalate", arguments={})
    )
    assert job.status == "succeeded" and job.result == {"stages": 1}
