"""The calendar's conflicts come from ``calendar_cache`` between writes, and every write
they depend on (a change created, rescheduled or cancelled, an item renamed, a relationship
or a blackout added) shows on the very next view. The writes commit here (a transactional
database), as they do in a request: in a test's own transaction the cache is bypassed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.changes import calendar_cache, selectors, services
from steward.changes.conflicts import BLACKOUT, DEPENDENT, SAME_CI
from steward.changes.models import ChangeState, WindowKind
from steward.cmdb.models import RelationKind, Relationship
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
MARCH = datetime.datetime(2031, 3, 2, 22, 0, tzinfo=datetime.UTC)
START, END = MARCH - datetime.timedelta(days=7), MARCH + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar_cache.reset()
    cache.delete(calendar_cache.KEY)
    yield
    calendar_cache.reset()


def _view(user, shown=5):
    return selectors.calendar(user=user, start=START, end=END, shown=shown)


def _kinds(user) -> dict[int, set[tuple[str, int | None]]]:
    """Each change's conflicts as (kind, other change or window)."""
    return {
        pk: {(c.kind, c.change_id or c.window_id) for c in found}
        for pk, found in _view(user)["conflicts"].items()
    }


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_every_write_the_conflicts_depend_on_shows_on_the_next_view(
    world, estate, make_change, make_window
):
    agent = world["agent"]
    a = make_change(estate["vm"], start=MARCH, title="Patch the ERP's VM")
    b = make_change(estate["wiki"], start=MARCH, title="Upgrade the wiki")
    assert _kinds(agent) == {}
    assert _queries(lambda: _view(agent)) < _queries(lambda: _recompute(agent))

    c = make_change(estate["vm"], start=MARCH + datetime.timedelta(hours=1))
    assert _kinds(agent) == {a.pk: {(SAME_CI, c.pk)}, c.pk: {(SAME_CI, a.pk)}}

    c.planned_start += datetime.timedelta(days=10)
    c.planned_end += datetime.timedelta(days=10)
    c.save()
    assert _kinds(agent) == {}

    Relationship.objects.create(
        source=estate["wiki"], kind=RelationKind.RUNS_ON, target=estate["vm"]
    )
    assert _kinds(agent) == {a.pk: {(DEPENDENT, b.pk)}, b.pk: {(DEPENDENT, a.pk)}}

    estate["wiki"].name = "knowledge-base"
    estate["wiki"].save()
    assert "knowledge-base" in _view(agent)["conflicts"][a.pk][0].text

    window = make_window("Close", WindowKind.BLACKOUT, MARCH, MARCH + datetime.timedelta(days=1))
    assert (BLACKOUT, window.pk) in _kinds(agent)[b.pk]
    window.configuration_items.set([estate["erp"]])  # the ERP needs a's VM, not the wiki
    assert (BLACKOUT, window.pk) in _kinds(agent)[a.pk]
    assert (BLACKOUT, window.pk) not in _kinds(agent)[b.pk]

    services.change_transition(change=b, actor=world["manager"], state=ChangeState.CANCELLED)
    assert _kinds(agent) == {a.pk: {(BLACKOUT, window.pk)}}
    assert b.pk not in [x.pk for x in _view(agent)["changes"]]


def _recompute(user):
    calendar_cache.reset()
    cache.delete(calendar_cache.KEY)
    return _view(user)


def test_the_month_page_shows_a_new_conflict_at_once(world, estate, make_change):
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    make_change(estate["vm"], start=MARCH, title="First")
    path = "/changes/calendar/?month=2031-03"
    assert "⚠" not in client.get(path).content.decode()
    assert "⚠" not in client.get(path).content.decode()
    make_change(estate["app"], start=MARCH, title="Second")
    assert client.get(path).content.decode().count("⚠") == 2


