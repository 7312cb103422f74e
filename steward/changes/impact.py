"""What a change reaches in the CMDB, through the CMDB's impact analysis
(``steward.cmdb.selectors.ci_impact``): the items that break if the affected items go down,
the items they need, the services hit and the people affected. Risk, conflicts and the
change page all read this one summary; walks are cached per item for one computation.

Conflicts only ask whether an item of another change (or of a blackout's scope) is within
reach: ``ReachIndex`` answers that for many changes at once, walking the CMDB the way its
impact analysis does (``steward.cmdb.impact``: the same kinds followed the same way, the
same distance limit, only items the user may see reported) for all their items together,
one query per distance and direction, so a busy month costs the same few queries as a
quiet one and a change on an item with a thousand dependents no more than one with ten."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from steward.cmdb import selectors as cmdb
from steward.cmdb.impact import DEFAULT_HOPS, FLOW_KINDS, UP_KINDS

SERVICE_CLASSES = ("business_service", "technical_service")
"""The CMDB's service classes (``cmdb.models.SERVICE_CLASSES``, not importable from here)."""


@dataclass
class Reach:
    ci_ids: set[int] = field(default_factory=set)
    impact_ids: dict[int, int] = field(default_factory=dict)
    """Item reached by a failure of an affected item → that affected item."""
    dependency_ids: dict[int, int] = field(default_factory=dict)
    """Item an affected item needs → that affected item."""
    names: dict[int, str] = field(default_factory=dict)
    services: dict[int, dict[str, Any]] = field(default_factory=dict)
    people: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def related(self) -> dict[int, int]:
        return {**self.dependency_ids, **self.impact_ids}


class ReachCache:
    """Walks of the CMDB per item, kept for one page or one computation."""

    def __init__(self, user: Any, *, people: bool = False) -> None:
        self.user = user
        self.people = people
        self._walks: dict[tuple[int, str], dict[str, Any]] = {}
        self._items: dict[int, Any] = {}

    def _load(self, ids: Iterable[int]) -> None:
        missing = [i for i in ids if i not in self._items]
        if missing:
            for ci in cmdb.ci_list(user=self.user).filter(pk__in=missing):
                self._items[ci.pk] = ci

    def walk(self, ci_id: int, direction: str) -> dict[str, Any] | None:
        key = (ci_id, direction)
        if key not in self._walks:
            self._load([ci_id])
            ci = self._items.get(ci_id)
            if ci is None:
                return None
            self._walks[key] = cmdb.ci_impact(user=self.user, ci=ci, direction=direction)
        return self._walks[key]

    def reach(self, ci_ids: Iterable[int]) -> Reach:
        out = Reach(ci_ids=set(ci_ids))
        self._load(out.ci_ids)
        for ci_id in sorted(out.ci_ids):
            impact = self.walk(ci_id, "impact")
            if impact is None:
                continue
            for node in impact["nodes"]:
                out.names.setdefault(node.id, node.name)
                if node.hops > 0:
                    out.impact_ids.setdefault(node.id, ci_id)
                if node.ci_class in SERVICE_CLASSES:
                    out.services.setdefault(
                        node.id,
                        {
                            "id": node.id,
                            "name": node.name,
                            "criticality": node.criticality,
                            "hops": node.hops,
                            "through": out.names.get(ci_id, str(ci_id)),
                        },
                    )
            if self.people:
                for person in impact["people"]:
                    out.people.setdefault(person["id"], person)
            needs = self.walk(ci_id, "dependencies")
            for node in (needs or {}).get("nodes", []):
                out.names.setdefault(node.id, node.name)
                if node.hops > 0:
                    out.dependency_ids.setdefault(node.id, ci_id)
        return out


FEW = 100
"""Up to this many ids go in an ``IN`` list, which the database looks up in the indexes;
more are passed as one parameter (``id_set``), where reading the table is as fast."""


def id_set(ids: Iterable[int]) -> RawSQL:
    """A set of ids as one parameter of an ``IN``, of any size (thousands of placeholders
    cost more to send than the query takes; SQLite also limits them): an array on
    PostgreSQL, a JSON array on SQLite, as the CMDB's walk passes them."""
    text = ",".join(map(str, ids))
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(CAST(%s AS BIGINT[]))", [f"{{{text}}}"])
    return RawSQL("SELECT value FROM json_each(%s)", [f"[{text}]"])


