"""Approval routes of changes, chosen by type and risk, asked of the platform's approval
engine (``steward.approvals.services``: stages, N of M, delegation, reminders and reply by
e-mail are the engine's)."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from steward.approvals import services as approvals
from steward.changes.models import ChangeRequest, ChangeType, RiskLevel
from steward.core import permissions
from steward.org import selectors as org_selectors

CAB_TEAM_NAME = "Change Advisory Board"
"""The team whose members form the CAB, unless a route is given another (``cab_team_id``)."""
Team: Any = ChangeRequest._meta.get_field("assignment_team").related_model

TIMEOUT_NORMAL = datetime.timedelta(hours=48)
"""A normal change's stage left pending this long escalates (two working days)."""
TIMEOUT_EMERGENCY = datetime.timedelta(hours=4)
"""An emergency change's stage left pending this long escalates."""


def _it_managers(exclude: Any) -> list[Any]:
    from steward.core.models import User

    return list(
        User.objects.filter(is_active=True, groups__name=permissions.Role.IT_MANAGER)
        .exclude(pk=exclude.pk)
        .order_by("pk")
        .distinct()
    )


def cab_team_id(requested: int | None = None) -> int | None:
    if requested is not None:
        return requested
    team = Team.objects.filter(name=CAB_TEAM_NAME).order_by("pk").first()
    return team.pk if team is not None else None


def approval_route(
    change: ChangeRequest, *, requester: Any, cab: int | None
) -> list[approvals.StageSpec]:
    """The stages a change needs, by type and risk level:

    - standard: none (pre-approved by its template);
    - emergency: one fast stage, any one member of the CAB (the emergency CAB), or an IT
      manager when there is no CAB;
    - normal, low risk: the change manager (an IT manager);
    - normal, medium risk: the change manager, then the CAB, two of its members (N of M);
    - normal, high risk: the change manager, then the CAB with a majority of its members.

    Timeouts escalate (the engine hands a stage still pending after its timeout to one
    person who decides it alone): a CAB stage to the change manager, the change manager's
    stage to the next IT manager, after ``TIMEOUT_NORMAL`` or, for an emergency,
    ``TIMEOUT_EMERGENCY``. A stage with nobody else to escalate to has no timeout.

    Delegation, reminders and reply by e-mail are the engine's. Raises ValidationError when
    nobody can decide a stage."""
    if change.change_type == ChangeType.STANDARD:
        return []
    members = (
        len([u for u in org_selectors.team_member_users(cab) if u.pk != requester.pk]) if cab else 0
    )
    managers = _it_managers(requester)
    if change.change_type == ChangeType.EMERGENCY:
        if members:
            return [
                approvals.StageSpec(
                    kind="group",
                    team_id=cab,
                    required=1,
                    name=_("Emergency CAB"),
                    **_escalation(managers[:1], TIMEOUT_EMERGENCY),
                )
            ]
        return [_manager_stage(managers, _("Change manager (emergency)"), TIMEOUT_EMERGENCY)]
    stages = [_manager_stage(managers, _("Change manager"), TIMEOUT_NORMAL)]
    level = change.risk_level or RiskLevel.MEDIUM
    if level == RiskLevel.LOW:
        return stages
    if not members:
        raise ValidationError(
            _("A %(level)s-risk change needs the CAB: create the team “%(name)s” with members.")
            % {"level": change.get_risk_level_display().lower(), "name": CAB_TEAM_NAME}
        )
    required = min(2, members) if level == RiskLevel.MEDIUM else math.floor(members / 2) + 1
    stages.append(
        approvals.StageSpec(
            kind="group",
            team_id=cab,
            required=required,
            name=_("CAB"),
            **_escalation(managers[:1], TIMEOUT_NORMAL),
        )
    )
    return stages


def _escalation(candidates: list[Any], timeout: datetime.timedelta) -> dict[str, Any]:
    if not candidates:
        return {}
    return {"timeout": timeout, "escalate_to": candidates[0]}


def _manager_stage(
    managers: list[Any], name: str, timeout: datetime.timedelta
) -> approvals.StageSpec:
    if not managers:
        raise ValidationError(_("No active IT manager can approve changes."))
    return approvals.StageSpec(
        kind="person", user=managers[0], name=name, **_escalation(managers[1:], timeout)
    )
