"""The procurement loop, one service per step:

    low stock (``reorder_low_stock``, daily), an approved catalogue request for something
    not in stock (``on_catalogue_request_approved``) or a person (``purchase_request_create``)
    → ``purchase_request_submit``: the platform's approval engine asks the requester's line
      manager (when they have one) and an IT manager
    → ``approvals.request_approved`` / ``_rejected`` move the request (``on_approval_decided``)
    → ``purchase_order_create`` from the approved request (lines copied, order number)
    → ``purchase_order_receive``, partial or whole: hardware lines become assets in stock
      (cost, vendor, purchase date, invoice), stock lines raise the stock level.

Each service is atomic, checks permissions first, moves states only along the tables below,
is audited through the audited models and announces itself on the event bus. Who may do
what (policies in ``apps.py``): anyone internal raises and submits a request for themselves;
asset managers, IT managers and administrators (``procure``) handle every request, order
and receipt. Raises ValidationError for bad input or a move the tables forbid,
PermissionDenied for a role that may not act.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.approvals import services as approvals
from steward.assets import stock
from steward.assets.models import (
    Asset,
    GoodsReceipt,
    GoodsReceiptLine,
    HardwareModel,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestLine,
    PurchaseRequestStatus,
    PurchaseSource,
    Status,
    StockItem,
)
from steward.assets.services import asset_create
from steward.core import events, permissions
from steward.org import selectors as org_selectors

RS, OS = PurchaseRequestStatus, PurchaseOrderStatus
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RS.DRAFT: frozenset({RS.PENDING, RS.CANCELLED}),
    RS.PENDING: frozenset({RS.APPROVED, RS.REJECTED, RS.CANCELLED}),
    RS.APPROVED: frozenset({RS.ORDERED, RS.CANCELLED}),
    RS.REJECTED: frozenset(),
    RS.ORDERED: frozenset(),
    RS.CANCELLED: frozenset(),
}
"""The one table of allowed moves of a purchase request."""
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OS.ORDERED: frozenset({OS.PARTIAL, OS.RECEIVED, OS.CANCELLED}),
    OS.PARTIAL: frozenset({OS.PARTIAL, OS.RECEIVED, OS.CANCELLED}),
    OS.RECEIVED: frozenset(),
    OS.CANCELLED: frozenset(),
}
"""The one table of allowed moves of a purchase order."""
OPEN_REQUEST = (RS.DRAFT, RS.PENDING, RS.APPROVED)
OPEN_ORDER = (OS.ORDERED, OS.PARTIAL)
PROCURE = "procure"
"""Named action (policy ``extra`` of ``PurchaseRequest``): handle anyone's request."""
CONTENT_TYPE = "assets.purchaserequest"
MAX_LINES = 200


def _move(obj: Any, table: dict[str, frozenset[str]], target: str) -> None:
    if target not in table[obj.status]:
        raise ValidationError(
            {
                "status": [
                    _("A %(what)s that is %(from)s cannot become %(to)s.")
                    % {
                        "what": obj._meta.verbose_name,
                        "from": obj.get_status_display().lower(),
                        "to": str(dict(type(obj)._meta.get_field("status").flatchoices)[target]),
                    }
                ]
            }
        )
    obj.status = target


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _publish(name: str, obj: Any) -> None:
    events.publish(f"assets.{name}", model=obj._meta.label, pk=obj.pk, status=obj.status)


# Requests


def _line(index: int, message: str) -> str:
    return _("Line %(n)s: %(m)s") % {"n": index + 1, "m": message}


def _lines(request: PurchaseRequest, lines: Iterable[Mapping[str, Any]]) -> None:
    rows = list(lines)
    if not rows:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    if len(rows) > MAX_LINES:
        raise ValidationError({"lines": [_("At most %(n)s lines.") % {"n": MAX_LINES}]})
    for index, row in enumerate(rows):
        line = PurchaseRequestLine(
            request=request,
            stock_item=row.get("stock_item"),
            hardware_model=row.get("hardware_model"),
            quantity=row.get("quantity"),  # type: ignore[misc]  # full_clean checks it
            estimated_unit_cost=row.get("estimated_unit_cost"),
        )
        if (line.stock_item is None) == (line.hardware_model is None):
            raise ValidationError(
                {"lines": [_line(index, _("Give a stock item or a hardware model."))]}
            )
        try:
            line.full_clean()
        except ValidationError as exc:
            raise ValidationError({"lines": [_line(index, " ".join(exc.messages))]}) from None
        line.save()


