"""Request something (the catalogue, and my requests with their progress) and the
approvals an employee must decide, decided in place through the approval engine."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from steward.approvals import selectors as approval_selectors
from steward.approvals import services as approval_services
from steward.catalogue import selectors as cat_selectors
from steward.portal.views.shell import page, viewer

MY_REQUESTS_SHOWN = 20


@login_required
@require_safe
def request_home(request: HttpRequest) -> HttpResponse:
    """The catalogue as the storefront shows it (``catalogue/_browse.html``) and my
    requests below it."""
    q = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "")
    mine = list(
        cat_selectors.my_requests(user=request.user).order_by("-created_at", "-pk")[
            :MY_REQUESTS_SHOWN
        ]
    )
    return page(
        request,
        "portal/request.html",
        {
            "title": _("Request something"),
            "q": q,
            "category": category,
            "groups": cat_selectors.item_groups(user=request.user, q=q, category=category or None),
            "categories": list(cat_selectors.category_list(user=request.user)),
            "mine": mine,
        },
        current="request",
    )


@login_required
@require_safe
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requested = cat_selectors.requested_item_get(user=request.user, pk=pk)
    if requested is None:
        raise Http404
    progress = cat_selectors.request_progress(requested, request.user)
    return page(
        request,
        "portal/request_detail.html",
        {"title": str(requested.item), "requested": requested, "progress": progress},
        current="request",
    )


def _employee_only(request: HttpRequest) -> None:
    if not viewer(request).is_employee:
        raise Http404


@login_required
@require_safe
def approvals(request: HttpRequest) -> HttpResponse:
    _employee_only(request)
    rows = [
        {"request": r, "stage": stage, "on_behalf": voter != request.user.pk}
        for r, stage, voter in approval_selectors.approval_pending_for(user=request.user)
    ]
    return page(
        request,
        "portal/approvals.html",
        {"title": _("Approvals"), "rows": rows},
        current="approvals",
    )


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _employee_only(request)
    approval = approval_selectors.approval_request_get(user=request.user, pk=pk)
    if approval is None:
        raise Http404
    decision = request.POST.get("decision", "")
    try:
        approval_services.approval_decide(
            request=approval,
            approver=request.user,
            decision=decision,
            comment=request.POST.get("comment", "")[:5000],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    else:
        if decision == "approve":
            messages.success(request, _("Approved: %(t)s") % {"t": approval.title})
        else:
            messages.success(request, _("Declined: %(t)s") % {"t": approval.title})
    return redirect("portal:approvals")
