"""An agent opens a ticket for someone (a phone call, a walk-in): ``ticket_create``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _t

from steward.core.ui.forms import add_service_errors
from steward.servicedesk.forms import TicketCreateForm
from steward.servicedesk.services import tickets as ticket_services
from steward.servicedesk.ui.common import can_work, ensure_agent


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    ensure_agent(request.user)
    if not can_work(request.user):
        raise PermissionDenied
    form = TicketCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_services.ticket_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _t("Opened %(r)s.") % {"r": ticket.reference})
            return HttpResponseRedirect(
                reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
            )
    context = {"form": form, "title": _t("New ticket")}
    status = 400 if request.method == "POST" else 200
    return render(request, "servicedesk/ticket_new.html", context, status=status)
