"""The procurement loop end to end with the real approval engine, the rejection path, the
state tables, over-receiving, and the low-stock job."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.approvals.models import ApprovalRequest
from steward.assets import procurement
from steward.assets.models import (
    Asset,
    GoodsReceipt,
    PurchaseOrder,
    PurchaseRequest,
    StockLevel,
    StockMovement,
)
from steward.assets.tests.procurement_helpers import approved, draft, make_item
from steward.core.jobs import job_execute, job_start
from steward.core.models import AuditEntry
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db


def test_request_approval_order_partial_then_full_receipt_creates_assets_and_stock(
    world, django_capture_on_commit_callbacks, published
):
    manager, it_manager = world["manager"], world["users"][Role.IT_MANAGER]
    toner = make_item(name="Toner", unit_cost=Decimal("100.00"))
    request = draft(
        world,
        lines=[
            {"stock_item": toner, "quantity": 10, "estimated_unit_cost": Decimal("95.50")},
            {"hardware_model": world["laptop"], "quantity": 3, "estimated_unit_cost": "1400.00"},
        ],
    )
    assert request.status == "draft" and request.requester == manager

    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_submit(request=request, actor=manager, approver=it_manager)
    request.refresh_from_db()
    approval = ApprovalRequest.objects.get(pk=request.approval_request_id)
    assert request.status == "pending" and approval.status == "pending"
    assert [list(s.approvers.all()) for s in approval.stages.all()] == [[it_manager]]

    with pytest.raises(PermissionDenied):  # the engine decides who approves
        procurement.purchase_request_decide(request=request, actor=manager, decision="approve")
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_decide(request=request, actor=it_manager, decision="approve")
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_at is not None

    expected = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        order = procurement.purchase_order_create(
            request=request, vendor=world["supplier"], actor=manager, expected_on=expected
        )
    request.refresh_from_db()
    assert request.status == "ordered" and order.status == "ordered"
    assert order.number.startswith(f"PO-{timezone.localdate().year}-")
    toner_line = order.lines.get(stock_item=toner)
    laptop_line = order.lines.get(hardware_model=world["laptop"])
    assert (toner_line.quantity, toner_line.unit_cost) == (10, Decimal("95.50"))
    assert (laptop_line.quantity, laptop_line.unit_cost) == (3, Decimal("1400.00"))

    with django_capture_on_commit_callbacks(execute=True):
        first = procurement.purchase_order_receive(
            order=order,
            actor=manager,
            quantities={toner_line.pk: 4, laptop_line.pk: 1},
            invoice_number="INV-1",
        )
    order.refresh_from_db()
    assert order.status == "partial"
    assert StockLevel.objects.get(item=toner, location=world["stock"]).quantity == 4
    (laptop,) = Asset.objects.filter(receipt_lines__receipt=first)
    assert laptop.status == "in_stock" and laptop.location == world["stock"]
    assert laptop.purchase_cost == Decimal("1400.00") and laptop.supplier == world["supplier"]
    assert laptop.invoice_number == "INV-1" and laptop.purchase_date == timezone.localdate()
    assert laptop.organisation == world["internal"] and laptop.model == world["laptop"]

    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_order_receive(
            order=order, actor=manager, quantities={toner_line.pk: 6, laptop_line.pk: 2}
        )
    order.refresh_from_db()
    assert order.status == "received"
    assert StockLevel.objects.get(item=toner, location=world["stock"]).quantity == 10
    assert Asset.objects.filter(receipt_lines__receipt__order=order).count() == 3
    moves = StockMovement.objects.filter(item=toner, order_line=toner_line)
    assert sorted(m.quantity for m in moves) == [4, 6]
    assert {m.unit_cost for m in moves} == {Decimal("95.50")}
    audited = AuditEntry.objects.filter(
        content_type__model="purchaseorder", object_id=str(order.pk)
    )
    assert set(audited.values_list("action", flat=True)) == {"create", "update"}
    names = [name for name, _payload in published]
    for event in (
        "assets.purchase_request_submitted",
        "assets.purchase_request_approved",
        "assets.purchase_order_created",
        "assets.goods_received",
        "assets.purchase_order_received",
    ):
        assert event in names, event


def test_a_rejected_request_cannot_be_ordered(world, django_capture_on_commit_callbacks):
    it_manager = world["users"][Role.IT_MANAGER]
    request = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_submit(
            request=request, actor=world["manager"], approver=it_manager
        )
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_decide(
            request=request, actor=it_manager, decision="reject", comment="Not this quarter"
        )
    request.refresh_from_db()
    assert request.status == "rejected"
    with pytest.raises(ValidationError):
        procurement.purchase_order_create(
            request=request, vendor=world["supplier"], actor=world["manager"]
        )
    with pytest.raises(ValidationError):
        procurement.purchase_request_cancel(request=request, actor=world["manager"])
    assert not PurchaseOrder.objects.exists()


def test_cancelling_a_pending_request_cancels_its_approval(
    world, django_capture_on_commit_callbacks
):
    request = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_submit(
            request=request, actor=world["manager"], approver=world["users"][Role.IT_MANAGER]
        )
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_cancel(request=request, actor=world["manager"])
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert ApprovalRequest.objects.get(pk=request.approval_request_id).status == "cancelled"


def test_state_tables_refuse_moves_they_do_not_list(world, django_capture_on_commit_callbacks):
    request = draft(world)
    with pytest.raises(ValidationError):  # a draft is not approved yet
        procurement.purchase_order_create(
            request=request, vendor=world["supplier"], actor=world["manager"]
        )
    request = approved(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):  # submitted twice
        procurement.purchase_request_submit(request=request, actor=world["manager"])
    order = procurement.purchase_order_create(
        request=request, vendor=world["supplier"], actor=world["manager"]
    )
    with pytest.raises(ValidationError):  # ordered twice
        procurement.purchase_order_create(
            request=request, vendor=world["supplier"], actor=world["manager"]
        )
    line = order.lines.get()
    procurement.purchase_order_receive(order=order, actor=world["manager"], quantities={line.pk: 2})
    with pytest.raises(ValidationError):  # nothing left to cancel
        procurement.purchase_order_cancel(order=order, actor=world["manager"], reason="late")
    with pytest.raises(ValidationError):
        procurement.purchase_order_receive(
            order=order, actor=world["manager"], quantities={line.pk: 1}
        )
    statuses = {v for v, _label in PurchaseRequest._meta.get_field("status").choices}
    assert set(procurement.REQUEST_TRANSITIONS) == statuses
    statuses = {v for v, _label in PurchaseOrder._meta.get_field("status").choices}
    assert set(procurement.ORDER_TRANSITIONS) == statuses


def test_over_receiving_is_refused_and_changes_nothing(world, django_capture_on_commit_callbacks):
    order = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
    )
    line = order.lines.get()
    procurement.purchase_order_receive(order=order, actor=world["manager"], quantities={line.pk: 1})
    for quantities in ({line.pk: 2}, {line.pk + 999: 1}, {}, {line.pk: -1}):
        with pytest.raises(ValidationError):
            procurement.purchase_order_receive(
                order=order, actor=world["manager"], quantities=quantities
            )
    line.refresh_from_db()
    assert line.received_quantity == 1 and GoodsReceipt.objects.count() == 1
    assert Asset.objects.count() == 1


def test_a_partially_received_order_can_be_cancelled_with_a_reason(
    world, django_capture_on_commit_callbacks
):
    order = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
    )
    line = order.lines.get()
    procurement.purchase_order_receive(order=order, actor=world["manager"], quantities={line.pk: 1})
    with pytest.raises(ValidationError):
        procurement.purchase_order_cancel(order=order, actor=world["manager"], reason=" ")
    order = procurement.purchase_order_cancel(
        order=order, actor=world["manager"], reason="Model discontinued"
    )
    assert order.status == "cancelled" and "discontinued" in order.notes


def test_only_procurement_staff_order_and_receive(world, django_capture_on_commit_callbacks):
    request = approved(world, django_capture_on_commit_callbacks)
    for role in (Role.AGENT, Role.EMPLOYEE):
        with pytest.raises(PermissionDenied):
            procurement.purchase_order_create(
                request=request, vendor=world["supplier"], actor=world["users"][role]
            )
    order = procurement.purchase_order_create(
        request=request, vendor=world["supplier"], actor=world["users"][Role.IT_MANAGER]
    )
    with pytest.raises(PermissionDenied):
        procurement.purchase_order_receive(
            order=order, actor=world["users"][Role.AGENT], quantities={order.lines.get().pk: 1}
        )


def test_a_vendor_must_be_a_supplier(world, django_capture_on_commit_callbacks):
    request = approved(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        procurement.purchase_order_create(
            request=request, vendor=world["acme"], actor=world["manager"]
        )


def test_an_employee_submits_their_own_request_but_not_someone_elses(
    world, django_capture_on_commit_callbacks
):
    employee = world["users"][Role.EMPLOYEE]
    mine = draft(world, actor=employee, location=None)
    other = draft(world)
    with pytest.raises(PermissionDenied):
        procurement.purchase_request_submit(request=other, actor=employee)
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_submit(request=mine, actor=employee)
    mine.refresh_from_db()
    approval = ApprovalRequest.objects.get(pk=mine.approval_request_id)
    # By default the first active IT manager decides.
    assert list(approval.stages.get().approvers.all()) == [world["users"][Role.IT_MANAGER]]


def test_reorder_job_raises_one_request_per_low_item_at_most(
    world, django_capture_on_commit_callbacks
):
    low = make_item(name="Toner", reorder_point=5, reorder_quantity=12)
    StockLevel.objects.create(item=low, location=world["stock"], quantity=1)
    StockLevel.objects.create(item=low, location=world["room"], quantity=1)
    plenty = make_item(name="Mouse", reorder_point=5)
    StockLevel.objects.create(item=plenty, location=world["stock"], quantity=6)
    make_item(name="Untracked", reorder_point=0)

    job = job_start(handler="assets.reorder_low_stock", name="reorder")
    assert job_execute(job).result == {"requests": 1}
    request = PurchaseRequest.objects.get()
    assert (request.source, request.status, request.requester) == ("reorder", "draft", None)
    line = request.lines.get()
    assert (line.stock_item, line.quantity, line.estimated_unit_cost) == (
        low,
        12,
        Decimal("10.00"),
    )
    assert procurement.reorder_low_stock() == []  # the open request counts

    # Once ordered and received in part, the open order still counts; fully received, not.
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_submit(
            request=request, actor=world["manager"], approver=world["users"][Role.IT_MANAGER]
        )
    with django_capture_on_commit_callbacks(execute=True):
        procurement.purchase_request_decide(
            request=request, actor=world["users"][Role.IT_MANAGER], decision="approve"
        )
    request.refresh_from_db()
    assert request.requester == world["manager"]
    order = procurement.purchase_order_create(
        request=request, vendor=world["supplier"], actor=world["manager"], location=world["stock"]
    )
    procurement.purchase_order_receive(
        order=order, actor=world["manager"], quantities={order.lines.get().pk: 1}
    )
    assert procurement.reorder_low_stock() == []
    procurement.purchase_order_cancel(order=order, actor=world["manager"], reason="Out of stock")
    assert len(procurement.reorder_low_stock()) == 1


def test_order_numbers_skip_numbers_typed_by_hand(world, django_capture_on_commit_callbacks):
    year = timezone.localdate().year
    first = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
        number=f"PO-{year}-00002",
    )
    second = procurement.purchase_order_create(
        request=approved(world, django_capture_on_commit_callbacks),
        vendor=world["supplier"],
        actor=world["manager"],
    )
    assert first.number != second.number and second.number.startswith(f"PO-{year}-")
    with pytest.raises(ValidationError):
        procurement.purchase_order_create(
            request=approved(world, django_capture_on_commit_callbacks),
            vendor=world["supplier"],
            actor=world["manager"],
            number=second.number,
        )
