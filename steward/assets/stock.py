"""Every change of consumable and accessory stock: receive, issue to a person, transfer
between locations and adjust after a count. Each is atomic, permission-checked first (the
``stock`` action of the stock levels' policy: asset managers, IT managers, administrators),
writes the level and its ``StockMovement`` (who, when, why) and announces
``assets.stock_moved`` after commit. Stock never falls below zero: such a move is refused
with a ValidationError naming what is left."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from steward.assets.models import MovementKind, StockItem, StockLevel, StockMovement
from steward.core import events, permissions

STOCK = "stock"
"""Named action (policy ``extra`` of ``StockLevel``) for every stock movement."""
MAX_MOVE = 1_000_000


def _quantity(quantity: Any, *, signed: bool = False) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError({"quantity": [_("Give a whole number.")]})
    if abs(quantity) > MAX_MOVE or (quantity == 0) or (quantity < 0 and not signed):
        raise ValidationError(
            {"quantity": [_("Give a quantity between 1 and %(n)s.") % {"n": MAX_MOVE}]}
        )
    return quantity


def _level(item: StockItem, location: Any) -> StockLevel:
    """The locked level of ``item`` at ``location`` (created at zero when new)."""
    level, _created = StockLevel.objects.get_or_create(item=item, location=location)
    locked: StockLevel = StockLevel.objects.select_for_update().get(pk=level.pk)
    return locked


def _change(level: StockLevel, delta: int) -> None:
    if level.quantity + delta < 0:
        raise ValidationError(
            {
                "quantity": [
                    _("Only %(n)s %(unit)s of %(item)s left at %(where)s.")
                    % {
                        "n": level.quantity,
                        "unit": level.item.unit,
                        "item": level.item,
                        "where": level.location,
                    }
                ]
            }
        )
    level.quantity += delta
    level.save(update_fields=["quantity", "updated_at"])


def _record(item: StockItem, actor: Any, **fields: Any) -> StockMovement:
    movement = StockMovement(
        item=item, actor=actor if getattr(actor, "pk", None) else None, **fields
    )
    movement.full_clean()
    movement.save()
    events.publish(
        "assets.stock_moved",
        model=StockMovement._meta.label,
        pk=movement.pk,
        item_id=item.pk,
        kind=movement.kind,
    )
    return movement


@transaction.atomic
def stock_receive(
    *,
    item: StockItem,
    location: Any,
    quantity: int,
    actor: Any,
    reason: str = "",
    unit_cost: Decimal | None = None,
    order_line: Any = None,
) -> StockMovement:
    """Goods arrived at ``location`` (from a purchase order line, or found)."""
    permissions.ensure(actor, STOCK, StockLevel)
    quantity = _quantity(quantity)
    _change(_level(item, location), quantity)
    return _record(
        item,
        actor,
        kind=MovementKind.RECEIVE,
        quantity=quantity,
        to_location=location,
        reason=reason.strip()[:500],
        unit_cost=unit_cost if unit_cost is not None else item.unit_cost,
        order_line=order_line,
    )


@transaction.atomic
def stock_issue(
    *, item: StockItem, location: Any, quantity: int, person: Any, actor: Any, reason: str = ""
) -> StockMovement:
    """Hand ``quantity`` to ``person`` from ``location``; refused when not enough is left."""
    permissions.ensure(actor, STOCK, StockLevel)
    quantity = _quantity(quantity)
    if person is None:
        raise ValidationError({"person": [_("Say who receives the items.")]})
    if not person.is_active:
        raise ValidationError({"person": [_("This person is no longer active.")]})
    _change(_level(item, location), -quantity)
    return _record(
        item,
        actor,
        kind=MovementKind.ISSUE,
        quantity=quantity,
        from_location=location,
        person=person,
        reason=reason.strip()[:500],
        unit_cost=item.unit_cost,
    )


@transaction.atomic
def stock_transfer(
    *,
    item: StockItem,
    from_location: Any,
    to_location: Any,
    quantity: int,
    actor: Any,
    reason: str = "",
) -> StockMovement:
    permissions.ensure(actor, STOCK, StockLevel)
    quantity = _quantity(quantity)
    if from_location is None or to_location is None or from_location.pk == to_location.pk:
        raise ValidationError({"to_location": [_("Transfer between two different locations.")]})
    first, second = sorted((from_location, to_location), key=lambda loc: loc.pk)
    levels = {first.pk: _level(item, first), second.pk: _level(item, second)}
    _change(levels[from_location.pk], -quantity)
    _change(levels[to_location.pk], quantity)
    return _record(
        item,
        actor,
        kind=MovementKind.TRANSFER,
        quantity=quantity,
        from_location=from_location,
        to_location=to_location,
        reason=reason.strip()[:500],
    )


@transaction.atomic
def stock_adjust(
    *, item: StockItem, location: Any, quantity: int, actor: Any, reason: str
) -> StockMovement:
    """Correct the count after a stock-take (``quantity`` signed); the reason is required."""
    permissions.ensure(actor, STOCK, StockLevel)
    quantity = _quantity(quantity, signed=True)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the count changes.")]})
    _change(_level(item, location), quantity)
    return _record(
        item,
        actor,
        kind=MovementKind.ADJUST,
        quantity=quantity,
        to_location=location if quantity > 0 else None,
        from_location=location if quantity < 0 else None,
        reason=reason.strip()[:500],
    )


def on_hand(item: StockItem) -> int:
    return int(StockLevel.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0)
