"""Platform pages: home dashboard, global search, audit log, jobs, profile and tokens, health."""

from __future__ import annotations

import json
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from steward.core import permissions, services, tokens
from steward.core.filtersets import AuditEntryFilterSet
from steward.core.models import AuditEntry, Job, User
from steward.core.permissions import Role
from steward.core.registry import dashboard_cards, dashboard_charts
from steward.core.search import search
from steward.core.ui.views import Column, ObjectDetailView, ObjectListView

log = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    cards = []
    for card in dashboard_cards:
        value = card.value(request.user)
        if value is not None:
            cards.append(
                {
                    "label": card.label,
                    "value": value,
                    "url": reverse(card.url_name) if card.url_name else None,
                }
            )
    made = [chart for chart in (make(request.user) for make in dashboard_charts) if chart]
    charts = [
        {**chart, "id": f"home-chart-{n}", "json_id": f"home-chart-{n}-data"}
        for n, chart in enumerate(made, 1)
    ]
    roles = permissions.roles_of(request.user)
    recent = []
    if permissions.can(request.user, "view", AuditEntry):
        recent = list(AuditEntry.objects.select_related("actor")[:8])
    return render(
        request,
        "core/home.html",
        {
            "title": _("Home"),
            "cards": cards,
            "charts": charts,
            "recent": recent,
            "role_labels": [Role(r).label for r in sorted(roles)],
        },
    )


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    hits = search(user=request.user, query=q) if q else []
    if len(hits) == 1 and request.GET.get("go") == "1":
        return redirect(hits[0].url)
    return render(request, "core/search.html", {"title": _("Search"), "q": q, "hits": hits})


class AuditLogView(ObjectListView):
    model = AuditEntry
    url_prefix = "audit"
    title = _("Audit log")
    select_related = ("actor", "content_type")
    columns = [
        Column("timestamp", _("When"), sort="timestamp"),
        Column("get_action_display", _("Action")),
        Column("content_type.name", _("Kind")),
        Column("object_repr", _("Object")),
        Column("actor_name", _("Who"), sort="actor_name"),
        Column("get_origin_display", _("From")),
        Column("remote_addr", _("Address")),
        Column("changed_fields", _("Fields")),
    ]

    filterset_class = AuditEntryFilterSet


class AuditEntryDetailView(ObjectDetailView):
    model = AuditEntry
    url_prefix = "audit"
    tabs = ()
    fields = [
        Column("timestamp", _("When")),
        Column("get_action_display", _("Action")),
        Column("content_type.name", _("Kind")),
        Column("object_id", _("Object id")),
        Column("object_repr", _("Object")),
        Column("actor_name", _("Who")),
        Column("get_origin_display", _("From")),
        Column("request_id", _("Request")),
        Column("remote_addr", _("Address")),
        Column("changed_fields", _("Changed fields")),
        Column("before", _("Before")),
        Column("after", _("After")),
    ]


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    jobs = permissions.restrict(Job.objects.select_related("created_by"), request.user)[:100]
    return render(request, "core/jobs.html", {"title": _("Background jobs"), "jobs": jobs})


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = permissions.restrict(Job.objects.all(), request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return render(
        request,
        "core/job_detail.html",
        {
            "title": job.name,
            "job": job,
            "result_json": json.dumps(job.result, indent=2),
        },
    )


class PreferencesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "time_zone", "language", "theme"]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.own_profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Preferences saved."))
        return redirect("profile")
    return render(
        request,
        "core/profile.html",
        {
            "title": _("Profile"),
            "form": form,
            "has_token": tokens.has_token(request.user),
            "new_token": request.session.pop("new_token", None),
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    request.session["new_token"] = tokens.token_rotate(user=request.user)
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    tokens.token_revoke(user=request.user)
    messages.success(request, _("Your token is revoked."))
    return redirect("profile")


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "alive"})


_migrations_current = False


def readyz(request: HttpRequest) -> HttpResponse:
    """Ready when the database answers and every migration is applied. The migration graph is
    read from disk only until it is found current once per process; the database is pinged on
    every call. Errors are logged, not shown: the endpoint is public."""
    global _migrations_current
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_current:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                return JsonResponse(
                    {"status": "unavailable", "pending_migrations": len(pending)}, status=503
                )
            _migrations_current = True
    except Exception:
        log.exception("readiness check failed")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ready"})


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("Not allowed"), "message": _("Your role does not allow this.")},
        status=403,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django refuses before any view (too many form fields, a body over the size
    limit, a forged host): API clients get the API's error body, people the error page."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        detail = _("The request has too many fields or files.")
    elif isinstance(exception, RequestDataTooBig):
        detail = _("The request body is larger than the limit.")
    else:
        detail = _("The request could not be read.")
    if request.path.startswith("/api/"):
        return JsonResponse({"type": "bad_request", "detail": detail, "errors": {}}, status=400)
    return render(
        request, "core/error.html", {"title": _("Bad request"), "message": detail}, status=400
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """API clients get the API's error body (JSON) even for URLs no route matches."""
    if request.path.startswith("/api/"):
        body = {"type": "not_found", "detail": _("Not found."), "errors": {}}
        return JsonResponse(body, status=404)
    return render(
        request,
        "core/error.html",
        {"title": _("Not found"), "message": _("There is nothing at this address.")},
        status=404,
    )