def test_cached_conflicts_equal_those_found_afresh(world, estate, make_change, make_window):
    items = [estate[k] for k in ("switch", "vm", "app", "erp", "vm2", "wiki", "lonely")]
    for n in range(24):
        start = MARCH + datetime.timedelta(days=n // 3, hours=n % 3)
        make_change(items[n % len(items)], items[(n + 3) % len(items)], start=start)
    make_window("Close", WindowKind.BLACKOUT, MARCH, MARCH + datetime.timedelta(days=2), items[3])
    agent = world["agent"]
    for shown in (None, 2):
        cold = _view(agent, shown)
        warm = _view(agent, shown)
        calendar_cache.reset()  # another process: from Django's cache
        shared = _view(agent, shown)
        fresh = selectors.calendar_period_conflicts(
            user=agent, changes=cold["changes"], windows=cold["windows"], shown=shown
        )
        expected = {pk: f.shown for pk, f in fresh.items()}
        assert cold["conflicts"] == warm["conflicts"] == shared["conflicts"] == expected
        assert cold["counts"] == warm["counts"] == shared["counts"]
        assert cold["counts"] == {pk: f.count for pk, f in fresh.items()}
    assert len(expected) > 10


def test_a_viewer_who_sees_fewer_changes_gets_their_own_conflicts(world, estate, make_change):
    agent, employee = world["agent"], world["employee"]
    mine = make_change(estate["vm"], start=MARCH, requester=employee)
    other = make_change(estate["vm"], start=MARCH)
    assert _kinds(agent) == {mine.pk: {(SAME_CI, other.pk)}, other.pk: {(SAME_CI, mine.pk)}}
    assert [c.pk for c in _view(employee)["changes"]] == [mine.pk]
    assert _kinds(employee) == {}
    assert mine.pk in _kinds(agent)


def test_the_month_page_of_a_viewer_who_sees_fewer_changes_is_their_own(world, estate, make_change):
    mine = make_change(estate["vm"], start=MARCH, requester=world["employee"], title="Mine")
    make_change(estate["vm"], start=MARCH, title="Not theirs")
    path = "/changes/calendar/?month=2031-03"
    pages = {}
    for who in ("agent", "employee", "agent"):
        client = Client()
        assert client.login(username=world[who].username, password=PASSWORD)
        pages[who] = client.get(path).content.decode()
    assert pages["agent"].count("⚠") == 2 and "Not theirs" in pages["agent"]
    assert f"CHG-{mine.pk} Mine" in pages["employee"]
    assert "Not theirs" not in pages["employee"] and "⚠" not in pages["employee"]


def test_a_page_stores_one_compressed_result_and_reads_it_back(
    world, estate, make_change, monkeypatch
):
    """The conflicts computed while the page's changes are put together are part of the
    page's result, not stored a second time; what is stored is compressed and reads back as
    the same page in another process."""
    for n in range(6):
        make_change(estate["vm"], estate["app"], start=MARCH + datetime.timedelta(hours=n))
    stored: list[tuple[str, object]] = []
    real_set = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("steward:changes:calendar:"):
            stored.append((key, value))
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    path = "/changes/calendar/?month=2031-03"
    first = client.get(path).content.decode()
    assert len(stored) == 1
    assert isinstance(stored[0][1], bytes)
    calendar_cache.reset()  # another process: from Django's cache
    again = client.get(path).content.decode()
    assert len(stored) == 1
    assert first.count("⚠") == again.count("⚠") > 6  # each change flagged, and the list
    items = re.compile(r'<li class="change[^"]*".*?</li>', re.S)
    assert items.findall(first) == items.findall(again) != []


def test_an_unreadable_stored_result_is_computed_afresh(world, estate, make_change, monkeypatch):
    """A stored value this code cannot read back (damaged, or written by another version)
    is computed again instead of failing the page."""
    make_change(estate["vm"], start=MARCH, title="First")
    make_change(estate["app"], start=MARCH, title="Second")
    real_get = cache.get

    def damaged(key, *args, **kwargs):
        if key.startswith("steward:changes:calendar:z:"):
            return b"not a compressed pickle"
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", damaged)
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    response = client.get("/changes/calendar/?month=2031-03")
    assert response.status_code == 200
    assert response.content.decode().count("⚠") >= 2
    assert _kinds(world["agent"])  # the selector's own result too


def test_results_stored_in_another_format_are_not_read(world, estate, make_change, monkeypatch):
    """Raising FORMAT (what is cached changed shape) leaves every stored result unread, even
    under the same version."""
    make_change(estate["vm"], start=MARCH, title="First")
    agent = world["agent"]
    _view(agent)
    keys: list[str] = []
    real_get = cache.get

    def spy(key, *args, **kwargs):
        keys.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", spy)
    calendar_cache.reset()
    _view(agent)
    before = [k for k in keys if k.startswith("steward:changes:calendar:z:")]
    keys.clear()
    calendar_cache.reset()
    monkeypatch.setattr(calendar_cache, "FORMAT", calendar_cache.FORMAT + 1)
    _view(agent)
    after = [k for k in keys if k.startswith("steward:changes:calendar:z:")]
    assert before and after and not set(before) & set(after)
