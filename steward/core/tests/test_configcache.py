"""The per-process configuration cache: served from memory while nothing changed, reloaded at
once after a change in this process or a committed change in another one, never holding
uncommitted or rolled-back values."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from steward.core import configcache
from steward.core.customfields import definitions
from steward.core.models import CustomFieldDefinition, Tag

pytestmark = pytest.mark.django_db


class Loader:
    """Counts the loads of one cached value (the definitions of custom fields on tags)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> list[str]:
        self.calls += 1
        return sorted(CustomFieldDefinition.objects.values_list("name", flat=True))

    def read(self) -> list[str]:
        return configcache.get("test.names", self)


def _field(name: str) -> CustomFieldDefinition:
    return CustomFieldDefinition.objects.create(
        content_type=ContentType.objects.get_for_model(Tag), name=name, label=name.title()
    )


def test_a_value_is_loaded_once_while_nothing_changes():
    load = Loader()
    with configcache.scope():
        assert load.read() == load.read() == []
    with configcache.scope():
        load.read()
    assert load.calls == 1


def test_a_save_in_this_process_is_seen_at_once():
    load = Loader()
    load.read()
    _field("asset_tag")
    assert load.read() == ["asset_tag"]


def test_inside_the_transaction_that_changed_it_the_cache_is_bypassed(
    django_capture_on_commit_callbacks,
):
    load = Loader()
    load.read()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            _field("colour")
            assert load.read() == ["colour"]
            assert load.read() == ["colour"]
            calls_inside = load.calls
        assert load.calls == calls_inside
    assert load.read() == ["colour"]
    assert load.read() == ["colour"]
    assert load.calls == calls_inside + 1


def test_a_rolled_back_change_is_not_left_in_the_cache():
    load = Loader()
    load.read()
    with pytest.raises(RuntimeError), transaction.atomic():
        _field("ghost")
        assert load.read() == ["ghost"]
        raise RuntimeError("roll back")
    assert load.read() == []


def test_a_commit_in_another_process_is_seen_on_the_next_request():
    load = Loader()
    with configcache.scope():
        assert load.read() == []
    # Another process inserts a field (no signal reaches this one) and publishes a generation.
    row = CustomFieldDefinition(content_type=ContentType.objects.get_for_model(Tag), name="y")
    QuerySet(model=CustomFieldDefinition).bulk_create([row])
    with configcache.scope():
        assert load.read() == []  # same generation: still the cached value
    cache.set(configcache.KEY, "published-by-another-process", timeout=None)
    with configcache.scope():
        assert load.read() == ["y"]
    assert load.calls == 2


def test_the_shared_generation_is_read_once_per_request(django_assert_num_queries):
    load = Loader()
    load.read()
    other = Loader()
    # The generation once for the request, then one query of the loader called directly.
    with configcache.scope(), django_assert_num_queries(2):
        load.read()
        other()
        assert configcache.get("test.other", lambda: 1) == 1
        assert configcache.get("test.other", lambda: 2) == 1


def test_queryset_update_of_a_registered_model_invalidates():
    field = _field("before")
    load = Loader()
    assert load.read() == ["before"]
    CustomFieldDefinition.objects.filter(pk=field.pk).update(name="after")
    assert load.read() == ["after"]


def test_custom_field_definitions_follow_their_changes():
    assert definitions(Tag) == []
    field = _field("cost_centre")
    assert [d.name for d in definitions(Tag)] == ["cost_centre"]
    field.delete()
    assert definitions(Tag) == []