def _request_new(
    *,
    requester: Any,
    lines: Iterable[Mapping[str, Any]],
    justification: str,
    location: Any,
    source: str,
) -> PurchaseRequest:
    request = PurchaseRequest(
        requester=requester,
        source=source,
        justification=justification.strip()[:10_000],
        location=location,
    )
    request.full_clean()
    request.save()
    _lines(request, lines)
    _publish("purchase_request_created", request)
    return request


@transaction.atomic
def purchase_request_create(
    *,
    actor: Any,
    lines: Iterable[Mapping[str, Any]],
    justification: str = "",
    location: Any = None,
) -> PurchaseRequest:
    """A draft request by ``actor`` for themselves. ``lines``: mappings of ``stock_item`` or
    ``hardware_model``, ``quantity`` and optionally ``estimated_unit_cost``."""
    permissions.ensure(actor, "add", PurchaseRequest)
    return _request_new(
        requester=actor,
        lines=lines,
        justification=justification,
        location=location,
        source=PurchaseSource.PERSON,
    )


def _lock_request(request: PurchaseRequest) -> PurchaseRequest:
    locked: PurchaseRequest = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    return locked


def _ensure_own_or_procure(actor: Any, request: PurchaseRequest) -> None:
    if permissions.can(actor, PROCURE, PurchaseRequest):
        return
    if request.requester_id is None or request.requester_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the requester or procurement staff can do this."))


def _default_approver(requester: Any) -> Any:
    from steward.core.models import User
    from steward.core.permissions import Role

    return (
        User.objects.filter(is_active=True, groups__name=Role.IT_MANAGER)
        .exclude(pk=requester.pk)
        .order_by("pk")
        .first()
    )


def _stages(requester: Any, approver: Any) -> list[approvals.StageSpec]:
    approver = approver or _default_approver(requester)
    if approver is None:
        raise ValidationError({"approver": [_("No active IT manager can approve purchases.")]})
    if not permissions.has_role(approver, *permissions.MANAGERS):
        raise ValidationError({"approver": [_("Purchases are approved by an IT manager.")]})
    specs = []
    manager = org_selectors.manager_user_of(requester)
    if manager is not None and manager.is_active and manager.pk not in (requester.pk, approver.pk):
        specs.append(approvals.StageSpec(kind="manager", name=_("Line manager")))
    specs.append(approvals.StageSpec(kind="person", user=approver, name=_("IT manager")))
    return specs


@transaction.atomic
def purchase_request_submit(
    *, request: PurchaseRequest, actor: Any, approver: Any = None
) -> PurchaseRequest:
    """Send a draft for approval. The requester submits their own; procurement staff submit
    any (a low-stock draft becomes theirs). ``approver``: the IT manager who decides (the
    first active IT manager by default)."""
    request = _lock_request(request)
    _ensure_own_or_procure(actor, request)
    _move(request, REQUEST_TRANSITIONS, RS.PENDING)
    if request.requester_id is None:
        request.requester = actor
    total = sum(
        (line.estimated_unit_cost or Decimal(0)) * line.quantity for line in request.lines.all()
    )
    approval = approvals.approval_request_create(
        obj=request,
        title=_("%(r)s (estimated %(t)s)") % {"r": request, "t": total},
        requester=request.requester,
        stages=_stages(request.requester, approver),
    )
    request.approval_request_id, request.submitted_at = approval.pk, timezone.now()
    request.save()
    _publish("purchase_request_submitted", request)
    return request


def _approval_of(request: PurchaseRequest) -> Any:
    """The request's approval in the engine (who may decide it, the engine checks)."""
    from steward.approvals.models import ApprovalRequest

    if not request.approval_request_id:
        return None
    return ApprovalRequest.objects.filter(pk=request.approval_request_id).first()


