"""Every state change of the service catalogue: a request, its approval, its fulfilment.

    item_request(item=laptop, requester=person, answers={"model": "14-inch"}, actor=user)

files a service-desk ticket of kind "request", records the ``RequestedItem``, and either asks
for approval through the approval engine (the ticket waits, pending "approval") or opens the
first fulfilment tasks. The approval engine's ``approvals.request_approved`` /
``request_rejected`` events move it on (``on_approval_decided``); completing the tasks of a
step opens the next; the last one resolves the ticket. The requester hears of each milestone
as a public reply on the ticket, so they see it in the portal and by mail.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.approvals import services as approvals
from steward.catalogue.answers import clean_answers, render_answers
from steward.catalogue.models import (
    FINISHED_TASK,
    OPEN_STATES,
    CatalogueItem,
    FulfilmentMode,
    FulfilmentTask,
    RequestedItem,
    RequestState,
    TaskStatus,
)
from steward.core import events, permissions
from steward.notifications.services import notify
from steward.org import selectors as org_selectors


def _desk() -> Any:
    """The ticket services, imported when first used so that the catalogue loads even while
    the service desk's modules are being changed."""
    from steward.servicedesk import services

    return services


log = logging.getLogger(__name__)
EVENT_TASK_OPENED = "catalogue.task_opened"
CONTENT_TYPE = "catalogue.requesteditem"


def _person_of(user: Any) -> Any:
    return org_selectors.person_for_user(user) if user is not None else None


def _stage_specs(item: CatalogueItem, requester_user: Any) -> list[approvals.StageSpec]:
    from steward.core.models import User

    specs = []
    for raw in item.approval_stages or []:
        user = None
        if raw.get("kind") == "person":
            user = User.objects.filter(pk=raw.get("user_id"), is_active=True).first()
        specs.append(
            approvals.StageSpec(
                kind=raw["kind"],
                user=user,
                team_id=raw.get("team_id"),
                required=raw.get("required", 1),
                name=raw.get("name", ""),
            )
        )
    return specs


def _reply(requested_item: RequestedItem, body: str, *, by: Any) -> None:
    """A public reply to the requester, written in the name of ``by`` (the user whose action
    it reports). Without a person record to sign it, an internal note keeps the trace."""
    author = _person_of(by)
    if author is None:
        log.warning("no person to sign the reply on ticket %s", requested_item.ticket_id)
        return
    _desk().ticket_reply(
        ticket=requested_item.ticket, actor=None, author=author, body=body, kind="reply"
    )


def _move(requested_item: RequestedItem, status: str, **kwargs: Any) -> None:
    ticket = requested_item.ticket
    ticket.refresh_from_db()
    if ticket.status != status:
        _desk().ticket_transition(ticket=ticket, actor=None, status=status, **kwargs)


