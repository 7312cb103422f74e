"""Generic pages every app reuses: one class serves the full page and its HTMX fragment.

A list page declares ``model``, ``filterset_class`` and ``columns``; rows come through
``permissions.restrict`` exactly as in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.db.models.manager import BaseManager
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from steward.core import features, permissions, services
from steward.core.customfields import definitions
from steward.core.export import csv_response, xlsx_response
from steward.core.ui.forms import add_service_errors, with_custom_fields
from steward.core.validation import is_id


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` rows: an exact count of a filter matching half a million rows
    took 200 ms of a list page at a million assets, while counting within a LIMIT stops
    early. Past the cap the pager says "more than 1,000" and pages on up to it; sorting
    or filtering narrows further."""

    cap = 1_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return int(self.object_list.order_by()[: self.cap + 1].count())  # no sort: any rows
        return len(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_text(self) -> str:
        if self.capped:
            return _("more than %(n)s") % {"n": number_format(self.cap, force_grouping=True)}
        return number_format(self.count, force_grouping=True)

    @property
    def pages_text(self) -> str:
        pages = number_format(self.num_pages, force_grouping=True)
        return f"{pages}+" if self.capped else pages


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    sort: str | None = None
    link: bool = False

    def value(self, obj: Any) -> Any:
        value = obj
        for part in self.name.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not isinstance(value, (Model, BaseManager)):
                value = value()
        return value


class StewardView(LoginRequiredMixin, View):
    model: Any = None
    url_prefix: str = ""
    """``app:model`` prefix of this object's URL names (``org:person`` → ``org:person_list``)."""

    def restricted(self, action: str = "view") -> QuerySet[Any]:
        return permissions.restrict(self.model._default_manager.all(), self.request.user, action)

    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"


class ObjectListView(StewardView):
    template_name = "core/list.html"
    filterset_class: Any = None
    columns: list[Column] = []
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    paginate_by = 50
    title: Any = None
    fragment_template = "core/_list_table.html"
    """What an HTMX request aimed at ``#list-table`` gets: the table alone."""

    def get_queryset(self) -> QuerySet[Any]:
        qs = self.restricted("view")
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def extra_context(self) -> dict[str, Any]:
        return {}

    def row_values(self, obj: Any) -> Any:
        """The cells of one row, for templates that show ``columns`` generically."""
        return [c.value(obj) for c in self.columns]

    def sorting(self) -> tuple[str, list[str]]:
        requested = self.request.GET.get("sort", "")
        allowed = {c.name: c.sort for c in self.columns if c.sort}
        key = requested.lstrip("-")
        if key in allowed:
            field = allowed[key]
            return requested, [("-" if requested.startswith("-") else "") + field, "-pk"]
        return "", [*(self.model._meta.ordering or []), "-pk"]

    def get(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        if not permissions.can(request.user, "view", self.model):
            raise PermissionDenied
        qs = self.get_queryset()
        filterset = (
            self.filterset_class(request.GET, queryset=qs, request=request)
            if self.filterset_class
            else None
        )
        if filterset is not None:
            qs = filterset.qs if filterset.is_valid() else qs.none()
        sort, ordering = self.sorting()
        qs = qs.order_by(*ordering)
        export = request.GET.get("export")
        if export in {"csv", "xlsx"}:
            return self.export(qs, export)
        page = CappedPaginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        meta = self.model._meta
        context = {
            "title": self.title or capfirst(meta.verbose_name_plural),  # keeps "SLA"
            "page": page,
            "rows": [(obj, self.row_values(obj)) for obj in page.object_list],
            "columns": self.columns,
            "filterset": filterset,
            "sort": sort,
            "url_prefix": self.url_prefix,
            "can_add": permissions.can(request.user, "add", self.model),
            "can_delete": permissions.can(request.user, "delete", self.model),
            "query": request.GET.copy(),
            **self.extra_context(),
        }
        template = (
            self.fragment_template
            if self.is_htmx() and request.headers.get("HX-Target") == "list-table"
            else self.template_name
        )
        return render(request, template, context)

    def export(self, qs: QuerySet[Any], kind: str) -> HttpResponse | StreamingHttpResponse:
        header = [str(c.label) for c in self.columns]
        rows = ([c.value(o) for c in self.columns] for o in qs.iterator(chunk_size=2000))
        name = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        if kind == "csv":
            return csv_response(name, header, rows)
        return xlsx_response(name, header, rows)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Bulk actions on the selected rows (delete; apps add more)."""
        ids = [i for i in request.POST.getlist("selected") if is_id(i)][:500]
        action = request.POST.get("bulk_action")
        if action != "delete" or not ids:
            messages.warning(request, _("Choose rows and an action."))
            return HttpResponseRedirect(request.get_full_path())
        done = 0
        for obj in self.restricted("delete").filter(pk__in=ids):
            try:
                services.object_delete(obj=obj, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                continue
            done += 1
        messages.success(request, _("Deleted %(n)s objects.") % {"n": done})
        return HttpResponseRedirect(request.get_full_path())


class ObjectDetailView(StewardView):
    template_name = "core/detail.html"
    fields: list[Column] = []
    select_related: tuple[str, ...] = ()
    tabs: tuple[str, ...] = ("history", "comments", "attachments", "tags")
    internal_fields: tuple[str, ...] = ()
    """Shown to staff and employees, never to customer contacts."""

    def get_object(self) -> Any:
        qs = self.restricted("view").select_related(*self.select_related)
        try:
            return qs.get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def extra_context(self, obj: Any) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        ct = ContentType.objects.get_for_model(obj)
        external = permissions.is_external(request.user)
        context = {
            "object": obj,
            "title": str(obj),
            "fields": [
                (c.label, c.value(obj))
                for c in self.fields
                if not (external and c.name in self.internal_fields)
            ],
            "custom_fields": [
                (d.label, (getattr(obj, "custom_fields", None) or {}).get(d.name))
                for d in definitions(self.model)
            ],
            "url_prefix": self.url_prefix,
            "content_type_id": ct.pk,
            "tabs": self.tabs,
            "tags": features.tags_of(obj),
            "can_change": permissions.can(request.user, "change", obj),
            "can_delete": permissions.can(request.user, "delete", obj),
            **self.extra_context(obj),
        }
        return render(request, self.template_name, context)


class ObjectEditView(StewardView):
    """Create (no pk) or edit a model through a form and a service. An app's edit page
    overrides only what differs: ``make_form`` (querysets, initial values), ``form_data``
    (what goes to the service), ``save`` (its own service instead of the generic one) and
    ``success_url``; the permission check, the 400 with field errors from the form or the
    service, the message and the (htmx) redirect stay here."""

    template_name = "core/edit.html"
    form_class: Any = None

    def get_object(self) -> Any:
        if "pk" not in self.kwargs:
            return None
        try:
            return self.restricted("change").get(pk=self.kwargs["pk"])
        except (self.model.DoesNotExist, ValueError):
            raise Http404 from None

    def render_form(self, form: forms.BaseForm, obj: Any, status: int = 200) -> HttpResponse:
        verbose = self.model._meta.verbose_name
        title = _("Edit %(obj)s") % {"obj": obj} if obj else _("New %(model)s") % {"model": verbose}
        return render(
            self.request,
            self.template_name,
            {"form": form, "object": obj, "title": title, "url_prefix": self.url_prefix},
            status=status,
        )

    def get_form_class(self) -> Any:
        return with_custom_fields(self.form_class)

    def make_form(self, obj: Any, data: Any = None) -> Any:
        """The form, bound to ``data`` on POST."""
        return self.get_form_class()(data, instance=obj)

    def form_data(self, form: Any) -> dict[str, Any]:
        """What the service receives: the form's fields (and custom fields) as cleaned."""
        names = [*form._meta.fields, "custom_fields"]
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def save(self, obj: Any, data: dict[str, Any]) -> Any:
        """Write through the service; raise ValidationError to show the form again."""
        if obj is None:
            return services.object_create(model=self.model, data=data, actor=self.request.user)
        return services.object_update(obj=obj, data=data, actor=self.request.user)

    def success_url(self, saved: Any) -> str:
        return reverse(f"{self.url_prefix}_detail", kwargs={"pk": saved.pk})

    def ensure_allowed(self, obj: Any) -> None:
        """Editing is checked by ``get_object`` (restricted to "change"); adding here."""
        if obj is None and not permissions.can(self.request.user, "add", self.model):
            raise PermissionDenied

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        self.ensure_allowed(obj)
        return self.render_form(self.make_form(obj), obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        self.ensure_allowed(obj)
        form = self.make_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(form, obj, status=400)
        try:
            saved = self.save(obj, self.form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_form(form, obj, status=400)
        messages.success(request, _("Saved %(obj)s.") % {"obj": saved})
        url = self.success_url(saved)
        if self.is_htmx():
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class ObjectDeleteView(StewardView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            obj = self.restricted("delete").get(pk=kwargs["pk"])
        except (self.model.DoesNotExist, ValueError):
            raise Http404 from None
        try:
            services.object_delete(obj=obj, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse(f"{self.url_prefix}_detail", kwargs={"pk": obj.pk}))
        messages.success(request, _("Deleted %(obj)s.") % {"obj": obj})
        return HttpResponseRedirect(reverse(f"{self.url_prefix}_list"))
