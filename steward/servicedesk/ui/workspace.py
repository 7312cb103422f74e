"""The agent's ticket workspace: header with the SLA, the conversation, the reply box, the
side panel of fields and the actions. Every action is a small POST view calling one service;
a refused action re-renders the workspace with the errors on its form (400), never a 500."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_GET, require_POST

from steward.core import features, permissions
from steward.core.ui.forms import add_service_errors
from steward.core.ui.views import ObjectDetailView
from steward.core.validation import is_id
from steward.servicedesk import assetlink
from steward.servicedesk import forms as f
from steward.servicedesk.models import (
    CannedResponse,
    EntryKind,
    Status,
    Ticket,
    TicketEntry,
    TicketLink,
    TimeEntry,
)
from steward.servicedesk.services import lifecycle
from steward.servicedesk.services import tickets as ticket_services
from steward.servicedesk.ui.common import (
    TRANSITION_LABELS,
    TRANSITIONS,
    can_work,
    ensure_agent,
    is_agent_user,
    live_states,
)

WORKSPACE_RELATED = (
    "requester",
    "affected_person",
    "organisation",
    "category__parent",
    "service",
    "team",
    "assignee",
    "sla_policy",
    "merged_into",
    "parent",
    "created_by",
)
PLACEHOLDER = re.compile(r"\{\{\s*(requester|reference|agent)\s*\}\}")


def _ticket(request: HttpRequest, pk: Any, action: str = "view") -> Ticket:
    tickets = Ticket.objects.select_related(*WORKSPACE_RELATED).joins_as_written()
    qs = permissions.restrict(tickets, request.user)
    found = qs.filter(pk=pk).first() if is_id(pk) else None
    if found is None:
        raise Http404
    return found


def _transitions(ticket: Ticket) -> list[dict[str, Any]]:
    allowed = lifecycle.TRANSITIONS
    offered = [s for s in TRANSITIONS.get(ticket.status, ()) if s in allowed.get(ticket.status, ())]
    if ticket.status == Status.RESOLVED and Status.IN_PROGRESS in offered:
        labels = {**TRANSITION_LABELS, Status.IN_PROGRESS: _t("Reopen")}
    else:
        labels = dict(TRANSITION_LABELS)
    return [
        {
            "status": s,
            "label": labels.get(s, Status(s).label),
            "needs_reason": s == Status.PENDING,
            "needs_resolution": s == Status.RESOLVED,
        }
        for s in offered
    ]


def _transitions_with_errors(ticket: Ticket, form: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The buttons, with a refused move's errors inside its own pop-up form when it has one."""
    transitions = _transitions(ticket)
    errors = [str(e) for errs in form.errors.values() for e in errs] if form.is_bound else []
    wanted = form.data.get("status") if form.is_bound else None
    popped = False
    for t in transitions:
        own = t["status"] == wanted and (t["needs_reason"] or t["needs_resolution"])
        t["errors"] = errors if own else []
        popped = popped or own
    return transitions, ([] if popped else errors)


def _sla_context(ticket: Ticket) -> dict[str, Any]:
    states = live_states(ticket)
    return {"sla": states["resolution"], "response": states["response"], "ola": states["ola"]}


