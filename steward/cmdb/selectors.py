"""Reads of the CMDB, always through ``permissions.restrict``: lists, one item with its
relationships, the neighbourhood the service map draws, open incidents per item. Other apps
(assets, service desk, discovery) read configuration items through these functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from steward.cmdb.models import REVERSE_LABELS, ConfigurationItem, RelationKind, Relationship
from steward.core import permissions
from steward.core.validation import is_id

LIST_RELATED = ("organisation", "owner_team", "owner", "asset")


def ci_list(*, user: Any) -> QuerySet[ConfigurationItem]:
    return permissions.restrict(ConfigurationItem.objects.select_related(*LIST_RELATED), user)


def ci_get(*, user: Any, pk: Any) -> ConfigurationItem | None:
    """One item ``user`` may see, or None (unknown, malformed and hidden alike)."""
    if not is_id(pk):
        return None
    return ci_list(user=user).filter(pk=pk).first()


def ci_of_asset(*, user: Any, asset_id: int) -> ConfigurationItem | None:
    """The configuration item linked to an asset of the assets app, if ``user`` may see it."""
    return ci_list(user=user).filter(asset_id=asset_id).first()


def relationship_list(*, user: Any) -> QuerySet[Relationship]:
    return permissions.restrict(
        Relationship.objects.select_related("source", "target"), user, "view"
    )


def relationships_of(*, ci: ConfigurationItem, user: Any) -> list[dict[str, Any]]:
    """The item's relationships as read from its side: "runs on host-1", "used by ERP"."""
    rels = relationship_list(user=user).filter(Q(source=ci) | Q(target=ci))
    visible = set(ci_list(user=user).values_list("pk", flat=True)) if _narrowed(user) else None
    out = []
    for rel in rels.order_by("kind", "pk"):
        outgoing = rel.source_id == ci.pk
        other = rel.target if outgoing else rel.source
        if visible is not None and other.pk not in visible:
            continue
        label = RelationKind(rel.kind).label if outgoing else REVERSE_LABELS[rel.kind]
        out.append({"relationship": rel, "label": label, "other": other, "outgoing": outgoing})
    return out


def _narrowed(user: Any) -> bool:
    """Whether ``user`` sees fewer than all items (a customer contact: only their own)."""
    everything = ConfigurationItem.objects.all()
    return permissions.restrict(everything, user) is not everything


def visible_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """The subset of ``ids`` that ``user`` may see; no query for users who see all."""
    ids = set(ids)
    if not ids:
        return ids
    everything = ConfigurationItem.objects.all()
    allowed = permissions.restrict(everything, user)
    if allowed is everything:
        return ids
    return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))


def open_incident_counts(*, user: Any, ci_ids: Iterable[int]) -> dict[int, int]:
    """Open service-desk incidents per item (those ``user`` may see), one query."""
    from steward.servicedesk import selectors as sd_selectors

    ids = list(ci_ids)
    if not ids:
        return {}
    rows = (
        sd_selectors.ticket_list(user, open=True, kind="incident", configuration_item_id__in=ids)
        .order_by()
        .values_list("configuration_item_id", flat=True)
    )
    return dict(Counter(rows))


def neighbourhood(*, user: Any, ci: ConfigurationItem, limit: int = 200) -> dict[str, Any]:
    """The item, its direct neighbours and the edges between them, as the service map
    draws them (Cytoscape's ``elements``), with each node's status and open incidents.
    Three queries whatever the number of neighbours; at most ``limit`` edges."""
    rels = list(
        relationship_list(user=user)
        .filter(Q(source=ci) | Q(target=ci))
        .order_by("kind", "pk")[: limit + 1]
    )
    truncated = len(rels) > limit
    rels = rels[:limit]
    nodes: dict[int, ConfigurationItem] = {ci.pk: ci}
    for rel in rels:
        nodes.setdefault(rel.source_id, rel.source)
        nodes.setdefault(rel.target_id, rel.target)
    allowed = visible_ids(user, nodes)
    incidents = open_incident_counts(user=user, ci_ids=allowed)
    return {
        "root": ci.pk,
        "truncated": truncated,
        "nodes": [node_json(n, incidents.get(n.pk, 0)) for pk, n in nodes.items() if pk in allowed],
        "edges": [
            {
                "id": rel.pk,
                "source": rel.source_id,
                "target": rel.target_id,
                "kind": rel.kind,
                "label": str(RelationKind(rel.kind).label),
            }
            for rel in rels
            if rel.source_id in allowed and rel.target_id in allowed
        ],
    }


