"""Template helpers of the agent pages: SLA state of a ticket, short durations."""

from __future__ import annotations

from typing import Any

from django import template

from steward.servicedesk.ui.common import SLAState, response_state, sla_state

register = template.Library()


@register.filter
def resolution_sla(ticket: Any) -> SLAState:
    return sla_state(ticket)


@register.filter
def response_sla(ticket: Any) -> SLAState:
    return response_state(ticket)


@register.filter
def minutes_text(minutes: Any) -> str:
    try:
        minutes = int(minutes or 0)
    except (TypeError, ValueError):
        return ""
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"