@transaction.atomic
def purchase_request_decide(
    *, request: PurchaseRequest, actor: Any, decision: str, comment: str = ""
) -> PurchaseRequest:
    """``actor`` approves or rejects the open stage of the request's approval, through the
    approval engine (which checks they are an approver of that stage)."""
    request = PurchaseRequest.objects.get(pk=request.pk)
    approval = _approval_of(request)
    if approval is None:
        raise ValidationError(_("This request is not waiting for approval."))
    approvals.approval_decide(
        request=approval, approver=actor, decision=decision, comment=comment, via="api"
    )
    return request


def on_approval_decided(
    *, event: str, content_type: str = "", request_id: int = 0, **_: Any
) -> None:
    """Handler of ``approvals.request_approved``, ``_rejected`` and ``_cancelled``."""
    if content_type != CONTENT_TYPE:
        return
    target = {
        "approvals.request_approved": RS.APPROVED,
        "approvals.request_rejected": RS.REJECTED,
        "approvals.request_cancelled": RS.CANCELLED,
    }.get(event)
    if target is None:
        return
    with transaction.atomic():
        request = (
            PurchaseRequest.objects.select_for_update()
            .filter(approval_request_id=request_id, status=RS.PENDING)
            .first()
        )
        if request is None:
            return
        _move(request, REQUEST_TRANSITIONS, target)
        request.decided_at = timezone.now()
        request.save()
        _publish(f"purchase_request_{target}", request)


@transaction.atomic
def purchase_request_cancel(*, request: PurchaseRequest, actor: Any) -> PurchaseRequest:
    """Withdraw a draft, pending or approved (not yet ordered) request; a pending approval
    is cancelled with it."""
    request = _lock_request(request)
    _ensure_own_or_procure(actor, request)
    _move(request, REQUEST_TRANSITIONS, RS.CANCELLED)
    approval = _approval_of(request)
    if approval is not None and approval.status == "pending":
        # Procurement staff may withdraw any request; the engine lets the requester cancel.
        approvals.approval_request_cancel(request=approval, actor=request.requester)
    request.save()
    _publish("purchase_request_cancelled", request)
    return request


# Orders and receipts


