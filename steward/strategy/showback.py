"""Showback (what each department costs) and total cost of ownership (what each asset and
each business service costs).

**Showback of a fiscal year** (``showback``), from a fixed number of aggregate queries
whatever the number of costs: the year's costs grouped by cost centre and category (one
``GROUP BY``), the departments with their cost centre, headcount per department, assigned
assets per department and usage per department and metric (one ``GROUP BY`` each). Then, for
each (cost centre, category) group:

- **direct**: a cost centre that departments point to (other than the default) charges its
  costs to them; several departments on one centre share it by headcount (evenly if none
  has anyone);
- **shared**: the default cost centre (IT: contracts, cloud, payroll, unassigned stock) and
  centres no department points to are allocated to every department of the organisation by
  the category's **allocation rule** of the year: by **headcount** (active employees now),
  by **assigned assets** (assets whose holder is in the department now) or by **usage**
  (the quantities of the rule's metric reported for the department in periods inside the
  year). A category without a rule goes by headcount. When nobody has a share (no usage
  reported), the amount stays **unallocated** and is shown as such.

Amounts are split in cents by the largest remainder, so the parts add up to the whole.

**Total cost of ownership of an asset** (``asset_tco``): its purchase cost, plus its share
of each contract covering it (the contract's cost split evenly over the assets it covers),
plus the seats of licences given to the device (the licence's cost / quantity bought, per
seat). Support costs are the support and maintenance contracts; licences given to people
rather than devices count in the showback of the holder's department, not here. Lifetime
figures, not per year.

**TCO of a business service** (``service_tco``): the CMDB items the service needs,
transitively (``steward.cmdb.selectors.dependency_graph``), give the assets behind them; each
asset's TCO is split evenly over the services that need it (a shared database server
counts once over all)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from steward.assets import selectors as assets
from steward.cmdb import selectors as cmdb
from steward.org import selectors as org
from steward.strategy.models import (
    AllocationRule,
    Basis,
    Category,
    CostRecord,
    FiscalYear,
    UsageRecord,
)
from steward.strategy.rollup import ZERO, money

BUSINESS_SERVICE = "business_service"


def split(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` shared in proportion to ``weights`` (keys with a positive weight), in
    cents by the largest remainder: the parts add up to ``amount`` exactly. {} if no weight
    is positive."""
    positive = {k: Decimal(w) for k, w in weights.items() if w and w > 0}
    total = sum(positive.values(), Decimal(0))
    if not positive:
        return {}
    cents = int((amount * 100).to_integral_value())
    exact = {k: cents * w / total for k, w in positive.items()}
    parts = {k: int(v) for k, v in exact.items()}
    rest = cents - sum(parts.values())
    for k in sorted(exact, key=lambda k: (parts[k] - exact[k], k))[:rest]:
        parts[k] += 1
    return {k: Decimal(v) / 100 for k, v in parts.items()}


@dataclass
class Showback:
    fiscal_year: FiscalYear
    as_of: datetime.date
    departments: list[dict[str, Any]] = field(default_factory=list)
    """Per department: id, name, cost centre, headcount, assets, direct, shared per category,
    total."""
    rules: list[dict[str, Any]] = field(default_factory=list)
    unallocated: list[dict[str, Any]] = field(default_factory=list)
    total: Decimal = ZERO
    allocated: Decimal = ZERO


