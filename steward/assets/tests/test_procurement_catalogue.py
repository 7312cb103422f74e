"""The procurement loop from the catalogue: an approved request for a model or stock item
that is not in stock raises a draft purchase request (source: catalogue), once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from steward.approvals import services as approvals
from steward.approvals.models import ApprovalRequest
from steward.assets import procurement
from steward.assets.models import PurchaseRequest, StockLevel
from steward.assets.tests.procurement_helpers import make_item
from steward.catalogue.tests.conftest import cat, request_item  # noqa: F401  (fixtures)
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db


def _approve(requested, cat, capture):  # noqa: F811  (cat is the fixture's value here)
    with capture(execute=True):
        approvals.approval_decide(
            request=ApprovalRequest.objects.get(pk=requested.approval_request_id),
            approver=cat["users"][Role.IT_MANAGER],
            decision="approve",
        )


def test_approved_laptop_request_with_none_in_stock_raises_a_purchase_request(
    world,
    cat,  # noqa: F811
    request_item,  # noqa: F811
    make_asset,
    django_capture_on_commit_callbacks,
):
    laptop = world["laptop"]
    laptop.catalogue_item = cat["laptop"]
    laptop.save()
    make_asset(status="deployed", purchase_cost=Decimal("1350.00"))
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    assert not PurchaseRequest.objects.exists()  # nothing is bought before the approval

    _approve(requested, cat, django_capture_on_commit_callbacks)
    request = PurchaseRequest.objects.get()
    assert (request.source, request.status, request.requested_item_id) == (
        "catalogue",
        "draft",
        requested.pk,
    )
    (line,) = request.lines.all()
    assert (line.hardware_model, line.quantity, line.estimated_unit_cost) == (
        laptop,
        1,
        Decimal("1350.00"),
    )
    assert requested.ticket.reference in request.justification

    # The same event again (a replay) asks for nothing more.
    procurement.on_catalogue_request_approved(
        requested_item_id=requested.pk, item_id=cat["laptop"].pk
    )
    assert PurchaseRequest.objects.count() == 1


def test_a_laptop_in_stock_serves_the_request_without_buying(
    world,
    cat,  # noqa: F811
    request_item,  # noqa: F811
    make_asset,
    django_capture_on_commit_callbacks,
):
    world["laptop"].catalogue_item = cat["laptop"]
    world["laptop"].save()
    make_asset()  # in stock
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    _approve(requested, cat, django_capture_on_commit_callbacks)
    assert not PurchaseRequest.objects.exists()


def test_an_item_without_approval_orders_the_empty_stock_item_at_once(
    world,
    cat,  # noqa: F811
    request_item,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    headset = make_item(name="Headset", unit_cost=Decimal("89.00"))
    headset.catalogue_item = cat["vpn"]  # any item without approval stages
    headset.save()
    StockLevel.objects.create(item=headset, location=world["stock"], quantity=0)
    with django_capture_on_commit_callbacks(execute=True):
        request_item(cat["vpn"])
    request = PurchaseRequest.objects.get()
    (line,) = request.lines.all()
    assert (line.stock_item, line.estimated_unit_cost, request.source) == (
        headset,
        Decimal("89.00"),
        "catalogue",
    )


def test_a_rejected_request_or_an_unlinked_item_buys_nothing(
    world,
    cat,  # noqa: F811
    request_item,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        request_item(cat["vpn"])  # approved at once, but supplied by nothing tracked
    world["laptop"].catalogue_item = cat["laptop"]
    world["laptop"].save()
    with django_capture_on_commit_callbacks(execute=True):
        requested = request_item(cat["laptop"], answers={"model": "14-inch"})
    with django_capture_on_commit_callbacks(execute=True):
        approvals.approval_decide(
            request=ApprovalRequest.objects.get(pk=requested.approval_request_id),
            approver=cat["users"][Role.IT_MANAGER],
            decision="reject",
            comment="Not this year",
        )
    assert not PurchaseRequest.objects.exists()
