"""Rows loaded without Django's generic constructor (``AuditedModel.from_db``) are the
instances Django would build: same attributes, deferred fields, state; in-place edits of a
loaded JSON value are still changes; a model someone listens to is built Django's way."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from steward.core.models import AuditEntry, CustomFieldDefinition, Tag
from steward.core.models.base import AuditedModel, _loads_plainly

pytestmark = pytest.mark.django_db


def _definition(**extra):
    return CustomFieldDefinition.objects.create(
        content_type=ContentType.objects.get_for_model(Tag),
        name="site",
        label="Site",
        choices=["Paris", "Lyon"],
        custom_fields={"note": {"by": "it"}},
        **extra,
    )


def _django_built(model, names, values):
    return super(AuditedModel, model).from_db("default", names, values)


@pytest.mark.parametrize("only", [None, ("label", "choices", "content_type")])
def test_a_loaded_row_is_the_instance_django_builds(only):
    made = _definition()
    rows = CustomFieldDefinition.objects.filter(pk=made.pk)
    loaded = (rows.only(*only) if only else rows).get()
    assert _loads_plainly(CustomFieldDefinition)

    names = [f.attname for f in CustomFieldDefinition._meta.concrete_fields]
    names = [n for n in names if n in loaded.__dict__]
    django = _django_built(CustomFieldDefinition, names, [loaded.__dict__[n] for n in names])
    mine = {k: v for k, v in loaded.__dict__.items() if k not in ("_state", "_audit_raw")}
    assert mine == {k: v for k, v in django.__dict__.items() if k != "_state"}
    assert loaded.get_deferred_fields() == django.get_deferred_fields()
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    if only:
        assert loaded.get_deferred_fields() >= {"name", "order"}
        assert loaded.order == 100  # a deferred column still loads when read
    with CaptureQueriesContext(connection) as queries:
        assert loaded.content_type == ContentType.objects.get_for_model(Tag)
    assert len(queries) <= 1


def test_related_rows_loaded_with_select_related_need_no_query():
    made = _definition()
    loaded = CustomFieldDefinition.objects.select_related("content_type").get(pk=made.pk)
    with CaptureQueriesContext(connection) as queries:
        assert loaded.content_type.model == "tag"
    assert len(queries) == 0


def test_an_in_place_edit_of_a_loaded_json_value_is_saved_and_audited():
    made = _definition()
    loaded = CustomFieldDefinition.objects.get(pk=made.pk)
    loaded.choices.append("Nice")
    loaded.custom_fields["note"]["by"] = "facilities"
    loaded.save()
    entry = AuditEntry.objects.filter(object_id=str(made.pk), action="update").get()
    assert entry.changed_fields == ["choices", "custom_fields"]
    assert entry.before["choices"] == ["Paris", "Lyon"]
    assert entry.after["choices"] == ["Paris", "Lyon", "Nice"]
    assert entry.before["custom_fields"] == {"note": {"by": "it"}}


def test_a_model_someone_listens_to_is_built_by_django_with_its_signals():
    made = _definition()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(listener, sender=CustomFieldDefinition)
    try:
        CustomFieldDefinition.objects.get(pk=made.pk)
    finally:
        post_init.disconnect(listener, sender=CustomFieldDefinition)
    assert seen == [made.pk]
