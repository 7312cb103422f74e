"""The agent queue: the ticket list with built-in and saved queues and bulk actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from steward.core import permissions, services
from steward.core.ui.views import Column, ObjectListView
from steward.core.validation import is_id
from steward.servicedesk.filtersets import TicketFilterSet
from steward.servicedesk.forms import BulkForm, SaveQueueForm
from steward.servicedesk.models import SavedQueue, Ticket
from steward.servicedesk.models.tickets import OPEN_STATUSES
from steward.servicedesk.services import tickets as ticket_services
from steward.servicedesk.ui.common import WARNING_WINDOW, can_work, ensure_agent


class QueueFilterSet(TicketFilterSet):
    """The API's ticket filters, with multiple choices as check lists for the page."""

    LABELS = {
        "team": ("name",),
        "organisation": ("name",),
        "service": ("name",),
        "category": ("name", "parent__name"),
    }
    """The columns each listed choice's label is written from (its ``__str__``): the page
    lists every visible team, organisation, service and category, and needs no more."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        for name, columns in self.LABELS.items():
            fields[name].queryset = fields[name].queryset.only(*columns)
        for name in ("status", "priority", "team"):
            fields[name].widget = forms.CheckboxSelectMultiple(choices=fields[name].choices)


PRIMARY_FILTERS = ("q", "status", "priority", "team", "category", "service")

QUEUES: dict[str, Any] = {
    "mine": _("My open"),
    "unassigned": _("Unassigned in my groups"),
    "breaching": _("Breaching within 1 h"),
    "open": _("All open"),
}


def _person_id(user: Any) -> int | None:
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


def queue_filter(qs: QuerySet[Ticket], name: str, user: Any) -> QuerySet[Ticket]:
    """The built-in queues; an unknown name leaves the rows alone."""
    if name not in QUEUES:
        return qs
    qs = qs.filter(status__in=OPEN_STATUSES)
    me = _person_id(user)
    if name == "mine":
        return qs.filter(assignee_id=me) if me else qs.none()
    if name == "unassigned":
        if not me:
            return qs.none()
        return qs.filter(assignee=None, team__members__id=me)
    if name == "breaching":
        soon = timezone.now() + WARNING_WINDOW
        return qs.filter(sla_paused=False, resolution_due__lte=soon)
    return qs


class TicketList(ObjectListView):
    model, url_prefix = Ticket, "servicedesk:ticket"
    filterset_class = QueueFilterSet
    template_name = "servicedesk/ticket_list.html"
    fragment_template = "servicedesk/_ticket_table.html"
    title = _("Tickets")
    paginate_by = 50
    select_related = ("requester", "organisation", "team", "assignee")
    columns = [
        Column("reference", _("Reference"), sort="id", link=True),
        Column("title", _("Title"), sort="title"),
        Column("get_priority_display", _("Priority"), sort="priority"),
        Column("get_status_display", _("Status"), sort="status"),
        Column("requester", _("Requester")),
        Column("organisation", _("Organisation")),
        Column("team", _("Team")),
        Column("assignee", _("Assignee")),
        Column("resolution_due", _("Due"), sort="resolution_due"),
        Column("updated_at", _("Updated"), sort="updated_at"),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        ensure_agent(request.user)
        return super().get(request, *args, **kwargs)

    def row_values(self, obj: Any) -> Any:
        return ()  # _ticket_table.html lays out its own cells (columns give headers, export)

    def get_queryset(self) -> QuerySet[Any]:
        qs = super().get_queryset()
        name = self.request.GET.get("queue", "")
        qs = queue_filter(qs, name, self.request.user)
        return qs.distinct() if name == "unassigned" else qs

    def extra_context(self) -> dict[str, Any]:
        user = self.request.user
        current = self.request.GET.get("queue", "")
        query = self.request.GET.copy()
        for key in ("page", "export"):
            query.pop(key, None)
        saved = permissions.restrict(SavedQueue.objects.all(), user).filter(
            Q(owner=None) | Q(owner=user)
        )
        here = query.urlencode()
        return {
            "queues": [(key, label, key == current) for key, label in QUEUES.items()],
            "saved_queues": [(q, q.query == here) for q in saved],
            "current_query": here,
            "can_work": can_work(user),
            "bulk_form": BulkForm(user=user, auto_id="bulk_%s"),
            "save_form": SaveQueueForm(initial={"query": here}),
            "can_save_queue": permissions.can(user, "add", SavedQueue),
            "primary_filters": PRIMARY_FILTERS,
            "more_filters_used": any(
                self.request.GET.get(k)
                for k in self.request.GET
                if k not in PRIMARY_FILTERS and k not in ("queue", "sort", "page")
            ),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Bulk update of the selected rows through ``ticket_bulk_update`` (all or nothing)."""
        ensure_agent(request.user)
        back = request.get_full_path()
        ids = [i for i in request.POST.getlist("selected") if is_id(i)][:500]
        form = BulkForm(request.POST, user=request.user)
        if not ids:
            messages.warning(request, _t("Choose tickets first."))
            return HttpResponseRedirect(back)
        if not form.is_valid():
            errors = [f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items()]
            messages.error(request, " ".join(errors))
            return HttpResponseRedirect(back)
        if not form.changes():
            messages.warning(request, _t("Say what to change: team, agent, status or priority."))
            return HttpResponseRedirect(back)
        tickets = self.restricted("view").filter(pk__in=ids).order_by("pk")
        try:
            n = ticket_services.ticket_bulk_update(
                tickets=tickets, actor=request.user, data=form.changes()
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
            return HttpResponseRedirect(back)
        messages.success(request, _t("Updated %(n)s tickets.") % {"n": n})
        return HttpResponseRedirect(back)


def _clean_query(raw: str) -> str:
    """The list's query string as the list itself would write it (no paging, no export)."""
    query = QueryDict(raw[:1000], mutable=True)
    for key in ("page", "export"):
        query.pop(key, None)
    return query.urlencode()[:1000]


@login_required
@require_POST
def queue_save(request: HttpRequest) -> HttpResponse:
    """Saves the current filter of the queue page as a named queue (mine, or shared)."""
    ensure_agent(request.user)
    form = SaveQueueForm(request.POST)
    back = reverse("servicedesk:ticket_list")
    query = _clean_query(request.POST.get("query", ""))
    if not form.is_valid():
        messages.error(request, _t("Give the queue a name."))
        return HttpResponseRedirect(back + "?" + query)
    data = {
        "name": form.cleaned_data["name"],
        "query": query,
        "owner": None if form.cleaned_data["shared"] else request.user,
    }
    try:
        queue = services.object_create(model=SavedQueue, data=data, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
        return HttpResponseRedirect(back + "?" + query)
    messages.success(request, _t("Saved the queue %(q)s.") % {"q": queue.name})
    return HttpResponseRedirect(back + "?" + query)


def queue_redirect(name: str) -> Any:
    """A named URL for each built-in queue (dashboard cards link to these)."""

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(
            reverse("servicedesk:ticket_list") + "?" + urlencode({"queue": name})
        )

    view.__name__ = f"queue_{name}"
    return view
