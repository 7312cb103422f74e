"""What the risk register registers when strategy starts: permission policies, menu, search,
the review-reminder event and its daily schedule.

Who may do what: IT managers and administrators keep the matrix and manage every risk.
Other IT staff (agents, asset managers) read the whole register. An employee reads and
edits the risks they own (and their controls and incidents), nothing else. Customer
contacts see nothing (no tenant field: the register belongs to the IT organisation)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from steward.core.permissions import RowScope


def _owned(prefix: str) -> RowScope:
    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        from steward.core.permissions import MANAGERS, STAFF

        if roles & MANAGERS or (action == "view" and roles & STAFF):
            return qs
        return qs.filter(**{f"{prefix}owner__user": user})

    return scope


def register(app_config: Any) -> None:
    from steward.core import permissions, registry
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy
    from steward.strategy import risk_demo, risk_reminders
    from steward.strategy.models import Risk, RiskControl, RiskControlLink, RiskIncident, RiskMatrix

    permissions.register(
        RiskMatrix, Policy(view=STAFF, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
    )
    permissions.register(
        Risk,
        Policy(view=INTERNAL, add=MANAGERS, change=INTERNAL, delete=MANAGERS, scope=_owned("")),
    )
    for model, prefix in (
        (RiskControl, "risk__"),
        (RiskControlLink, "control__risk__"),
        (RiskIncident, "risk__"),
    ):
        permissions.register(
            model,
            Policy(
                view=INTERNAL,
                add=INTERNAL,
                change=INTERNAL,
                delete=INTERNAL,
                scope=_owned(prefix),
            ),
        )
    section = _("Strategy")
    for label, url_name, model in (
        (_("Risk register"), "strategy:risk_list", Risk),
        (_("Risk heat map"), "strategy:risk_heatmap", Risk),
        (_("Risk controls"), "strategy:riskcontrol_list", RiskControl),
        (_("Risk matrices"), "strategy:riskmatrix_list", RiskMatrix),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=70)
    registry.register_search(Risk, fields=("title",), url_name="strategy:risk_detail")
    risk_reminders.register_event()
    registry.register_demo("strategy_risk", risk_demo.load, order=62)
    post_migrate.connect(
        risk_reminders.ensure_schedule, sender=app_config, dispatch_uid="strategy_risk_reminders"
    )
