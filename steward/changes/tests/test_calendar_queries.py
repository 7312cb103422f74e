"""The calendar and the conflict check cost a fixed number of queries (the CMDB walked once
for every change shown, whatever its size), and the batched walk finds what the CMDB's
impact analysis finds item by item."""

from __future__ import annotations

import datetime
import itertools
import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.changes import calendar_views, selectors
from steward.changes import conflicts as conflict_rules
from steward.changes.impact import ReachCache, ReachIndex
from steward.changes.models import ACTIVE_STATES, WindowKind
from steward.cmdb.models import CIClass, RelationKind, Relationship
from steward.core.testing import PASSWORD

pytestmark = pytest.mark.django_db
MARCH = datetime.datetime(2031, 3, 2, 22, 0, tzinfo=datetime.UTC)


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _busy_month(estate, make_change, make_window, count):
    """``count`` changes over March on the estate's items, in pairs at the same time (one
    conflicting with the other through the CMDB) and one in a blackout on the ERP."""
    items = [estate[k] for k in ("switch", "vm", "app", "erp", "vm2", "wiki", "lonely")]
    for n in range(count):
        start = MARCH + datetime.timedelta(days=n // 2, hours=n % 2)
        make_change(items[n % len(items)], items[(n + 3) % len(items)], start=start)
    end = MARCH + datetime.timedelta(days=2)
    make_window("Close", WindowKind.BLACKOUT, MARCH, end, estate["erp"])


@pytest.mark.parametrize(
    "path", ["/changes/calendar/?month=2031-03", "/changes/calendar/week/?date=2031-03-03"]
)
def test_calendar_queries_do_not_grow_with_the_changes_shown(
    world, estate, make_change, make_window, path
):
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    _busy_month(estate, make_change, make_window, 3)
    client.get(path)
    few = _count(lambda: client.get(path))
    _busy_month(estate, make_change, make_window, 27)
    response = client.get(path)
    assert response.content.decode().count("⚠") > 3
    assert _count(lambda: client.get(path)) == few


def _hub(make_ci, dependents: int):
    """A database with ``dependents`` applications depending on it, each used by a service."""
    hub = make_ci("pg-core", CIClass.DATABASE)
    for n in range(dependents):
        app = make_ci(f"app-{n}", CIClass.APPLICATION)
        service = make_ci(f"svc-{n}", CIClass.BUSINESS_SERVICE)
        Relationship.objects.create(source=app, kind=RelationKind.DEPENDS_ON, target=hub)
        Relationship.objects.create(source=service, kind=RelationKind.DEPENDS_ON, target=app)
    return hub


def test_conflict_check_queries_do_not_grow_with_the_dependents(world, make_ci, make_change):
    counts, found = [], []
    for name, dependents in (("small", 3), ("large", 60)):
        hub = _hub(make_ci, dependents)
        hub.name = name
        hub.save()
        start = MARCH + datetime.timedelta(days=len(counts) * 7)
        change = make_change(hub, start=start)
        last = Relationship.objects.filter(target__name=f"app-{dependents - 1}").first()
        make_change(last.source, start=start + datetime.timedelta(hours=1))
        user = world["agent"]
        selectors.change_conflicts(change=change, user=user)
        counts.append(_count(lambda c=change, u=user: selectors.change_conflicts(change=c, user=u)))
        found.append(selectors.change_conflicts(change=change, user=user))
        Relationship.objects.all().delete()
    assert counts[0] == counts[1]
    assert [len(f) for f in found] == [1, 1] and all(f[0].kind == "dependent" for f in found)


def _random_estate(make_ci, world, rng):
    """A tangle of 40 items (some the customer may see), every kind of relationship, cycles
    and a chain longer than the walk's distance limit."""
    classes = [CIClass.SERVER, CIClass.APPLICATION, CIClass.BUSINESS_SERVICE, CIClass.CLUSTER]
    orgs = [world["internal"], world["acme"]]
    items = [
        make_ci(f"ci-{n:02d}", rng.choice(classes), organisation=rng.choice(orgs))
        for n in range(40)
    ]
    kinds = list(RelationKind)
    for _ in range(90):
        a, b = rng.sample(items, 2)
        Relationship.objects.get_or_create(source=a, kind=rng.choice(kinds), target=b)
    chain = items[:13]
    for a, b in itertools.pairwise(chain):
        Relationship.objects.get_or_create(source=b, kind=RelationKind.DEPENDS_ON, target=a)
    return [ci.pk for ci in items]


@pytest.mark.parametrize("who", ["agent", "customer"])
@pytest.mark.parametrize("together", [True, False], ids=["from every item", "from the starts"])
def test_batched_reach_matches_the_cmdb_walk_item_by_item(world, make_ci, who, together):
    """Both ways ``ReachIndex`` walks (from every item for a calendar, from the starts for
    one change) find what the CMDB's walk finds, and ``hook`` says whether two sets of
    items reach each other exactly when that walk does."""
    rng = random.Random(7)
    ids = _random_estate(make_ci, world, rng)
    user = world[who]
    changes = [rng.sample(ids, rng.randint(1, 3)) for _ in range(12)]
    if not together:
        changes = [c[:1] for c in changes]
    among = set(rng.sample(ids, 25))
    shared = ReachIndex(user, starts={i for c in changes for i in c}, among=among)
    for ci_ids in changes:
        index = shared if together else ReachIndex(user, starts=ci_ids, among=among)
        if who == "agent":  # the customer sees too few items to walk from the starts
            assert (index._hit is None) == together
        batched = index.reach(ci_ids, among)
        walked = ReachCache(user).reach(ci_ids)
        assert batched.impact_ids == {i: c for i, c in walked.impact_ids.items() if i in among}
        assert batched.dependency_ids == {
            i: c for i, c in walked.dependency_ids.items() if i in among
        }
        near = set(walked.related) | set(ci_ids)
        for other in (rng.sample(sorted(among), rng.randint(1, 3)) for _ in range(10)):
            hooked = index.mask(ci_ids) & index.hook(other) or index.mask(other) & index.hook(
                ci_ids
            )
            seen = {i for i in other if i in index.names}
            assert bool(hooked) == bool(seen & near), (ci_ids, other)


def test_calendar_conflicts_match_the_change_by_change_calendar(
    world, estate, make_change, make_window
):
    _busy_month(estate, make_change, make_window, 12)
    user = world["agent"]
    start, end = MARCH - datetime.timedelta(days=7), MARCH + datetime.timedelta(days=30)
    together = selectors.calendar(user=user, start=start, end=end)
    visible, cache = selectors.change_list(user=user), ReachCache(user)
    one_by_one = {
        c.pk: found
        for c in together["changes"]
        if c.state in ACTIVE_STATES
        and (found := conflict_rules.conflicts_for(c, visible=visible, cache=cache))
    }
    assert {pk: found for pk, found in together["conflicts"].items() if found} == one_by_one
    assert one_by_one


def _crowd(estate, make_change, make_window, count):
    """``count`` changes on the ERP's VM at the same time, one of them on the ERP itself,
    in a blackout of the ERP: each conflicts with all the others and the blackout."""
    make_change(estate["erp"], start=MARCH, title="On the ERP")
    for n in range(count - 1):
        item = estate["vm"] if n % 2 else estate["app"]
        make_change(item, start=MARCH + datetime.timedelta(minutes=n), title=f"Crowd {n}")
    end = MARCH + datetime.timedelta(days=1)
    make_window("Close", WindowKind.BLACKOUT, MARCH, end, estate["erp"])


def test_calendar_words_the_first_conflicts_and_counts_them_all(
    world, estate, make_change, make_window
):
    _crowd(estate, make_change, make_window, calendar_views.SHOWN + 4)
    _busy_month(estate, make_change, make_window, 12)
    user = world["agent"]
    start, end = MARCH - datetime.timedelta(days=7), MARCH + datetime.timedelta(days=30)
    visible, cache = selectors.change_list(user=user), ReachCache(user)
    for shown in (0, 2, calendar_views.SHOWN):
        data = selectors.calendar(user=user, start=start, end=end, shown=shown)
        one_by_one = {
            c.pk: found
            for c in data["changes"]
            if (found := conflict_rules.conflicts_for(c, visible=visible, cache=cache))
        }
        assert data["counts"] == {pk: len(found) for pk, found in one_by_one.items()}
        assert data["conflicts"] == {pk: found[:shown] for pk, found in one_by_one.items()}
    assert max(data["counts"].values()) > calendar_views.SHOWN + 2


def test_month_page_lists_shown_conflicts_and_the_exact_number_more(
    world, estate, make_change, make_window
):
    _crowd(estate, make_change, make_window, calendar_views.SHOWN + 4)
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    page = client.get("/changes/calendar/?month=2031-03").content.decode()
    flagged = page.split('id="flagged"')[1]
    crowd = flagged.split("Crowd 0</a><ul>")[1].split("</ul>")[0]
    # Crowd 0 meets the other SHOWN + 3 changes and the blackout: SHOWN listed, 4 more.
    assert crowd.count("<li class=") == calendar_views.SHOWN + 1
    assert crowd.count('<li class="">') == calendar_views.SHOWN
    assert ">and 4 more</a></li>" in crowd


def test_month_page_queries_do_not_grow_with_crowded_changes(
    world, estate, make_change, make_window
):
    client = Client()
    assert client.login(username=world["manager"].username, password=PASSWORD)
    path = "/changes/calendar/?month=2031-03"
    _crowd(estate, make_change, make_window, 3)
    client.get(path)
    few = _count(lambda: client.get(path))
    _crowd(estate, make_change, make_window, 3 * calendar_views.SHOWN)
    # 3 + 3 * SHOWN changes at once in two blackouts: each meets all the others and both.
    more = (3 + 3 * calendar_views.SHOWN - 1) + 2 - calendar_views.SHOWN
    assert f">and {more} more</a>" in client.get(path).content.decode()
    assert _count(lambda: client.get(path)) == few
