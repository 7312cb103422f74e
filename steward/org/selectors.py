"""Reads of the organisation that other apps use (they never touch org models directly)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from steward.core import permissions
from steward.core.compiled import Compiled
from steward.org.models import (
    CostCenter,
    Department,
    Organisation,
    OrganisationKind,
    Person,
    Team,
)


def person_list(*, user: Any) -> QuerySet[Person]:
    return permissions.restrict(
        Person.objects.select_related("organisation", "department", "location", "manager"), user
    )


def person_for_user(user: Any) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.select_related("organisation", "manager__user").filter(user=user).first()


def organisation_of_user(user: Any) -> int | None:
    return Person.objects.filter(user=user).values_list("organisation_id", flat=True).first()


def manager_user_of(user: Any) -> Any:
    """The login of a user's manager, or None (approvals route to it)."""
    person = person_for_user(user)
    if person is None or person.manager is None:
        return None
    return person.manager.user


def team_member_users(team_id: int) -> list[Any]:
    team = Team.objects.filter(pk=team_id).prefetch_related("members__user").first()
    if team is None:
        return []
    return [p.user for p in team.members.all() if p.user is not None and p.user.is_active]


def team_list(*, user: Any) -> QuerySet[Team]:
    return permissions.restrict(Team.objects.select_related("organisation", "lead"), user)


def internal_organisation() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.INTERNAL).order_by("pk").first()


def organisation_by_mail_domain(domain: str) -> Organisation | None:
    return Organisation.objects.filter(mail_domain__iexact=domain.strip().lower()).first()


def person_by_email(address: str) -> Person | None:
    """The person with this e-mail address (any case), with organisation and login."""
    address = address.strip()
    if not address:
        return None
    return (
        Person.objects.select_related("organisation", "user")
        .filter(email__iexact=address)
        .order_by("pk")
        .first()
    )


def organisation_by_name(name: str) -> Organisation | None:
    return Organisation.objects.filter(name__iexact=name.strip()).first() if name.strip() else None


# System reads for loaders and jobs that act for no user (demo data, background work).


def customer_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.CUSTOMER).order_by("pk")


def teams_with_members(organisation: Organisation) -> QuerySet[Team]:
    return Team.objects.filter(organisation=organisation).prefetch_related("members")


def active_employees(organisation: Organisation) -> QuerySet[Person]:
    from steward.org.models import PersonKind

    return Person.objects.filter(
        organisation=organisation, kind=PersonKind.EMPLOYEE, is_active=True
    ).select_related("location")


def customer_contacts() -> QuerySet[Person]:
    from steward.org.models import PersonKind

    return Person.objects.filter(kind=PersonKind.CONTACT)


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    return permissions.restrict(Organisation.objects.all(), user)


# Cost centres, for budgets and showback (steward.strategy).


def cost_centers_owned_by(*, user: Any) -> QuerySet[CostCenter]:
    """The cost centres whose owner is ``user``'s person (the budgets they hold)."""
    return CostCenter.objects.filter(owner__user=user)


def cost_centers_all() -> QuerySet[CostCenter]:
    return CostCenter.objects.all()


def cost_center_default() -> CostCenter | None:
    """The active default cost centre: it takes the costs no other centre claims."""
    return CostCenter.objects.filter(is_default=True, is_active=True).first()


def cost_center_of_departments() -> dict[int, int]:
    """Department id -> the id of its cost centre, for departments with an active one."""
    return dict(
        Department.objects.filter(cost_center__is_active=True).values_list("pk", "cost_center_id")
    )


def department_headcounts() -> dict[int, int]:
    """Department id -> active employees in it (one GROUP BY)."""
    from django.db.models import Count

    from steward.org.models import PersonKind

    rows = (
        Person.objects.filter(kind=PersonKind.EMPLOYEE, is_active=True, department__isnull=False)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["department_id"]: r["n"] for r in rows}


def department_list_for_costs() -> QuerySet[Department]:
    """Departments of the internal organisation with their cost centre, for showback."""
    return Department.objects.filter(organisation__kind=OrganisationKind.INTERNAL).select_related(
        "cost_center"
    )


# Read for every ticket routed to a team that assigns automatically: compiled once
# (steward/core/compiled.py).
_AVAILABLE: Compiled[Person] = Compiled(
    lambda team_id: (
        Person.objects.filter(
            teams=team_id, is_active=True, user__isnull=False, user__is_active=True
        )
        .only("first_name", "last_name", "is_active", "user", "away_until")
        .order_by("pk")
    ),
    -1,
)


def team_members_available(team_id: int, *, today: datetime.date) -> list[Person]:
    """The team's members who can take work now, by key: active, with an active login, not
    away (``away_until`` before ``today``). Read with ids, names, the active flag, the login
    and the away date, not every column."""
    return [p for p in _AVAILABLE.all(team_id) if p.away_until is None or p.away_until < today]
