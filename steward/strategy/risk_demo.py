"""The demo organisation's risk register: fifteen IT and security risks across categories,
scored on the default 5 x 5 matrix, owned by the IT manager and the administrator, with
controls protecting real demo services, items and servers of the CMDB, and the service
desk's malware, phishing and stolen-laptop incidents linked to their risks. A few reviews
are overdue so that the reminder schedule has work. Fixed content (no randomness), written
through the services (audited), idempotent: stops when the first risk exists."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from steward.strategy import risk_services
from steward.strategy.models import Risk, TargetType

FIRST = "Ransomware encrypts servers and backups"

# title: (category, owner, (L, I), residual (L, I) or None, treatment, status, plan,
#         review in days (negative: overdue), controls)
# control: (name, type, effectiveness, [CI names])
RISKS: list[tuple[Any, ...]] = [
    (
        FIRST,
        "security",
        "manager",
        (4, 5),
        (2, 4),
        "mitigate",
        "treating",
        "Immutable offline copies of every backup; EDR on all servers; restore drill each quarter.",
        -5,
        [
            (
                "Immutable offline backups",
                "corrective",
                "effective",
                ["backup-01", "Proxmox cluster"],
            ),
            (
                "EDR on servers",
                "detective",
                "partial",
                ["vm-erp-app-01", "vm-mail-01", "vm-shop-01"],
            ),
        ],
    ),
    (
        "Phishing leads to stolen credentials",
        "security",
        "manager",
        (5, 3),
        (3, 3),
        "mitigate",
        "treating",
        "MFA on every external login; quarterly phishing simulation and training.",
        20,
        [
            ("MFA on VPN and e-mail", "preventive", "effective", ["VPN", "E-mail", "VPN gateway"]),
            ("Phishing awareness training", "directive", "partial", []),
        ],
    ),
    (
        "Malware on employee laptops",
        "security",
        "admin",
        (3, 3),
        (2, 3),
        "mitigate",
        "monitoring",
        "Central antivirus with alerts to Security Operations; no local admin rights.",
        45,
        [("Antivirus with central console", "detective", "effective", [])],
    ),
    (
        "Lost or stolen laptop exposes customer data",
        "data",
        "admin",
        (4, 3),
        (4, 1),
        "mitigate",
        "monitoring",
        "Full-disk encryption on every laptop; remote wipe through device management.",
        60,
        [("Full-disk encryption", "preventive", "effective", [])],
    ),
    (
        "ERP database failure stops order processing",
        "availability",
        "manager",
        (2, 5),
        (2, 3),
        "mitigate",
        "treating",
        "Streaming replica on a second host; tested fail-over runbook.",
        -12,
        [
            (
                "PostgreSQL streaming replica",
                "corrective",
                "partial",
                ["ERP database", "vm-erp-db-01", "ERP"],
            )
        ],
    ),
    (
        "Card data breach at the web shop",
        "compliance",
        "manager",
        (2, 5),
        (1, 5),
        "transfer",
        "monitoring",
        "Payments on the provider's hosted page (no card data here); cyber insurance.",
        90,
        [("Hosted payment page", "preventive", "effective", ["Shop payments", "Web shop"])],
    ),
    (
        "Edge firewall is a single point of failure",
        "availability",
        "admin",
        (2, 4),
        None,
        "accept",
        "assessed",
        "Accepted until the network refresh next year: spare unit on site, config backed up.",
        30,
        [("Firewall configuration backup", "corrective", "effective", ["Edge firewall"])],
    ),
    (
        "Servers left unpatched",
        "security",
        "admin",
        (4, 4),
        (3, 4),
        "mitigate",
        "treating",
        "Monthly patch window on the hypervisors and VMs; patch status reported per device.",
        -2,
        [("Monthly patch window", "preventive", "partial", ["pve-01", "pve-02", "pve-03"])],
    ),
    (
        "Object storage bucket made public",
        "data",
        "manager",
        (2, 4),
        (1, 4),
        "mitigate",
        "monitoring",
        "Bucket policies audited weekly; public access blocked at account level.",
        75,
        [("Bucket policy audit", "detective", "effective", ["Object storage (S3)"])],
    ),
    (
        "ERP partner goes out of business",
        "supplier",
        "manager",
        (2, 3),
        None,
        "accept",
        "assessed",
        "Source escrow in the contract; second partner identified.",
        120,
        [],
    ),
    (
        "Server room overheats",
        "operational",
        "admin",
        (2, 4),
        (1, 4),
        "mitigate",
        "monitoring",
        "Temperature and UPS alerts to on-call; second air conditioner.",
        50,
        [
            (
                "Temperature and power alerting",
                "detective",
                "effective",
                ["Server room temperature", "UPS monitor"],
            )
        ],
    ),
    (
        "Directory outage stops every login",
        "availability",
        "admin",
        (2, 5),
        (2, 3),
        "mitigate",
        "treating",
        "Second LDAP replica on another host.",
        15,
        [("Second LDAP replica", "corrective", "untested", ["Directory (LDAP)", "vm-ldap-01"])],
    ),
    (
        "Personal data breach reported late",
        "compliance",
        "manager",
        (2, 4),
        None,
        "mitigate",
        "identified",
        "Breach runbook with the 72-hour notification steps; DPO on the incident rota.",
        10,
        [("Breach notification runbook", "directive", "untested", [])],
    ),
    (
        "ERP upgrade project overruns",
        "project",
        "manager",
        (3, 3),
        None,
        "accept",
        "monitoring",
        "Monthly steering review; scope frozen.",
        25,
        [],
    ),
    (
        "Internal DNS exposed to the Internet",
        "security",
        "admin",
        (3, 4),
        (1, 1),
        "avoid",
        "closed",
        "Internal resolvers answer the office networks only.",
        180,
        [("Resolver access lists", "preventive", "effective", ["DNS", "vm-dns-01"])],
    ),
]

INCIDENTS = {
    "Phishing leads to stolen credentials": ["Suspicious e-mail asking for my password"],
    "Malware on employee laptops": [
        "Antivirus found a threat on my laptop",
        "Pop-ups and strange browser behaviour",
    ],
    "Lost or stolen laptop exposes customer data": ["Laptop stolen from my car"],
}
MAX_PER_TITLE = 2


def load(*, rng: Any, log: Callable[[str], None], **_: Any) -> None:
    from steward.cmdb import selectors as cmdb
    from steward.core.models import User
    from steward.org import selectors as org_selectors
    from steward.servicedesk import selectors as desk

    if Risk._base_manager.filter(title=FIRST).exists():
        log("risk register already loaded")
        return
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "manager"])}
    if len(users) < 2:
        log("demo logins missing: load the org demo first")
        return
    manager = users["manager"]
    owners = {name: org_selectors.person_for_user(user) for name, user in users.items()}
    names = {n for row in RISKS for c in row[9] for n in c[3]}
    cis = dict(cmdb.ci_list(user=manager).filter(name__in=names).values_list("name", "pk"))
    today = timezone.localdate()
    created: dict[str, Risk] = {}
    for title, category, owner, inherent, residual, treatment, status, plan, due, controls in RISKS:
        data: dict[str, Any] = {
            "title": title,
            "category": category,
            "owner": owners[owner],
            "inherent_likelihood": inherent[0],
            "inherent_impact": inherent[1],
            "treatment": treatment,
            "status": status,
            "treatment_plan": plan,
            "next_review": today + datetime.timedelta(days=due),
        }
        if residual is not None:
            data["residual_likelihood"], data["residual_impact"] = residual
            data["target_likelihood"], data["target_impact"] = 1, min(residual[1], inherent[1])
        risk = risk_services.risk_create(data=data, actor=manager)
        created[title] = risk
        for name, kind, effectiveness, targets in controls:
            risk_services.control_save(
                control=None,
                data={
                    "risk": risk,
                    "name": name,
                    "control_type": kind,
                    "effectiveness": effectiveness,
                    "owner": owners[owner],
                    "links": [{"type": TargetType.CI, "id": cis[n]} for n in targets if n in cis],
                },
                actor=manager,
            )
    linked = 0
    for title, incident_titles in INCIDENTS.items():
        ids = [
            t.pk
            for name in incident_titles
            for t in desk.ticket_list(manager, kind="incident", title=name).order_by("pk")[
                :MAX_PER_TITLE
            ]
        ]
        if ids:
            linked += risk_services.risk_link_incidents(
                risk=created[title], ticket_ids=ids, actor=manager
            )
    log(f"{len(created)} risks, {len(cis)} items protected by controls, {linked} incidents linked")
