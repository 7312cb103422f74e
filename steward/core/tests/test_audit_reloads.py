"""The audit's idea of a row's database state follows reloads: fields read later (deferred)
or reloaded (``refresh_from_db``) are not reported as changed when they were not."""

import pytest

from steward.core.models import AuditEntry, Tag

pytestmark = pytest.mark.django_db


def _last_update(tag):
    entries = AuditEntry.objects.filter(object_id=str(tag.pk), action="update")
    return entries.order_by("-pk").first()


def test_a_deferred_field_read_later_is_not_a_change():
    tag = Tag.objects.create(name="Printers", slug="printers")
    loaded = Tag.objects.only("name").get(pk=tag.pk)
    assert loaded.slug == "printers"  # loaded now, from the database
    loaded.name = "Printing"
    loaded.save()
    entry = _last_update(tag)
    assert entry.changed_fields == ["name"]
    assert (entry.before["slug"], entry.after["slug"]) == ("printers", "printers")


def test_a_reload_that_discards_an_edit_leaves_only_the_next_edit():
    tag = Tag.objects.create(name="Printers", slug="printers")
    loaded = Tag.objects.get(pk=tag.pk)
    Tag.objects.filter(pk=tag.pk).update(color="#112233")  # someone else, audited apart
    loaded.name = "Abandoned"
    loaded.refresh_from_db()
    loaded.slug = "printing"
    loaded.save()
    entry = _last_update(tag)
    assert entry.changed_fields == ["slug"]
    assert entry.before["color"] == "#112233"


def test_a_reload_after_a_save_starts_from_the_saved_row():
    tag = Tag.objects.create(name="Printers", slug="printers")
    tag.name = "Printing"
    tag.save()
    Tag.objects.filter(pk=tag.pk).update(color="#445566")
    tag.refresh_from_db(fields=["color"])
    tag.slug = "printing"
    tag.save()
    assert _last_update(tag).changed_fields == ["slug"]
