"""The conflict matrix and the risk reasons on a known case."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from steward.changes import conflicts, risk, selectors, services
from steward.changes.impact import ReachCache
from steward.changes.models import ChangeState, ChangeType, Outcome, RiskLevel, WindowKind

from .conftest import at

pytestmark = pytest.mark.django_db
S = ChangeState


def _conflicts(world, change):
    return selectors.change_conflicts(change=change, user=world["agent"])


def test_same_item_overlapping_is_a_warning(world, estate, make_change):
    mine = make_change(estate["vm"], start=at(days=5))
    other = make_change(estate["vm"], start=at(days=5, hours=1))
    (found,) = _conflicts(world, mine)
    assert found.kind == conflicts.SAME_CI and found.change_id == other.pk
    assert not found.blocking and "vm-erp" in found.text


def test_dependent_items_overlapping_conflict_both_ways(world, estate, make_change):
    switch = make_change(estate["switch"], start=at(days=5))
    app = make_change(estate["app"], start=at(days=5, hours=1))
    (found,) = _conflicts(world, switch)
    assert found.kind == conflicts.DEPENDENT and found.change_id == app.pk
    assert "erp-app" in found.text and "depends on core-switch" in found.text
    (back,) = _conflicts(world, app)
    assert back.kind == conflicts.DEPENDENT and back.change_id == switch.pk


def test_unrelated_items_or_no_overlap_do_not_conflict(world, estate, make_change):
    mine = make_change(estate["app"], start=at(days=5))
    make_change(estate["wiki"], start=at(days=5))  # unrelated branch
    make_change(estate["vm"], start=at(days=5, hours=2))  # touches, does not overlap
    make_change(estate["vm"], start=at(days=5), state=S.CANCELLED)  # not active
    make_change(estate["vm"], start=at(days=5), state=S.CLOSED)
    assert _conflicts(world, mine) == []


def test_a_change_without_a_window_has_no_conflicts(world, estate, make_change):
    mine = make_change(estate["vm"], start=None, state=S.DRAFT)
    make_change(estate["vm"], start=at(days=5))
    assert _conflicts(world, mine) == []


def test_blackout_blocks_unless_emergency(world, estate, make_change, make_window):
    freeze = make_window("Year-end freeze", WindowKind.BLACKOUT, at(days=4), at(days=6))
    normal = make_change(estate["lonely"], start=at(days=5))
    (found,) = _conflicts(world, normal)
    assert found.kind == conflicts.BLACKOUT and found.blocking and found.window_id == freeze.pk
    emergency = make_change(estate["wiki"], start=at(days=5), change_type=ChangeType.EMERGENCY)
    (found,) = _conflicts(world, emergency)
    assert not found.blocking


def test_scoped_blackout_holds_for_what_reaches_its_service(
    world, estate, make_change, make_window
):
    make_window("ERP closing", WindowKind.BLACKOUT, at(days=4), at(days=6), estate["erp"])
    assert _conflicts(world, make_change(estate["wiki"], start=at(days=5))) == []
    (found,) = _conflicts(world, make_change(estate["vm"], start=at(days=5)))
    assert found.kind == conflicts.BLACKOUT


def test_scheduling_into_a_blackout_is_refused(world, estate, make_window):
    make_window("Freeze", WindowKind.BLACKOUT, at(days=4), at(days=6))
    from steward.changes.models import ChangeTemplate

    template = ChangeTemplate.objects.create(name="Reboot", implementation_plan="reboot")
    change = services.change_create(
        data={"title": "Reboot", "template": template, "planned_start": at(days=5)},
        actor=world["agent"],
    )
    services.change_transition(change=change, actor=world["agent"], state=S.ASSESSMENT)
    with pytest.raises(ValidationError) as exc:
        services.change_transition(change=change, actor=world["agent"], state=S.SCHEDULED)
    assert "Freeze" in str(exc.value)


def test_risk_reasons_on_a_known_case(world, estate, make_change, make_window):
    """vm-erp under the critical ERP, planned in 12 hours outside any maintenance window,
    with one of two similar past changes failed and no back-out plan:
    services 30 + history 13 (25 x 1/2) + lead time 20 + window 15 + back-out 10 = 88."""
    for outcome in (Outcome.SUCCESSFUL, Outcome.FAILED):
        make_change(
            estate["vm"],
            start=at(days=-30),
            state=S.CLOSED,
            outcome=outcome,
            actual_end=at(days=-30, hours=2),
        )
    make_change(
        estate["vm"],
        start=at(days=-400),
        state=S.CLOSED,
        outcome=Outcome.FAILED,
        actual_end=at(days=-400),
    )  # too old to count
    make_window("Sunday nights", WindowKind.MAINTENANCE, at(days=20), at(days=20, hours=4))
    change = make_change(estate["vm"], start=at(hours=12), state=S.ASSESSMENT, backout_plan="")
    reach = ReachCache(world["agent"]).reach({estate["vm"].pk})
    result = risk.assess(change, reach=reach)
    points = {r["factor"]: r["points"] for r in result.reasons}
    assert points == {"services": 30, "history": 12, "lead_time": 20, "window": 15, "backout": 10}
    assert result.score == 87 and result.level == RiskLevel.HIGH
    texts = " ".join(r["text"] for r in result.reasons)
    assert "ERP" in texts and "1 of 2" in texts and "maintenance window" in texts


def test_risk_is_low_inside_a_window_with_notice_and_a_good_record(
    world, estate, make_change, make_window
):
    make_change(
        estate["wiki"],
        start=at(days=-30),
        state=S.CLOSED,
        outcome=Outcome.SUCCESSFUL,
        actual_end=at(days=-30),
    )
    make_window("Saturday", WindowKind.MAINTENANCE, at(days=13), at(days=15))
    change = make_change(estate["wiki"], start=at(days=14), state=S.ASSESSMENT, backout_plan="undo")
    reach = ReachCache(world["agent"]).reach({estate["wiki"].pk})
    result = risk.assess(change, reach=reach)
    points = {r["factor"]: r["points"] for r in result.reasons}
    assert points == {"services": 5, "history": 0, "lead_time": 0, "window": 0}
    assert result.level == RiskLevel.LOW


def test_calendar_flags_conflicts_and_lists_windows(world, estate, make_change, make_window):
    a = make_change(estate["vm"], start=at(days=5))
    b = make_change(estate["vm"], start=at(days=5, hours=1))
    quiet = make_change(estate["wiki"], start=at(days=8))
    window = make_window("Patch night", WindowKind.MAINTENANCE, at(days=5), at(days=5, hours=6))
    data = selectors.calendar(user=world["agent"], start=at(days=0), end=at(days=30))
    assert [c.pk for c in data["changes"]] == [a.pk, b.pk, quiet.pk]
    assert data["windows"] == [window]
    assert {c.change_id for c in data["conflicts"][a.pk]} == {b.pk}
    assert quiet.pk not in data["conflicts"]
