"""Global search across every registered model, permission-filtered, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from steward.core import permissions
from steward.core.registry import search_entries


@dataclass
class Hit:
    kind: str
    label: str
    url: str
    obj: Any


def search(*, user: Any, query: str, per_model: int = 10) -> list[Hit]:
    terms = [t for t in query.replace("\x00", " ").split() if t][:5]  # PostgreSQL: no NUL
    if not terms or len(query) > 200:
        return []
    hits: list[Hit] = []
    for entry in search_entries:
        if not permissions.can(user, "view", entry.model):
            continue
        condition = Q()
        for term in terms:
            any_field = Q()
            for name in entry.fields:
                any_field |= Q(**{f"{name}__icontains": term})
            condition &= any_field
        qs = permissions.restrict(entry.model._default_manager.filter(condition), user, "view")
        for obj in qs[:per_model]:
            hits.append(
                Hit(
                    kind=str(entry.model._meta.verbose_name),
                    label=str(obj),
                    url=reverse(entry.url_name, kwargs={"pk": obj.pk}),
                    obj=obj,
                )
            )
    return hits
