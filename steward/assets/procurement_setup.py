"""What stock and procurement register with the platform, called from the app's ``ready()``:
permission policies, menu entries, search, reactions to the approval engine, and the daily
low-stock job.

Who may do what: asset managers, IT managers and administrators run procurement (stock
items, movements, orders, receipts, anyone's request); agents see stock; anyone internal
raises purchase requests for themselves and sees their own; customer contacts see nothing
(no role, and no tenant field: these rows belong to the IT organisation).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

REORDER_HANDLER = "assets.reorder_low_stock"


def register() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from steward.assets import procurement, procurement_demo
    from steward.core import events, registry

    _policies()
    _menu_and_search()
    for outcome in ("approved", "rejected", "cancelled"):
        events.subscribe(f"approvals.request_{outcome}", procurement.on_approval_decided)
    events.subscribe("catalogue.request_approved", procurement.on_catalogue_request_approved)
    registry.register_demo("assets_procurement", procurement_demo.load, order=56)
    post_migrate.connect(
        ensure_schedule, sender=apps.get_app_config("assets"), dispatch_uid="assets_reorder"
    )


def _policies() -> None:
    from steward.assets import models as m
    from steward.assets.procurement import PROCURE
    from steward.assets.stock import STOCK
    from steward.core import permissions
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy, Role

    procure = MANAGERS | {Role.ASSET_MANAGER}
    none: frozenset[str] = frozenset()
    permissions.register(m.StockItem, Policy(view=STAFF, add=procure, change=procure))
    permissions.register(
        m.StockLevel,
        Policy(view=STAFF, add=none, change=none, delete=none, extra={STOCK: procure}),
    )
    permissions.register(m.StockMovement, Policy(view=STAFF, add=none, change=none, delete=none))
    permissions.register(
        m.PurchaseRequest,
        Policy(
            view=INTERNAL,
            add=INTERNAL,
            change=none,
            scope=_own_requests,
            extra={PROCURE: procure},
        ),
    )
    permissions.register(
        m.PurchaseRequestLine,
        Policy(view=INTERNAL, add=none, change=none, delete=none, scope=_own_request_lines),
    )
    permissions.register(m.PurchaseOrder, Policy(view=procure, add=procure, change=procure))
    for model in (m.PurchaseOrderLine, m.GoodsReceipt, m.GoodsReceiptLine):
        permissions.register(model, Policy(view=procure, add=none, change=none, delete=none))
    permissions.register(m.AssetHealthReading, Policy(view=STAFF, add=procure, change=procure))


def _procures(roles: frozenset[str]) -> bool:
    from steward.core.permissions import MANAGERS, Role

    return bool(roles & (MANAGERS | {Role.ASSET_MANAGER}))


def _own_requests(user, qs, action, roles):  # type: ignore[no-untyped-def]
    return qs if _procures(roles) else qs.filter(requester=user)


def _own_request_lines(user, qs, action, roles):  # type: ignore[no-untyped-def]
    return qs if _procures(roles) else qs.filter(request__requester=user)


def _menu_and_search() -> None:
    from steward.assets import models as m
    from steward.core import registry

    section = _("Assets")
    for label, url_name, model in (
        (_("Stock"), "assets:stockitem_list", m.StockLevel),
        (_("Stock movements"), "assets:stockmovement_list", m.StockMovement),
        (_("Purchase requests"), "assets:purchaserequest_list", m.PurchaseRequest),
        (_("Purchase orders"), "assets:purchaseorder_list", m.PurchaseOrder),
        (_("Goods receipts"), "assets:goodsreceipt_list", m.GoodsReceipt),
        (_("Health readings"), "assets:assethealthreading_list", m.AssetHealthReading),
        (_("Refresh forecast"), "assets:refresh_forecast", m.PurchaseOrder),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=40)
    registry.register_search(m.StockItem, fields=("name",), url_name="assets:stockitem_detail")
    registry.register_search(
        m.PurchaseOrder, fields=("number",), url_name="assets:purchaseorder_detail"
    )


def ensure_schedule(sender: Any, **kwargs: Any) -> None:
    """post_migrate: the daily low-stock schedule exists (idempotent)."""
    from steward.core.jobs import schedule_ensure

    schedule_ensure(
        name="Reorder low stock", handler=REORDER_HANDLER, interval=datetime.timedelta(hours=24)
    )


def _job_handlers() -> None:
    from steward.core.jobs import job_handler

    @job_handler(REORDER_HANDLER)
    def reorder_low_stock_job(*, reporter: Any, user: Any = None) -> dict[str, int]:
        from steward.assets.procurement import reorder_low_stock

        created = reorder_low_stock()
        if created:
            reporter.log(f"{len(created)} purchase requests for low stock")
        return {"requests": len(created)}


_job_handlers()