def node_json(ci: ConfigurationItem, open_incidents: int) -> dict[str, Any]:
    return {
        "id": ci.pk,
        "name": ci.name,
        "ci_class": ci.ci_class,
        "class_label": str(ci.get_ci_class_display()),
        "status": ci.status,
        "criticality": ci.criticality,
        "open_incidents": open_incidents,
    }


CHUNK = 5000
"""Ids per ``IN (...)`` list: SQLite takes at most 32,766 parameters in a statement."""


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def ci_impact(
    *, user: Any, ci: ConfigurationItem, direction: str = "impact", max_hops: int | None = None
) -> dict[str, Any]:
    """What breaks if ``ci`` goes down (``direction="impact"``) or everything it needs
    (``"dependencies"``), within ``max_hops``: the items reached with their distance, the
    services among them and the people affected, each restricted to what ``user`` may see.

    People affected are, documented and simple: whoever holds an asset linked to the item
    or to an item reached (a laptop's user, through the assets app's selectors), and the
    requesters of open service-desk tickets about any of them (they are waiting on it)."""
    from steward.cmdb import impact

    graph = impact.walk(
        start=ci.pk,
        direction=direction,
        max_hops=impact.DEFAULT_HOPS if max_hops is None else max_hops,
    )
    allowed = visible_ids(user, (n.id for n in graph.nodes))
    nodes = [n for n in graph.nodes if n.id in allowed]
    people = _people_affected(user, nodes) if direction == impact.IMPACT else []
    return {"graph": graph, "nodes": nodes, "people": people}


def _people_affected(user: Any, nodes: list[Any]) -> list[dict[str, Any]]:
    from steward.assets import selectors as asset_selectors
    from steward.servicedesk import selectors as sd_selectors

    people: dict[int, dict[str, Any]] = {}

    def add(person: Any, reason: str) -> None:
        entry = people.setdefault(
            person.pk,
            {"id": person.pk, "name": str(person), "email": person.email, "reasons": []},
        )
        if reason not in entry["reasons"] and len(entry["reasons"]) < 5:
            entry["reasons"].append(reason)

    by_asset = {n.asset_id: n for n in nodes if n.asset_id}
    for ids in _chunks(sorted(by_asset)):
        held = asset_selectors.asset_list(user=user).filter(
            pk__in=ids, assigned_person__isnull=False
        )
        for asset in held:
            add(
                asset.assigned_person,
                _("holds %(asset)s (%(ci)s)") % {"asset": asset, "ci": by_asset[asset.pk].name},
            )
    for ids in _chunks(sorted(n.id for n in nodes)):
        tickets = sd_selectors.ticket_list(user, open=True, configuration_item_id__in=ids)
        for ticket in tickets.order_by("pk"):
            add(ticket.requester, _("reported %(ticket)s") % {"ticket": ticket})
    return sorted(people.values(), key=lambda p: p["name"].lower())


