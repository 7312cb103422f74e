"""Six months of service-desk life for the demo organisation (about 20,000 tickets).

Believable rather than uniform: categories weighted as a real desk sees them, priorities from
the ITIL matrix over impact and urgency (mostly P3/P4), Monday peaks and quiet weekends, office
hours in each requester's time zone, log-normal response and resolution times per priority
whose tails breach the SLA on 5-10 % of tickets, some reopened tickets, conversations on a
sample, surveys on every resolved ticket (answered on ~30 %, mostly 4-5), and a few open major
incidents on business services.

It loads fast: rows are written with ``bulk_create`` in batches through the base manager
(the demo history is not an audit of real actions), ids are assigned here so references follow
the services' ``INC-``/``REQ-`` + id format, and the SLA summary fields are computed from the
targets of one 24x7 demo policy instead of running the per-ticket engine. Fixed seed;
idempotent (a second run finds its routing rules and stops). ``STEWARD_DEMO_SCALE`` (or
``scale=``) scales the number of tickets: 0.01 gives ~200 for tests.
"""

from __future__ import annotations

import datetime
import math
import random
import secrets
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from steward.core.demodata import keep_timestamps, scale_from_env
from steward.org import selectors as org_selectors
from steward.servicedesk.models import (
    AssignmentMethod,
    Category,
    Channel,
    EntryKind,
    PendingReason,
    RoutingRule,
    Service,
    SLAPolicy,
    SLATarget,
    Status,
    SurveyResponse,
    TeamSetting,
    Ticket,
    TicketEntry,
    TicketKind,
)

TICKETS = 20_000
DAYS = 182
BATCH = 1000
MATRIX = {(1, 1): 1, (1, 2): 2, (1, 3): 3, (2, 1): 2, (2, 2): 3, (2, 3): 4, (3, 1): 3, (3, 2): 4}
IMPACT = ((1, 0.05), (2, 0.20), (3, 0.75))
URGENCY = ((1, 0.15), (2, 0.60), (3, 0.25))
CHANNELS = (
    (Channel.PORTAL, 0.55),
    (Channel.EMAIL, 0.28),
    (Channel.PHONE, 0.12),
    (Channel.CHAT, 0.03),
    (Channel.MONITORING, 0.015),
    (Channel.API, 0.005),
)
WEEKDAY = (1.35, 1.15, 1.05, 1.0, 0.85, 0.12, 0.08)
HOURS = (0, 0, 0, 0, 0, 0, 0.2, 0.6, 1.6, 2.2, 2.0, 1.7, 1.0, 1.4, 1.9, 1.8, 1.5, 0.9, 0.4, 0.2,
         0.1, 0.1, 0.05, 0.05)  # fmt: skip