class ReachIndex:
    """Which items of ``among`` each item of ``starts`` reaches, both ways, as the CMDB's
    impact analysis would find them walking from each start (``ReachCache.reach``), from
    breadth-first walks of all of them at once.

    Each item reached carries the set of walked items that reached it (a bit each), so it
    is read once per distance: one query per distance however many items and dependents.
    An item ``b`` is within the impact of ``a`` exactly when ``a`` is within ``b``'s needs
    at the same distance, so the walk goes from whichever side is smaller: from a few
    starts (one change being scheduled) both ways, from all items when there are many (a
    calendar, where the starts are most of the items) along their needs only, which are a
    short way up (a server, its switches, a cluster) where an impact fans out to every
    laptop using a service. ``hook`` tells whether two sets of items reach each other (a
    test of bits: what the calendar asks of every pair of overlapping changes) and
    ``reach`` gives the summary ``conflicts`` words, as far as ``among`` goes (services and
    people are left out: ``ReachCache`` has them)."""

    def __init__(self, user: Any, *, starts: Iterable[int], among: Iterable[int]) -> None:
        starts, among = set(starts), set(among)
        items = cmdb.ci_list(user=user).select_related(None).order_by()
        wanted = id_set(starts | among)
        self.names: dict[int, str] = dict(items.filter(pk__in=wanted).values_list("pk", "name"))
        # An item the user may not see is neither walked nor reported (``ReachCache``).
        self._items = sorted(self.names)
        self._bit = {item: 1 << n for n, item in enumerate(self._items)}
        self._walked = {s for s in starts if s in self._bit}
        self._needers: dict[int, int]
        """Item → the walked items (bits) that need it (each needs itself)."""
        self._hit: dict[int, int] | None = None
        """Item → the starts (bits) whose impact reaches it, when walked from the starts;
        None when walked from every item (``_needers`` then tells both ways)."""
        if len(self._walked) * 10 < len(self._bit):
            starts_bits = {s: self._bit[s] for s in self._walked}
            self._hit = self._walk(user, starts_bits, needs=False)
            self._needers = self._walk(user, starts_bits, needs=True)
        else:
            self._needers = self._walk(user, self._bit, needs=True)

    def _walk(self, user: Any, seeds: dict[int, int], *, needs: bool) -> dict[int, int]:
        """Item reached → the seeds (bits) reaching it within ``DEFAULT_HOPS`` along their
        needs or their impact, each seed reaching itself."""
        flow, up = [str(k) for k in FLOW_KINDS], [str(k) for k in UP_KINDS]
        # Every relationship, as the CMDB's walk reads them: an item the user may not see
        # still carries failure on; it is only left out of the answer. ``source kind
        # target``: the source needs the target along the flow, the cluster its members.
        rels = cmdb.relationship_list(user=user).model.objects.order_by()
        at, to = ("source_id", "target_id") if needs else ("target_id", "source_id")
        reached = dict(seeds)
        frontier = dict(seeds)
        # An item's next steps are read once: on a busy calendar the same items come back
        # at every distance with the bits of more seeds.
        following: dict[int, list[int]] = {}
        for _distance in range(DEFAULT_HOPS):
            if not frontier:
                break
            unread = [item for item in frontier if item not in following]
            if unread:
                following.update((item, []) for item in unread)
                ids: Any = unread if len(unread) <= FEW else id_set(unread)
                step = rels.filter(
                    Q(**{f"{at}__in": ids, "kind__in": flow})
                    | Q(**{f"{to}__in": ids, "kind__in": up})
                ).values_list(at, to, "kind")
                for here, there, kind in step:
                    if kind in flow:
                        following[here].append(there)
                    else:
                        following[there].append(here)
            new: dict[int, int] = {}
            for item, bits in frontier.items():
                for other in following.get(item, ()):
                    fresh = bits & ~reached.get(other, 0)
                    if fresh:
                        reached[other] = reached.get(other, 0) | fresh
                        new[other] = new.get(other, 0) | fresh
            frontier = new
        return reached

    def mask(self, ci_ids: Iterable[int]) -> int:
        """The items of ``ci_ids`` the index knows (those the user may see), as bits."""
        bits = 0
        for item in ci_ids:
            bits |= self._bit.get(item, 0)
        return bits

    def hook(self, ci_ids: Iterable[int]) -> int:
        """The items (bits) the walk found linked to any of ``ci_ids``, either way: items
        ``a`` reach an item of ``b`` (within its impact or its needs) exactly when
        ``mask(a) & hook(b) or mask(b) & hook(a)``, one test of bits for each pair of
        changes on a calendar, with no list of what reaches what per start."""
        bits = 0
        hit = self._hit or {}
        for item in ci_ids:
            bits |= self._needers.get(item, 0) | hit.get(item, 0)
        return bits

    def _impacts(self, start: int, item: int) -> bool:
        if self._hit is not None:
            return bool(self._hit.get(item, 0) & self._bit[start])
        return bool(self._needers.get(start, 0) & self._bit[item])

    def _needs(self, start: int, item: int) -> bool:
        return bool(self._needers.get(item, 0) & self._bit[start])

    def reach(self, ci_ids: Iterable[int], among: Iterable[int]) -> Reach:
        """The reach of a change on ``ci_ids`` as far as the items of ``among`` go (items
        the index was built for): each item of ``among`` within the impact or the needs of
        an affected item, with the first such affected item (by id, as ``ReachCache``)."""
        out = Reach(ci_ids=set(ci_ids))
        mine = [c for c in sorted(out.ci_ids) if c in self._walked]
        for item in among:
            if item not in self._bit:
                continue
            for found, linked in (
                (out.impact_ids, self._impacts),
                (out.dependency_ids, self._needs),
            ):
                for c in mine:
                    if c != item and linked(c, item):
                        found[item] = c
                        break
        named = out.ci_ids | set(out.impact_ids) | set(out.dependency_ids)
        out.names = {i: self.names[i] for i in named if i in self.names}
        return out