@transaction.atomic
def item_request(
    *,
    item: CatalogueItem,
    requester: Any,
    answers: Mapping[str, Any],
    actor: Any,
    requested_for: Any = None,
) -> RequestedItem:
    """File a request of ``item`` by ``requester`` (a person) for ``requested_for`` (default:
    the requester). Raises PermissionDenied when ``actor`` may not see the item or request for
    that person; ValidationError keyed by field name for wrong answers, and on ``stages`` when
    the item's approval has nobody to decide it (no manager, for instance)."""
    visible = permissions.restrict(CatalogueItem.objects.filter(pk=item.pk), actor)
    if (
        not permissions.can(actor, "request", RequestedItem)
        or not visible.filter(is_active=True).exists()
    ):
        raise PermissionDenied(_("This item is not in your catalogue."))
    if requester is None:
        raise ValidationError({"requester": [_("The requester has no person record.")]})
    people = org_selectors.person_list(user=actor)
    requested_for = requested_for or requester
    if requested_for.pk != requester.pk and not people.filter(pk=requested_for.pk).exists():
        raise PermissionDenied(_("You may not request for this person."))
    fields = list(item.fields.all())
    cleaned = clean_answers(
        fields, answers, person_visible=lambda pk: people.filter(pk=pk).exists()
    )
    person_ids = [v for f in fields if f.type == "person" and (v := cleaned.get(f.name))]
    names = {p.pk: str(p) for p in people.filter(pk__in=person_ids)}
    title = item.name
    if requested_for.pk != requester.pk:
        title = _("%(item)s for %(person)s") % {"item": item.name, "person": requested_for}
    description = render_answers(fields, cleaned, names)
    ticket = _desk().ticket_create(
        actor=actor,
        requester=requester,
        title=title[:250],
        description=description,
        kind="request",
        channel="portal",
        category=item.servicedesk_category,
        affected_person=requested_for,
    )
    if item.default_team_id and ticket.team_id != item.default_team_id:
        # The catalogue routes its own requests; requesters may not choose a team themselves.
        ticket = _desk().ticket_assign(ticket=ticket, actor=None, team=item.default_team)
    requested = RequestedItem(
        ticket=ticket,
        item=item,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_for=requested_for,
        answers=cleaned,
    )
    templates = list(item.task_templates.all())
    sequential = item.fulfilment_mode == FulfilmentMode.SEQUENTIAL
    if item.approval_stages:
        requested.state = RequestState.AWAITING_APPROVAL
    requested.full_clean(exclude=["ticket"])
    requested.save()
    FulfilmentTask.objects.bulk_create(
        [
            FulfilmentTask(
                requested_item=requested,
                template=t,
                step=t.step if sequential else 1,
                title=t.title,
                instructions=t.instructions,
                team_id=t.team_id,
            )
            for t in templates
        ]
    )
    if item.approval_stages:
        approver_of = requester.user if requester.user_id else actor
        approval = approvals.approval_request_create(
            obj=requested,
            title=title,
            requester=approver_of,
            stages=_stage_specs(item, approver_of),
        )
        requested.approval_request_id = approval.pk
        requested.save(update_fields=["approval_request_id", "updated_at"])
        _move(requested, "pending", pending_reason="approval")
    else:
        _open_next_step(requested)
        _approved(requested)
    events.publish(
        "catalogue.item_requested",
        requested_item_id=requested.pk,
        item_id=item.pk,
        ticket_id=ticket.pk,
    )
    return requested


def _approved(requested: RequestedItem) -> None:
    """Fulfilment may start (approved, or no approval needed): other apps may act on it, e.g.
    procurement buying what is not in stock."""
    events.publish(
        "catalogue.request_approved",
        requested_item_id=requested.pk,
        item_id=requested.item_id,
        title=str(requested),
    )


def _open_next_step(requested: RequestedItem) -> list[FulfilmentTask]:
    """Open the lowest step still waiting; returns its tasks (none: nothing left)."""
    waiting = requested.tasks.filter(status=TaskStatus.PENDING).order_by("step", "pk")
    first = waiting.first()
    if first is None:
        return []
    tasks = list(waiting.filter(step=first.step).select_related("team"))
    now = timezone.now()
    for task in tasks:
        task.status, task.opened_at = TaskStatus.OPEN, now
        task.save(update_fields=["status", "opened_at", "updated_at"])
    ticket = requested.ticket
    if ticket.team_id != tasks[0].team_id:
        _desk().ticket_assign(ticket=ticket, actor=None, team=tasks[0].team)
    url = reverse("catalogue:task_queue")
    for task in tasks:
        notify(
            users=org_selectors.team_member_users(task.team_id),
            event=EVENT_TASK_OPENED,
            title=_("New task for %(team)s: %(t)s (%(ref)s)")
            % {"team": task.team, "t": task.title, "ref": ticket.reference},
            body=task.instructions,
            url=url,
        )
    return tasks


def on_approval_decided(
    *, event: str, content_type: str = "", request_id: int = 0, **_: Any
) -> None:
    """Event handler of ``approvals.request_approved`` and ``approvals.request_rejected``."""
    if content_type != CONTENT_TYPE:
        return
    requested = RequestedItem.objects.filter(approval_request_id=request_id).first()
    if requested is None:
        return
    requested_item_approval_decided(
        requested_item=requested, approved=event == "approvals.request_approved"
    )