RESPONSE_MIN = {1: 15, 2: 30, 3: 120, 4: 240, 5: 480}
RESOLUTION_MIN = {1: 240, 2: 480, 3: 1440, 4: 4320, 5: 7200}
SIGMA = 0.9
SLA_NAME = "Demo standard SLA (24x7)"
SERVICES = [
    ("E-mail", "email", "Infrastructure"),
    ("VPN", "vpn", "Network Operations"),
    ("ERP", "erp", "Business Applications"),
    ("Payroll", "payroll", "Business Applications"),
    ("Website", "website", "Infrastructure"),
    ("Wi-Fi", "wi-fi", "Network Operations"),
    ("Printing", "printing", "Workplace Services"),
    ("Telephony", "telephony", "Network Operations"),
]
# (top category, weight, team, service slug, [(subcategory, kind, [titles])])
CATEGORIES: list[tuple[str, float, str, str | None, list[tuple[str, str, list[str]]]]] = [
    (
        "Access and passwords",
        0.22,
        "Service Desk",
        None,
        [
            (
                "Password reset",
                "incident",
                [
                    "Forgot my password",
                    "Password expired, cannot log in",
                    "Reset my Windows password",
                ],
            ),
            (
                "Account locked",
                "incident",
                ["Account locked after too many attempts", "Locked out of my account"],
            ),
            (
                "Access request",
                "request",
                [
                    "Access to the shared Finance folder",
                    "Need access to the sales dashboard",
                    "Add me to the marketing team site",
                ],
            ),
        ],
    ),
    (
        "Hardware",
        0.16,
        "Workplace Services",
        None,
        [
            (
                "Laptop",
                "incident",
                [
                    "Laptop does not start",
                    "Laptop battery drains fast",
                    "Broken laptop screen",
                    "Laptop overheating and slow",
                ],
            ),
            (
                "Monitor and dock",
                "incident",
                ["Second monitor not detected", "Docking station gives no video"],
            ),
            (
                "New equipment",
                "request",
                [
                    "New laptop for a new starter",
                    "Request a headset",
                    "Replacement keyboard and mouse",
                ],
            ),
        ],
    ),
    (
        "Software",
        0.18,
        "Business Applications",
        "erp",
        [
            (
                "Installation",
                "request",
                ["Install Visio", "Install Python on my laptop", "Need Adobe Acrobat Pro"],
            ),
            (
                "Office suite",
                "incident",
                [
                    "Excel crashes when opening large files",
                    "Word will not save to SharePoint",
                    "Teams meetings have no sound",
                ],
            ),
            (
                "ERP",
                "incident",
                [
                    "ERP invoice screen very slow",
                    "Cannot post journal in the ERP",
                    "ERP report export fails",
                ],
            ),
        ],
    ),
    (
        "Network",
        0.12,
        "Network Operations",
        "vpn",
        [
            (
                "VPN",
                "incident",
                [
                    "VPN disconnects every few minutes",
                    "Cannot connect to the VPN",
                    "VPN slow from home",
                ],
            ),
            (
                "Wi-Fi",
                "incident",
                [
                    "Wi-Fi drops in meeting room 3",
                    "No Wi-Fi on the 2nd floor",
                    "Guest Wi-Fi password not working",
                ],
            ),
            (
                "Wired network",
                "incident",
                ["Network port dead at my desk", "Very slow network in the warehouse"],
            ),
        ],
    ),
    (
        "E-mail",
        0.14,
        "Infrastructure",
        "email",
        [
            (
                "Mailbox",
                "incident",
                [
                    "Mailbox full, cannot send",
                    "Outlook keeps asking for password",
                    "Mail stuck in the outbox",
                ],
            ),
            (
                "Distribution list",
                "request",
                ["Create a distribution list for the project", "Add a colleague to the sales list"],
            ),
            (
                "Spam and phishing",
                "incident",
                ["Suspicious e-mail asking for my password", "Too much spam since Monday"],
            ),
        ],
    ),
    (
        "Printing",
        0.10,
        "Workplace Services",
        "printing",
        [
            (
                "Printer fault",
                "incident",
                ["Printer jams on every page", "Printer offline on floor 4", "Printouts are blank"],
            ),
            (
                "Toner and paper",
                "request",
                ["Toner replacement for the HR printer", "Order paper for the print room"],
            ),
        ],
    ),
    (
        "Telephony",
        0.05,
        "Network Operations",
        "telephony",
        [
            ("Desk phone", "incident", ["Desk phone has no dial tone", "Voicemail not working"]),
            ("Softphone", "incident", ["Softphone calls drop after a minute"]),
        ],
    ),
    (
        "Security",
        0.03,
        "Security Operations",
        None,
        [
            (
                "Malware",
                "incident",
                ["Antivirus found a threat on my laptop", "Pop-ups and strange browser behaviour"],
            ),
            (
                "Lost device",
                "incident",
                ["Lost my phone on the train", "Laptop stolen from my car"],
            ),
        ],
    ),
]
DETAILS = [
    "It started this morning.",
    "Since yesterday afternoon.",
    "It happens several times a day.",
    "Colleagues next to me have the same problem.",
    "I already restarted, no change.",
    "This blocks my work on the monthly closing.",
    "Not urgent, whenever you can.",
    "Error message: 'The operation could not be completed'.",
]
MAJOR = [
    ("email", "E-mail delivery delayed for all users", "degraded"),
    ("vpn", "VPN gateway down in the New York office", "partial_outage"),
    ("erp", "ERP unavailable: database failover in progress", "major_outage"),
]
RATINGS = ((5, 0.56), (4, 0.27), (3, 0.09), (2, 0.05), (1, 0.03))
RULE_MARK = "Demo: VPN and Wi-Fi words to Network Operations"


def _pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _lognormal(rng: random.Random, median_minutes: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=rng.lognormvariate(math.log(median_minutes), SIGMA))


def load(
    *, rng: random.Random, log: Callable[[str], None], scale: float | None = None, **_: Any
) -> None:
    org = org_selectors.internal_organisation()
    if org is None:
        log("no internal organisation: load the org demo first")
        return
    if RoutingRule.objects.filter(name=RULE_MARK).exists():
        log("service desk already loaded")
        return
    scale = scale_from_env() if scale is None else scale
    teams = {t.name: t for t in org_selectors.teams_with_members(org)}
    if not teams:
        log("no teams: load the org demo first")
        return
    services = _services(teams)
    categories = _categories(teams, services)
    policy = _policy()
    _rules_and_settings(teams, categories)
    count = round(TICKETS * scale)
    tickets = _tickets(rng, org, teams, services, categories, policy, count)
    entries, surveys = _conversations(rng, tickets)
    log(f"{len(tickets)} tickets, {entries} entries, {surveys} surveys over {DAYS} days")


