"""Stock movements: receive, issue, transfer, adjust, each with its movement row; stock never
falls below zero; only procurement staff move stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from steward.assets import stock
from steward.assets.models import StockLevel, StockMovement
from steward.assets.tests.procurement_helpers import make_item
from steward.core.models import AuditEntry
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db


def _level(item, location):
    return StockLevel.objects.get(item=item, location=location).quantity


def test_receive_issue_transfer_and_adjust_keep_levels_and_history(world):
    item, manager = make_item(unit_cost=Decimal("12.50")), world["manager"]
    stock.stock_receive(item=item, location=world["stock"], quantity=10, actor=manager)
    move = stock.stock_issue(
        item=item,
        location=world["stock"],
        quantity=3,
        person=world["employee"],
        actor=manager,
        reason="New starter",
    )
    assert (move.kind, move.person, move.actor, move.reason) == (
        "issue",
        world["employee"],
        manager,
        "New starter",
    )
    stock.stock_transfer(
        item=item,
        from_location=world["stock"],
        to_location=world["room"],
        quantity=2,
        actor=manager,
    )
    stock.stock_adjust(
        item=item, location=world["room"], quantity=-1, actor=manager, reason="Broken"
    )
    assert (_level(item, world["stock"]), _level(item, world["room"])) == (5, 1)
    assert stock.on_hand(item) == 6
    kinds = list(
        StockMovement.objects.filter(item=item).order_by("pk").values_list("kind", "quantity")
    )
    assert kinds == [("receive", 10), ("issue", 3), ("transfer", 2), ("adjust", -1)]
    assert AuditEntry.objects.filter(content_type__model="stockmovement").count() == 4


def test_issuing_more_than_is_left_is_refused_with_what_is_left(world):
    item = make_item(name="Toner", unit="cartridge")
    stock.stock_receive(item=item, location=world["stock"], quantity=3, actor=world["manager"])
    with pytest.raises(ValidationError) as caught:
        stock.stock_issue(
            item=item,
            location=world["stock"],
            quantity=5,
            person=world["employee"],
            actor=world["manager"],
        )
    assert "Only 3 cartridge of Toner left" in str(caught.value)
    assert _level(item, world["stock"]) == 3
    assert not StockMovement.objects.filter(kind="issue").exists()


@pytest.mark.parametrize(
    "move",
    [
        {"kind": "transfer", "quantity": 4},
        {"kind": "adjust", "quantity": -4},
        {"kind": "issue", "quantity": 0},
        {"kind": "issue", "quantity": "2"},
        {"kind": "issue", "quantity": True},
        {"kind": "receive", "quantity": -1},
    ],
)
def test_moves_below_zero_or_of_bad_quantities_are_refused(world, move):
    item = make_item()
    stock.stock_receive(item=item, location=world["stock"], quantity=3, actor=world["manager"])
    common = {"item": item, "actor": world["manager"], "quantity": move["quantity"]}
    with pytest.raises(ValidationError):
        if move["kind"] == "transfer":
            stock.stock_transfer(from_location=world["stock"], to_location=world["room"], **common)
        elif move["kind"] == "adjust":
            stock.stock_adjust(location=world["stock"], reason="count", **common)
        elif move["kind"] == "issue":
            stock.stock_issue(location=world["stock"], person=world["employee"], **common)
        else:
            stock.stock_receive(location=world["stock"], **common)
    assert _level(item, world["stock"]) == 3


def test_adjust_needs_a_reason_and_transfer_two_places(world):
    item = make_item()
    with pytest.raises(ValidationError):
        stock.stock_adjust(
            item=item, location=world["stock"], quantity=2, actor=world["manager"], reason=" "
        )
    with pytest.raises(ValidationError):
        stock.stock_transfer(
            item=item,
            from_location=world["stock"],
            to_location=world["stock"],
            quantity=1,
            actor=world["manager"],
        )


@pytest.mark.parametrize("role", [Role.AGENT, Role.EMPLOYEE, "acme_contact"])
def test_only_procurement_staff_move_stock(world, role):
    with pytest.raises(PermissionDenied):
        stock.stock_receive(
            item=make_item(), location=world["stock"], quantity=1, actor=world["users"][role]
        )
