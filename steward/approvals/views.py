"""My approvals, a request with its stages and the decision form (HTMX), delegations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steward.approvals import selectors, services
from steward.approvals.forms import DecisionForm, DelegationForm
from steward.approvals.models import ApprovalRequest, Via
from steward.core.ui.forms import add_service_errors


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    pending = selectors.approval_pending_for(user=request.user)
    requested = selectors.approval_request_list(user=request.user).filter(requester=request.user)
    return render(
        request,
        "approvals/mine.html",
        {
            "title": _("My approvals"),
            "pending": [
                {"request": r, "stage": s, "on_behalf": voter != request.user.pk}
                for r, s, voter in pending
            ],
            "requested": requested[:25],
        },
    )


def _get(request: HttpRequest, pk: int) -> ApprovalRequest:
    found = selectors.approval_request_get(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


def _panel_context(
    request: HttpRequest, approval: ApprovalRequest, form: Any = None
) -> dict[str, Any]:
    stages = list(approval.stages.all())
    current = next((s for s in stages if s.status == "pending"), None)
    voter = selectors.voter_for(current, request.user) if current else None
    on_behalf = None
    if voter is not None and voter != request.user.pk:
        on_behalf = next((u for u in current.approvers.all() if u.pk == voter), None)
    return {
        "approval": approval,
        "stages": stages,
        "current": current,
        "can_decide": voter is not None,
        "on_behalf": on_behalf,
        "form": form or DecisionForm(),
        "can_cancel": approval.status == "pending" and (approval.requester_id == request.user.pk),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _get(request, pk)
    target = approval.target
    context = {
        "title": approval.title,
        "target": target,
        "target_url": target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
        **_panel_context(request, approval),
    }
    return render(request, "approvals/detail.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = _get(request, pk)
    form = DecisionForm(request.POST)
    status, notice = 200, ""
    if form.is_valid():
        try:
            services.approval_decide(
                request=approval,
                approver=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                via=Via.WEB,
            )
            notice = _("Your decision is recorded.")
            form = None
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            status = 403 if isinstance(exc, PermissionDenied) else 400
    else:
        status = 400
    if request.headers.get("HX-Request") != "true":
        if notice:
            messages.success(request, notice)
        elif form is not None:
            messages.warning(
                request, " ".join(str(e) for e in form.non_field_errors()) or _("Check the form.")
            )
        return redirect("approvals:detail", pk=pk)
    approval = _get(request, pk)
    context = {**_panel_context(request, approval, form), "notice": notice}
    return render(request, "approvals/_panel.html", context, status=status)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.approval_request_cancel(request=_get(request, pk), actor=request.user)
        messages.success(request, _("Request cancelled."))
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("approvals:detail", pk=pk)


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(
                from_user=request.user,
                to_user=form.cleaned_data["to_user"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                actor=request.user,
            )
            messages.success(request, _("Delegation saved."))
            return redirect("approvals:delegations")
        except ValidationError as exc:
            add_service_errors(form, exc)
    rows = selectors.delegation_list(user=request.user)
    return render(
        request,
        "approvals/delegations.html",
        {
            "title": _("Delegations"),
            "form": form,
            "given": rows.filter(from_user=request.user),
            "received": rows.filter(to_user=request.user),
            "today": selectors.today(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def delegation_end(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = selectors.delegation_list(user=request.user).filter(pk=pk).first()
    if delegation is None:
        raise Http404
    services.delegation_end(delegation=delegation, actor=request.user)
    messages.success(request, _("Delegation ended."))
    return redirect("approvals:delegations")
