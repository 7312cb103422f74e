import copy
from collections import OrderedDict
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import (
    ModelChoiceField,
    ModelChoiceIterator,
    ModelMultipleChoiceField,
)
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from steward.core.context import Origin
from steward.core.models import AuditEntry
from steward.core.models.audit import AuditAction
from steward.core.permissions import restrict
from steward.core.ui.forms import FILTER_RENDERER
from steward.core.validation import MAX_ID, is_id


class ListedChoices(ModelChoiceIterator):
    """A filter's choices in one plain query: Django iterates them with ``iterator()``, which
    on PostgreSQL opens a server-side cursor (DECLARE, FETCH, CLOSE) for a few dozen rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:  # the form's own copy of the queryset
            yield self.choice(obj)


class IdModelChoiceField(ModelChoiceField):
    """Refuses a value that is not a database id before it reaches the database (an id past
    64 bits would otherwise overflow the driver: a server error instead of a 400)."""

    iterator = ListedChoices

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdModelMultipleChoiceField(ModelMultipleChoiceField):
    iterator = ListedChoices

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdModelChoiceField


class IdModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdModelMultipleChoiceField


class IdFilter(django_filters.NumberFilter):
    """A row's id (``ticket=42``): digits within 64 bits, else 400."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _ClassFilters(OrderedDict[str, Any]):
    """A filterset class's filters. django-filter gives each filterset (one per request) its
    own with ``copy.deepcopy``, which copies every filter's querysets, choices and widgets too:
    1 ms for the ticket list's 21 filters, before any of them is used. Here each filter is
    copied one level deep: its attributes and its ``extra`` (the form field's arguments, where
    a filter keeps the queryset it was narrowed to) are its own, the values in them shared:
    the form field built from them copies its widget, and a queryset is never changed in
    place. A filter calling a method of its filterset is bound to its copy."""

    def __deepcopy__(self, memo: dict[int, Any]) -> OrderedDict[str, Any]:
        return OrderedDict((name, _own_copy(f)) for name, f in self.items())


def _own_copy(f: Any) -> Any:
    new = copy.copy(f)
    new.extra = dict(f.extra)
    new.__dict__.pop("_field", None)  # built per filterset, from the copy's own arguments
    if f.method is not None:
        new.method = f.method  # a new FilterMethod, bound to the copy (and its parent)
    return new


class _FormFields(dict[str, Any]):
    """A filter form class's fields. The class is made for one filterset and the fields of its
    filters are built for it, so Django's copy of them for the form instance can be the same
    ones; fields a ``Meta.form`` declares are class-wide and still copied."""

    def __init__(self, fields: dict[str, Any], built: set[str]) -> None:
        super().__init__(fields)
        self.built = built

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {
            name: field if name in self.built else copy.deepcopy(field, memo)
            for name, field in self.items()
        }


class RestrictedFilterSet(django_filters.FilterSet):
    """A filterset whose choices (organisations, people, ...) are only the rows the requesting
    user may see: a filter must not list, nor confirm the existence of, anything else."""

    @classmethod
    def get_filters(cls) -> Any:
        return _ClassFilters(super().get_filters())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        for f in self.filters.values():
            if isinstance(
                f, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
            ):
                queryset = f.queryset
                if queryset is not None and not callable(queryset):
                    f.queryset = restrict(queryset.all(), user, "view")
            if isinstance(f, django_filters.MultipleChoiceFilter) and self._own_column(f):
                # Several values of one of the row's own columns cannot repeat a row:
                # django-filter's default DISTINCT made a list sort every matching row
                # (a million-asset list by status: 210 ms instead of a few).
                f.distinct = False

    def _own_column(self, f: Any) -> bool:
        model = self._meta.model
        if model is None or not f.field_name or "__" in f.field_name:
            return False
        try:
            field = model._meta.get_field(f.field_name)
        except FieldDoesNotExist:
            return False
        return bool(field.concrete and not field.many_to_many)

    def get_form_class(self) -> Any:
        """Filter forms render through ``FILTER_RENDERER``: an empty choice reads "Any"."""
        form_class = super().get_form_class()
        form_class.default_renderer = FILTER_RENDERER
        form_class.base_fields = _FormFields(form_class.base_fields, set(self.filters))
        return form_class


class SearchFilterSet(RestrictedFilterSet):
    """A domain list's filters: foreign keys filtered by id (malformed or 64-bit-overflowing
    ids answer 400), and ``q`` matching any of ``search_fields`` (case-insensitive)."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {
            **FILTER_FOR_DBFIELD_DEFAULTS[models.ForeignKey],
            "filter_class": IdModelChoiceFilter,
        },
    }
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)
    search_fields: tuple[str, ...] = ("name",)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class AuditEntryFilterSet(RestrictedFilterSet):
    q = django_filters.CharFilter(
        field_name="object_repr", lookup_expr="icontains", label=_("Object")
    )
    actor_name = django_filters.CharFilter(lookup_expr="icontains", label=_("Who"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices)
    origin = django_filters.ChoiceFilter(choices=Origin.choices)
    since = django_filters.IsoDateTimeFilter(
        field_name="timestamp", lookup_expr="gte", label=_("Since")
    )
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEntry
        fields = ["q", "actor_name", "action", "origin", "since", "request_id"]