def workspace_context(request: HttpRequest, ticket: Ticket, **bound: Any) -> dict[str, Any]:
    """Everything the workspace shows, in a fixed number of queries whatever the length of
    the conversation. ``bound`` replaces a form by its submitted (invalid) copy."""
    user = request.user
    entries = permissions.restrict(TicketEntry.objects.filter(ticket=ticket), user)
    links_out = TicketLink.objects.filter(source=ticket).select_related("target")
    links_in = TicketLink.objects.filter(target=ticket).select_related("source")
    links = [(link.get_kind_display(), link.target, link) for link in links_out] + [
        (link.get_kind_display(), link.source, link) for link in links_in
    ]
    canned = permissions.restrict(CannedResponse.objects.filter(is_active=True), user).filter(
        Q(team=None) | Q(team_id=ticket.team_id)
    )
    tags = features.tags_of(ticket)
    fields_initial = {
        "category": ticket.category_id,
        "service": ticket.service_id,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "tags": ", ".join(t.name for t in tags),
    }
    forms: dict[str, Any] = {
        "reply_form": f.ReplyForm(auto_id="reply_%s"),
        "transition_form": f.TransitionForm(auto_id="transition_%s"),
        "assign_form": f.AssignForm(
            user=user,
            auto_id="assign_%s",
            initial={"team": ticket.team_id, "assignee": ticket.assignee_id},
        ),
        "fields_form": f.FieldsForm(user=user, auto_id="fields_%s", initial=fields_initial),
        "link_form": f.LinkForm(auto_id="link_%s"),
        "merge_form": f.MergeForm(auto_id="merge_%s"),
        "time_form": f.TimeForm(auto_id="time_%s"),
    }
    forms.update(bound)
    transitions, transition_errors = _transitions_with_errors(ticket, forms["transition_form"])
    return {
        "object": ticket,
        "ticket": ticket,
        "title": f"{ticket.reference} {ticket.title}",
        "entries": entries.select_related("author"),
        "links": links,
        "children": Ticket.objects.filter(parent=ticket).only("pk", "reference", "title")[:50],
        "time_entries": TimeEntry.objects.filter(ticket=ticket).select_related("person")[:10],
        "canned_responses": canned,
        "tags": tags,
        "asset": assetlink.asset_link(user, ticket.asset_id),
        "transitions": transitions,
        "transition_errors": transition_errors,
        **_sla_context(ticket),
        "content_type_id": ContentType.objects.get_for_model(Ticket).pk,
        "can_work": can_work(user),
        "is_open": ticket.is_open,
        "open_tab": bound.get("open_tab", ""),
        **forms,
    }


def render_workspace(request: HttpRequest, ticket: Ticket, status: int = 200, **bound: Any) -> Any:
    context = workspace_context(request, ticket, **bound)
    return render(request, "servicedesk/ticket_detail.html", context, status=status)


class TicketWorkspace(ObjectDetailView):
    model, url_prefix = Ticket, "servicedesk:ticket"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ticket = _ticket(request, kwargs["pk"])
        if not is_agent_user(request.user):
            try:  # requesters follow their tickets in the portal
                return HttpResponseRedirect(
                    reverse("portal:ticket_detail", kwargs={"pk": ticket.pk})
                )
            except NoReverseMatch:
                ensure_agent(request.user)
        return render_workspace(request, ticket)


def _done(request: HttpRequest, ticket: Ticket, notice: str, anchor: str = "") -> HttpResponse:
    messages.success(request, notice)
    url = reverse("servicedesk:ticket_detail", kwargs={"pk": ticket.pk})
    return HttpResponseRedirect(url + anchor)


def _action(request: HttpRequest, pk: Any) -> Ticket:
    ticket = _ticket(request, pk)  # 404 first: a refusal must not confirm the ticket exists
    ensure_agent(request.user)
    return ticket


