from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from steward.core.permissions import RowScope


class StrategyConfig(AppConfig):
    name = "steward.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from steward.core import registry
        from steward.strategy import demo, sync  # noqa: F401 (job handler)
        from steward.strategy.risk_setup import register as register_risk

        _register_policies()
        _register_menu_and_search()
        register_risk(self)
        registry.register_demo("strategy", demo.load, order=59)
        from steward.strategy import portfolio_demo, portfolio_setup

        portfolio_setup.register()
        registry.register_demo("strategy_portfolio", portfolio_demo.load, order=60)
        from steward.strategy import scenario_demo, scenario_setup

        scenario_setup.register()
        registry.register_demo("strategy_scenarios", scenario_demo.load, order=61)
        post_migrate.connect(_ensure_schedule, sender=self, dispatch_uid="strategy_cost_sync")
        _connect_costs_version()


def _connect_costs_version() -> None:
    """Every saved or deleted cost record, whoever writes it (the generic services of the API
    and pages, a restore, a script), gives the years a new costs version in its own
    transaction: the roll-up's cache is keyed by it (see ``rollup``). Bulk writes go through
    ``CostRecordQuerySet``. Signals, like the audit's, because the write paths are not all
    ours; this is the app's own cache, not a reaction of another app."""
    from django.db.models.signals import post_delete, post_save

    from steward.strategy.models import CostRecord

    def changed(sender, **kwargs):  # type: ignore[no-untyped-def]
        from steward.strategy.rollup import costs_changed

        costs_changed()

    post_save.connect(changed, sender=CostRecord, dispatch_uid="strategy_costs_saved", weak=False)
    post_delete.connect(
        changed, sender=CostRecord, dispatch_uid="strategy_costs_deleted", weak=False
    )


def _register_policies() -> None:
    """Who may see and change budgets.

    IT managers (and administrators) run the budget: they keep fiscal years, budget lines
    and manual costs (cost centres are org's, kept under Organisation). Asset managers read
    every budget (they buy what it pays for). Any other internal login (agents, employees)
    reads only the budget lines and costs of the cost centres whose owner they are. Customer
    contacts see nothing: no tenant field, these rows belong to the IT organisation. Costs
    rolled up from assets are changed in assets, never here."""
    from steward.core import permissions
    from steward.core.permissions import INTERNAL, MANAGERS, Policy
    from steward.strategy.models import BudgetLine, CostRecord, FiscalYear

    permissions.register(
        FiscalYear, Policy(view=INTERNAL, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
    )
    from steward.core.permissions import Role
    from steward.strategy.models import AllocationRule, UsageRecord

    # Showback's inputs: read by those who read every budget, kept by IT managers.
    readers = MANAGERS | {Role.ASSET_MANAGER}
    for model in (AllocationRule, UsageRecord):
        permissions.register(
            model, Policy(view=readers, add=MANAGERS, change=MANAGERS, delete=MANAGERS)
        )
    permissions.register(
        BudgetLine,
        Policy(
            view=INTERNAL,
            add=MANAGERS,
            change=MANAGERS,
            delete=MANAGERS,
            scope=_held("cost_centre__"),
        ),
    )
    permissions.register(
        CostRecord,
        Policy(
            view=INTERNAL,
            add=MANAGERS,
            change=MANAGERS,
            delete=MANAGERS,
            scope=_manual_only(_held("cost_centre__")),
        ),
    )


def _held(prefix: str) -> RowScope:
    """Budget readers see everything; others the cost centres they own."""

    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        from steward.core.permissions import MANAGERS, Role

        if roles & (MANAGERS | {Role.ASSET_MANAGER}):
            return qs
        return qs.filter(**{f"{prefix}owner__user": user})

    return scope


def _manual_only(inner: RowScope) -> RowScope:
    def scope(user, qs, action, roles):  # type: ignore[no-untyped-def]
        from steward.strategy.models import Source

        qs = inner(user, qs, action, roles)
        return qs if action == "view" else qs.filter(source=Source.MANUAL)

    return scope


def _register_menu_and_search() -> None:
    from steward.core import registry
    from steward.strategy.models import (
        AllocationRule,
        BudgetLine,
        CostRecord,
        FiscalYear,
        UsageRecord,
    )

    section = _("Strategy")
    # The CIO dashboard is for IT managers and administrators: those who may add a year.
    registry.register_menu(
        section,
        _("CIO dashboard"),
        "strategy:dashboard",
        model=FiscalYear,
        action="add",
        section_order=70,
    )
    for label, url_name, model in (
        (_("Budget"), "strategy:budget", BudgetLine),
        (_("Budget lines"), "strategy:budgetline_list", BudgetLine),
        (_("Costs"), "strategy:costrecord_list", CostRecord),
        (_("Showback and TCO"), "strategy:showback", UsageRecord),
        (_("Allocation rules"), "strategy:allocationrule_list", AllocationRule),
        (_("Usage"), "strategy:usagerecord_list", UsageRecord),
        (_("Fiscal years"), "strategy:fiscalyear_list", FiscalYear),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=70)


def _ensure_schedule(sender, **kwargs):  # type: ignore[no-untyped-def]
    import datetime

    from steward.core.jobs import schedule_ensure
    from steward.strategy.sync import HANDLER

    schedule_ensure(
        name="Cost roll-up from assets", handler=HANDLER, interval=datetime.timedelta(hours=6)
    )
