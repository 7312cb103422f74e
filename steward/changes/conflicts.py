"""Conflicts of a change's planned window with other changes and with blackouts.

- **same item**: another active change (assessment to implementation) touches one of the
  same configuration items and its planned window overlaps.
- **dependent items**: another active change with an overlapping window touches an item
  within the impact of one of this change's items (it breaks when ours goes down) or one
  our items need (ours breaks when it goes down), as the CMDB's impact analysis walks it.
- **blackout**: the planned window overlaps a blackout window that holds for the change
  (no scope, or a scope naming an affected item or an item or service it impacts).

Decided and documented (docs/user-guide/changes.md): the first two are warnings, shown when
scheduling and in the calendar; a blackout blocks scheduling, except for an emergency change
(whoever approved the emergency accepted the blackout).

Windows are half open: one change ending at 10:00 and another starting at 10:00 do not
overlap.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from steward.changes.impact import Reach, ReachCache, ReachIndex, id_set
from steward.changes.models import (
    ACTIVE_STATES,
    ChangeRequest,
    ChangeRequestCI,
    ChangeType,
    ChangeWindow,
    WindowKind,
)

SAME_CI, DEPENDENT, BLACKOUT = "same_ci", "dependent", "blackout"


@dataclass(frozen=True)
class Conflict:
    kind: str
    text: str
    blocking: bool
    change_id: int | None = None
    change_reference: str = ""
    window_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def overlapping(
    qs: QuerySet[Any], start: Any, end: Any, *, start_field: str, end_field: str
) -> QuerySet[Any]:
    return qs.filter(Q(**{f"{start_field}__lt": end}) & Q(**{f"{end_field}__gt": start}))


CHECKED_FIELDS = ("state", "change_type", "planned_start", "planned_end")
"""What the conflicts read of the other changes (``only``)."""


def with_ci_ids(changes: list[ChangeRequest]) -> list[ChangeRequest]:
    """``changes`` with their affected items (what ``ci_ids_of`` reads) loaded in one query
    as plain ids: a calendar loads thousands, too many to make a model of each link."""
    by_change: dict[int, set[int]] = {c.pk: set() for c in changes}
    if by_change:
        rows = ChangeRequestCI.objects.filter(change_id__in=id_set(by_change)).values_list(
            "change_id", "configuration_item_id"
        )
        for change_id, ci_id in rows:
            by_change[change_id].add(ci_id)
        for change in changes:
            change._ci_ids = by_change[change.pk]  # type: ignore[attr-defined]
    return changes


def ci_ids_of(change: ChangeRequest) -> set[int]:
    loaded = getattr(change, "_ci_ids", None)
    if loaded is not None:
        return set(loaded)
    cache = getattr(change, "_prefetched_objects_cache", {})
    if "ci_links" in cache:
        return {link.configuration_item_id for link in cache["ci_links"]}
    return set(
        ChangeRequestCI.objects.filter(change_id=change.pk).values_list(
            "configuration_item_id", flat=True
        )
    )


def _between(
    change: ChangeRequest,
    other: ChangeRequest,
    reach: Reach,
    names: dict[int, str],
    others: set[int],
) -> list[Conflict]:
    """The conflict of ``change`` with ``other`` (on the items ``others``), if any."""
    shared = reach.ci_ids & others
    ref = other.reference
    if shared:
        items = ", ".join(sorted(names.get(i, str(i)) for i in shared))
        return [
            Conflict(
                SAME_CI,
                _("%(ref)s changes the same item (%(items)s) at an overlapping time.")
                % {"ref": ref, "items": items},
                False,
                other.pk,
                ref,
            )
        ]
    out = []
    for ci_id in sorted(others):
        if ci_id in reach.impact_ids:
            mine = names.get(reach.impact_ids[ci_id], "?")
            text = _("%(ref)s changes %(other)s, which depends on %(mine)s changed here.")
        elif ci_id in reach.dependency_ids:
            mine = names.get(reach.dependency_ids[ci_id], "?")
            text = _("%(ref)s changes %(other)s, which %(mine)s changed here depends on.")
        else:
            continue
        other_name = names.get(ci_id, str(ci_id))
        out.append(
            Conflict(
                DEPENDENT,
                text % {"ref": ref, "other": other_name, "mine": mine},
                False,
                other.pk,
                ref,
            )
        )
        break
    return out


def _blackouts(
    change: ChangeRequest, reach: Reach, windows: Iterable[ChangeWindow], start: Any, end: Any
) -> list[Conflict]:
    hit = reach.ci_ids | set(reach.impact_ids) | set(reach.services)
    blocking = change.change_type != ChangeType.EMERGENCY
    out = []
    for window in windows:
        if window.kind != WindowKind.BLACKOUT:
            continue
        if not (window.start < end and window.end > start):
            continue
        scope = {ci.pk for ci in window.configuration_items.all()}
        if scope and not scope & hit:
            continue
        text = _("Inside the blackout window %(w)s.") % {"w": window.name}
        if not blocking:
            text += " " + _("An emergency change may go ahead.")
        out.append(Conflict(BLACKOUT, text, blocking, window_id=window.pk))
    return out


def windows_between(start: Any, end: Any) -> list[ChangeWindow]:
    qs = ChangeWindow.objects.prefetch_related("configuration_items").order_by("start", "pk")
    return list(overlapping(qs, start, end, start_field="start", end_field="end"))


def conflicts_for(
    change: ChangeRequest,
    *,
    visible: QuerySet[ChangeRequest],
    cache: ReachCache,
    candidates: Iterable[ChangeRequest] | None = None,
    windows: Iterable[ChangeWindow] | None = None,
) -> list[Conflict]:
    """Every conflict of ``change`` as planned (none without a planned window). ``visible``
    are the changes the viewer may see (conflicts name no change they may not);
    ``candidates`` and ``windows`` let the calendar pass what it already loaded. The CMDB
    is walked for ``cache.user`` once for all the items of the change (``ReachIndex``)."""
    start, end = change.planned_start, change.planned_end
    if start is None or end is None:
        return []
    if candidates is None:
        qs = overlapping(
            visible.filter(state__in=ACTIVE_STATES).exclude(pk=change.pk),
            start,
            end,
            start_field="planned_start",
            end_field="planned_end",
        )
        candidates = with_ci_ids(
            list(qs.select_related(None).only(*CHECKED_FIELDS).order_by("planned_start", "pk"))
        )
    else:
        candidates = [c for c in candidates if _overlaps(c, change)]
    if windows is None:
        windows = windows_between(start, end)
    pool = list(candidates)
    found = _conflicts([(change, list(range(len(pool))))], pool, list(windows), cache.user)
    return found[change.pk].shown if change.pk in found else []


def _overlaps(other: ChangeRequest, change: ChangeRequest) -> bool:
    """Whether ``other`` is another active change whose window overlaps ``change``'s."""
    assert change.planned_start is not None and change.planned_end is not None
    return (
        other.pk != change.pk
        and other.state in ACTIVE_STATES
        and other.planned_start is not None
        and other.planned_end is not None
        and other.planned_start < change.planned_end
        and other.planned_end > change.planned_start
    )


