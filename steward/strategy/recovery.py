"""The cyber-attack / disaster scenario: the order to bring configuration items back in,
backup status per item and RPO breaches, and the backup reports that feed them.

**Recovery order.** The plan's services and everything they need (``cmdb.selectors.
dependency_graph``: depends on, runs on, connects to; a cluster needs its members) form a
graph; an item comes back after everything it needs. Items that need each other (a cycle)
cannot be ordered among themselves: they form one step, reported as a cycle, to be brought
back together; the steps between them are still ordered (Tarjan's strongly connected
components, then Kahn's order of the condensed graph, ties by criticality then name).
A fixed number of queries whatever the size of the graph.

**RPO breach.** An item's RPO is the smallest RPO of the plan's services that need it
(directly or not). It is breached when its last successful backup finished longer ago than
that, or when it has backup reports but none succeeded. Items with no report at all are
shown as "no backup reported" (many need none: switches, stateless hosts).
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from steward.cmdb import selectors as cmdb
from steward.core import permissions
from steward.strategy.models import BackupReport, BackupStatus, RecoveryPlan, RecoveryTarget


def _components(nodes: Iterable[int], needs: dict[int, list[int]]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative: no recursion limit)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(needs.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(needs.get(child, ()))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                out.append(group)
    return out


def order(
    nodes: dict[int, dict[str, Any]], edges: Iterable[tuple[int, int]]
) -> list[dict[str, Any]]:
    """Steps of recovery: each ``{"step": n, "items": [ids], "cycle": bool}``, every item
    after all it needs. ``edges`` are ``(needer, needed)``."""
    needs: dict[int, list[int]] = {}
    for needer, needed in edges:
        if needer != needed:
            needs.setdefault(needer, []).append(needed)
    self_loops = {a for a, b in edges if a == b}

    def rank(i: int) -> tuple[int, str, int]:
        n = nodes[i]
        return (-int(n.get("criticality") or 0), str(n.get("name", "")), i)

    groups = _components(sorted(nodes, key=rank), needs)
    group_of = {member: g for g, members in enumerate(groups) for member in members}
    waiting = [0] * len(groups)  # what each group still needs
    needed_by: dict[int, set[int]] = {}
    for needer, targets in needs.items():
        for needed in targets:
            a, b = group_of[needer], group_of[needed]
            if a != b and a not in needed_by.setdefault(b, set()):
                needed_by[b].add(a)
                waiting[a] += 1
    keys = [min(rank(m) for m in members) for members in groups]
    ready = [(keys[g], g) for g in range(len(groups)) if waiting[g] == 0]
    heapq.heapify(ready)
    steps = []
    while ready:
        _, g = heapq.heappop(ready)
        members = sorted(groups[g], key=rank)
        steps.append(
            {
                "step": len(steps) + 1,
                "items": members,
                "cycle": len(members) > 1 or members[0] in self_loops,
            }
        )
        for other in needed_by.get(g, ()):
            waiting[other] -= 1
            if waiting[other] == 0:
                heapq.heappush(ready, (keys[other], other))
    return steps


def _reached_from(start: int, needs: dict[int, list[int]]) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in needs.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def backup_status(ci_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per item: the last successful backup and the last report's time. One query."""
    ids = list(ci_ids)
    if not ids:
        return {}
    rows = (
        BackupReport.objects.filter(configuration_item_id__in=ids)
        .order_by()
        .values("configuration_item_id")
        .annotate(
            last_success=Max("finished_at", filter=Q(status=BackupStatus.SUCCESS)),
            last_report=Max("finished_at"),
        )
    )
    return {r["configuration_item_id"]: r for r in rows}


def plan_recovery(
    *, plan: RecoveryPlan, user: Any, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The plan's recovery order with each item's backup status and RPO flag. Six queries
    whatever the size of the graph."""
    now = now or timezone.now()
    targets = list(RecoveryTarget.objects.filter(plan=plan).order_by("rto_minutes", "pk"))
    graph = cmdb.dependency_graph(user=user, ci_ids=[t.service_id for t in targets])
    nodes = graph["nodes"]
    edges = [(a, b) for a, b, _kind in graph["needs"]]
    needs: dict[int, list[int]] = {}
    for a, b in edges:
        needs.setdefault(a, []).append(b)
    rpo: dict[int, int] = {}
    for target in targets:
        if target.service_id not in nodes:
            continue
        for ci in _reached_from(target.service_id, needs):
            rpo[ci] = min(rpo.get(ci, target.rpo_minutes), target.rpo_minutes)
    backups = backup_status(nodes)
    steps = order(nodes, edges)
    breaches = 0
    for step in steps:
        rows = []
        for ci in step["items"]:
            b = backups.get(ci)
            limit = rpo.get(ci)
            last = b["last_success"] if b else None
            age = None if last is None else int((now - last).total_seconds() // 60)
            if b is None:
                state = "none"
            elif last is None or (limit is not None and age is not None and age > limit):
                state = "breach"
            else:
                state = "ok"
            breaches += state == "breach"
            rows.append(
                {
                    **nodes[ci],
                    "rpo_minutes": limit,
                    "last_success": last,
                    "last_report": b["last_report"] if b else None,
                    "age_minutes": age,
                    "backup": state,
                    "needs": sorted(nodes[i]["name"] for i in needs.get(ci, [])),
                }
            )
        step["items"] = rows
    return {
        "targets": [
            {
                "service": t.service_id,
                "name": nodes[t.service_id]["name"] if t.service_id in nodes else "",
                "rto_minutes": t.rto_minutes,
                "rpo_minutes": t.rpo_minutes,
            }
            for t in targets
        ],
        "steps": steps,
        "cycles": [s for s in steps if s["cycle"]],
        "breaches": breaches,
        "computed_at": now,
    }


@transaction.atomic
def backup_report_record(*, actor: Any, data: dict[str, Any]) -> tuple[BackupReport, bool]:
    """Record one backup run; the same (item, job, finished at) again returns the row already
    stored, unchanged (``created`` False). Raises PermissionDenied for who may not add."""
    permissions.ensure(actor, "add", BackupReport)
    key = {
        "configuration_item": data["configuration_item"],
        "job": data["job"],
        "finished_at": data["finished_at"],
    }
    found = BackupReport.objects.filter(**key).first()
    if found is not None:
        return found, False
    report = BackupReport(**data)
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # sent twice at once
        return BackupReport.objects.get(**key), False
    return report, True
