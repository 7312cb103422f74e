"""Queries compiled once (``core.compiled``): the rows, instances and errors of the ORM, with
the SQL built on the first call only."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from steward.core.compiled import Compiled
from steward.core.models import AuditEntry, Tag
from steward.core.testing import make_user

pytestmark = pytest.mark.django_db


def _tokens():
    return Compiled(lambda key: Token.objects.select_related("user").filter(key=key), "k")


def test_rows_are_the_orm_s_with_their_related_objects_in_the_one_query():
    ann, bob = make_user(username="ann"), make_user(username="bob")
    keys = [Token.objects.create(user=u).key for u in (ann, bob)]
    tokens = _tokens()
    for key, user in zip(keys, (ann, bob), strict=True):
        with CaptureQueriesContext(connection) as ctx:
            token = tokens.get(key)
            assert (token.user.username, token.user.email) == (user.username, user.email)
        assert len(ctx.captured_queries) == 1
        orm = Token.objects.select_related("user").get(key=key)
        assert (token.pk, token.created, token.user_id) == (orm.pk, orm.created, orm.user_id)
        assert token._state.adding is False and token._state.db == "default"


def test_the_sql_is_built_on_the_first_call_only(monkeypatch):
    keys = [Token.objects.create(user=make_user(username=f"u{i}")).key for i in range(3)]
    tokens = _tokens()
    tokens.get(keys[0])
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as ctx:
        found = [tokens.get(key).key for key in keys[1:]]
    assert found == keys[1:]
    assert compiled == []
    assert len({q["sql"] for q in ctx.captured_queries}) == 2  # the values differ, not the shape


def test_no_row_and_several_rows_raise_as_get_does():
    Tag.objects.create(name="One", slug="one", color="#112233")
    Tag.objects.create(name="Two", slug="two", color="#112233")
    by_colour = Compiled(lambda colour: Tag.objects.filter(color=colour).order_by("name"), "c")
    assert [t.name for t in by_colour.all("#112233")] == ["One", "Two"]
    assert by_colour.all("#000000") == []
    with pytest.raises(Tag.MultipleObjectsReturned):
        by_colour.get("#112233")
    with pytest.raises(Tag.DoesNotExist):
        by_colour.get("#000000")
    with pytest.raises(TypeError, match="1 values expected"):
        by_colour.get("#112233", "#000000")


def test_deferred_fields_load_when_read_as_the_orm_s_do():
    tag = Tag.objects.create(name="Printers", slug="printers")
    names = Compiled(lambda pk: Tag.objects.only("name").filter(pk=pk), -1)
    loaded = names.get(tag.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert loaded.slug == "printers"
    assert len(ctx.captured_queries) == 1


def test_a_save_of_a_loaded_row_is_audited_with_what_changed():
    """The audit keeps the values a row was loaded with (``from_db``): a compiled read
    goes through it like any other."""
    tag = Tag.objects.create(name="Printers", slug="printers")
    loaded = Compiled(lambda pk: Tag.objects.filter(pk=pk), -1).get(tag.pk)
    loaded.name = "Printing"
    loaded.save()
    entry = AuditEntry.objects.filter(object_id=str(tag.pk), action="update").get()
    assert (entry.changed_fields, entry.before["name"]) == (["name"], "Printers")


def test_markers_reach_the_sql_once_and_are_str_or_int():
    with pytest.raises(TypeError, match="str or int"):
        Compiled(lambda day: Tag.objects.filter(created_at__date=day), datetime.date(1901, 2, 3))
    with pytest.raises(ValueError, match="its own marker"):
        Compiled(lambda a, b: Tag.objects.filter(name=a, slug=b), "m", "m")
    unused = Compiled(lambda name: Tag.objects.filter(name="fixed"), "m")
    with pytest.raises(ValueError, match="0 times"):
        unused.all("x")
    twice = Compiled(lambda name: Tag.objects.filter(Q(name=name) | Q(slug=name)), "m")
    with pytest.raises(ValueError, match="2 times"):
        twice.all("x")


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_on_its_own_connection():
    """Django's connections are per thread: so is the compiled state (a compiler holds its
    connection)."""
    tag = Tag.objects.create(name="Shared", slug="shared")
    names = Compiled(lambda pk: Tag.objects.filter(pk=pk), -1)
    assert names.get(tag.pk).name == "Shared"
    seen = {}

    def other():
        try:
            seen["name"] = names.get(tag.pk).name
            seen["connection"] = names._state().connection
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(30)
    assert seen["name"] == "Shared"
    assert seen["connection"] is not connections["default"]
    assert names._state().connection is connections["default"]