def _services(teams: dict[str, Any]) -> dict[str, Service]:
    result = {}
    for order, (name, slug, team) in enumerate(SERVICES):
        service, _ = Service.objects.get_or_create(
            name=name, defaults={"slug": slug, "owner_team": teams.get(team), "order": order * 10}
        )
        result[slug] = service
    return result


def _categories(teams: dict[str, Any], services: dict[str, Service]) -> list[dict[str, Any]]:
    """Flat list of subcategories with what a ticket in each needs."""
    result = []
    for top_name, weight, team_name, slug, subs in CATEGORIES:
        team = teams.get(team_name) or next(iter(teams.values()))
        top, _ = Category.objects.get_or_create(
            name=top_name, parent=None, defaults={"default_team": team}
        )
        for sub_name, kind, titles in subs:
            sub, _ = Category.objects.get_or_create(
                name=sub_name, parent=top, defaults={"default_team": team, "kind": kind}
            )
            service = services.get(slug) if slug else None
            if sub_name in {"VPN", "Wi-Fi", "Mailbox"}:
                service = services.get({"VPN": "vpn", "Wi-Fi": "wi-fi"}.get(sub_name, "email"))
            result.append(
                {
                    "category": sub,
                    "top": top,
                    "weight": weight / len(subs),
                    "team": team,
                    "service": service,
                    "kind": kind,
                    "titles": titles,
                }
            )
    return result


def _policy() -> SLAPolicy:
    policy, created = SLAPolicy.objects.get_or_create(
        name=SLA_NAME, defaults={"order": 900, "warning_percent": 80}
    )
    if created:
        SLATarget.objects.bulk_create(
            SLATarget(
                policy=policy,
                priority=p,
                response_minutes=RESPONSE_MIN[p],
                resolution_minutes=RESOLUTION_MIN[p],
            )
            for p in RESPONSE_MIN
        )
    return policy


def _rules_and_settings(teams: dict[str, Any], categories: list[dict[str, Any]]) -> None:
    def team(name: str) -> Any:
        return teams.get(name) or next(iter(teams.values()))

    by_name = {c["category"].name: c["category"] for c in categories}
    rules = [
        RoutingRule(
            name=RULE_MARK,
            order=10,
            match_keywords="vpn, wi-fi, wifi",
            set_team=team("Network Operations"),
        ),
        RoutingRule(
            name="Demo: phishing reports to Security Operations",
            order=20,
            match_keywords="phishing, suspicious, malware, virus",
            set_team=team("Security Operations"),
            set_category=by_name.get("Spam and phishing"),
            set_priority=2,
        ),
        RoutingRule(
            name="Demo: monitoring alerts to Infrastructure",
            order=30,
            match_channel=Channel.MONITORING,
            set_team=team("Infrastructure"),
        ),
        RoutingRule(
            name="Demo: printer faults to Workplace Services",
            order=40,
            match_category=by_name.get("Printer fault"),
            set_team=team("Workplace Services"),
        ),
    ]
    for customer in org_selectors.customer_organisations():
        rules.append(
            RoutingRule(
                name=f"Demo: {customer.name} to the Service Desk",
                order=50,
                match_organisation=customer,
                set_team=team("Service Desk"),
            )
        )
    RoutingRule.objects.bulk_create(rules)
    methods = {"Service Desk": AssignmentMethod.ROUND_ROBIN}
    methods["Workplace Services"] = AssignmentMethod.LEAST_LOADED
    for name, t in teams.items():
        TeamSetting.objects.get_or_create(
            team=t, defaults={"assignment": methods.get(name, AssignmentMethod.NONE)}
        )


def _created_times(rng: random.Random, now: datetime.datetime, count: int) -> list[float]:
    """Offsets (days before now, as floats) drawn with weekday and hour-of-day weights."""
    days = list(range(DAYS))
    start = (now - datetime.timedelta(days=DAYS)).date()
    weights = [WEEKDAY[(start + datetime.timedelta(days=d)).weekday()] for d in days]
    picked = rng.choices(days, weights, k=count)
    hours = rng.choices(range(24), HOURS, k=count)
    return sorted(d + (h + rng.random()) / 24 for d, h in zip(picked, hours, strict=True))


