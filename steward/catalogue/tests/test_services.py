"""A request's life: ticket, approval through the engine, fulfilment steps, resolution."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.approvals import services as approvals
from steward.approvals.models import ApprovalRequest
from steward.catalogue import services
from steward.catalogue.models import FulfilmentTask, RequestedItem
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.notifications.models import Notification
from steward.servicedesk.models import EntryKind, Ticket

pytestmark = pytest.mark.django_db


def _public_replies(ticket):
    return list(
        ticket.entries.filter(kind=EntryKind.REPLY)
        .order_by("created_at", "pk")
        .values_list("body", flat=True)
    )


def _tasks(requested):
    return {t.title: t.status for t in FulfilmentTask.objects.filter(requested_item=requested)}


def test_a_request_opens_a_service_request_ticket_with_the_answers(cat, request_item):
    requested = request_item(cat["vpn"])
    ticket = requested.ticket
    assert ticket.kind == "request" and ticket.reference.startswith("REQ-")
    assert ticket.requester == cat["person"][Role.EMPLOYEE]
    assert ticket.affected_person == cat["person"][Role.EMPLOYEE]
    assert requested.state == "in_fulfilment"
    assert AuditEntry.objects.filter(object_repr__contains="VPN access", action="create").exists()


def test_the_description_lists_the_answers(cat, request_item):
    with pytest.raises(ValidationError):
        request_item(cat["laptop"], answers={})
    requested = request_item(
        cat["laptop"], answers={"model": "16-inch", "reason": "Mine is five years old"}
    )
    assert requested.ticket.description == "Model: 16-inch\nReason: Mine is five years old"
    assert requested.answers == {"model": "16-inch", "reason": "Mine is five years old"}


def test_wrong_answers_create_no_ticket(cat, request_item):
    with pytest.raises(ValidationError) as exc:
        request_item(cat["laptop"], answers={"model": "17-inch", "colour": "red"})
    assert set(exc.value.message_dict) == {"model", "colour"}
    assert not Ticket.objects.exists() and not RequestedItem.objects.exists()


def test_an_item_with_approval_waits_with_its_ticket_pending_approval(cat, request_item):
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    requested.ticket.refresh_from_db()
    assert requested.state == "awaiting_approval"
    assert (requested.ticket.status, requested.ticket.pending_reason) == ("pending", "approval")
    approval = ApprovalRequest.objects.get(pk=requested.approval_request_id)
    assert approval.target == requested
    assert list(approval.stages.get().approvers.all()) == [cat["users"][Role.IT_MANAGER]]
    assert set(_tasks(requested).values()) == {"pending"}


def test_approval_then_sequential_steps_then_fulfilled_and_the_ticket_resolved(
    cat, request_item, django_capture_on_commit_callbacks
):
    manager, agent = cat["users"][Role.IT_MANAGER], cat["users"][Role.AGENT]
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_decide(
            request=ApprovalRequest.objects.get(pk=requested.approval_request_id),
            approver=manager,
            decision="approve",
        )
    requested.refresh_from_db()
    ticket = Ticket.objects.get(pk=requested.ticket_id)
    assert requested.state == "in_fulfilment" and ticket.status != "pending"
    assert _tasks(requested) == {"Prepare laptop": "open", "Deliver laptop": "pending"}
    assert ticket.team == cat["teams"]["it"]
    assert Notification.objects.filter(recipient=agent, event="catalogue.task_opened").exists()

    prepare = requested.tasks.get(title="Prepare laptop")
    with django_capture_on_commit_callbacks(execute=True):
        services.fulfilment_task_complete(task=prepare, actor=agent, notes="Imaged")
    assert _tasks(requested) == {"Prepare laptop": "done", "Deliver laptop": "open"}
    prepare.refresh_from_db()
    assert prepare.assignee == cat["person"][Role.AGENT] and prepare.done_at is not None
    ticket.refresh_from_db()
    assert ticket.team == cat["teams"]["facilities"]

    deliver = requested.tasks.get(title="Deliver laptop")
    with django_capture_on_commit_callbacks(execute=True):
        services.fulfilment_task_complete(task=deliver, actor=cat["users"][Role.ASSET_MANAGER])
    requested.refresh_from_db()
    ticket.refresh_from_db()
    assert requested.state == "fulfilled" and requested.fulfilled_at is not None
    assert ticket.status == "resolved" and "New laptop delivered" in ticket.resolution
    replies = _public_replies(ticket)
    assert "approved" in replies[0]
    assert "Prepare laptop is done" in replies[1] and "Next: Deliver laptop" in replies[1]
    assert "fulfilled" in replies[-1]


def test_rejection_cancels_the_ticket_with_a_reply_that_says_why(
    cat, request_item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_item(cat["laptop"], answers={"model": "16-inch"})
        approvals.approval_decide(
            request=ApprovalRequest.objects.get(pk=requested.approval_request_id),
            approver=cat["users"][Role.IT_MANAGER],
            decision="reject",
            comment="Your laptop is only a year old.",
        )
    requested.refresh_from_db()
    ticket = Ticket.objects.get(pk=requested.ticket_id)
    assert requested.state == "rejected" and ticket.status == "cancelled"
    assert set(_tasks(requested).values()) == {"cancelled"}
    (reply,) = _public_replies(ticket)
    assert "not approved" in reply and "Your laptop is only a year old." in reply


def test_parallel_items_open_every_task_at_once(cat, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    assert _tasks(requested) == {"Accounts": "open", "Desk": "open", "Contract": "open"}
    agent = cat["users"][Role.AGENT]
    for title in ("Accounts", "Desk"):
        services.fulfilment_task_complete(task=requested.tasks.get(title=title), actor=agent)
    requested.refresh_from_db()
    assert requested.state == "in_fulfilment"
    services.fulfilment_task_skip(
        task=requested.tasks.get(title="Contract"), actor=agent, notes="Contract signed already"
    )
    requested.refresh_from_db()
    assert requested.state == "fulfilled"
    assert Ticket.objects.get(pk=requested.ticket_id).status == "resolved"
    replies = _public_replies(requested.ticket)
    assert "Accounts is done. 2 more in progress." in replies[0]


def test_a_task_is_completed_once_and_only_by_agents(cat, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    task = requested.tasks.get(title="Accounts")
    with pytest.raises(PermissionDenied):
        services.fulfilment_task_complete(task=task, actor=cat["users"][Role.EMPLOYEE])
    services.fulfilment_task_complete(task=task, actor=cat["users"][Role.AGENT])
    with pytest.raises(ValidationError):
        services.fulfilment_task_complete(task=task, actor=cat["users"][Role.AGENT])


def test_skipping_a_task_needs_a_reason(cat, request_item):
    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    with pytest.raises(ValidationError) as exc:
        services.fulfilment_task_skip(
            task=requested.tasks.first(), actor=cat["users"][Role.AGENT], notes=" "
        )
    assert "notes" in exc.value.message_dict


def test_no_manager_means_no_request(cat, request_item):
    with pytest.raises(ValidationError) as exc:
        request_item(cat["laptop"], role=Role.AGENT, answers={"model": "14-inch"})
    assert "stages" in exc.value.message_dict
    assert not Ticket.objects.exists()


def test_a_customer_cannot_request_an_item_for_employees(cat, request_item):
    with pytest.raises(PermissionDenied):
        request_item(cat["laptop"], role="acme_contact", answers={"model": "14-inch"})
    requested = request_item(cat["portal"], role="acme_contact")
    assert requested.ticket.organisation == cat["acme"]


def test_requesting_for_someone_you_cannot_see_is_refused(cat, request_item):
    globex = cat["users"]["globex_contact"].person
    with pytest.raises(PermissionDenied):
        request_item(cat["portal"], role="acme_contact", requested_for=globex)


def test_requesting_for_a_colleague_names_them_on_the_ticket(cat, request_item):
    colleague = cat["person"][Role.ASSET_MANAGER]
    requested = request_item(cat["vpn"], requested_for=colleague)
    assert requested.requested_for == colleague
    assert requested.ticket.affected_person == colleague
    assert str(colleague) in requested.ticket.title


def test_the_requester_cancels_a_waiting_request_its_approval_and_ticket(cat, request_item):
    requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    with pytest.raises(PermissionDenied):
        services.requested_item_cancel(requested_item=requested, actor=cat["users"][Role.AGENT])
    services.requested_item_cancel(requested_item=requested, actor=cat["users"][Role.EMPLOYEE])
    requested.refresh_from_db()
    assert requested.state == "cancelled"
    assert ApprovalRequest.objects.get(pk=requested.approval_request_id).status == "cancelled"
    assert Ticket.objects.get(pk=requested.ticket_id).status == "cancelled"
    with pytest.raises(ValidationError):
        services.requested_item_cancel(requested_item=requested, actor=cat["users"][Role.EMPLOYEE])


def test_an_agent_cancelling_the_ticket_cancels_the_request(
    cat, request_item, django_capture_on_commit_callbacks
):
    from steward.servicedesk.services import ticket_transition

    requested = request_item(cat["onboarding"], answers={"start": "2027-01-04"})
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(
            ticket=requested.ticket, actor=cat["users"][Role.AGENT], status="cancelled"
        )
    requested.refresh_from_db()
    assert requested.state == "cancelled"
    assert set(_tasks(requested).values()) == {"cancelled"}


def test_an_item_without_tasks_is_fulfilled_when_its_ticket_is_resolved(
    cat, request_item, django_capture_on_commit_callbacks
):
    from steward.servicedesk.services import ticket_transition

    requested = request_item(cat["vpn"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(
            ticket=requested.ticket,
            actor=cat["users"][Role.AGENT],
            status="resolved",
            resolution="VPN profile sent",
        )
    requested.refresh_from_db()
    assert requested.state == "fulfilled"
