"""Bench data generator: N extra people in the demo organisation, with a fixed seed.

Run inside a Steward environment (STEWARD_DATA_DIR / STEWARD_DATABASE_URL set):
    .venv/bin/python bench/generate.py --people 10000
Prints one JSON line: {"people": N, "min_id": ..., "max_id": ..., "organisation": id}.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

BATCH = 1000
FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances"]
LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie"]
TITLES = ["Analyst", "Engineer", "Accountant", "Buyer", "Driver", "Planner", "Recruiter"]


def generate_people(count: int, seed: int = 20261124) -> dict[str, int]:
    """Adds ``count`` employees spread over the internal organisation's departments and
    locations through the audited bulk path (so the audit log grows as it would on import)."""
    from steward.core.context import Origin, change_context
    from steward.org.models import Department, Location, Organisation, OrganisationKind, Person

    rng = random.Random(seed)
    org = Organisation.objects.filter(kind=OrganisationKind.INTERNAL).order_by("pk").first()
    if org is None:
        raise SystemExit("Load the demo first: steward demo --no-serve")
    departments = list(Department.objects.filter(organisation=org).values_list("pk", flat=True))
    locations = list(Location.objects.filter(organisation=org).values_list("pk", flat=True))
    start = Person.objects.count()
    with change_context(origin=Origin.CLI):
        for offset in range(0, count, BATCH):
            people = []
            for i in range(offset, min(count, offset + BATCH)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                people.append(
                    Person(
                        first_name=first,
                        last_name=f"{last}{i}",
                        email=f"{first.lower()}.{last.lower()}.{start + i}@bench.example",
                        organisation=org,
                        department_id=rng.choice(departments) if departments else None,
                        location_id=rng.choice(locations) if locations else None,
                        job_title=rng.choice(TITLES),
                        employee_number=f"B{start + i:06d}",
                    )
                )
            Person.objects.bulk_create(people)
    ids = Person.objects.order_by("pk").values_list("pk", flat=True)
    return {
        "people": Person.objects.count(),
        "min_id": ids.first() or 0,
        "max_id": ids.last() or 0,
        "organisation": org.pk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.config.settings")
    import django

    django.setup()
    started = time.monotonic()
    result = generate_people(args.people, args.seed)
    result["seconds"] = round(time.monotonic() - started, 1)  # type: ignore[assignment]
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
