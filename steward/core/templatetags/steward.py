from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.db.models import Model
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()

TAB_LABELS = {
    "history": "History",
    "comments": "Comments",
    "attachments": "Attachments",
    "tags": "Tags",
    "watchers": "Watchers",
}


@register.simple_tag
def sort_query(query: QueryDict, column: str, current: str) -> str:
    q = query.copy()
    q["sort"] = f"-{column}" if current == column else column
    q.pop("page", None)
    return q.urlencode()


@register.simple_tag
def page_query(query: QueryDict, number: int) -> str:
    q = query.copy()
    q["page"] = str(number)
    return q.urlencode()


@register.simple_tag
def tab_label(tab: str) -> str:
    return _(TAB_LABELS.get(tab, tab.title()))


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def cell(value: Any) -> Any:
    """How a value reads in a table: blank for none, yes/no, local times."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(
            timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT"
        )
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(str(v) for v in value.all()) or "—"
    return value
