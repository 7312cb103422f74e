"""Impact analysis over the relationship graph, computed in the database with one recursive
query (``WITH RECURSIVE``) that runs unchanged on SQLite and PostgreSQL. The only SQL the
CMDB writes by hand lives here.

Which way failure travels along each kind of relationship (``A kind B``):

- ``depends_on``, ``runs_on``, ``connects_to``: from B to A. If the database B fails, the
  application A that depends on it fails; if the host B fails, the VM A running on it fails;
  if the switch B fails, the server A connected through it is cut off. ``connects_to`` is
  treated as directed (the source reaches the network through the target), not symmetric:
  a server failing does not take down its switch or the other servers on that switch.
- ``member_of``: from A to B. A member failing degrades its cluster, and through the
  cluster whatever runs on it. A cluster failing is modelled by relating the cluster itself
  (VMs ``runs_on`` the cluster).
- ``backs_up``: not followed. A backup system failing loses protection, not service.

The walk is breadth-first with a cycle guard: ``UNION`` (not ``UNION ALL``) drops repeated
``(node, hops)`` rows and ``hops < max_hops`` ends every cycle, so a node is expanded at most
once per distance. Each reached node is reported at its shortest distance with the edge
that brought it there on a shortest path (``via``, the lowest relationship id among them,
so the answer is deterministic) and ``first_edge``, the relationship leaving the start on
that path. "Depends on" runs the same walk against the flow: everything the start needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from steward.cmdb.models import SERVICE_CLASSES, ConfigurationItem, RelationKind, Relationship

FLOW_KINDS = (RelationKind.DEPENDS_ON, RelationKind.RUNS_ON, RelationKind.CONNECTS_TO)
"""Failure of the target hits the source."""
UP_KINDS = (RelationKind.MEMBER_OF,)
"""Failure of the source hits the target."""
DEFAULT_HOPS = 10
MAX_HOPS = 25

IMPACT = "impact"
DEPENDENCIES = "dependencies"


@dataclass
class Node:
    id: int
    name: str
    ci_class: str
    status: str
    criticality: int
    asset_id: int | None
    hops: int
    via: int | None = None
    """The relationship that reached this node on a shortest path."""
    parent: int | None = None
    """The node at ``hops - 1`` at the other end of ``via``."""
    via_kind: str | None = None
    first_edge: int | None = None
    """The relationship leaving the start on that path."""


@dataclass
class Graph:
    start: int
    direction: str
    max_hops: int
    nodes: list[Node] = field(default_factory=list)

    @property
    def reached(self) -> list[Node]:
        """Every node but the start."""
        return [n for n in self.nodes if n.hops > 0]

    @property
    def services(self) -> list[Node]:
        return [n for n in self.reached if n.ci_class in SERVICE_CLASSES]


def _sql(direction: str) -> str:
    rel = Relationship._meta.db_table
    ci = ConfigurationItem._meta.db_table
    # (column the walk arrives from, column it goes to) for each family of kinds.
    if direction == IMPACT:
        flow, up = ("target_id", "source_id"), ("source_id", "target_id")
    else:
        flow, up = ("source_id", "target_id"), ("target_id", "source_id")
    flow_in = ", ".join(["%s"] * len(FLOW_KINDS))
    up_in = ", ".join(["%s"] * len(UP_KINDS))
    step = (
        f"(r.{flow[0]} = {{at}} AND r.kind IN ({flow_in})) "
        f"OR (r.{up[0]} = {{at}} AND r.kind IN ({up_in}))"
    )
    next_node = f"CASE WHEN r.kind IN ({up_in}) THEN r.{up[1]} ELSE r.{flow[1]} END"
    prev_node = f"CASE WHEN r.kind IN ({up_in}) THEN r.{up[0]} ELSE r.{flow[0]} END"
    arrive = (
        f"(r.{flow[1]} = c.node AND r.kind IN ({flow_in})) "
        f"OR (r.{up[1]} = c.node AND r.kind IN ({up_in}))"
    )
    # Only table and column names from the models and placeholders are formatted in.
    return f"""
WITH RECURSIVE walk(node, hops) AS (
    SELECT CAST(%s AS BIGINT), 0
    UNION
    SELECT {next_node}, w.hops + 1
    FROM walk w JOIN {rel} r ON {step.format(at="w.node")}
    WHERE w.hops < %s
),
reached(node, hops) AS (
    SELECT node, MIN(hops) FROM walk GROUP BY node
),
via(node, rel, parent, kind, rn) AS (
    SELECT c.node, r.id, p.node, r.kind,
           ROW_NUMBER() OVER (PARTITION BY c.node ORDER BY r.id)
    FROM reached c
    JOIN {rel} r ON {arrive}
    JOIN reached p ON p.node = {prev_node} AND p.hops = c.hops - 1
    WHERE c.hops > 0
)
SELECT c.node, c.hops, v.rel, v.parent, v.kind,
       ci.name, ci.ci_class, ci.status, ci.criticality, ci.asset_id
FROM reached c
JOIN {ci} ci ON ci.id = c.node
LEFT JOIN via v ON v.node = c.node AND v.rn = 1
ORDER BY c.hops, ci.name, c.node
"""  # noqa: S608


def _params(direction: str, start: int, max_hops: int) -> list[Any]:
    flow, up = [str(k) for k in FLOW_KINDS], [str(k) for k in UP_KINDS]
    # Placeholders in the order they appear in the SQL (see ``_sql``).
    walk = [start, *up, *flow, *up, max_hops]
    via = [*flow, *up, *up]
    return [*walk, *via]


def walk(*, start: int, direction: str = IMPACT, max_hops: int = DEFAULT_HOPS) -> Graph:
    """Every item reachable from ``start`` within ``max_hops`` (the start itself at 0), in one
    query. No permission check: callers (``selectors.ci_impact``) filter what a user sees."""
    if direction not in (IMPACT, DEPENDENCIES):
        raise ValueError(direction)
    max_hops = max(0, min(int(max_hops), MAX_HOPS))
    graph = Graph(start=start, direction=direction, max_hops=max_hops)
    with connection.cursor() as cursor:
        cursor.execute(_sql(direction), _params(direction, start, max_hops))
        rows = cursor.fetchall()
    by_id: dict[int, Node] = {}
    for node, hops, via, parent, kind, name, ci_class, status, criticality, asset_id in rows:
        n = Node(node, name, ci_class, status, criticality, asset_id, hops, via, parent, kind)
        by_id[node] = n
        graph.nodes.append(n)
    for n in graph.nodes:  # ordered by hops: a parent is labelled before its children
        if n.hops == 1:
            n.first_edge = n.via
        elif n.hops > 1 and n.parent in by_id:
            n.first_edge = by_id[n.parent].first_edge
    return graph
