"""The demo organisation: ~500 employees in departments and locations across three time
zones, two customer organisations with contacts, teams. Fixed seed: the same every time."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from faker import Faker

from steward.core.permissions import Role
from steward.org.models import (
    CostCenter,
    Department,
    Location,
    Organisation,
    OrganisationKind,
    Person,
    PersonKind,
    Team,
)

INTERNAL = "Northwind Logistics"
LOCATIONS = [
    ("Paris HQ", "Paris", "FR", "Europe/Paris", 0.5),
    ("New York Office", "New York", "US", "America/New_York", 0.3),
    ("Singapore Hub", "Singapore", "SG", "Asia/Singapore", 0.2),
]
DEPARTMENTS = [
    ("Information Technology", "CC-100", 45),
    ("Finance", "CC-200", 40),
    ("Human Resources", "CC-300", 25),
    ("Sales", "CC-400", 110),
    ("Operations", "CC-500", 150),
    ("Marketing", "CC-600", 45),
    ("Legal", "CC-700", 15),
    ("Customer Support", "CC-800", 70),
]
TEAMS = [
    "Service Desk",
    "Workplace Services",
    "Network Operations",
    "Infrastructure",
    "Business Applications",
    "Security Operations",
]
CUSTOMERS = [("Acme Retail", "acme-retail.example"), ("Globex Health", "globex-health.example")]
DEMO_LOGINS = [
    ("admin", Role.ADMIN),
    ("manager", Role.IT_MANAGER),
    ("agent", Role.AGENT),
    ("assets", Role.ASSET_MANAGER),
    ("employee", Role.EMPLOYEE),
    ("customer", Role.CUSTOMER),
]


def _mailbox(*parts: str) -> str:
    text = unicodedata.normalize("NFKD", ".".join(parts)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def load(*, rng: random.Random, log: Callable[[str], None], password: str) -> dict[str, str]:
    """Seeds the organisation once; returns the demo logins (user name -> role)."""
    from steward.org.services import person_grant_login

    if Organisation.objects.filter(name=INTERNAL).exists():
        log("organisation already loaded")
        return {u: r for u, r in DEMO_LOGINS}
    fake = Faker(["en_US", "fr_FR", "en_GB"])
    fake.seed_instance(rng.randint(0, 2**31))
    org = Organisation.objects.create(
        name=INTERNAL,
        kind=OrganisationKind.INTERNAL,
        mail_domain="northwind.example",
        website="https://northwind.example",
    )
    locations = [
        Location.objects.create(organisation=org, name=n, city=c, country=cc, time_zone=tz)
        for n, c, cc, tz, _w in LOCATIONS
    ]
    weights = [w for *_rest, w in LOCATIONS]
    departments = []
    for index, (name, code, _size) in enumerate(DEPARTMENTS):
        # IT's cost centre is the default: it takes contracts and unassigned stock.
        cc = CostCenter.objects.create(organisation=org, code=code, name=name, is_default=not index)
        departments.append(Department.objects.create(organisation=org, name=name, cost_center=cc))
    people: list[Person] = []
    seen: set[str] = set()
    for dept, (_n, _c, size) in zip(departments, DEPARTMENTS, strict=True):
        for _i in range(size):
            first, last = fake.first_name(), fake.last_name()
            email = _mailbox(first, last)
            while email in seen:
                email += str(rng.randint(0, 9))
            seen.add(email)
            people.append(
                Person(
                    first_name=first,
                    last_name=last,
                    email=f"{email}@northwind.example",
                    kind=PersonKind.EMPLOYEE,
                    organisation=org,
                    department=dept,
                    location=rng.choices(locations, weights)[0],
                    job_title=fake.job()[:150],
                    employee_number=f"E{len(people) + 1:05d}",
                    phone=fake.phone_number()[:40],
                )
            )
    Person.objects.bulk_create(people, batch_size=500)
    people = list(Person.objects.filter(organisation=org).order_by("pk"))
    by_dept: dict[int, list[Person]] = {}
    for p in people:
        by_dept.setdefault(p.department_id or 0, []).append(p)
    for members in by_dept.values():
        head = members[0]
        for p in members[1:]:
            p.manager = head
    Person.objects.bulk_update(people, ["manager"], batch_size=500)
    for dept in departments:  # each department's head holds its cost centre's budget
        CostCenter.objects.filter(pk=dept.cost_center_id).update(owner=by_dept[dept.pk][0])
    log(f"{len(people)} employees in {len(departments)} departments and {len(locations)} locations")
    it_people = by_dept[departments[0].pk]
    for i, name in enumerate(TEAMS):
        team = Team.objects.create(
            organisation=org,
            name=name,
            lead=it_people[i],
            email=f"{name.lower().replace(' ', '-')}@northwind.example",
        )
        team.members.set(it_people[i :: len(TEAMS)][:10])
    contacts = 0
    for name, domain in CUSTOMERS:
        customer = Organisation.objects.create(
            name=name, kind=OrganisationKind.CUSTOMER, mail_domain=domain
        )
        for _i in range(15):
            first, last = fake.first_name(), fake.last_name()
            Person.objects.create(
                first_name=first,
                last_name=last,
                kind=PersonKind.CONTACT,
                email=f"{_mailbox(first, last, str(contacts))}@{domain}",
                organisation=customer,
                job_title=fake.job()[:150],
            )
            contacts += 1
    log(f"{len(CUSTOMERS)} customer organisations with {contacts} contacts; {len(TEAMS)} teams")
    _grant_demo_logins(org, it_people, people, password, person_grant_login)
    return {u: r for u, r in DEMO_LOGINS}


def _grant_demo_logins(
    org: Organisation,
    it_people: list[Person],
    people: list[Person],
    password: str,
    grant: Callable[..., Any],
) -> None:
    from steward.core.models import User

    system = User(username="system-demo", is_superuser=True)
    picks = {
        "admin": it_people[0],
        "manager": it_people[1],
        "agent": it_people[2],
        "assets": it_people[3],
        "employee": next(p for p in people if p.department.name == "Sales"),
        "customer": Person.objects.filter(kind=PersonKind.CONTACT).order_by("pk").first(),
    }
    for username, role in DEMO_LOGINS:
        user = grant(
            person=picks[username], username=username, roles=[role], actor=system, password=password
        )
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
