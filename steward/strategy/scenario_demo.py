"""Scenario plans for the demo organisation: a growth plan (25 hires in the two largest
departments other than IT by the end of next quarter, computed from the demo's own ratios),
a ransomware recovery plan for the main business services with backup reports for
everything they need (one job stale, so its RPO is breached), and one tabletop exercise
with findings turned into actions. Deterministic (no randomness but the order of the
demo's data), idempotent (stops when the recovery plan exists)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from steward.cmdb import selectors as cmdb
from steward.core.models import User
from steward.org import selectors as org_selectors
from steward.strategy import growth
from steward.strategy.models import (
    BackupReport,
    BackupStatus,
    Exercise,
    ExerciseAction,
    RecoveryPlan,
    RecoveryScenario,
    RecoveryTarget,
)

PLAN = "Ransomware recovery"
SERVICES = {  # name: (RTO, RPO) in minutes
    "E-mail": (240, 60),
    "ERP": (480, 240),
    "Web shop": (120, 15),
}
STALE = "ERP"
"""The service whose needs' backups stopped two days ago."""


def load(*, log: Callable[[str], None], **_: Any) -> None:
    if RecoveryPlan.objects.filter(name=PLAN).exists():
        log("scenario plans already loaded")
        return
    manager = User.objects.filter(username="manager").first()
    internal = org_selectors.internal_organisation()
    if manager is None or internal is None:
        log("no demo organisation: load the org demo first")
        return
    people = list(
        org_selectors.active_employees(internal).select_related("department").order_by("pk")
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    plan_count = _growth(manager, people, now.date())
    reports = _recovery(manager, people, now)
    log(f"{plan_count} growth plan, 1 recovery plan with {reports} backup reports, 1 exercise")


def _quarter_end(today: datetime.date) -> datetime.date:
    quarter = (today.month - 1) // 3 + 1
    year, first = (today.year + 1, 1) if quarter == 4 else (today.year, quarter * 3 + 1)
    nxt = first + 3
    end = datetime.date(year + (nxt > 12), (nxt - 1) % 12 + 1, 1)
    return end - datetime.timedelta(days=1)


def _growth(manager: Any, people: list[Any], today: datetime.date) -> int:
    sizes = Counter(p.department for p in people if p.department is not None)
    departments = [d for d, _n in sizes.most_common() if "Information" not in d.name][:2]
    if len(departments) < 2:
        return 0
    growth.growth_plan_save(
        actor=manager,
        data={
            "name": "Sales and operations growth next quarter",
            "target_date": _quarter_end(today),
            "notes": "The board's plan: 15 sellers and 10 in operations for the new region.",
        },
        hires=[
            {"department": departments[0], "count": 15},
            {"department": departments[1], "count": 10},
        ],
        plan=None,
    )
    return 1


def _recovery(manager: Any, people: list[Any], now: datetime.datetime) -> int:
    services = cmdb.ci_by_names(SERVICES)
    owner = next((p for p in people if p.department and "Information" in p.department.name), None)
    plan = RecoveryPlan.objects.create(
        name=PLAN,
        scenario=RecoveryScenario.RANSOMWARE,
        owner=owner,
        description=(
            "Isolate, restore from the offline copies, bring the platform back in the order "
            "below, then the services by their RTO."
        ),
    )
    for name, (rto, rpo) in SERVICES.items():
        if name in services:
            RecoveryTarget.objects.create(
                plan=plan, service=services[name], rto_minutes=rto, rpo_minutes=rpo
            )
    stale = set()
    if STALE in services:
        stale = set(cmdb.dependency_graph(user=manager, ci_ids=[services[STALE].pk])["nodes"])
        stale.discard(services[STALE].pk)
    graph = cmdb.dependency_graph(user=manager, ci_ids=[s.pk for s in services.values()])
    wanted = [
        n
        for n in graph["nodes"].values()
        if n["ci_class"] in ("database", "server", "virtual_machine", "application")
    ]
    stale_one = next(
        (n["id"] for n in sorted(wanted, key=lambda n: n["name"]) if n["id"] in stale), None
    )
    reports = []
    for node in sorted(wanted, key=lambda n: n["id"]):
        for day in range(7):
            finished = now - datetime.timedelta(days=day, minutes=10)
            if node["id"] == stale_one:
                finished -= datetime.timedelta(days=2)
            reports.append(
                BackupReport(
                    configuration_item_id=node["id"],
                    job=f"nightly-{node['ci_class']}",
                    finished_at=finished,
                    status=BackupStatus.FAILED
                    if node["id"] == stale_one and day == 0
                    else BackupStatus.SUCCESS,
                    size_bytes=(node["id"] % 50 + 1) * 1_000_000_000,
                )
            )
    BackupReport.objects.bulk_create(reports)
    exercise = Exercise.objects.create(
        name="Ransomware tabletop",
        held_on=(now - datetime.timedelta(days=30)).date(),
        plan=plan,
        participants="IT manager, service-desk lead, database and network administrators",
        summary="Walked through an encrypted ERP database on a Monday morning.",
    )
    lead = owner
    for finding, action, days, done in (
        (
            "Nobody knew where the offline backup keys are kept.",
            "Store the restore keys in the sealed safe and list who may open it",
            14,
            True,
        ),
        (
            "The ERP restore was never timed; the RTO is a guess.",
            "Time a full ERP restore on the test cluster",
            30,
            False,
        ),
        (
            "Customers were not told for hours in the scenario.",
            "Prepare status-page and mail templates for a major outage",
            21,
            False,
        ),
    ):
        ExerciseAction.objects.create(
            exercise=exercise,
            finding=finding,
            action=action,
            owner=lead,
            due=exercise.held_on + datetime.timedelta(days=days),
            done=done,
        )
    return len(reports)
