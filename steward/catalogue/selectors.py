"""Reads of the catalogue: what a user may request, their requests, a request's progress,
and the fulfilment queue of an agent's teams."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from steward.catalogue.models import (
    OPEN_STATES,
    CatalogueCategory,
    CatalogueItem,
    FulfilmentMode,
    FulfilmentTask,
    RequestedItem,
    RequestState,
    TaskStatus,
)
from steward.core import permissions
from steward.core.validation import is_id
from steward.org import selectors as org_selectors


def category_list(*, user: Any) -> QuerySet[CatalogueCategory]:
    """Active categories with at least one item ``user`` may request."""
    return permissions.restrict(CatalogueCategory.objects.filter(is_active=True), user).filter(
        pk__in=item_list(user=user).values("category_id")
    )


def item_list(*, user: Any, q: str = "", category: Any = None) -> QuerySet[CatalogueItem]:
    """Active items ``user`` may request (their audience), optionally searched."""
    qs = permissions.restrict(
        CatalogueItem.objects.filter(is_active=True, category__is_active=True).select_related(
            "category"
        ),
        user,
    )
    q = q.replace("\x00", "")  # PostgreSQL takes no NUL, not even in a search term
    if q.strip():
        words = q.strip()[:100]
        qs = qs.filter(
            Q(name__icontains=words)
            | Q(short_description__icontains=words)
            | Q(description__icontains=words)
            | Q(category__name__icontains=words)
        )
    if category is not None and is_id(category):
        qs = qs.filter(category_id=category)
    return qs


def item_groups(
    *, user: Any, q: str = "", category: Any = None
) -> list[tuple[CatalogueCategory, list[CatalogueItem]]]:
    """``item_list`` grouped by category in the catalogue's order: what the storefront and
    the portal's "Request something" show (``catalogue/_browse.html``)."""
    groups: dict[CatalogueCategory, list[CatalogueItem]] = {}
    for item in item_list(user=user, q=q, category=category):
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())


def item_get(*, user: Any, slug: str) -> CatalogueItem | None:
    return (
        item_list(user=user)
        .prefetch_related("fields", "task_templates__team")
        .filter(slug=str(slug)[:150])
        .first()
    )


def requested_item_list(*, user: Any) -> QuerySet[RequestedItem]:
    return permissions.restrict(
        RequestedItem.objects.select_related("item", "ticket", "requested_for"), user
    )


def my_requests(*, user: Any) -> QuerySet[RequestedItem]:
    """What ``user`` asked for or is the subject of (staff see only theirs here too)."""
    person = org_selectors.person_for_user(user)
    mine = Q(requested_by=user)
    if person is not None:
        mine |= Q(requested_for=person) | Q(ticket__requester=person)
    return requested_item_list(user=user).filter(mine)


def my_open_request_count(*, user: Any) -> int:
    return my_requests(user=user).filter(state__in=OPEN_STATES).count()


