"""The portal's front door: where self-service people land after logging in, the home page
and the knowledge search."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from steward.approvals import selectors as approval_selectors
from steward.knowledge import selectors as kb_selectors
from steward.portal.views.shell import article_url, is_self_service_only, page, viewer
from steward.portal.views.tickets import OPEN, my_tickets, plain_status

SEARCH_LIMIT = 20


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """``LOGIN_REDIRECT_URL``: employees and customer contacts land in the portal, people
    with any IT role on the agent home."""
    return redirect("portal:home" if is_self_service_only(request.user) else "home")


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    open_tickets = my_tickets(request).filter(status__in=OPEN).order_by("-updated_at", "-id")
    recent = [{"ticket": t, "status": plain_status(t)} for t in open_tickets[:5]]
    waiting = 0
    if who.is_employee:
        waiting = len(approval_selectors.approval_pending_for(user=request.user))
    return page(
        request,
        "portal/home.html",
        {
            "title": _("Help"),
            "name": (who.person.first_name if who.person else "") or request.user.username,
            "recent": recent,
            "open_count": open_tickets.count() if len(recent) == 5 else len(recent),
            "approvals_waiting": waiting,
            "is_employee": who.is_employee,
        },
        current="home",
    )


def with_urls(articles: list[Any]) -> list[Any]:
    for article in articles:
        article.portal_url = article_url(article)
    return articles


@login_required
@require_safe
def knowledge(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    articles = kb_selectors.article_search(request.user, q, SEARCH_LIMIT) if q else []
    with_urls(articles)
    return page(
        request,
        "portal/knowledge.html",
        {"title": _("Knowledge"), "q": q, "articles": articles},
        current="knowledge",
    )
