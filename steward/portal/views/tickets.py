"""Report an issue, my tickets and one ticket's public conversation.

Every read goes through the service desk's selectors (the ticket policy narrows rows: an
employee sees their own tickets, a customer contact their own or their organisation's) and
every write through its services; a ticket outside what the viewer may see answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from steward.core import features
from steward.core.validation import is_id
from steward.portal.forms import ReplyForm, ReportForm
from steward.portal.views.shell import page, viewer
from steward.servicedesk import selectors as sd_selectors
from steward.servicedesk import services as sd_services
from steward.servicedesk.services.lifecycle import REQUESTER_TRANSITIONS

OPEN = ("new", "assigned", "in_progress", "pending")
DONE = ("resolved", "closed", "cancelled")

PLAIN_STATUS = {
    "new": (gettext_lazy("Received"), "open"),
    "assigned": (gettext_lazy("With our team"), "open"),
    "in_progress": (gettext_lazy("Being worked on"), "open"),
    "pending": (gettext_lazy("On hold"), "waiting"),
    "resolved": (gettext_lazy("Solved: please confirm"), "done"),
    "closed": (gettext_lazy("Closed"), "closed"),
    "cancelled": (gettext_lazy("Withdrawn"), "closed"),
}
PLAIN_PENDING = {
    "requester": gettext_lazy("Waiting for your answer"),
    "vendor": gettext_lazy("Waiting for a supplier"),
    "change": gettext_lazy("Waiting for a planned change"),
    "approval": gettext_lazy("Waiting for approval"),
    "scheduled": gettext_lazy("Scheduled for later"),
}
PAGE_SIZE = 20


def plain_status(ticket: Any) -> tuple[str, str]:
    """The status in the requester's words, and its colour class."""
    label, css = PLAIN_STATUS.get(ticket.status, (ticket.status, "open"))
    if ticket.status == "pending" and ticket.pending_reason in PLAIN_PENDING:
        label = PLAIN_PENDING[ticket.pending_reason]
    return str(label), css


def my_tickets(request: HttpRequest) -> QuerySet[Any]:
    """The tickets "My tickets" lists: an internal person's own (requested or affecting them,
    even when they are staff and could see more); a customer contact's as the ticket policy
    allows (their own, or all of the organisation's)."""
    who = viewer(request)
    qs = sd_selectors.ticket_list(request.user)
    if who.is_external:
        return qs
    if who.person is None:
        return qs.none()
    return qs.filter(Q(requester_id=who.person.pk) | Q(affected_person_id=who.person.pk))


def _public_services(request: HttpRequest) -> list[Any]:
    return list(sd_selectors.service_status_list().filter(is_public=True))


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    services = _public_services(request)
    form = ReportForm(request.POST or None, request.FILES or None, services=services)
    status = 200
    if request.method == "POST":
        if who.person is None:
            form.add_error(None, _("Your login is not linked to a person; ask the IT team."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    ticket = sd_services.ticket_create(
                        actor=request.user,
                        requester=who.person,
                        title=data["title"],
                        description=data["description"],
                        channel="portal",
                        service=form.services.get(data["service"]),
                        urgency=data["urgency"],
                    )
                    for upload in data["attachments"]:
                        features.attachment_add(obj=ticket, upload=upload, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc, files_field="attachments")
            else:
                return redirect("portal:report_done", pk=ticket.pk)
        status = 400
    return page(
        request,
        "portal/report.html",
        {"title": _("Report an issue"), "form": form},
        current="report",
        status=status,
    )


def _errors_to_form(form: Any, exc: Exception, *, files_field: str | None = None) -> None:
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("You may not do this."))
        return
    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(files_field if files_field in form.fields else None, message)


def _ticket_or_404(request: HttpRequest, pk: Any) -> Any:
    ticket = sd_selectors.ticket_get(request.user, pk) if is_id(pk) else None
    if ticket is None:
        raise Http404
    return ticket


@login_required
def report_done(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    return page(
        request,
        "portal/report_done.html",
        {"title": _("Thank you"), "ticket": ticket},
        current="report",
    )


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    tab = "closed" if request.GET.get("tab") == "closed" else "open"
    qs = my_tickets(request).filter(status__in=DONE if tab == "closed" else OPEN)
    qs = qs.select_related("requester").order_by("-updated_at", "-id")
    paginator = Paginator(qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = [{"ticket": t, "status": plain_status(t)} for t in page_obj.object_list]
    who = viewer(request)
    return page(
        request,
        "portal/tickets.html",
        {
            "title": _("My tickets"),
            "tab": tab,
            "rows": rows,
            "page_obj": page_obj,
            "show_requester": who.is_external,
        },
        current="tickets",
    )


def _allowed_moves(ticket: Any, who: Any) -> set[str]:
    """What the requester may do to their ticket here (the services decide again)."""
    if who.person is None or who.person.pk not in (ticket.requester_id, ticket.affected_person_id):
        return set()
    return {new for old, new in REQUESTER_TRANSITIONS if old == ticket.status}


def _survey_token(ticket: Any) -> str | None:
    if ticket.status not in ("resolved", "closed"):
        return None
    try:
        survey = ticket.survey
    except ObjectDoesNotExist:
        return None
    return None if survey.answered_at is not None else survey.token


def _detail_context(request: HttpRequest, ticket: Any, form: ReplyForm) -> dict[str, Any]:
    who = viewer(request)
    entries = [e for e in sd_selectors.entries_for(ticket, request.user) if e.kind == "reply"]
    return {
        "title": ticket.reference,
        "ticket": ticket,
        "status": plain_status(ticket),
        "entries": entries,
        "me": who.person,
        "attachments": list(features.attachments_for(ticket, request.user)),
        "form": form,
        "moves": _allowed_moves(ticket, who),
        "can_reply": ticket.status not in ("closed", "cancelled"),
        "survey_token": _survey_token(ticket),
    }


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    sd_services.ticket_reply(
                        ticket=ticket,
                        actor=request.user,
                        author=viewer(request).person,
                        body=form.cleaned_data["body"],
                        kind="reply",
                        channel="portal",
                    )
                    for upload in form.cleaned_data["attachments"]:
                        features.attachment_add(obj=ticket, upload=upload, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _errors_to_form(form, exc, files_field="attachments")
            else:
                messages.success(request, _("Thank you, your reply was sent."))
                return redirect("portal:ticket_detail", pk=ticket.pk)
        status = 400
        ticket = _ticket_or_404(request, pk)
    return page(
        request,
        "portal/ticket_detail.html",
        _detail_context(request, ticket, form),
        current="tickets",
        status=status,
    )


MOVE_MESSAGES = {
    "closed": gettext_lazy("Thank you for confirming. The ticket is closed."),
    "in_progress": gettext_lazy("The ticket is open again; our team will look at it."),
    "cancelled": gettext_lazy("The ticket is withdrawn."),
}


@login_required
@require_POST
def ticket_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester's buttons: "this is solved", "it is not fixed" and "withdraw"."""
    ticket = _ticket_or_404(request, pk)
    new = request.POST.get("status", "")
    if new not in MOVE_MESSAGES:
        messages.warning(request, _("Unknown action."))
        return redirect("portal:ticket_detail", pk=ticket.pk)
    try:
        sd_services.ticket_transition(ticket=ticket, actor=request.user, status=new)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(getattr(exc, "messages", None) or [str(exc)])
        messages.warning(request, text or _("This is not possible now."))
    else:
        messages.success(request, str(MOVE_MESSAGES[new]))
    return redirect("portal:ticket_detail", pk=ticket.pk)
