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

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from steward.changes.impact import Reach, ReachCache
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


def _links() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch("ci_links", queryset=ChangeRequestCI.objects.order_by("configuration_item_id"))


def ci_ids_of(change: ChangeRequest) -> set[int]:
    cache = getattr(change, "_prefetched_objects_cache", {})
    if "ci_links" in cache:
        return {link.configuration_item_id for link in change.ci_links.all()}
    return set(
        ChangeRequestCI.objects.filter(change=change).values_list(
            "configuration_item_id", flat=True
        )
    )


def _between(
    change: ChangeRequest, other: ChangeRequest, reach: Reach, names: dict[int, str]
) -> list[Conflict]:
    others = ci_ids_of(other)
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
    ``candidates`` and ``windows`` let the calendar pass what it already loaded."""
    start, end = change.planned_start, change.planned_end
    if start is None or end is None:
        return []
    reach = cache.reach(ci_ids_of(change))
    if candidates is None:
        qs = overlapping(
            visible.filter(state__in=ACTIVE_STATES).exclude(pk=change.pk),
            start,
            end,
            start_field="planned_start",
            end_field="planned_end",
        )
        candidates = qs.prefetch_related(_links()).order_by("planned_start", "pk")
    else:
        candidates = [
            c
            for c in candidates
            if c.pk != change.pk
            and c.state in ACTIVE_STATES
            and c.planned_start is not None
            and c.planned_end is not None
            and c.planned_start < end
            and c.planned_end > start
        ]
    candidates = list(candidates)
    names = dict(reach.names)
    missing = {i for c in candidates for i in ci_ids_of(c)} - set(names)
    if missing:
        names.update(dict(_names(cache, missing)))
    out: list[Conflict] = []
    for other in candidates:
        out.extend(_between(change, other, reach, names))
    if windows is None:
        windows = windows_between(start, end)
    out.extend(_blackouts(change, reach, windows, start, end))
    return out


def _names(cache: ReachCache, ids: set[int]) -> Iterable[tuple[int, str]]:
    from steward.cmdb import selectors as cmdb

    return cmdb.ci_list(user=cache.user).filter(pk__in=ids).values_list("pk", "name")


def has_blocking(conflicts: Iterable[Conflict]) -> bool:
    return any(c.blocking for c in conflicts)
