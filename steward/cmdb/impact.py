"""Impact analysis over the relationship graph: a breadth-first walk in the database, one
query per distance, that runs on SQLite and PostgreSQL. The only SQL the CMDB writes by hand
lives here.

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

Each step reads every relationship leaving the items first reached at the previous distance
and keeps the items not reached yet, so an item is expanded once and cycles end. (A single
``WITH RECURSIVE`` query, the first version, can only deduplicate ``(node, hops)`` rows: it
expands an item again for every longer walk reaching it, 4.7 times the rows for a core
switch of a 100,000-item estate, see bench/cmdb/impact.py.) Each reached node is reported at
its shortest distance with the edge that brought it there on a shortest path (``via``, the
lowest relationship id among them, so the answer is deterministic) and ``first_edge``, the
relationship leaving the start on that path. "Depends on" runs the same walk against the
flow: everything the start needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction

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


def _ids(ids: Iterable[int]) -> str:
    """A set of ids as one text parameter of any size (quoting each id is slower): an array
    literal on PostgreSQL, a JSON array on SQLite."""
    text = ",".join(map(str, ids))
    return f"{{{text}}}" if connection.vendor == "postgresql" else f"[{text}]"


def _step_sql(direction: str) -> str:
    """Relationships leaving the frontier along the flow to items not reached yet, as
    ``(id, from, to, kind)``. Parameters: the frontier and the items reached (``_ids``), then
    the kinds of each family."""
    rel = Relationship._meta.db_table
    # (column the walk arrives from, column it goes to) for each family of kinds.
    if direction == IMPACT:
        families = (("target_id", "source_id", FLOW_KINDS), ("source_id", "target_id", UP_KINDS))
    else:
        families = (("source_id", "target_id", FLOW_KINDS), ("target_id", "source_id", UP_KINDS))
    postgresql = connection.vendor == "postgresql"
    branches = []
    for at, to, kinds in families:
        pick = f"SELECT id, {at} AS a, {to} AS b, kind FROM {rel} WHERE "  # noqa: S608
        kinds_in = ", ".join(["%s"] * len(kinds))
        if postgresql:
            # A nested loop of index look-ups whatever the estimates: most of a large frontier
            # are leaves (laptops, sensors) that no statistics tell apart, and a misestimate
            # there made PostgreSQL read the whole table.
            branches.append(
                f"SELECT r.* FROM frontier CROSS JOIN LATERAL ({pick}{at} = frontier.id "  # noqa: S608
                f"AND kind IN ({kinds_in}) OFFSET 0) AS r"
            )
        else:
            branches.append(f"{pick}{at} IN (SELECT id FROM frontier) AND kind IN ({kinds_in})")  # noqa: S608
    if postgresql:
        sets = "SELECT unnest(CAST(%s AS BIGINT[]))"
        new = "NOT EXISTS (SELECT 1 FROM seen WHERE seen.id = e.b)"  # a hashed anti-join
    else:
        sets = "SELECT value FROM json_each(%s)"
        new = "e.b NOT IN (SELECT id FROM seen)"
    # Only table and column names from the models and placeholders are formatted in.
    return (
        f"WITH frontier(id) AS ({sets}), seen(id) AS ({sets}) "  # noqa: S608
        f"SELECT e.* FROM ({' UNION ALL '.join(branches)}) AS e WHERE {new}"
    )


def walk(*, start: int, direction: str = IMPACT, max_hops: int = DEFAULT_HOPS) -> Graph:
    """Every item reachable from ``start`` within ``max_hops`` (the start itself at 0), ordered
    by distance then name. No permission check: callers (``selectors.ci_impact``) filter what
    a user sees. Raises ValueError on an unknown direction."""
    if direction not in (IMPACT, DEPENDENCIES):
        raise ValueError(direction)
    max_hops = max(0, min(int(max_hops), MAX_HOPS))
    graph = Graph(start=start, direction=direction, max_hops=max_hops)
    hops = {start: 0}
    arrived: dict[int, tuple[int, int, str]] = {}  # node: (via, parent, kind)
    frontier = [start]
    sql, kinds = _step_sql(direction), [str(k) for k in (*FLOW_KINDS, *UP_KINDS)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each step is a few milliseconds of index look-ups; JIT compiling its plan (the
            # estimates of a large frontier pass the threshold) took 60 ms.
            cursor.execute("SET LOCAL jit = off")
        for distance in range(1, max_hops + 1):
            if not frontier:
                break
            reached: dict[int, tuple[int, int, str]] = {}
            cursor.execute(sql, [_ids(frontier), _ids(hops), *kinds])
            for rel, parent, node, kind in cursor.fetchall():
                if node not in reached or rel < reached[node][0]:
                    reached[node] = (rel, parent, kind)
            for node in reached:
                hops[node] = distance
            arrived.update(reached)
            frontier = list(reached)
        ci = ConfigurationItem._meta.db_table
        among = (
            "= ANY(CAST(%s AS BIGINT[]))"
            if connection.vendor == "postgresql"
            else "IN (SELECT value FROM json_each(%s))"
        )
        cursor.execute(
            f"SELECT id, name, ci_class, status, criticality, asset_id FROM {ci} "  # noqa: S608
            f"WHERE id {among} ORDER BY name, id",
            [_ids(hops)],
        )
        rows = cursor.fetchall()
    rows.sort(key=lambda row: hops[row[0]])  # stable: by name within a distance
    by_id: dict[int, Node] = {}
    for node, name, ci_class, status, criticality, asset_id in rows:
        via, parent, kind = arrived.get(node, (None, None, None))
        n = Node(node, name, ci_class, status, criticality, asset_id, hops[node], via, parent, kind)
        if n.hops == 1:
            n.first_edge = n.via
        elif n.hops > 1 and n.parent in by_id:  # a parent is labelled before its children
            n.first_edge = by_id[n.parent].first_edge
        graph.nodes.append(n)
        by_id[node] = n
    return graph
