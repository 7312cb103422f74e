"""The public service-status page (``/status/``) and its JSON twin (``/status.json``).

No login. It shows only what is meant for the public: public business services with their
state and message, and open major incidents by their title and last public update, never a
requester, a team, an internal note or a non-public service. Two queries; browsers and
monitors may cache it for a short while."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from steward.portal.views.shell import page
from steward.servicedesk import selectors as sd_selectors

SEVERITY = ("operational", "maintenance", "degraded", "partial_outage", "major_outage")
"""States from best to worst; an open major incident means at least a partial outage."""
INCIDENT_STATE = "partial_outage"
LABELS = {
    "operational": gettext_lazy("Operational"),
    "maintenance": gettext_lazy("Under maintenance"),
    "degraded": gettext_lazy("Degraded performance"),
    "partial_outage": gettext_lazy("Partial outage"),
    "major_outage": gettext_lazy("Major outage"),
}
REFRESH_SECONDS = 60
CACHE_SECONDS = 30


def worst(*states: str) -> str:
    known = [s for s in states if s in SEVERITY]
    return max(known, key=SEVERITY.index) if known else "operational"


def status_snapshot() -> dict[str, Any]:
    """The page's content as plain values (the HTML and JSON views share it)."""
    incidents = list(
        sd_selectors.open_major_incidents().annotate(
            last_public_update=Max("entries__created_at", filter=Q(entries__kind="reply"))
        )
    )
    services = list(sd_selectors.service_status_list().filter(is_public=True))
    public_ids = {s.pk for s in services}
    hit: dict[int, list[dict[str, Any]]] = {}
    shown = []
    for ticket in incidents:
        if ticket.service_id not in public_ids:
            continue  # an incident on a non-public service stays off the public page
        item = {
            "reference": ticket.reference,
            "title": ticket.title,
            "service": ticket.service_id,
            "started_at": ticket.created_at,
            "updated_at": _last_public_update(ticket),
        }
        hit.setdefault(ticket.service_id, []).append(item)
        shown.append(item)
    rows = []
    for service in services:
        state = worst(service.status, INCIDENT_STATE if hit.get(service.pk) else "operational")
        rows.append(
            {
                "id": service.pk,
                "name": service.name,
                "slug": service.slug,
                "state": state,
                "label": str(LABELS[state]),
                "message": service.status_message,
                "incidents": len(hit.get(service.pk, ())),
            }
        )
    names = {s.pk: s.name for s in services}
    for item in shown:
        item["service_name"] = names[item["service"]]
    overall = worst(*(r["state"] for r in rows))
    return {
        "overall": overall,
        "banner": _("All systems operational")
        if overall == "operational"
        else _("Some systems are degraded"),
        "services": rows,
        "incidents": shown,
        "generated_at": timezone.now(),
    }


def _last_public_update(ticket: Any) -> datetime.datetime:
    """The time of the latest public reply, else the opening."""
    return ticket.last_public_update or ticket.created_at


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Shared caches may keep the anonymous page briefly; a signed-in page (it carries the
    user's menu) only the browser."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def status_page(request: HttpRequest) -> HttpResponse:
    snapshot = status_snapshot()
    response = page(
        request,
        "portal/status.html",
        {"title": _("Service status"), "refresh": REFRESH_SECONDS, **snapshot},
        current="status",
    )
    return _cacheable(request, response)


@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def status_json(request: HttpRequest) -> JsonResponse:
    snapshot = status_snapshot()
    return JsonResponse(
        {
            "status": snapshot["overall"],
            "description": snapshot["banner"],
            "generated_at": snapshot["generated_at"].isoformat(),
            "services": [
                {k: row[k] for k in ("name", "slug", "state", "label", "message")}
                for row in snapshot["services"]
            ],
            "incidents": [
                {
                    "reference": i["reference"],
                    "title": i["title"],
                    "service": i["service_name"],
                    "started_at": i["started_at"].isoformat(),
                    "updated_at": i["updated_at"].isoformat(),
                }
                for i in snapshot["incidents"]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