def dependency_graph(*, user: Any, ci_ids: Iterable[int]) -> dict[str, Any]:
    """Everything the items ``ci_ids`` need, transitively, as ``nodes`` (id → id, name,
    class, criticality) and ``needs`` edges ``(needer, needed, kind)``, in three queries
    whatever the size of the graph (one recursive query walks it): the same directions as
    ``impact`` (``A depends_on/runs_on/connects_to B``: A needs B; ``A member_of B``: the
    cluster B needs its member A; ``backs_up`` is not followed). Cycles end the walk (each
    item is reached once). Items ``user`` may not see are left out, with their edges."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    from steward.cmdb.impact import FLOW_KINDS, UP_KINDS

    starts = sorted({int(i) for i in ci_ids})
    if not starts:
        return {"nodes": {}, "needs": []}
    rel = Relationship._meta.db_table
    flow = ", ".join(["%s"] * len(FLOW_KINDS))
    up = ", ".join(["%s"] * len(UP_KINDS))
    seeds = " UNION ".join(["SELECT CAST(%s AS BIGINT)"] * len(starts))
    # Only table names from the models and placeholders are formatted in.
    reach = (
        f"WITH RECURSIVE reach(id) AS ({seeds} UNION "  # noqa: S608
        f"SELECT CASE WHEN r.kind IN ({flow}) THEN r.target_id ELSE r.source_id END "
        f"FROM {rel} r JOIN reach ON (r.kind IN ({flow}) AND r.source_id = reach.id) "
        f"OR (r.kind IN ({up}) AND r.target_id = reach.id)) "
    )
    params = [*starts, *FLOW_KINDS, *FLOW_KINDS, *UP_KINDS]
    with connection.cursor() as cursor:
        cursor.execute(
            reach + f"SELECT r.source_id, r.target_id, r.kind FROM {rel} r "  # noqa: S608
            f"WHERE r.source_id IN (SELECT id FROM reach) AND r.kind IN ({flow}, {up}) "
            f"AND r.target_id IN (SELECT id FROM reach) ORDER BY r.id",
            [*params, *FLOW_KINDS, *UP_KINDS],
        )
        edges = cursor.fetchall()
        cursor.execute(reach + "SELECT id FROM reach", params)  # noqa: S608
        ids = {row[0] for row in cursor.fetchall()}
    ids = visible_ids(user, ids)
    nodes = {
        row["pk"]: {"id": row["pk"], **{k: v for k, v in row.items() if k != "pk"}}
        for row in ConfigurationItem.objects.filter(
            pk__in=RawSQL(reach + "SELECT id FROM reach", params)  # noqa: S608, S611
        ).values("pk", "name", "ci_class", "criticality", "status")
        if row["pk"] in ids
    }
    needs = []
    for source, target, kind in edges:
        needer, needed = (source, target) if kind in FLOW_KINDS else (target, source)
        if needer in nodes and needed in nodes:
            needs.append((needer, needed, kind))
    return {"nodes": nodes, "needs": needs}


def dependency_reach(*, user: Any, ci_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of ``ci_ids``, the items it needs transitively (itself included) that
    ``user`` may see, walked as ``dependency_graph`` walks them, for all the starts in one
    recursive query (each row carries its start): for lists that need the reach of every
    item they show."""
    from django.db import connection

    from steward.cmdb.impact import FLOW_KINDS, UP_KINDS

    starts = sorted({int(i) for i in ci_ids})
    if not starts:
        return {}
    rel = Relationship._meta.db_table
    flow = ", ".join(["%s"] * len(FLOW_KINDS))
    up = ", ".join(["%s"] * len(UP_KINDS))
    seeds = " UNION ".join(["SELECT CAST(%s AS BIGINT), CAST(%s AS BIGINT)"] * len(starts))
    # Only the table name from the model and placeholders are formatted in.
    sql = (
        f"WITH RECURSIVE reach(start, id) AS ({seeds} UNION "  # noqa: S608
        f"SELECT reach.start, CASE WHEN r.kind IN ({flow}) THEN r.target_id ELSE r.source_id END "
        f"FROM {rel} r JOIN reach ON (r.kind IN ({flow}) AND r.source_id = reach.id) "
        f"OR (r.kind IN ({up}) AND r.target_id = reach.id)) SELECT start, id FROM reach"
    )
    params = [x for start in starts for x in (start, start)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *FLOW_KINDS, *FLOW_KINDS, *UP_KINDS])
        rows = cursor.fetchall()
    visible = visible_ids(user, {item for _start, item in rows})
    out: dict[int, set[int]] = {start: set() for start in starts}
    for start, item in rows:
        if item in visible:
            out[start].add(item)
    return out


def ci_by_names(names: Iterable[str]) -> dict[str, ConfigurationItem]:
    """Items by exact name (as the system: for other apps' demo data and imports)."""
    return {ci.name: ci for ci in ConfigurationItem.objects.filter(name__in=list(names))}