def _weights(
    fiscal_year: FiscalYear, user: Any
) -> tuple[dict[int, int], dict[int, int], dict[str, dict[int, Decimal]]]:
    headcount = org.department_headcounts()
    held = (
        assets.asset_list(user=user)
        .filter(assigned_person__department__isnull=False)
        .values("assigned_person__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_assets = {r["assigned_person__department_id"]: r["n"] for r in held}
    usage: dict[str, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        UsageRecord.objects.filter(period__range=(fiscal_year.start, fiscal_year.end))
        .values("metric", "department_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    for r in rows:
        usage[r["metric"]][r["department_id"]] = Decimal(str(r["q"]))
    return headcount, by_assets, usage


def showback(*, fiscal_year: FiscalYear, user: Any, as_of: datetime.date | None = None) -> Showback:
    """The costs of ``fiscal_year`` dated up to ``as_of`` (the year's end) per department.
    ``user`` narrows the assets counted (IT and asset managers see them all)."""
    as_of = min(as_of or fiscal_year.end, fiscal_year.end)
    pools = (
        CostRecord.objects.filter(fiscal_year=fiscal_year, date__lte=as_of)
        .values("cost_centre_id", "category")
        .annotate(total=Sum("amount"))
        .order_by("cost_centre_id", "category")
    )
    departments = list(
        org.department_list_for_costs().order_by("name", "pk").values("pk", "name", "cost_center")
    )
    ids = [d["pk"] for d in departments]
    default = org.cost_center_default()
    on_centre: dict[int, list[int]] = defaultdict(list)
    for d in departments:
        if d["cost_center"] is not None:
            on_centre[d["cost_center"]].append(d["pk"])
    headcount, by_assets, usage = _weights(fiscal_year, user)
    rules = {
        r.category: r for r in AllocationRule.objects.filter(fiscal_year=fiscal_year).order_by()
    }
    labels = dict(Category.choices)

    def basis_of(category: str) -> tuple[str, str, dict[int, Decimal]]:
        rule = rules.get(category)
        basis, metric = (rule.basis, rule.metric) if rule else (Basis.HEADCOUNT.value, "")
        if basis == Basis.ASSETS:
            return basis, metric, {i: Decimal(by_assets.get(i, 0)) for i in ids}
        if basis == Basis.USAGE:
            return basis, metric, {i: usage.get(metric, {}).get(i, ZERO) for i in ids}
        return basis, metric, {i: Decimal(headcount.get(i, 0)) for i in ids}

    direct: dict[int, Decimal] = defaultdict(lambda: ZERO)
    shared: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    result = Showback(fiscal_year=fiscal_year, as_of=as_of)
    for pool in pools:
        amount, centre, category = money(pool["total"]), pool["cost_centre_id"], pool["category"]
        result.total += amount
        owners = on_centre.get(centre, [])
        if owners and (default is None or centre != default.pk):
            weights = {i: Decimal(headcount.get(i, 0)) for i in owners}
            parts = split(amount, weights) or split(amount, {i: Decimal(1) for i in owners})
            for i, part in parts.items():
                direct[i] += part
            continue
        basis, metric, weights = basis_of(category)
        parts = split(amount, weights)
        if not parts:
            result.unallocated.append(
                {"category": category, "basis": basis, "metric": metric, "amount": amount}
            )
            continue
        for i, part in parts.items():
            shared[i][category] += part
    for category in labels:
        basis, metric, _w = basis_of(category)
        result.rules.append(
            {"category": category, "name": str(labels[category]), "basis": basis, "metric": metric}
        )
    for d in departments:
        i = d["pk"]
        by_category = {c: shared[i][c] for c in labels if shared[i][c]}
        total = direct[i] + sum(by_category.values(), ZERO)
        result.allocated += total
        result.departments.append(
            {
                "department": i,
                "name": d["name"],
                "cost_centre": d["cost_center"],
                "headcount": headcount.get(i, 0),
                "assets": by_assets.get(i, 0),
                "direct": direct[i],
                "shared": by_category,
                "total": total,
            }
        )
    return result


def asset_tco(*, user: Any, asset_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Asset id -> tag, name, purchase, contracts, licences, total (see the module), for
    the assets ``user`` may see (or those of ``asset_ids``). Four queries."""
    qs = assets.asset_list(user=user)
    if asset_ids is not None:
        qs = qs.filter(pk__in=asset_ids)
    out: dict[int, dict[str, Any]] = {}
    for pk, tag, name, cost in qs.order_by().values_list(
        "pk", "asset_tag", "name", "purchase_cost"
    ):
        purchase = money(cost)
        out[pk] = {
            "asset": pk,
            "asset_tag": tag,
            "name": name,
            "purchase": purchase,
            "contracts": ZERO,
            "licences": ZERO,
        }
    contracts = (
        assets.contract_list(user=user)
        .filter(cost__isnull=False)
        .annotate(n=Count("assets"))
        .filter(n__gt=0)
        .order_by()
        .values_list("pk", "cost", "n")
    )
    share = {pk: Decimal(str(cost)) / n for pk, cost, n in contracts}
    if share:
        links = qs.filter(contracts__in=list(share)).order_by().values_list("pk", "contracts")
        for pk, contract in links:
            if pk in out:
                out[pk]["contracts"] += share[contract]
    seats = (
        qs.filter(licence_seats__licence__cost__isnull=False)
        .order_by()
        .values_list("pk", "licence_seats__licence__cost", "licence_seats__licence__quantity")
    )
    for pk, cost, quantity in seats:
        if pk in out:
            out[pk]["licences"] += Decimal(str(cost)) / max(quantity or 1, 1)
    for row in out.values():
        row["contracts"] = money(row["contracts"])
        row["licences"] = money(row["licences"])
        row["total"] = row["purchase"] + row["contracts"] + row["licences"]
    return out


def service_tco(*, user: Any) -> list[dict[str, Any]]:
    """Per business service ``user`` may see: the assets behind it and its TCO (see the
    module), largest first, in a fixed number of queries (one CMDB walk for all services)."""
    services = list(
        cmdb.ci_list(user=user)
        .filter(ci_class=BUSINESS_SERVICE)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    needs = cmdb.dependency_reach(user=user, ci_ids=[pk for pk, _name in services])
    items = set().union(*needs.values()) if needs else set()
    asset_of = dict(
        cmdb.ci_list(user=user)
        .filter(pk__in=items, asset__isnull=False)
        .order_by()
        .values_list("pk", "asset_id")
    )
    behind = {s: {asset_of[i] for i in cis if i in asset_of} for s, cis in needs.items()}
    sharing: dict[int, int] = defaultdict(int)
    for asset_ids in behind.values():
        for a in asset_ids:
            sharing[a] += 1
    tco = asset_tco(user=user, asset_ids=sorted(sharing))
    rows = []
    for pk, name in services:
        total = sum((tco[a]["total"] / sharing[a] for a in behind[pk] if a in tco), Decimal(0))
        rows.append(
            {
                "service": pk,
                "name": name,
                "items": len(needs[pk]),
                "assets": len(behind[pk]),
                "total": money(total),
            }
        )
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))
