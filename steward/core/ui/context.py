from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from steward.core import permissions
from steward.core.registry import menu_items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections: dict[str, list[Any]] = {}
    for item in menu_items:
        if item.model is not None and not permissions.can(user, item.action, item.model):
            continue
        sections.setdefault(item.section, []).append(item)
    roles = permissions.roles_of(user)
    return {
        "nav_sections": sections,
        "user_roles": sorted(roles),
        "is_manager": bool(roles & permissions.MANAGERS),
    }
