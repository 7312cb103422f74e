"""The storefront: browse and search the catalogue, request an item through its form, follow
my requests; and the fulfilment queue where agents complete their teams' tasks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steward.catalogue import selectors, services
from steward.catalogue.forms import RequestForm
from steward.catalogue.models import OPEN_STATES, RequestState
from steward.core import permissions
from steward.core.ui.forms import add_service_errors
from steward.org import selectors as org_selectors


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    category = request.GET.get("category", "")
    context = {
        "title": _("Service catalogue"),
        "groups": selectors.item_groups(user=request.user, q=q, category=category or None),
        "q": q,
        "category": category,
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "catalogue-grid":
        return render(request, "catalogue/_grid.html", context)
    context["categories"] = list(selectors.category_list(user=request.user))
    context["open_requests"] = selectors.my_open_request_count(user=request.user)
    return render(request, "catalogue/browse.html", context)


def _item_or_404(request: HttpRequest, slug: str) -> Any:
    item = selectors.item_get(user=request.user, slug=slug)
    if item is None:
        raise Http404
    return item


@login_required
def item(request: HttpRequest, slug: str) -> HttpResponse:
    """The item's page and its request form. An HTMX post answers the form fragment (400 with
    the errors on each field) or redirects to the new request's page."""
    found = _item_or_404(request, slug)
    form = RequestForm(request.POST or None, item=found, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                requested = services.item_request(
                    item=found,
                    requester=org_selectors.person_for_user(request.user),
                    requested_for=form.cleaned_data.get("requested_for"),
                    answers=form.answers(),
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Request %(ref)s sent.") % {"ref": requested.ticket.reference},
                )
                url = reverse("catalogue:request_detail", kwargs={"pk": requested.pk})
                if _is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
    context = {
        "title": found.name,
        "item": found,
        "form": form,
        "steps": sorted({t.step for t in found.task_templates.all()}),
        "needs_approval": bool(found.approval_stages),
        "can_manage": permissions.can(request.user, "change", found),
    }
    template = "catalogue/_request_form.html" if _is_htmx(request) else "catalogue/item.html"
    return render(request, template, context, status=status)


@login_required
def item_by_pk(request: HttpRequest, pk: int) -> HttpResponse:
    """Search results link items by id; the storefront addresses them by slug."""
    found = selectors.item_list(user=request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return redirect("catalogue:item", slug=found.slug)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = selectors.my_requests(user=request.user).select_related("item__category")
    state = request.GET.get("state", "")
    if state in RequestState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/my_requests.html",
        {
            "title": _("My requests"),
            "page": page,
            "state": state,
            "states": RequestState.choices,
        },
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requested = selectors.requested_item_get(user=request.user, pk=pk)
    if requested is None:
        raise Http404
    progress = selectors.request_progress(requested, request.user)
    can_cancel = requested.state in OPEN_STATES and (
        requested.requested_by_id == request.user.pk
        or permissions.has_role(request.user, *permissions.MANAGERS)
    )
    fields = list(requested.item.fields.all())
    return render(
        request,
        "catalogue/request_detail.html",
        {
            "title": str(requested),
            "requested": requested,
            "progress": progress,
            "answers": [(f.label, requested.answers.get(f.name)) for f in fields],
            "can_cancel": can_cancel,
            "is_staff": permissions.has_role(request.user, *permissions.STAFF),
        },
    )


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    requested = selectors.requested_item_get(user=request.user, pk=pk)
    if requested is None:
        raise Http404
    try:
        services.requested_item_cancel(requested_item=requested, actor=request.user)
        messages.success(request, _("Request cancelled."))
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("catalogue:request_detail", pk=pk)


@login_required
def task_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.has_role(request.user, *permissions.STAFF):
        raise PermissionDenied
    scope = request.GET.get("scope", "mine")
    status = request.GET.get("status", "open")
    tasks = selectors.task_queue(user=request.user, mine_only=scope != "all", status=status)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/task_queue.html",
        {"title": _("Fulfilment tasks"), "page": page, "scope": scope, "status": status},
    )


ACTIONS = {
    "complete": services.fulfilment_task_complete,
    "skip": services.fulfilment_task_skip,
}


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    task = selectors.task_queue(user=request.user, mine_only=False, status="").filter(pk=pk).first()
    if task is None or action not in {*ACTIONS, "take"}:
        raise Http404
    notes = request.POST.get("notes", "")[:10_000]
    try:
        if action == "take":
            services.fulfilment_task_take(task=task, actor=request.user)
        else:
            ACTIONS[action](task=task, actor=request.user, notes=notes)
        messages.success(request, _("Task updated: %(t)s.") % {"t": task.title})
    except (ValidationError, PermissionDenied) as exc:
        messages.warning(request, " ".join(getattr(exc, "messages", [str(exc)])))
    back = request.POST.get("next", "")
    if not back.startswith("/catalogue/") or "//" in back:
        back = reverse("catalogue:task_queue")
    return redirect(back)
