"""What a change reaches in the CMDB, through the CMDB's impact analysis
(``steward.cmdb.selectors.ci_impact``): the items that break if the affected items go down,
the items they need, the services hit and the people affected. Risk, conflicts and the
change page all read this one summary; walks are cached per item for one computation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from steward.cmdb import selectors as cmdb

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
