"""Template helpers of the agent pages: SLA state of a ticket, short durations."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from steward.core.templatetags.steward import cell
from steward.core.ui.forms import check_options_html
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


@register.simple_tag
def check_options(field: Any) -> dict[str, Any]:
    """``{% check_options field as options %}``: ``options.chosen`` and ``options.items``."""
    chosen, items = check_options_html(field)
    return {"chosen": chosen, "items": items}


def _time(value: Any, text: str) -> SafeString:
    local = timezone.localtime(value)
    return format_html(  # isoformat(): what date format "c" writes, without the formatter
        '<time datetime="{}" title="{}">{}</time>', local.isoformat(), cell(value), text
    )


def _due(st: SLAState) -> SafeString:
    if not st.due:
        return mark_safe('<span class="muted">—</span>')
    shown = _time(st.due, date_format(timezone.localtime(st.due), "d M H:i"))
    if not st.remaining_text:
        return shown
    left = f"{_('overdue')} {st.remaining_text[1:]}" if st.breached else st.remaining_text
    paused = f" · {_('paused')}" if st.paused else ""
    return format_html("{}<small>{}{}</small>", shown, left, paused)


@register.simple_tag
def ticket_rows(rows: Any, can_work: bool) -> SafeString:
    """The queue's rows written in Python: through the template engine each of the fifty
    rows cost some forty nodes, the largest part of the page's time."""
    out = []
    select, major, unassigned = _("Select"), _("Major"), _("Unassigned")
    for t, _values in rows:
        st = sla_state(t)
        url = reverse("servicedesk:ticket_detail", kwargs={"pk": t.pk})
        row = "row-breached" if st.breached else "row-warning" if st.warning else ""
        check = (
            format_html(
                '<td class="select"><input type="checkbox" name="selected" value="{}"'
                ' aria-label="{} {}"></td>',
                t.pk,
                select,
                t.reference,
            )
            if can_work
            else ""
        )
        badge = format_html(' <span class="badge major">{}</span>', major) if t.is_major else ""
        assignee = (
            conditional_escape(str(t.assignee))
            if t.assignee
            else format_html('<span class="muted">{}</span>', unassigned)
        )
        out.append(
            format_html(
                '\n    <tr class="{}">\n      {}\n'
                '      <td class="ref"><a href="{}">{}</a></td>\n'
                '      <td class="title-cell"><a href="{}" class="quiet">{}</a>{}</td>\n'
                '      <td><span class="prio prio-{}">{}</span></td>\n'
                '      <td><span class="status status-{}">{}</span></td>\n'
                "      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n      <td>{}</td>\n"
                '      <td class="due {}">{}</td>\n'
                '      <td class="nowrap">{}</td>\n    </tr>',
                row,
                check,
                url,
                t.reference,
                url,
                Truncator(t.title).chars(80),
                badge,
                t.priority,
                t.get_priority_display(),
                t.status,
                t.get_status_display(),
                cell(t.requester),
                cell(t.organisation),
                cell(t.team),
                assignee,
                st.css,
                _due(st),
                _time(t.updated_at, timesince(t.updated_at)),
            )
        )
    return mark_safe("".join(out))  # noqa: S308  (each row built by format_html)
