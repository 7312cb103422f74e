"""Incidents and what caused them, from both sides: on a change's page, the incidents it
caused (link by incident reference, unlink); on an incident in the agent workspace, an htmx
panel with the changes that caused it (link by change reference) and its problems."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods, require_POST

from steward.changes import incidents, selectors
from steward.changes.models import ChangeIncident, ChangeRequest
from steward.core import permissions

CHANGE_REFERENCE = re.compile(r"^\s*\[?CHG-(\d{1,18})\]?\s*$", re.IGNORECASE)


def change_find(user: object, text: str) -> ChangeRequest | None:
    """The change ``user`` may see that ``text`` names: ``CHG-12``, ``[CHG-12]`` or ``12``."""
    text = (text or "").strip()
    match = CHANGE_REFERENCE.match(text)
    number = match.group(1) if match else (text if text.isdigit() and len(text) <= 18 else "")
    return selectors.change_get(user=user, pk=number) if number else None


def _change_or_404(request: HttpRequest, pk: int) -> ChangeRequest:
    change = selectors.change_get(user=request.user, pk=pk)
    if change is None:
        raise Http404
    return change


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_POST
def change_incident(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Record an incident as caused by the change (by reference or number), or unlink one."""
    from steward.servicedesk import selectors as desk

    change = _change_or_404(request, pk)
    url = reverse("changes:changerequest_detail", kwargs={"pk": change.pk}) + "#caused"
    try:
        if action == "link":
            text = request.POST.get("incident", "")[:40]
            ticket = desk.ticket_find(request.user, text)
            if ticket is None or ticket.kind != "incident":
                raise ValidationError(_t("No incident %(ref)s that you can see.") % {"ref": text})
            incidents.change_link_incidents(
                change=change, ticket_ids=[ticket.pk], actor=request.user
            )
            messages.success(
                request, _t("%(t)s is recorded as caused by this change.") % {"t": ticket.reference}
            )
        elif action == "unlink" and request.POST.get("ticket", "").isdigit():
            incidents.change_unlink_incident(
                change=change, ticket_id=int(request.POST["ticket"]), actor=request.user
            )
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return HttpResponseRedirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_panel(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The htmx fragment of an incident's workspace: the changes that caused it and its
    problems; POST ``change`` (a reference) records one more cause."""
    from steward.servicedesk import selectors as desk

    if not permissions.can(request.user, "view", ChangeIncident):
        raise PermissionDenied
    ticket = desk.ticket_get(request.user, ticket_id)
    if ticket is None or ticket.kind != "incident":
        raise Http404
    error, notice = "", ""
    if request.method == "POST":
        text = request.POST.get("change", "")[:40]
        change = change_find(request.user, text)
        try:
            if change is None:
                raise ValidationError(_t("No change %(ref)s that you can see.") % {"ref": text})
            incidents.change_link_incidents(
                change=change, ticket_ids=[ticket.pk], actor=request.user
            )
            notice = _t("Recorded as caused by %(ref)s.") % {"ref": change.reference}
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            error = _t("You may not change %(ref)s.") % {"ref": text}
    context = {
        "ticket": ticket,
        "changes": list(selectors.changes_of_incident(ticket_id=ticket.pk, user=request.user)),
        "problems": list(selectors.problems_of_incident(ticket_id=ticket.pk, user=request.user)),
        "error": error,
        "notice": notice,
        "can_link": permissions.can(request.user, "add", ChangeRequest),
    }
    return render(request, "changes/_ticket_panel.html", context, status=400 if error else 200)