def _last_decision(approval_request_id: int | None) -> Any:
    from steward.approvals.models import ApprovalDecision

    return (
        ApprovalDecision.objects.filter(stage__request_id=approval_request_id)
        .select_related("approver")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def requested_item_approval_decided(*, requested_item: RequestedItem, approved: bool) -> None:
    """The approval engine decided: fulfilment starts, or the request and its ticket end."""
    requested = RequestedItem.objects.select_for_update().get(pk=requested_item.pk)
    if requested.state != RequestState.AWAITING_APPROVAL:
        return
    decision = _last_decision(requested.approval_request_id)
    decider = decision.approver if decision is not None else None
    if approved:
        requested.state = RequestState.IN_FULFILMENT
        requested.save(update_fields=["state", "updated_at"])
        _move(requested, "in_progress")
        _approved(requested)
        _reply(
            requested,
            _("Your request for %(item)s is approved. We are now working on it.")
            % {"item": requested.item},
            by=decider,
        )
        if not _open_next_step(requested) and requested.tasks.exists():
            _finish_if_done(requested, by=decider)
        return
    requested.state = RequestState.REJECTED
    requested.save(update_fields=["state", "updated_at"])
    requested.tasks.filter(status=TaskStatus.PENDING).update(status=TaskStatus.CANCELLED)
    why = ""
    if decision is not None:
        why = _("%(who)s decided: %(comment)s") % {
            "who": decider.get_full_name() or decider.username,
            "comment": decision.comment or _("no reason given."),
        }
    _reply(
        requested,
        _("Your request for %(item)s was not approved, so we have cancelled it. %(why)s")
        % {"item": requested.item, "why": why},
        by=decider,
    )
    _move(requested, "cancelled")


def _ensure_task_actor(task: FulfilmentTask, actor: Any) -> FulfilmentTask:
    locked = FulfilmentTask.objects.select_for_update().select_related("team").get(pk=task.pk)
    permissions.ensure(actor, "change", locked)
    if locked.status != TaskStatus.OPEN:
        raise ValidationError(
            _("This task is %(s)s, not open.") % {"s": locked.get_status_display()}
        )
    return locked


def _finish_if_done(requested: RequestedItem, *, by: Any) -> bool:
    if requested.tasks.exclude(status__in=FINISHED_TASK).exists():
        return False
    requested.state, requested.fulfilled_at = RequestState.FULFILLED, timezone.now()
    requested.save(update_fields=["state", "fulfilled_at", "updated_at"])
    done = [t.title for t in requested.tasks.filter(status=TaskStatus.DONE)]
    resolution = _("%(item)s delivered.") % {"item": requested.item}
    if done:
        resolution += " " + _("Done: %(tasks)s.") % {"tasks": "; ".join(done)}
    _reply(
        requested,
        _("Your request for %(item)s is fulfilled.") % {"item": requested.item},
        by=by,
    )
    _move(requested, "resolved", resolution=resolution)
    events.publish("catalogue.request_fulfilled", requested_item_id=requested.pk)
    return True


def _task_finished(task: FulfilmentTask, actor: Any, status: str, notes: str) -> FulfilmentTask:
    task.status, task.done_at = status, timezone.now()
    if notes.strip():
        task.notes = notes.strip()[:10_000]
    if task.assignee_id is None:
        person = _person_of(actor)
        task.assignee_id = person.pk if person else None
    task.save(update_fields=["status", "done_at", "notes", "assignee", "updated_at"])
    requested = RequestedItem.objects.select_for_update().get(pk=task.requested_item_id)
    if _finish_if_done(requested, by=actor):
        return task
    still_open = requested.tasks.filter(step=task.step, status=TaskStatus.OPEN).count()
    opened = [] if still_open else _open_next_step(requested)
    done = _("%(task)s is done.") if status == TaskStatus.DONE else _("%(task)s is not needed.")
    message = _("Progress on your request: %(done)s") % {"done": done % {"task": task.title}}
    if opened:
        message += " " + _("Next: %(next)s.") % {"next": "; ".join(t.title for t in opened)}
    else:
        message += " " + _("%(n)s more in progress.") % {"n": still_open}
    _reply(requested, message, by=actor)
    return task


@transaction.atomic
def fulfilment_task_complete(
    *, task: FulfilmentTask, actor: Any, notes: str = ""
) -> FulfilmentTask:
    """Mark an open task done. The step's last task opens the next step; the request's last
    one fulfils it and resolves the ticket. Raises PermissionDenied for non-agents and
    ValidationError for a task that is not open."""
    locked = _ensure_task_actor(task, actor)
    return _task_finished(locked, actor, TaskStatus.DONE, notes)


@transaction.atomic
def fulfilment_task_skip(*, task: FulfilmentTask, actor: Any, notes: str = "") -> FulfilmentTask:
    """Skip an open task that does not apply (a reason in ``notes`` is required)."""
    if not notes.strip():
        raise ValidationError({"notes": [_("Say why the task is skipped.")]})
    locked = _ensure_task_actor(task, actor)
    return _task_finished(locked, actor, TaskStatus.SKIPPED, notes)


@transaction.atomic
def fulfilment_task_take(*, task: FulfilmentTask, actor: Any) -> FulfilmentTask:
    """The acting agent takes an open task."""
    locked = _ensure_task_actor(task, actor)
    person = _person_of(actor)
    if person is None:
        raise ValidationError(_("You have no person record to be assigned."))
    locked.assignee = person
    locked.save(update_fields=["assignee", "updated_at"])
    return locked


@transaction.atomic
def requested_item_cancel(*, requested_item: RequestedItem, actor: Any) -> RequestedItem:
    """The one who asked (or an IT manager) withdraws an open request: its approval, tasks
    and ticket are cancelled."""
    requested = RequestedItem.objects.select_for_update().get(pk=requested_item.pk)
    if requested.requested_by_id != getattr(actor, "pk", None) and not permissions.has_role(
        actor, *permissions.MANAGERS
    ):
        raise PermissionDenied(_("Only the one who asked, or a manager, can cancel this."))
    if requested.state not in OPEN_STATES:
        raise ValidationError(
            _("This request is already %(s)s.") % {"s": requested.get_state_display()}
        )
    if requested.state == RequestState.AWAITING_APPROVAL and requested.approval_request_id:
        from steward.approvals.models import ApprovalRequest

        approval = ApprovalRequest.objects.filter(
            pk=requested.approval_request_id, status="pending"
        ).first()
        if approval is not None:
            approvals.approval_request_cancel(request=approval, actor=actor)
    _cancel(requested)
    _move(requested, "cancelled")
    return requested


def _cancel(requested: RequestedItem) -> None:
    requested.state = RequestState.CANCELLED
    requested.save(update_fields=["state", "updated_at"])
    requested.tasks.exclude(status__in=FINISHED_TASK).update(
        status=TaskStatus.CANCELLED, updated_at=timezone.now()
    )


def on_ticket_status_changed(*, event: str, ticket_id: int = 0, new: str = "", **_: Any) -> None:
    """An agent cancelled (or resolved) the ticket directly: the request follows it."""
    if new not in ("cancelled", "resolved", "closed"):
        return
    with transaction.atomic():
        requested = (
            RequestedItem.objects.select_for_update()
            .filter(ticket_id=ticket_id, state__in=OPEN_STATES)
            .first()
        )
        if requested is None:
            return
        if new == "cancelled":
            _cancel(requested)
        elif not requested.tasks.exclude(status__in=FINISHED_TASK).exists():
            requested.state, requested.fulfilled_at = RequestState.FULFILLED, timezone.now()
            requested.save(update_fields=["state", "fulfilled_at", "updated_at"])
