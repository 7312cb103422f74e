"""The demo loader: scaled, idempotent, with history, loans overdue and contracts."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from steward.assets import demo, selectors
from steward.assets.models import Asset, AssetAssignment, Contract, Status
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_scaled_devices_with_history_once(monkeypatch):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.1")
    demo.load(rng=random.Random(2), log=lambda m: None)
    count = Asset.objects.count()
    assert count == 150
    assert AssetAssignment.objects.filter(ended_at__isnull=False).exists()
    open_ = AssetAssignment.objects.filter(ended_at__isnull=True).count()
    held = Asset.objects.filter(status__in=[Status.DEPLOYED, Status.LOANED]).count()
    assert open_ == held > 50
    today = timezone.localdate()
    assert Asset.objects.filter(status=Status.LOANED, loan_due__lt=today).exists()
    assert Contract.objects.count() == 5 and Contract.assets.through.objects.exists()
    assert set(Asset.objects.values_list("status", flat=True)) >= {
        Status.DEPLOYED,
        Status.IN_STOCK,
        Status.LOANED,
    }
    someone = AssetAssignment.objects.filter(ended_at__isnull=False).first()
    found = selectors.asset_holder_at(someone.asset, someone.started_at)
    assert found is not None and found.pk == someone.pk
    from steward.core.models import User

    employee = User.objects.get(username="employee")
    assert selectors.assets_of_user(user=employee).filter(acknowledged_at__isnull=True).exists()
    from steward.servicedesk.models import Ticket

    linked = Ticket.objects.filter(asset_id__isnull=False)
    assert linked.exists()
    assert linked.filter(requester__user=employee).count() == 1

    demo.load(rng=random.Random(2), log=lambda m: None)
    assert Asset.objects.count() == count
    Asset.objects.create(  # the sequence was reset after the bulk insert with explicit ids
        asset_tag="NEW", model=Asset.objects.first().model, organisation=found.asset.organisation
    )


def test_demo_is_registered_after_the_organisation():
    names = [name for _order, name, _loader in demo_loaders]
    assert names.index("assets") > names.index("org")
