"""What every portal page shares: who is looking (employee, customer contact, staff) and the
friendly navigation, without any agent menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.permissions import STAFF, Role
from steward.org import selectors as org_selectors

SELF_SERVICE_ROLES = frozenset({Role.EMPLOYEE, Role.CUSTOMER})


@dataclass(frozen=True)
class Viewer:
    user: Any
    person: Any
    roles: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF)

    @property
    def is_external(self) -> bool:
        return permissions.is_external(self.user)

    @property
    def is_employee(self) -> bool:
        """Internal people (employees and staff) approve things and have assets."""
        return bool(self.roles) and not self.is_external


def viewer(request: HttpRequest) -> Viewer:
    user = request.user
    cached = getattr(request, "_portal_viewer", None)
    if cached is None:
        person = org_selectors.person_for_user(user) if user.is_authenticated else None
        cached = Viewer(user=user, person=person, roles=permissions.roles_of(user))
        request._portal_viewer = cached  # type: ignore[attr-defined]
    return cached


def is_self_service_only(user: Any) -> bool:
    """Employees and customer contacts with no other role belong in the portal."""
    roles = permissions.roles_of(user)
    return bool(roles) and roles <= SELF_SERVICE_ROLES


def assets_url() -> str | None:
    """The placeholder link to "My assets", only once an assets app is installed."""
    if not apps.is_installed("steward.assets"):
        return None
    for name in ("portal:assets", "assets:mine", "assets:my_assets", "assets:asset_list"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/assets/"


def navigation(request: HttpRequest, current: str) -> dict[str, Any]:
    who = viewer(request)
    items = [
        ("home", _("Home"), reverse("portal:home")),
        ("report", _("Report an issue"), reverse("portal:report")),
        ("request", _("Request something"), reverse("portal:request")),
        ("tickets", _("My tickets"), reverse("portal:tickets")),
    ]
    if who.is_employee:
        items.append(("approvals", _("Approvals"), reverse("portal:approvals")))
    items.append(("knowledge", _("Knowledge"), reverse("portal:knowledge")))
    if who.is_employee and (url := assets_url()):
        items.append(("assets", _("My assets"), url))
    return {
        "items": [
            {"key": key, "label": label, "url": url, "current": key == current}
            for key, label, url in items
        ],
        "is_staff": who.is_staff,
    }


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    current: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a portal page with the portal navigation (anonymous pages get none)."""
    nav = navigation(request, current) if request.user.is_authenticated else None
    return render(request, template, {**context, "portal_nav": nav}, status=status)


def article_url(article: Any) -> str:
    """Where a knowledge article reads (the knowledge app's page)."""
    return reverse("knowledge:article_read", kwargs={"slug": article.slug})
