"""Demo approvals: requests waiting for the demo IT manager, one already decided."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from steward.approvals.models import ApprovalRequest
from steward.approvals.services import StageSpec, approval_decide, approval_request_create
from steward.core.models import User
from steward.org import selectors


def load(*, rng: random.Random, log: Callable[[str], None], **_: Any) -> None:
    if ApprovalRequest.objects.exists():
        log("approvals already loaded")
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["admin", "manager", "employee", "agent"])
    }
    if len(users) < 4:
        log("demo logins missing; no approvals loaded")
        return
    teams = {t.name: t for t in selectors.team_list(user=users["admin"])}
    asks = [
        ("Security Operations", "Read access to the incident runbooks", users["employee"]),
        ("Network Operations", "Join the on-call rota from January", users["agent"]),
        ("Business Applications", "Admin rights on the CRM sandbox", users["employee"]),
    ]
    for team_name, title, requester in asks:
        approval_request_create(
            obj=teams[team_name],
            title=title,
            requester=requester,
            stages=[
                StageSpec(kind="person", user=users["manager"], name="IT manager"),
                StageSpec(kind="person", user=users["admin"], name="Administrator"),
            ],
        )
    first = ApprovalRequest.objects.order_by("pk").first()
    assert first is not None
    approval_decide(
        request=first,
        approver=users["manager"],
        decision="approve",
        comment="Fine for the on-call period.",
        via="web",
    )
    log(f"{len(asks)} approval requests, one past its first stage")