def _next_number(today: datetime.date) -> str:
    """``PO-<year>-<n>``: the first free number after the last order (numbers typed by
    hand may already have taken the obvious one)."""
    n = (PurchaseOrder.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    while PurchaseOrder.objects.filter(number=f"PO-{today.year}-{n:05d}").exists():
        n += 1
    return f"PO-{today.year}-{n:05d}"


@transaction.atomic
def purchase_order_create(
    *,
    request: PurchaseRequest,
    vendor: Any,
    actor: Any,
    location: Any = None,
    expected_on: datetime.date | None = None,
    number: str = "",
    notes: str = "",
) -> PurchaseOrder:
    """Order an approved request from ``vendor`` (a supplier organisation): the request's
    lines are copied with their estimated unit cost (else the stock item's unit cost)."""
    permissions.ensure(actor, "add", PurchaseOrder)
    request = _lock_request(request)
    _move(request, REQUEST_TRANSITIONS, RS.ORDERED)
    location = location or request.location
    if location is None:
        raise ValidationError({"location": [_("Say where the goods are delivered.")]})
    today = timezone.localdate()
    order = PurchaseOrder(
        number=number.strip() or _next_number(today),
        vendor=vendor,
        request=request,
        location=location,
        ordered_on=today,
        expected_on=expected_on,
        ordered_by=_actor(actor),
        notes=notes.strip(),
    )
    order.full_clean()
    order.save()
    for index, line in enumerate(request.lines.select_related("stock_item")):
        cost = line.estimated_unit_cost
        if cost is None and line.stock_item is not None:
            cost = line.stock_item.unit_cost
        if cost is None:
            raise ValidationError(
                {"lines": [_line(index, _("Give the line an estimated unit cost first."))]}
            )
        PurchaseOrderLine.objects.create(
            order=order,
            stock_item=line.stock_item,
            hardware_model_id=line.hardware_model_id,
            quantity=line.quantity,
            unit_cost=cost,
        )
    request.save()
    _publish("purchase_request_ordered", request)
    _publish("purchase_order_created", order)
    return order


def _lock_order(order: PurchaseOrder) -> PurchaseOrder:
    locked: PurchaseOrder = (
        PurchaseOrder.objects.select_for_update()
        .select_related("vendor", "location__organisation")
        .get(pk=order.pk)
    )
    return locked


@transaction.atomic
def purchase_order_receive(
    *,
    order: PurchaseOrder,
    actor: Any,
    quantities: Mapping[int, int],
    invoice_number: str = "",
    received_on: datetime.date | None = None,
    note: str = "",
) -> GoodsReceipt:
    """Record a delivery: ``quantities`` maps order line ids to what arrived, never more than
    is outstanding. Hardware lines create assets in stock at the order's location (cost =
    unit cost, supplier = vendor, purchase date = received on, invoice); stock lines raise
    the stock level with a movement. The order becomes partially received or received."""
    permissions.ensure(actor, "change", order)
    order = _lock_order(order)
    if order.status not in OPEN_ORDER:
        raise ValidationError(
            {"status": [_("This order is %(s)s.") % {"s": order.get_status_display().lower()}]}
        )
    lines = {line.pk: line for line in order.lines.select_for_update()}
    wanted = {k: v for k, v in quantities.items() if v}
    if not wanted:
        raise ValidationError({"lines": [_("Say what arrived.")]})
    for pk, quantity in wanted.items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError({"lines": [_("Line %(id)s is not on this order.") % {"id": pk}]})
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            raise ValidationError({"lines": [_("Quantities are whole numbers.")]})
        if quantity > line.outstanding:
            raise ValidationError(
                {
                    "lines": [
                        _("Line %(id)s: %(q)s received but only %(n)s outstanding.")
                        % {"id": pk, "q": quantity, "n": line.outstanding}
                    ]
                }
            )
    received_on = received_on or timezone.localdate()
    if received_on < order.ordered_on:
        raise ValidationError({"received_on": [_("Received before it was ordered.")]})
    receipt = GoodsReceipt(
        order=order,
        received_on=received_on,
        received_by=_actor(actor),
        invoice_number=invoice_number.strip()[:60],
        note=note.strip()[:500],
    )
    receipt.full_clean()
    receipt.save()
    for pk, quantity in sorted(wanted.items()):
        _receive_line(order, lines[pk], receipt, quantity, actor)
    done = all(line.outstanding == 0 for line in lines.values())
    _move(order, ORDER_TRANSITIONS, OS.RECEIVED if done else OS.PARTIAL)
    order.save()
    events.publish(
        "assets.goods_received", model=GoodsReceipt._meta.label, pk=receipt.pk, order_id=order.pk
    )
    _publish("purchase_order_received" if done else "purchase_order_partially_received", order)
    return receipt


def _receive_line(
    order: PurchaseOrder,
    line: PurchaseOrderLine,
    receipt: GoodsReceipt,
    quantity: int,
    actor: Any,
) -> None:
    row = GoodsReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=quantity)
    line.received_quantity += quantity
    line.full_clean()
    line.save(update_fields=["received_quantity", "updated_at"])
    if line.stock_item is not None:
        stock.stock_receive(
            item=line.stock_item,
            location=order.location,
            quantity=quantity,
            actor=actor,
            reason=_("Order %(n)s") % {"n": order.number},
            unit_cost=line.unit_cost,
            order_line=line,
        )
        return
    created = []
    for index in range(1, quantity + 1):
        created.append(
            asset_create(
                data={
                    "asset_tag": f"{order.number}-{row.pk}-{index:03d}",
                    "model": line.hardware_model,
                    "organisation": order.location.organisation,
                    "location": order.location,
                    "status": Status.IN_STOCK,
                    "purchase_cost": line.unit_cost,
                    "purchase_date": receipt.received_on,
                    "supplier": order.vendor,
                    "invoice_number": receipt.invoice_number,
                },
                actor=actor,
            )
        )
    row.assets.set(created)


@transaction.atomic
def purchase_order_cancel(*, order: PurchaseOrder, actor: Any, reason: str) -> PurchaseOrder:
    """Nothing more will come: an open or partially received order ends here."""
    permissions.ensure(actor, "change", order)
    order = _lock_order(order)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the order is cancelled.")]})
    _move(order, ORDER_TRANSITIONS, OS.CANCELLED)
    order.notes = f"{order.notes}\n{reason.strip()}".strip()
    order.save()
    _publish("purchase_order_cancelled", order)
    return order


