"""The change demo: a year of history with realistic outcomes, a CAB, windows and a freeze,
coming changes waiting for approval or scheduled, problems; idempotent."""

from __future__ import annotations

import datetime
import random

import pytest

from steward.assets import demo as assets_demo
from steward.changes import demo, selectors
from steward.changes.models import ChangeRequest, ChangeState, ChangeTemplate, ChangeWindow, Outcome
from steward.cmdb import demo as cmdb_demo
from steward.core.models import User
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_year_of_changes(monkeypatch, django_capture_on_commit_callbacks):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    assets_demo.load(rng=random.Random(2), log=lambda m: None)
    cmdb_demo.load(rng=random.Random(3), log=lambda m: None)
    _incidents()
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "1")
    # Not timed here (STYLE: no timed tests): the full demo's log prints the loader's time,
    # 0.5 to 0.9 s on SQLite on this machine.
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(rng=random.Random(4), log=lambda m: None)

    closed = ChangeRequest.objects.filter(state=ChangeState.CLOSED)
    assert closed.count() > 250
    success = closed.filter(outcome=Outcome.SUCCESSFUL).count() / closed.count()
    assert 0.8 < success < 0.97, success
    assert closed.filter(outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT]).exists()
    assert ChangeWindow.objects.filter(kind="blackout", name__contains="freeze").count() == 1
    assert ChangeWindow.objects.filter(kind="maintenance").count() > 50
    waiting = ChangeRequest.objects.filter(state=ChangeState.AUTHORISATION)
    assert waiting.count() == 2 and all(c.approval_request_id for c in waiting)
    assert ChangeRequest.objects.filter(state=ChangeState.SCHEDULED).count() >= 2
    frozen = ChangeRequest.objects.get(title="Replace core switch power supply")
    agent = User.objects.get(username="agent")
    assert any(c.blocking for c in selectors.change_conflicts(change=frozen, user=agent))

    counts = (ChangeRequest.objects.count(), ChangeTemplate.objects.count())
    from steward.changes.models import Problem

    assert Problem.objects.count() == len(demo.PROBLEMS)
    known = Problem.objects.get(state="known_error")
    assert known.known_error_article_id and known.incident_links.count() > 0
    demo.load(rng=random.Random(4), log=lambda m: None)
    assert (ChangeRequest.objects.count(), ChangeTemplate.objects.count()) == counts

    # Incidents opened in the day after a failed change are recorded as caused by it.
    from steward.servicedesk.models import Ticket

    failed = (
        closed.filter(outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT])
        .order_by("-actual_start")
        .first()
    )
    ticket = Ticket.objects.filter(title="Docking station gives no video").first()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=failed.actual_start + datetime.timedelta(hours=2)
    )
    users = {u.username: u for u in User.objects.filter(username="agent")}
    assert demo._caused(users, random.Random(5)) == 1
    assert list(failed.incident_links.values_list("ticket_id", flat=True)) == [ticket.pk]


def _incidents():
    """A few incidents with the demo's titles (the service-desk demo is slow to load)."""
    from steward.org.models import Organisation, Person
    from steward.servicedesk.models import Ticket

    requester = Person.objects.filter(user__isnull=False).order_by("pk").first()
    org = Organisation.objects.filter(kind="internal").first()
    for n, title in enumerate(
        ["Docking station gives no video"] * 3 + ["Softphone calls drop after a minute"] * 2
    ):
        Ticket.objects.create(
            title=title, reference=f"INC-9{n:05d}", requester=requester, organisation=org
        )


def test_demo_runs_after_the_cmdb():
    names = [name for _order, name, _loader in demo_loaders]
    assert names.index("changes") > names.index("cmdb")