def requested_item_get(*, user: Any, pk: Any) -> RequestedItem | None:
    if not is_id(pk):
        return None
    return (
        requested_item_list(user=user)
        .select_related("item__category", "requested_by")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=FulfilmentTask.objects.select_related("team", "assignee").order_by(
                    "step", "pk"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def task_queue(*, user: Any, mine_only: bool = True, status: str = "open") -> QuerySet[Any]:
    """Fulfilment tasks of ``user``'s teams (every team with ``mine_only=False``)."""
    qs = permissions.restrict(
        FulfilmentTask.objects.select_related(
            "team",
            "assignee",
            "requested_item__item",
            "requested_item__ticket",
            "requested_item__requested_for",
        ),
        user,
    )
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    if mine_only:
        person = org_selectors.person_for_user(user)
        team_ids = list(person.teams.values_list("pk", flat=True)) if person else []
        qs = qs.filter(team_id__in=team_ids)
    return qs.order_by("opened_at", "pk")


def _user_label(user: Any) -> str:
    return user.get_full_name() or user.username


def request_progress(requested_item: RequestedItem, user: Any) -> dict[str, Any]:
    """The steps of a request as its requester sees them: submitted, each approval stage (its
    state and who decides or decided), each fulfilment step (its tasks' state), delivered.

    ``requested_item`` must come from ``requested_item_get`` (visibility already checked, tasks
    prefetched). Internal task notes are left out for people outside IT."""
    from steward.approvals.models import ApprovalDecision, ApprovalRequest

    staff = permissions.has_role(user, *permissions.STAFF)
    steps: list[dict[str, Any]] = [
        {
            "kind": "submitted",
            "title": _("Requested"),
            "state": "done",
            "at": requested_item.created_at,
            "people": [str(requested_item.requested_for)],
        }
    ]
    approval = None
    if requested_item.approval_request_id:
        approval = (
            ApprovalRequest.objects.filter(pk=requested_item.approval_request_id)
            .prefetch_related(
                "stages__approvers",
                Prefetch(
                    "stages__decisions",
                    queryset=ApprovalDecision.objects.select_related("approver"),
                ),
            )
            .first()
        )
    if approval is not None:
        for stage in approval.stages.all():
            decisions = list(stage.decisions.all())
            steps.append(
                {
                    "kind": "approval",
                    "title": _("Approval: %(s)s") % {"s": stage},
                    "state": {"approved": "done", "pending": "current"}.get(
                        stage.status, stage.status
                    ),
                    "status_label": stage.get_status_display(),
                    "at": stage.decided_at or stage.opened_at,
                    "people": [_user_label(u) for u in stage.approvers.all()],
                    "decisions": [
                        {
                            "who": _user_label(d.approver),
                            "decision": d.get_decision_display(),
                            "comment": d.comment,
                            "at": d.created_at,
                        }
                        for d in decisions
                    ],
                    "approval_id": approval.pk,
                }
            )
    tasks = list(requested_item.tasks.all())
    by_step: dict[int, list[FulfilmentTask]] = {}
    for task in tasks:
        by_step.setdefault(task.step, []).append(task)
    parallel = requested_item.item.fulfilment_mode == FulfilmentMode.PARALLEL
    for number, group in sorted(by_step.items()):
        statuses = {t.status for t in group}
        if statuses <= {TaskStatus.DONE, TaskStatus.SKIPPED}:
            state = "done"
        elif TaskStatus.OPEN in statuses:
            state = "current"
        elif statuses <= {TaskStatus.CANCELLED}:
            state = "cancelled"
        else:
            state = "waiting"
        steps.append(
            {
                "kind": "fulfilment",
                "title": _("Fulfilment")
                if parallel
                else _("Step %(n)s: %(t)s") % {"n": number, "t": ", ".join(t.title for t in group)},
                "state": state,
                "at": max((t.done_at for t in group if t.done_at), default=None),
                "tasks": [
                    {
                        "title": t.title,
                        "team": str(t.team),
                        "status": t.status,
                        "status_label": t.get_status_display(),
                        "assignee": str(t.assignee) if t.assignee else "",
                        "done_at": t.done_at,
                        "notes": t.notes if staff else "",
                    }
                    for t in group
                ],
            }
        )
    final = requested_item.state
    if not tasks:
        steps.append(
            {
                "kind": "fulfilment",
                "title": _("Handled by the service desk"),
                "state": {
                    RequestState.IN_FULFILMENT: "current",
                    RequestState.FULFILLED: "done",
                    RequestState.AWAITING_APPROVAL: "waiting",
                }.get(final, "cancelled"),
                "at": None,
            }
        )
    steps.append(
        {
            "kind": "delivered",
            "title": {
                RequestState.REJECTED: _("Not approved"),
                RequestState.CANCELLED: _("Cancelled"),
            }.get(final, _("Delivered")),
            "state": {
                RequestState.FULFILLED: "done",
                RequestState.REJECTED: "rejected",
                RequestState.CANCELLED: "cancelled",
            }.get(final, "waiting"),
            "at": requested_item.fulfilled_at,
        }
    )
    done = sum(1 for s in steps if s["state"] == "done")
    return {
        "requested_item": requested_item,
        "state": final,
        "state_label": requested_item.get_state_display(),
        "steps": steps,
        "percent": round(100 * done / len(steps)),
        "ticket_reference": requested_item.ticket.reference,
    }
