"""Reads of the organisation that other apps use (they never touch org models directly)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from steward.core import permissions
from steward.org.models import Organisation, OrganisationKind, Person, Team


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