def _tickets(
    rng: random.Random,
    org: Any,
    teams: dict[str, Any],
    services: dict[str, Service],
    categories: list[dict[str, Any]],
    policy: SLAPolicy,
    count: int,
) -> list[Ticket]:
    now = timezone.now()
    employees = list(
        org_selectors.active_employees(org).only(
            "id", "organisation_id", "location__time_zone", "time_zone"
        )
    )
    contacts = list(org_selectors.customer_contacts().only("id", "organisation_id"))
    members = {t.pk: list(t.members.all()) for t in teams.values()}
    team_list = list(teams.values())
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    start = datetime.datetime.combine((now - datetime.timedelta(days=DAYS)).date(), datetime.time())
    first_id = (Ticket.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    cat_weights = [c["weight"] for c in categories]
    tickets: list[Ticket] = []
    for i, offset in enumerate(_created_times(rng, now, count)):
        customer = contacts and rng.random() < 0.1
        requester = rng.choice(contacts) if customer else rng.choice(employees)
        tz_name = "UTC" if customer else requester.effective_time_zone
        tz = zones.setdefault(tz_name, zoneinfo.ZoneInfo(tz_name))
        # The drawn hour is local office time: shift by the requester's zone offset.
        naive = start + datetime.timedelta(days=offset)
        created = naive.replace(tzinfo=tz).astimezone(datetime.UTC)
        created = min(created, now - datetime.timedelta(minutes=5))
        cat = rng.choices(categories, cat_weights)[0]
        impact, urgency = _pick(rng, IMPACT), _pick(rng, URGENCY)
        priority = MATRIX.get((impact, urgency), 5)
        team = cat["team"] if rng.random() > 0.08 else rng.choice(team_list)
        title = rng.choice(cat["titles"])
        t = Ticket(
            id=first_id + i,
            kind=cat["kind"],
            title=title,
            description=f"{title}. {rng.choice(DETAILS)} {rng.choice(DETAILS)}",
            requester_id=requester.pk,
            organisation_id=requester.organisation_id,
            channel=_pick(rng, CHANNELS),
            category=cat["category"],
            service=cat["service"],
            impact=impact,
            urgency=urgency,
            priority=priority,
            team=team,
            sla_policy=policy,
            created_at=created,
        )
        t.reference = f"{'REQ' if t.kind == TicketKind.REQUEST else 'INC'}-{t.pk:06d}"
        _lifecycle(rng, t, now, members.get(team.pk) or [])
        t.search_text = f"{t.reference} {t.title} {t.description}".lower()
        tickets.append(t)
    _majors(rng, tickets, services, employees, teams, now)
    with keep_timestamps(Ticket):
        Ticket._base_manager.bulk_create(tickets, batch_size=BATCH)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket]):
            cursor.execute(sql)
    return tickets


def _lifecycle(rng: random.Random, t: Ticket, now: datetime.datetime, people: list[Any]) -> None:
    """Status, response/resolution times and SLA flags, from log-normal durations whose
    medians sit well inside the 24x7 targets (their tails are the breaches)."""
    p = t.priority
    created = t.created_at
    t.response_due = created + datetime.timedelta(minutes=RESPONSE_MIN[p])
    t.resolution_due = created + datetime.timedelta(minutes=RESOLUTION_MIN[p])
    response = created + _lognormal(rng, RESPONSE_MIN[p] / 6)
    resolved = created + _lognormal(rng, RESOLUTION_MIN[p] / 4.5)
    if rng.random() < 0.025:  # stuck: waiting for a vendor, a part, a change
        resolved = created + _lognormal(rng, RESOLUTION_MIN[p] * 6)
    response = min(response, resolved)
    t.assignee = rng.choice(people) if people else None
    t.first_response_at = response if response <= now else None
    if rng.random() < 0.02 and resolved <= now:
        t.status = Status.CANCELLED
        t.closed_at = resolved
    elif resolved <= now:
        t.resolved_at = resolved
        t.resolution = "Fixed and confirmed with the requester."
        t.time_spent_minutes = max(5, int(rng.lognormvariate(math.log(25), 0.8)))
        if rng.random() < 0.04:
            t.reopen_count = 1
        if resolved + datetime.timedelta(days=5) <= now:
            t.status = Status.CLOSED
            t.closed_at = resolved + datetime.timedelta(days=5)
        else:
            t.status = Status.RESOLVED
    else:
        if t.first_response_at is None:
            t.status = Status.NEW if t.assignee is None or rng.random() < 0.5 else Status.ASSIGNED
        else:
            t.status = _pick(rng, ((Status.IN_PROGRESS, 0.6), (Status.PENDING, 0.3),
                                   (Status.ASSIGNED, 0.1)))  # fmt: skip
        if t.status == Status.PENDING:
            t.pending_reason = _pick(rng, ((PendingReason.REQUESTER, 0.6),
                                           (PendingReason.VENDOR, 0.25),
                                           (PendingReason.SCHEDULED, 0.15)))  # fmt: skip
            t.sla_paused = True
    if t.status == Status.NEW:
        t.assignee = None
    t.response_breached = (t.first_response_at or now) > t.response_due
    t.resolution_breached = (
        t.status != Status.CANCELLED and (t.resolved_at or now) > t.resolution_due
    )
    t.updated_at = t.closed_at or t.resolved_at or t.first_response_at or created


