"""Each filterset (one per request) works on its own copies of its class's filters and form
fields, though they are no longer deep-copied (``core.filtersets``): what one request's
filterset narrows, binds or builds never reaches another request's."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from steward.core.filtersets import IdModelChoiceFilter, RestrictedFilterSet
from steward.core.models import AuditEntry, User
from steward.core.models.audit import AuditAction
from steward.core.permissions import Role
from steward.core.testing import make_user

pytestmark = pytest.mark.django_db


class NoteForm(forms.Form):
    note = forms.CharField(required=False)  # declared on the form class: class-wide


class Entries(RestrictedFilterSet):
    mine = django_filters.BooleanFilter(method="filter_mine")
    actor = IdModelChoiceFilter(queryset=User.objects.all())

    class Meta:
        model = AuditEntry
        fields = ["mine", "actor", "action"]

    def filter_mine(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(actor=self.request.user) if value else queryset


class NotedEntries(Entries):
    class Meta(Entries.Meta):
        form = NoteForm


def entry(user: User) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.username,
        origin="api",
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=user.username,
    )


def filterset(user: User, kind: type[Entries] = Entries, **data: str) -> Entries:
    request = RequestFactory().get("/")
    request.user = user
    return kind(data, AuditEntry.objects.all(), request=request)


def test_a_method_filter_calls_its_own_filterset():
    ann, bob = make_user(Role.ADMIN), make_user(Role.ADMIN)
    mine_ann, mine_bob = entry(ann), entry(bob)
    for_ann, for_bob = filterset(ann, mine="true"), filterset(bob, mine="true")
    assert list(for_ann.qs) == [mine_ann]
    assert list(for_bob.qs) == [mine_bob]


def test_narrowing_a_filter_changes_neither_the_class_nor_another_filterset():
    ann, bob = make_user(Role.ADMIN), make_user(Role.ADMIN)
    narrowed, other = filterset(ann), filterset(bob)
    narrowed.filters["actor"].queryset = User.objects.filter(pk=ann.pk)
    narrowed.filters["actor"].extra["help_text"] = "only Ann"
    narrowed.filters["action"].distinct = True

    assert list(narrowed.form.fields["actor"].queryset) == [ann]
    assert set(other.form.fields["actor"].queryset) >= {ann, bob}
    assert other.form.fields["actor"].help_text == ""
    assert other.filters["action"].distinct is False
    base = Entries.base_filters
    assert set(base["actor"].queryset) >= {ann, bob}
    assert "help_text" not in base["actor"].extra and base["action"].distinct is False
    assert not hasattr(base["actor"], "_field")  # no form field is built on the class's


def test_form_fields_are_each_forms_own():
    ann = make_user(Role.ADMIN)
    first, second = filterset(ann, NotedEntries, note="x"), filterset(ann, NotedEntries)
    assert first.form.fields["note"] is not second.form.fields["note"]
    assert first.form.fields["note"] is not NoteForm.base_fields["note"]
    assert first.form.fields["actor"] is not second.form.fields["actor"]
    first.form.fields["action"].choices = [("create", "Created")]
    assert len(second.form.fields["action"].choices) > 2
    assert first.is_valid() and second.is_valid()
