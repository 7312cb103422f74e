"""Type-ahead selects for foreign keys to large tables (people, assets, CIs).

The widget renders only the chosen option plus a search box; as the user types, HTMX fetches
matching options from ``lookup_options`` — permission-filtered, at most 20 — so a form never
ships ten thousand <option>s.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from steward.core import permissions
from steward.core.registry import search_entries
from steward.core.validation import is_id

LIMIT = 20


class LookupSelect(forms.Select):
    template_name = "core/widgets/lookup.html"

    def __init__(self, model: Any, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.model = model

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> Any:
        chosen = [v for v in value if v not in (None, "")]
        queryset = getattr(self.choices, "queryset", None)
        options = [] if self.allow_multiple_selected else [("", "—")]
        ids = [v for v in chosen if is_id(v)]  # ?manager=² or %00 from a URL: no lookup
        if queryset is not None and ids:
            options += [(str(obj.pk), str(obj)) for obj in queryset.filter(pk__in=ids)]
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = option_value in {str(v) for v in chosen}
            groups.append(
                (
                    None,
                    [self.create_option(name, option_value, label, selected, index, attrs=attrs)],
                    index,
                )
            )
        return groups

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ct = ContentType.objects.get_for_model(self.model)
        context["lookup_url"] = reverse("lookup_options", kwargs={"content_type_id": ct.pk})
        context["lookup_swap"] = "beforeend" if self.allow_multiple_selected else "innerHTML"
        return context


class LookupSelectMultiple(LookupSelect, forms.SelectMultiple):
    allow_multiple_selected = True


@login_required
def lookup_options(request: HttpRequest, content_type_id: int) -> HttpResponse:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    entry = next((e for e in search_entries if e.model is model), None)
    if model is None or entry is None:
        raise Http404
    term = request.GET.get("lookup", "").replace("\x00", " ").strip()[:100]
    rows = permissions.restrict(model._default_manager.all(), request.user, "view")
    for word in term.split()[:4]:
        condition = Q()
        for name in entry.fields:
            condition |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(condition)
    found = list(rows[:LIMIT]) if term else []
    multiple = request.GET.get("multiple") == "1"
    head = "" if multiple else format_html('<option value="">{}</option>', _("— choose —"))
    body = format_html_join("", '<option value="{}">{}</option>', ((o.pk, str(o)) for o in found))
    return HttpResponse(head + body)