@dataclass(frozen=True)
class Flagged:
    """The conflicts of a change the calendar lists (the first ``shown``) and how many it
    has in all."""

    shown: list[Conflict]
    count: int


def _conflicts(
    busy: list[tuple[ChangeRequest, list[int]]],
    pool: list[ChangeRequest],
    windows: list[ChangeWindow],
    user: Any,
    shown: int | None = None,
) -> dict[int, Flagged]:
    """The conflicts of each change of ``busy`` with the other changes given with it (the
    positions in ``pool`` of those overlapping it, in order) and with ``windows``, from one
    walk of the CMDB; the changes without any are left out. Whether two changes conflict
    is a test of bits (``ReachIndex.hook``) per pair; the texts are written for the
    first ``shown`` (all with None), which is what costs on a busy calendar."""
    scope = {
        ci.pk
        for w in windows
        if w.kind == WindowKind.BLACKOUT
        for ci in w.configuration_items.all()
    }
    mine = {c.pk: ci_ids_of(c) for c, _o in busy}
    involved = set().union(*(others for _c, others in busy))
    items: list[set[int]] = [ci_ids_of(o) if j in involved else set() for j, o in enumerate(pool)]
    index = ReachIndex(user, starts=set().union(*mine.values()), among=set().union(scope, *items))
    masks = [index.mask(ids) for ids in items]
    hooks = [index.hook(ids) if ids else 0 for ids in items]
    out = {}
    for change, others in busy:
        assert change.planned_start is not None and change.planned_end is not None
        own = mine[change.pk]
        own_mask, own_hook = index.mask(own), index.hook(own)
        # The bits hold the items the user may see; one they may not is compared as ids.
        if all(i in index.names for i in own):
            related = [j for j in others if own_hook & masks[j] or own_mask & hooks[j]]
        else:
            related = [
                j
                for j in others
                if own_hook & masks[j] or own_mask & hooks[j] or not own.isdisjoint(items[j])
            ]
        start, end = change.planned_start, change.planned_end
        meets = [w for w in windows if w.start < end and w.end > start]
        if not related and not meets:
            continue
        first = related if shown is None else related[:shown]
        reach = index.reach(own, scope.union(*(items[j] for j in first)))
        found = [c for j in first for c in _between(change, pool[j], reach, index.names, items[j])]
        held = _blackouts(change, reach, meets, start, end)
        if related or held:
            listed = found + held
            out[change.pk] = Flagged(
                listed if shown is None else listed[:shown], len(related) + len(held)
            )
    return out


