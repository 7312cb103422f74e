"""The stock and procurement demo: low stock, an open order partially received, a request
waiting for the demo IT manager, health readings; idempotent."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count

from steward.approvals.models import ApprovalRequest
from steward.assets import demo, procurement, procurement_demo
from steward.assets.models import (
    Asset,
    AssetHealthReading,
    HardwareModel,
    PurchaseOrder,
    PurchaseRequest,
    StockItem,
    StockMovement,
)
from steward.core.models import User
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_shows_every_step_of_the_loop_once(monkeypatch, django_capture_on_commit_callbacks):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    demo.load(rng=random.Random(2), log=lambda m: None)
    with django_capture_on_commit_callbacks(execute=True):
        procurement_demo.load(rng=random.Random(3), log=lambda m: None)

    assert StockItem.objects.count() == len(procurement_demo.ITEMS)
    assert procurement.low_stock_items().count() >= 3
    assert StockMovement.objects.filter(kind="issue").exists()
    order = PurchaseOrder.objects.get()
    assert order.status == "partial" and order.request.status == "ordered"
    assert Asset.objects.filter(receipt_lines__receipt__order=order).count() == 3
    waiting = PurchaseRequest.objects.get(status="pending")
    assert waiting.requester.username == "employee"
    approval = ApprovalRequest.objects.get(pk=waiting.approval_request_id)
    stage = approval.stages.get(status="pending")
    assert [u.username for u in stage.approvers.all()] == ["manager"]
    assert AssetHealthReading.objects.exists()
    assert User.objects.get(username="employee")

    counts = (StockItem.objects.count(), PurchaseRequest.objects.count())
    procurement_demo.load(rng=random.Random(3), log=lambda m: None)
    assert (StockItem.objects.count(), PurchaseRequest.objects.count()) == counts


def test_demo_links_the_catalogue_laptop_to_the_laptop_model_most_deployed(monkeypatch):
    from steward.catalogue import demo as catalogue_demo

    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    catalogue_demo.load(rng=random.Random(4), log=lambda m: None)
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    demo.load(rng=random.Random(2), log=lambda m: None)
    procurement_demo.load(rng=random.Random(3), log=lambda m: None)

    laptops = HardwareModel.objects.filter(category="laptop").annotate(n=Count("assets"))
    linked = laptops.get(catalogue_item__slug="new-laptop")
    assert linked.n == max(m.n for m in laptops) > 0
    assert HardwareModel.objects.filter(catalogue_item__slug="mobile-phone", category="phone")


def test_demo_runs_after_assets_and_approvals():
    names = [name for _order, name, _loader in demo_loaders]
    assert names.index("assets_procurement") > names.index("assets")
    assert names.index("assets_procurement") > names.index("approvals")
