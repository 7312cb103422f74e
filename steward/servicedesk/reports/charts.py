"""The service desk's chart on the home dashboard: open tickets by priority."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from steward.servicedesk.models import Priority
from steward.servicedesk.reports.selectors import COLOURS, can_view_reports, open_by_priority


def open_tickets_by_priority_chart(user: Any) -> dict[str, Any] | None:
    if not can_view_reports(user):
        return None
    rows = open_by_priority(user)
    if not rows:
        return None
    labels = dict(Priority.choices)
    return {
        "title": _("Open tickets by priority"),
        "data": {
            "type": "bar",
            "labels": [str(labels.get(p, p)) for p, _n in rows],
            "datasets": [
                {
                    "label": _("Open tickets"),
                    "data": [n for _p, n in rows],
                    "backgroundColor": [COLOURS[(p - 1) % len(COLOURS)] for p, _n in rows],
                }
            ],
        },
    }
