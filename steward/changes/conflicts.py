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

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from steward.changes.impact import Reach, ReachCache, ReachIndex
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


def links() -> Prefetch:  # type: ignore[type-arg]
    """The affected items of changes loaded together (what ``ci_ids_of`` reads)."""
    only = ChangeRequestCI.objects.only("change", "configuration_item")
    return Prefetch("ci_links", queryset=only.order_by("configuration_item_id"))


def ci_ids_of(change: ChangeRequest) -> set[int]:
    cache = getattr(change, "_prefetched_objects_cache", {})
    if "ci_links" in cache:
        return {link.configuration_item_id for link in cache["ci_links"]}
    return set(
        ChangeRequestCI.objects.filter(change=change).values_list(
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
        candidates = qs.prefetch_related(links()).order_by("planned_start", "pk")
    else:
        candidates = [c for c in candidates if _overlaps(c, change)]
    if windows is None:
        windows = windows_between(start, end)
    found = _conflicts([(change, list(candidates))], list(windows), cache.user)
    return found[change.pk]


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


def _conflicts(
    busy: list[tuple[ChangeRequest, list[ChangeRequest]]],
    windows: list[ChangeWindow],
    user: Any,
) -> dict[int, list[Conflict]]:
    """The conflicts of each change of ``busy`` with the other changes given with it (those
    overlapping it, in order) and with ``windows``, from one walk of the CMDB."""
    scope = {
        ci.pk
        for w in windows
        if w.kind == WindowKind.BLACKOUT
        for ci in w.configuration_items.all()
    }
    mine = {c.pk: ci_ids_of(c) for c, _o in busy}
    items: dict[int, set[int]] = {}
    for _c, others in busy:
        for o in others:
            if o.pk not in items:
                items[o.pk] = ci_ids_of(o)
    others_of = {c.pk: set().union(*(items[o.pk] for o in others)) for c, others in busy}
    index = ReachIndex(
        user,
        starts=set().union(*mine.values()),
        among=set().union(scope, *others_of.values()),
    )
    out = {}
    for change, others in busy:
        assert change.planned_start is not None and change.planned_end is not None
        reach = index.reach(mine[change.pk], others_of[change.pk] | scope)
        found: list[Conflict] = []
        for other in others:
            found.extend(_between(change, other, reach, index.names, items[other.pk]))
        found.extend(_blackouts(change, reach, windows, change.planned_start, change.planned_end))
        out[change.pk] = found
    return out


def calendar_conflicts(
    changes: Iterable[ChangeRequest],
    *,
    candidates: Iterable[ChangeRequest],
    blackouts: Iterable[ChangeWindow],
    user: Any,
) -> dict[int, list[Conflict]]:
    """The conflicts of each active change of ``changes`` that overlaps another active
    change of ``candidates`` or a blackout of ``blackouts`` (all loaded by the calendar,
    with their items and scopes), as ``conflicts_for`` finds them one by one; the overlaps
    found from the changes sorted by start and the CMDB walked once for all of them, so
    the calendar's queries do not grow with its changes."""
    spans = sorted(
        (c.planned_start, c.pk, c.planned_end, c)
        for c in candidates
        if c.state in ACTIVE_STATES and c.planned_start is not None and c.planned_end is not None
    )
    active = [c for *_s, c in spans]
    starts = [start for start, *_r in spans]
    longest = max((end - start for start, _pk, end, _c in spans), default=None)
    windows = list(blackouts)
    busy: list[tuple[ChangeRequest, list[ChangeRequest]]] = []
    for change in changes:
        start, end = change.planned_start, change.planned_end
        if change.state not in ACTIVE_STATES or start is None or end is None:
            continue
        lo = bisect_left(starts, start - longest) if longest is not None else 0
        others = [o for o in active[lo : bisect_left(starts, end)] if _overlaps(o, change)]
        if others or any(w.start < end and w.end > start for w in windows):
            busy.append((change, others))
    return _conflicts(busy, windows, user) if busy else {}


def has_blocking(conflicts: Iterable[Conflict]) -> bool:
    return any(c.blocking for c in conflicts)