def _refused(request: HttpRequest, ticket: Ticket, name: str, form: Any, exc: Any) -> Any:
    add_service_errors(form, exc)
    return render_workspace(request, ticket, status=400, **{name: form})


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.ReplyForm(request.POST, auto_id="reply_%s")
    if not form.is_valid():
        return render_workspace(request, ticket, status=400, reply_form=form)
    try:
        entry = ticket_services.ticket_reply(
            ticket=ticket,
            actor=request.user,
            body=form.cleaned_data["body"],
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as exc:
        return _refused(request, ticket, "reply_form", form, exc)
    notice = _t("Internal note added.") if entry.kind == EntryKind.NOTE else _t("Reply sent.")
    return _done(request, ticket, notice, f"#entry-{entry.pk}")


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.TransitionForm(request.POST, auto_id="transition_%s")
    if not form.is_valid():
        return render_workspace(request, ticket, status=400, transition_form=form)
    try:
        ticket = ticket_services.ticket_transition(
            ticket=ticket,
            actor=request.user,
            status=form.cleaned_data["status"],
            pending_reason=form.cleaned_data["pending_reason"],
            resolution=form.cleaned_data["resolution"],
        )
    except ValidationError as exc:
        return _refused(request, ticket, "transition_form", form, exc)
    return _done(request, ticket, _t("Status: %(s)s.") % {"s": ticket.get_status_display()})


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.AssignForm(request.POST, user=request.user, auto_id="assign_%s")
    if not form.is_valid():
        return render_workspace(request, ticket, status=400, assign_form=form)
    team, assignee = form.cleaned_data["team"], form.cleaned_data["assignee"]
    change: dict[str, Any] = {"team": team, "assignee": assignee}
    if assignee is None and team != ticket.team:
        del change["assignee"]  # a new team without an agent: its automatic assignment picks
    try:
        ticket = ticket_services.ticket_assign(ticket=ticket, actor=request.user, **change)
    except ValidationError as exc:
        return _refused(request, ticket, "assign_form", form, exc)
    who = ticket.assignee or ticket.team or _t("nobody")
    return _done(request, ticket, _t("Assigned to %(who)s.") % {"who": who})


@login_required
@require_POST
def update_fields(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.FieldsForm(request.POST, user=request.user, auto_id="fields_%s")
    if not form.is_valid():
        return render_workspace(request, ticket, status=400, fields_form=form)
    data = dict(form.cleaned_data)
    data["tags"] = [t.strip() for t in data.pop("tags", "").split(",") if t.strip()][:20]
    try:
        ticket_services.ticket_update(ticket=ticket, actor=request.user, data=data)
    except ValidationError as exc:
        return _refused(request, ticket, "fields_form", form, exc)
    return _done(request, ticket, _t("Ticket updated."))


def _by_reference(request: HttpRequest, reference: str) -> Ticket | None:
    qs = permissions.restrict(Ticket.objects.all(), request.user)
    return qs.filter(reference=reference).first()


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.LinkForm(request.POST, auto_id="link_%s")
    target = _by_reference(request, form.data.get("target", "").strip().upper())
    if form.is_valid() and target is None:
        form.add_error("target", _t("No ticket has this reference."))
    if not form.is_valid() or target is None:
        return render_workspace(request, ticket, status=400, link_form=form, open_tab="links")
    kind = form.cleaned_data["kind"]
    try:
        if kind == f.PARENT:
            ticket_services.ticket_update(
                ticket=ticket, actor=request.user, data={"parent": target}
            )
        else:
            ticket_services.ticket_link(source=ticket, target=target, kind=kind, actor=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render_workspace(request, ticket, status=400, link_form=form, open_tab="links")
    return _done(request, ticket, _t("Linked to %(r)s.") % {"r": target.reference})


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.MergeForm(request.POST, auto_id="merge_%s")
    into = _by_reference(request, form.data.get("into", "").strip().upper())
    if form.is_valid() and into is None:
        form.add_error("into", _t("No ticket has this reference."))
    if not form.is_valid() or into is None:
        return render_workspace(request, ticket, status=400, merge_form=form, open_tab="links")
    try:
        ticket_services.ticket_merge(ticket=ticket, into=into, actor=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render_workspace(request, ticket, status=400, merge_form=form, open_tab="links")
    return _done(request, into, _t("%(a)s merged into this ticket.") % {"a": ticket.reference})


@login_required
@require_POST
def log_time(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _action(request, pk)
    form = f.TimeForm(request.POST, auto_id="time_%s")
    if not form.is_valid():
        return render_workspace(request, ticket, status=400, time_form=form, open_tab="time")
    try:
        ticket_services.time_entry_add(
            ticket=ticket,
            actor=request.user,
            minutes=form.cleaned_data["minutes"],
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render_workspace(request, ticket, status=400, time_form=form, open_tab="time")
    return _done(request, ticket, _t("Logged %(n)s minutes.") % {"n": form.cleaned_data["minutes"]})


@login_required
@require_GET
def canned_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX: the reply text area with the chosen canned response filled in (appended to what
    the agent has typed), placeholders replaced."""
    ticket = _action(request, pk)
    body = request.GET.get("body", "")[:100_000]
    chosen = request.GET.get("canned", "")
    canned = None
    if is_id(chosen):
        canned = permissions.restrict(CannedResponse.objects.filter(is_active=True), request.user)
        canned = canned.filter(pk=chosen).first()
    if canned is not None:
        agent = getattr(request.user, "person", None) or request.user.get_full_name()
        values = {
            "requester": ticket.requester.first_name or str(ticket.requester),
            "reference": ticket.reference,
            "agent": str(agent or request.user.username),
        }
        text = PLACEHOLDER.sub(lambda m: values[m.group(1)], canned.body)
        body = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    html = (
        '<textarea name="body" id="reply_body" rows="7" required '
        f'aria-label="{escape(_t("Message"))}">{escape(body)}</textarea>'
    )
    return HttpResponse(html)