def calendar_conflicts(
    changes: Iterable[ChangeRequest],
    *,
    candidates: Iterable[ChangeRequest],
    blackouts: Iterable[ChangeWindow],
    user: Any,
    shown: int | None = None,
) -> dict[int, Flagged]:
    """The conflicts of each active change of ``changes`` that overlaps another active
    change of ``candidates`` or a blackout of ``blackouts`` (all loaded by the calendar,
    with their items and scopes), as ``conflicts_for`` finds them one by one, the texts of
    the first ``shown`` only and the exact count; the overlaps found from the changes
    sorted by start and the CMDB walked once for all of them, so the calendar's queries do
    not grow with its changes."""
    spans = sorted(
        (c.planned_start, c.pk, c.planned_end, c)
        for c in candidates
        if c.state in ACTIVE_STATES and c.planned_start is not None and c.planned_end is not None
    )
    active = [c for *_s, c in spans]
    starts = [start for start, *_r in spans]
    ends = [end for _s, _pk, end, _c in spans]
    pks = [pk for _s, pk, *_r in spans]
    longest = max((end - start for start, _pk, end, _c in spans), default=None)
    windows = list(blackouts)
    busy: list[tuple[ChangeRequest, list[int]]] = []
    for change in changes:
        start, end, pk = change.planned_start, change.planned_end, change.pk
        if change.state not in ACTIVE_STATES or start is None or end is None:
            continue
        lo = bisect_left(starts, start - longest) if longest is not None else 0
        hi = bisect_left(starts, end)
        others = [j for j in range(lo, hi) if ends[j] > start and pks[j] != pk]
        if others or any(w.start < end and w.end > start for w in windows):
            busy.append((change, others))
    return _conflicts(busy, active, windows, user, shown) if busy else {}


def has_blocking(conflicts: Iterable[Conflict]) -> bool:
    return any(c.blocking for c in conflicts)
