"""Arrangements shared by the stock and procurement tests."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from steward.assets import procurement
from steward.assets.models import StockItem
from steward.core.permissions import Role

_names = count(1)


def make_item(**fields):
    values = {
        "name": f"Item {next(_names)}",
        "unit_cost": Decimal("10.00"),
        "reorder_point": 5,
        "reorder_quantity": 20,
        **fields,
    }
    return StockItem.objects.create(**values)


def draft(world, *, actor=None, lines=None, location="stock"):
    actor = actor or world["manager"]
    return procurement.purchase_request_create(
        actor=actor,
        lines=lines
        or [
            {
                "hardware_model": world["laptop"],
                "quantity": 2,
                "estimated_unit_cost": Decimal("1400.00"),
            }
        ],
        justification="New joiners",
        location=world[location] if location else None,
    )


def approved(world, capture, **kwargs):
    """A request through the real approval engine, approved by the IT manager."""
    request = draft(world, **kwargs)
    it_manager = world["users"][Role.IT_MANAGER]
    with capture(execute=True):
        procurement.purchase_request_submit(
            request=request, actor=request.requester, approver=it_manager
        )
    with capture(execute=True):
        procurement.purchase_request_decide(request=request, actor=it_manager, decision="approve")
    request.refresh_from_db()
    assert request.status == "approved"
    return request
