"""The shell around the pages employees and customer contacts reach from the portal (an
article, a catalogue item, their requests): they land in the portal after logging in, so those
pages keep the portal's look and navigation (``shell_base``), and "Home" in the agent shell
leads them back to the portal (``home_url``). People with an IT role keep the agent shell."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from steward.portal.views.shell import is_self_service_only, navigation

SECTIONS = (("/knowledge/", "knowledge"), ("/catalogue/", "request"))


def home_link(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_self_service_only(user):
        return {}
    current = next((key for prefix, key in SECTIONS if request.path.startswith(prefix)), "")
    return {
        "home_url": reverse("portal:home"),
        "shell_base": "portal/base.html",
        # Portal views pass their own; computed only when a template reads it.
        "portal_nav": cache(lambda: navigation(request, current)),
    }
