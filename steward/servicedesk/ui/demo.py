"""Demo data of the agent pages: canned responses agents insert in replies and shared saved
queues. Idempotent (matched on title and name); no randomness needed."""

from __future__ import annotations

from typing import Any

from steward.servicedesk.models import CannedResponse, SavedQueue

CANNED = [
    (
        "Acknowledge",
        "Hello {{ requester }},\n\nThank you for reporting this. We are looking into "
        "{{ reference }} and will update you shortly.\n\n{{ agent }}",
    ),
    (
        "Ask for a restart",
        "Hello {{ requester }},\n\nCould you restart the device and tell us whether the problem "
        "still happens? If it does, a screenshot of the error helps.\n\n{{ agent }}",
    ),
    (
        "Need more details",
        "Hello {{ requester }},\n\nTo go further with {{ reference }} we need a little more: "
        "when did it start, does it affect colleagues too, and what were you doing when it "
        "happened?\n\n{{ agent }}",
    ),
    (
        "Resolved: please confirm",
        "Hello {{ requester }},\n\nWe believe {{ reference }} is fixed. If anything is still "
        "wrong, just reply to this message and the ticket reopens.\n\n{{ agent }}",
    ),
    (
        "Password reset done",
        "Hello {{ requester }},\n\nYour password has been reset. You will be asked to choose a "
        "new one at your next sign-in.\n\n{{ agent }}",
    ),
]
QUEUES = [
    ("Critical and high, open", "queue=open&priority=1&priority=2", 10),
    ("Breached SLA", "queue=open&breached=true", 20),
    ("Major incidents", "queue=open&is_major=true", 30),
]


def load(*, rng: Any = None, log: Any = print, **kwargs: Any) -> None:
    made = 0
    for title, body in CANNED:
        _, created = CannedResponse.objects.get_or_create(title=title, defaults={"body": body})
        made += created
    for name, query, order in QUEUES:
        _, created = SavedQueue.objects.get_or_create(
            name=name, owner=None, defaults={"query": query, "order": order}
        )
        made += created
    log(f"servicedesk agent pages: {made} canned responses and saved queues")
