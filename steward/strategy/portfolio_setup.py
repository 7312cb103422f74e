"""Registrations of goals and the portfolio, called from the app's ``ready()``.

Who may do what: IT managers and administrators keep goals and the portfolio. Every internal
login (employees included) reads goals: they say where IT is going. IT staff read the
portfolio; a project's owner (any staff login) changes their own project and keeps its
milestones and allocations. Customer contacts see none of it (no tenant field)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def _owned(prefix: str) -> Any:
    """Managers act on every row; other staff read every row and change those of projects
    they own."""

    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        from steward.core.permissions import MANAGERS

        if action == "view" or roles & MANAGERS:
            return qs
        return qs.filter(**{f"{prefix}owner__user": user})

    return scope


def register() -> None:
    from steward.core import permissions, registry
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy
    from steward.strategy.models import (
        Allocation,
        BusinessGoal,
        CheckIn,
        ITGoal,
        KeyResult,
        Milestone,
        Project,
    )

    goals = Policy(view=INTERNAL, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
    for model in (BusinessGoal, ITGoal, KeyResult, CheckIn):
        permissions.register(model, goals)
    permissions.register(
        Project,
        Policy(view=STAFF, add=MANAGERS, change=STAFF, delete=MANAGERS, scope=_owned("")),
    )
    for model in (Milestone, Allocation):
        permissions.register(
            model,
            Policy(view=STAFF, add=STAFF, change=STAFF, delete=STAFF, scope=_owned("project__")),
        )

    section = _("Strategy")
    for label, url_name, model in (
        (_("Strategy map"), "strategy:strategy_map", BusinessGoal),
        (_("Business goals"), "strategy:businessgoal_list", BusinessGoal),
        (_("IT goals"), "strategy:itgoal_list", ITGoal),
        (_("Projects"), "strategy:project_list", Project),
        (_("Roadmap"), "strategy:roadmap", Project),
        (_("Capacity"), "strategy:capacity", Allocation),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=70)
    registry.register_search(
        Project, fields=("name", "description"), url_name="strategy:project_detail"
    )
    registry.register_search(
        BusinessGoal, fields=("title",), url_name="strategy:businessgoal_detail"
    )