def _majors(
    rng: random.Random,
    tickets: list[Ticket],
    services: dict[str, Service],
    employees: list[Any],
    teams: dict[str, Any],
    now: datetime.datetime,
) -> None:
    """Turns the newest tickets into open major incidents on business services."""
    for t, (slug, title, _state) in zip(reversed(tickets), MAJOR, strict=False):
        service = services[slug]
        t.title, t.kind, t.is_major = title, TicketKind.INCIDENT, True
        t.reference = f"INC-{t.pk:06d}"
        t.description = f"{title}. Several reports; the team is investigating."
        t.service, t.impact, t.urgency, t.priority = service, 1, 1, 1
        t.team = service.owner_team or t.team
        t.status, t.assignee, t.first_response_at = Status.IN_PROGRESS, None, t.created_at
        t.resolved_at = t.closed_at = None
        t.resolution, t.reopen_count, t.time_spent_minutes = "", 0, 0
        t.pending_reason, t.sla_paused = "", False
        t.response_due = t.created_at + datetime.timedelta(minutes=RESPONSE_MIN[1])
        t.resolution_due = t.created_at + datetime.timedelta(minutes=RESOLUTION_MIN[1])
        t.response_breached = False
        t.resolution_breached = now > t.resolution_due
        t.search_text = f"{t.reference} {t.title} {t.description}".lower()


def _conversations(rng: random.Random, tickets: list[Ticket]) -> tuple[int, int]:
    """Replies and notes on a sample; a survey on every resolved ticket, ~30 % answered."""
    entries: list[TicketEntry] = []
    surveys: list[SurveyResponse] = []
    for t in tickets:
        if t.first_response_at and rng.random() < 0.35:
            entries.append(
                TicketEntry(
                    ticket=t,
                    kind=EntryKind.REPLY,
                    author=t.assignee,
                    body="Thanks for reporting this. We are looking into it.",
                    created_at=t.first_response_at,
                    updated_at=t.first_response_at,
                )
            )
            if rng.random() < 0.5:
                at = t.first_response_at + datetime.timedelta(minutes=rng.randint(5, 240))
                entries.append(
                    TicketEntry(
                        ticket=t,
                        kind=EntryKind.REPLY,
                        author_id=t.requester_id,
                        body="Thanks, it still happens this afternoon.",
                        channel=t.channel if t.channel == Channel.EMAIL else Channel.PORTAL,
                        created_at=at,
                        updated_at=at,
                    )
                )
            if rng.random() < 0.4:
                entries.append(
                    TicketEntry(
                        ticket=t,
                        kind=EntryKind.NOTE,
                        author=t.assignee,
                        body="Checked the logs; known issue, applying the workaround.",
                        created_at=t.first_response_at,
                        updated_at=t.first_response_at,
                    )
                )
        if t.resolved_at is not None:
            answered = rng.random() < 0.30
            at = t.resolved_at + datetime.timedelta(hours=rng.uniform(1, 48))
            surveys.append(
                SurveyResponse(
                    ticket=t,
                    token=secrets.token_urlsafe(32),
                    rating=_pick(rng, RATINGS) if answered else None,
                    comment=rng.choice(["", "", "Quick and friendly.", "Took a while."])
                    if answered
                    else "",
                    sent_at=t.resolved_at,
                    answered_at=at if answered else None,
                    created_at=t.resolved_at,
                    updated_at=at if answered else t.resolved_at,
                )
            )
    with keep_timestamps(TicketEntry, SurveyResponse):
        TicketEntry._base_manager.bulk_create(entries, batch_size=BATCH)
        SurveyResponse._base_manager.bulk_create(surveys, batch_size=BATCH)
    return len(entries), len(surveys)
