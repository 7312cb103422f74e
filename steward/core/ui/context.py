from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

from steward.core import permissions
from steward.core.registry import menu_items

_hrefs: dict[tuple[str, str], str] = {}


def _href(url_name: str) -> str:
    key = (get_script_prefix(), url_name)
    if key not in _hrefs:
        try:
            _hrefs[key] = reverse(url_name)
        except NoReverseMatch:
            _hrefs[key] = ""
    return _hrefs[key]


def current_href(hrefs: list[str], path: str) -> str:
    """The menu entry a page belongs to: the longest entry address the path starts with, so
    that /strategy/ (a dashboard) is not also marked on /strategy/risks/."""
    return max((h for h in hrefs if h and path.startswith(h)), key=len, default="")


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections: dict[str, list[tuple[Any, str]]] = {}
    for item in menu_items:
        if item.model is not None and not permissions.can(user, item.action, item.model):
            continue
        sections.setdefault(item.section, []).append((item, _href(item.url_name)))
    roles = permissions.roles_of(user)
    hrefs = [href for entries in sections.values() for _item, href in entries]
    return {
        "nav_sections": sections,
        "nav_current": current_href(hrefs, request.path),
        "user_roles": sorted(roles),
        "is_manager": bool(roles & permissions.MANAGERS),
    }
