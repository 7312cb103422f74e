"""Audit entries of a batched use case are written together at its end: one entry per row and
kind of change, with the row's final values, and none when the use case fails."""

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core import audit
from steward.core.models import AuditEntry, Tag

pytestmark = pytest.mark.django_db


def _entries(tag: Tag) -> list[AuditEntry]:
    kind = ContentType.objects.get_for_model(Tag)
    return list(AuditEntry.objects.filter(content_type=kind, object_id=str(tag.pk)).order_by("id"))


@audit.batched
def _create_then_recolour(name: str, colour: str) -> Tag:
    tag = Tag.objects.create(name=name, slug=name)
    tag.color = colour
    tag.save(update_fields=["color", "updated_at"])
    return tag


def test_a_row_created_then_changed_has_one_create_entry_with_final_values(
    django_assert_num_queries,
):
    ContentType.objects.get_for_model(Tag)  # warm the content type cache
    with django_assert_num_queries(5):  # savepoint, insert, update, audit insert, release
        tag = _create_then_recolour("network", "#112233")
    [entry] = _entries(tag)
    assert entry.action == "create"
    assert entry.before is None
    assert entry.after["color"] == "#112233"
    assert "color" in entry.changed_fields


@audit.batched
def _bulk_create_then_recolour(names: list[str], colour: str) -> list[Tag]:
    tags = Tag.objects.bulk_create([Tag(name=n, slug=n) for n in names])
    tags[0].color = colour
    tags[0].save(update_fields=["color", "updated_at"])
    return tags


def test_rows_bulk_created_in_a_batch_join_its_one_audit_insert(django_assert_num_queries):
    ContentType.objects.get_for_model(Tag)
    # savepoint, one insert of both rows, the update, one audit insert, release
    with django_assert_num_queries(5):
        first, second = _bulk_create_then_recolour(["printers", "scanners"], "#445566")
    [entry] = _entries(first)
    assert (entry.action, entry.before, entry.after["color"]) == ("create", None, "#445566")
    assert [e.action for e in _entries(second)] == ["create"]


def test_rows_bulk_created_outside_a_batch_are_audited_at_once():
    first, _ = Tag.objects.bulk_create([Tag(name="a1", slug="a1"), Tag(name="a2", slug="a2")])
    assert [e.action for e in _entries(first)] == ["create"]
    first.color = "#010101"
    first.save()
    update = _entries(first)[-1]
    assert (update.action, update.changed_fields) == ("update", ["color"])


def test_a_row_changed_twice_has_one_update_from_first_to_last():
    tag = Tag.objects.create(name="laptops", slug="laptops", color="#000000")

    @audit.batched
    def recolour_twice() -> None:
        tag.color = "#111111"
        tag.save()
        tag.color = "#222222"
        tag.save()

    recolour_twice()
    create, update = _entries(tag)
    assert (create.action, update.action) == ("create", "update")
    assert update.before["color"] == "#000000"
    assert update.after["color"] == "#222222"
    assert update.changed_fields == ["color"]


def test_a_change_undone_in_the_same_use_case_leaves_no_update():
    tag = Tag.objects.create(name="phones", slug="phones", color="#000000")

    @audit.batched
    def flip_and_back() -> None:
        tag.color = "#ffffff"
        tag.save()
        tag.color = "#000000"
        tag.save()

    flip_and_back()
    assert [e.action for e in _entries(tag)] == ["create"]


def test_a_failing_use_case_writes_neither_rows_nor_entries():
    @audit.batched
    def fail() -> None:
        Tag.objects.create(name="doomed", slug="doomed")
        raise ValueError("no")

    before = AuditEntry.objects.count()
    with pytest.raises(ValueError):
        fail()
    assert not Tag.objects.filter(name="doomed").exists()
    assert AuditEntry.objects.count() == before


def test_nested_use_cases_join_the_outer_batch():
    @audit.batched
    def outer() -> Tag:
        tag = _create_then_recolour("printers", "#abcdef")
        tag.color = "#fedcba"
        tag.save()
        return tag

    tag = outer()
    [entry] = _entries(tag)
    assert entry.action == "create"
    assert entry.after["color"] == "#fedcba"


def test_deletes_are_entries_of_their_own():
    @audit.batched
    def create_and_delete() -> int:
        tag = Tag.objects.create(name="temp", slug="temp")
        pk = tag.pk
        tag.delete()
        return pk

    pk = create_and_delete()
    kind = ContentType.objects.get_for_model(Tag)
    actions = list(
        AuditEntry.objects.filter(content_type=kind, object_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]