# Low stock


def annotate_on_hand(queryset: Any) -> Any:
    """Stock items with ``on_hand``, their stock over all locations."""
    return queryset.annotate(on_hand=Coalesce(Sum("levels__quantity"), 0))


def low_stock_items() -> Any:
    """Stock items at or below their reorder point (over all locations), with ``on_hand``."""
    return annotate_on_hand(StockItem.objects.filter(reorder_point__gt=0)).filter(
        on_hand__lte=F("reorder_point")
    )


def _already_on_the_way(item_ids: Iterable[int]) -> set[int]:
    requested = PurchaseRequestLine.objects.filter(
        stock_item_id__in=item_ids, request__status__in=OPEN_REQUEST
    ).values_list("stock_item_id", flat=True)
    ordered = PurchaseOrderLine.objects.filter(
        stock_item_id__in=item_ids,
        order__status__in=OPEN_ORDER,
        received_quantity__lt=F("quantity"),
    ).values_list("stock_item_id", flat=True)
    return set(requested) | set(ordered)


def reorder_low_stock() -> list[PurchaseRequest]:
    """One draft request per low item that has no open request or order yet (so a daily
    run, or two at once, never asks twice), for its reorder quantity at its unit cost."""
    created = []
    for item in low_stock_items().order_by("pk"):
        with transaction.atomic():
            StockItem.objects.select_for_update().filter(pk=item.pk).first()
            if _already_on_the_way([item.pk]):
                continue
            created.append(
                _request_new(
                    requester=None,
                    lines=[
                        {
                            "stock_item": item,
                            "quantity": item.reorder_quantity,
                            "estimated_unit_cost": item.unit_cost,
                        }
                    ],
                    justification=_("%(item)s: %(n)s %(unit)s left, reorder point %(p)s.")
                    % {
                        "item": item,
                        "n": item.on_hand,
                        "unit": item.unit,
                        "p": item.reorder_point,
                    },
                    location=None,
                    source=PurchaseSource.REORDER,
                )
            )
    return created


# Catalogue requests


def _supplied_by(item_id: int) -> dict[str, Any] | None:
    """The purchase line for one unit of what a catalogue item hands out, when none is in
    stock: a hardware model with no asset in stock, or a stock item with nothing on hand.
    None when the catalogue item supplies nothing the assets app tracks, or stock covers it."""
    model = HardwareModel.objects.filter(catalogue_item_id=item_id).order_by("pk").first()
    if model is not None:
        if Asset.objects.filter(model=model, status=Status.IN_STOCK).exists():
            return None
        last = (
            Asset.objects.filter(model=model, purchase_cost__isnull=False)
            .order_by("-purchase_date", "-pk")
            .values_list("purchase_cost", flat=True)
            .first()
        )
        return {"hardware_model": model, "quantity": 1, "estimated_unit_cost": last}
    item = annotate_on_hand(StockItem.objects.filter(catalogue_item_id=item_id)).first()
    if item is None or item.on_hand > 0:
        return None
    return {"stock_item": item, "quantity": 1, "estimated_unit_cost": item.unit_cost}


@transaction.atomic
def on_catalogue_request_approved(
    *, event: str = "", requested_item_id: int, item_id: int, title: str = "", **_kw: Any
) -> PurchaseRequest | None:
    """A draft purchase request (source: catalogue) when an approved catalogue request asks
    for a model or stock item that is not in stock; at most one per catalogue request, so a
    replayed event asks once. Procurement submits it to the approval engine like any other."""
    if PurchaseRequest.objects.filter(requested_item_id=requested_item_id).exists():
        return None
    line = _supplied_by(item_id)
    if line is None:
        return None
    request = _request_new(
        requester=None,
        lines=[line],
        justification=_("For the approved catalogue request %(r)s: nothing in stock.")
        % {"r": title or requested_item_id},
        location=None,
        source=PurchaseSource.CATALOGUE,
    )
    request.requested_item_id = requested_item_id
    request.save(update_fields=["requested_item_id", "updated_at"])
    return request
