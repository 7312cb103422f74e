"""Charts the org app puts on the home dashboard."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.org.models import Location, Person


def people_per_location_chart(user: Any) -> dict[str, Any] | None:
    if not permissions.can(user, "view", Location):
        return None
    rows = (
        permissions.restrict(Person.objects.all(), user)
        .filter(location__isnull=False)
        .values("location__name")
        .annotate(n=Count("id"))
        .order_by("location__name")
    )
    if not rows:
        return None
    return {
        "title": _("People per location"),
        "data": {
            "type": "bar",
            "labels": [r["location__name"] for r in rows],
            "datasets": [
                {"label": _("People"), "data": [r["n"] for r in rows], "backgroundColor": "#1095c1"}
            ],
        },
    }
