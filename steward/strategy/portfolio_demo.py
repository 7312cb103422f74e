"""Goals and the portfolio of the demo organisation: four business goals, the IT goals that
serve them with key results and a few months of check-ins, and ten projects across phases
(dates around today) with milestones, people of IT allocated (two of them over 100 % for a
while), links to business services and recent changes, budget lines of the current year and,
for the ERP upgrade, the consulting costs booked for it. Fixed data, idempotent (stops when
the first business goal exists)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from steward.changes import selectors as changes_selectors
from steward.cmdb import selectors as cmdb_selectors
from steward.org import selectors as org_selectors
from steward.strategy.models import (
    Allocation,
    BudgetLine,
    BusinessGoal,
    CheckIn,
    CostRecord,
    ITGoal,
    KeyResult,
    Milestone,
    Project,
)

# business goal -> IT goals -> key results (name, metric, unit, start, target, now)
GOALS: list[tuple[str, str, list[tuple[str, list[tuple[str, str, str, int, int, int]]]]]] = [
    (
        "Grow online revenue by 25 %",
        "Sell more through the web shop and partners without adding sales staff.",
        [
            (
                "Web shop always on, always fast",
                [
                    ("Web shop availability", "monthly availability", "%", 99, 100, 99),
                    ("Checkout page p95", "95th percentile load time", "ms", 1800, 600, 1100),
                ],
            ),
            (
                "Partners order through the API",
                [("Partner API orders", "share of partner orders via API", "%", 10, 60, 34)],
            ),
        ],
    ),
    (
        "Run the company on fewer, better systems",
        "Retire duplicate tools and move finance and logistics onto one ERP.",
        [
            (
                "Consolidate onto the new ERP",
                [
                    ("Legacy applications retired", "applications retired", "apps", 0, 12, 5),
                    ("Month-end close", "working days to close", "days", 9, 4, 7),
                ],
            ),
        ],
    ),
    (
        "Protect the business from cyber attack",
        "Customers and auditors trust us with their data; an attack must not stop the business.",
        [
            (
                "Every login protected by MFA",
                [("Accounts with MFA", "share of accounts enrolled", "%", 42, 100, 88)],
            ),
            (
                "Recover critical services within four hours",
                [
                    (
                        "Services with a tested recovery",
                        "critical services tested",
                        "services",
                        0,
                        6,
                        2,
                    ),
                    ("Backups verified", "share of backups restore-tested", "%", 20, 95, 61),
                ],
            ),
        ],
    ),
    (
        "Be a great place to work",
        "People get what they need to do their job on their first day and keep working anywhere.",
        [
            (
                "Fast, friendly IT for every employee",
                [
                    ("First-day readiness", "new starters with a ready laptop", "%", 70, 100, 93),
                    ("Satisfaction", "service-desk survey score", "/5", 3, 5, 4),
                ],
            ),
        ],
    ),
]

# name, kind, IT goal index, phase, status, health, reason, months from now (start, end),
# started, budget, services, budget category
PROJECTS: list[tuple[Any, ...]] = [
    (
        "Web shop replatforming",
        "project",
        0,
        "execution",
        "active",
        "amber",
        "Payment provider integration two weeks late.",
        (-5, 4),
        True,
        420_000,
        ["Web shop"],
        "software",
    ),
    (
        "CDN and edge caching",
        "project",
        0,
        "closing",
        "active",
        "green",
        "",
        (-4, 0),
        True,
        60_000,
        ["Web shop"],
        "cloud",
    ),
    (
        "Partner ordering API",
        "project",
        1,
        "planning",
        "active",
        "green",
        "",
        (1, 8),
        False,
        150_000,
        ["ERP", "Web shop"],
        "software",
    ),
    (
        "ERP upgrade",
        "project",
        2,
        "execution",
        "active",
        "red",
        "Data migration failed its second rehearsal; go-live at risk.",
        (-8, 3),
        True,
        900_000,
        ["ERP"],
        "services",
    ),
    (
        "Application rationalisation",
        "initiative",
        2,
        "execution",
        "active",
        "green",
        "",
        (-6, 6),
        True,
        80_000,
        ["Intranet"],
        "software",
    ),
    (
        "MFA for everyone",
        "project",
        3,
        "closing",
        "active",
        "green",
        "",
        (-6, 0),
        True,
        45_000,
        ["E-mail", "VPN"],
        "software",
    ),
    (
        "Backup and recovery overhaul",
        "project",
        4,
        "execution",
        "active",
        "amber",
        "Storage delivery slipped a month.",
        (-2, 5),
        True,
        260_000,
        ["ERP", "E-mail"],
        "hardware",
    ),
    (
        "Tabletop exercise programme",
        "initiative",
        4,
        "idea",
        "proposed",
        "green",
        "",
        (3, 9),
        False,
        20_000,
        [],
        "services",
    ),
    (
        "Laptop refresh",
        "project",
        5,
        "done",
        "completed",
        "green",
        "",
        (-11, -3),
        True,
        310_000,
        [],
        "hardware",
    ),
    (
        "Self-service portal relaunch",
        "project",
        5,
        "planning",
        "on_hold",
        "amber",
        "Waiting for the catalogue owners to sign off the forms.",
        (2, 7),
        False,
        70_000,
        ["Intranet"],
        "software",
    ),
]


def _month(base: datetime.date, offset: int) -> datetime.date:
    index = base.year * 12 + base.month - 1 + offset
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_end(base: datetime.date, offset: int) -> datetime.date:
    return _month(base, offset + 1) - datetime.timedelta(days=1)


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    from steward.core.models import User

    if BusinessGoal.objects.filter(title=GOALS[0][0]).exists():
        log("goals and portfolio already loaded")
        return
    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    system = User(username="system-demo", is_superuser=True)
    people = list(
        org_selectors.active_employees(org)
        .filter(department__name="Information Technology")
        .order_by("pk")[:12]
    )
    if len(people) < 4:
        log("too few IT people: load the org demo first")
        return
    today = timezone.localdate()
    base = today.replace(day=1)
    it_goals = _goals(people, base)
    projects = _projects(it_goals, people, base, today, system)
    allocations = _allocations(projects, people, base)
    log(
        f"{len(GOALS)} business goals, {len(it_goals)} IT goals, {len(projects)} projects, "
        f"{allocations} allocations"
    )


def _goals(people: list[Any], base: datetime.date) -> list[ITGoal]:
    it_goals = []
    for index, (title, description, its) in enumerate(GOALS):
        goal = BusinessGoal.objects.create(
            title=title,
            description=description,
            owner=people[index % len(people)],
            target_date=_month_end(base, 12 - base.month + 12),
        )
        for it_title, krs in its:
            it_goal = ITGoal.objects.create(
                business_goal=goal,
                title=it_title,
                owner=people[1],
                start=_month(base, -(base.month - 1)),
                end=_month_end(base, 12 - base.month),
            )
            it_goals.append(it_goal)
            for name, metric, unit, start, target, now in krs:
                kr = KeyResult.objects.create(
                    it_goal=it_goal,
                    name=name,
                    metric=metric,
                    unit=unit,
                    start_value=Decimal(start),
                    target_value=Decimal(target),
                    current_value=Decimal(now),
                )
                # three monthly check-ins walking from start to now
                CheckIn.objects.bulk_create(
                    CheckIn(
                        key_result=kr,
                        date=_month(base, step - 3).replace(day=15),
                        value=Decimal(start) + (Decimal(now) - Decimal(start)) * step / 3,
                        note="Monthly review" if step < 3 else "Latest review",
                    )
                    for step in (1, 2, 3)
                )
    return it_goals


def _projects(
    it_goals: list[ITGoal],
    people: list[Any],
    base: datetime.date,
    today: datetime.date,
    system: Any,
) -> list[Project]:
    services = {
        ci.name: ci
        for ci in cmdb_selectors.ci_list(user=system).filter(ci_class="business_service")
    }
    changes = list(changes_selectors.change_list(user=system).order_by("-pk")[:20])
    lines = {
        line.category: line
        for line in BudgetLine.objects.filter(
            fiscal_year__start__lte=today, fiscal_year__end__gte=today
        ).order_by("cost_centre__is_default", "pk")
    }
    projects = []
    for index, row in enumerate(PROJECTS):
        (name, kind, goal, phase, status, health, reason, (s, e), started, budget, svc, cat) = row
        planned_start, planned_end = _month(base, s), _month_end(base, e)
        done = status == "completed"
        project = Project.objects.create(
            name=name,
            kind=kind,
            it_goal=it_goals[goal],
            phase=phase,
            status=status,
            health=health,
            health_reason=reason,
            owner=people[(index % (len(people) - 1)) + 1],
            budget=Decimal(budget),
            spent=Decimal(budget) * Decimal("0.45" if started else "0"),
            budget_line=lines.get(cat),
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=planned_start + datetime.timedelta(days=7 * (index % 3))
            if started
            else None,
            actual_end=planned_end + datetime.timedelta(days=10) if done else None,
            description=f"{name}: part of “{it_goals[goal].title}”.",
        )
        project.services.set([services[n] for n in svc if n in services])
        if changes:
            project.changes.set(changes[index * 2 % len(changes) :][:2])
        span = (planned_end - planned_start).days
        Milestone.objects.bulk_create(
            Milestone(
                project=project,
                name=label,
                due=planned_start + datetime.timedelta(days=span * share // 100),
                done=planned_start + datetime.timedelta(days=span * share // 100) < today,
            )
            for label, share in (("Kick-off", 5), ("Design signed off", 35), ("Go-live", 90))
        )
        projects.append(project)
    erp = next(p for p in projects if p.name == "ERP upgrade")
    costs = CostRecord.objects.filter(description="ERP upgrade support")
    erp.cost_records.set(costs)
    return projects


def _allocations(projects: list[Project], people: list[Any], base: datetime.date) -> int:
    """Each project gets two or three people; the first two people of IT carry too much."""
    rows = []
    for index, project in enumerate(projects):
        if project.status == "completed":
            continue
        team = [people[(index + k) % len(people)] for k in range(3 if index % 2 else 2)]
        for k, person in enumerate(team):
            percent = (60, 40, 20)[k]
            rows.append(
                Allocation(
                    project=project,
                    person=person,
                    percent=percent,
                    start=max(project.planned_start, _month(base, -2)),
                    end=project.planned_end,
                )
            )
    # over-allocated: the architect and the ERP lead
    erp = next(p for p in projects if p.name == "ERP upgrade")
    web = next(p for p in projects if p.name == "Web shop replatforming")
    rows.append(
        Allocation(
            project=erp,
            person=people[0],
            percent=70,
            start=_month(base, 0),
            end=_month_end(base, 2),
        )
    )
    rows.append(
        Allocation(
            project=web,
            person=people[1],
            percent=50,
            start=_month(base, 1),
            end=_month_end(base, 3),
        )
    )
    Allocation.objects.bulk_create(rows)
    return len(rows)
