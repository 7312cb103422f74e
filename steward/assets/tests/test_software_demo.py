"""The software demo: a believable estate on the demo computers, loaded once."""

from __future__ import annotations

import random

import pytest

from steward.assets import compliance, demo, renewals, software_demo
from steward.assets.models import DeviceOS, Installation, Licence, LicenceSeat, SoftwareProduct
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_estate_has_expiring_and_over_deployed_licences_and_loads_once(monkeypatch):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.1")
    demo.load(rng=random.Random(2), log=lambda m: None)
    software_demo.load(rng=random.Random(3), log=lambda m: None)
    assert SoftwareProduct.objects.count() == 40
    installs = Installation.objects.count()
    assert installs > 300 and DeviceOS.objects.exists() and LicenceSeat.objects.exists()
    assert renewals.expiring_count() >= 5
    rows = compliance.compliance()
    assert any(r.over_deployed for r in rows) and any(r.unused for r in rows)
    assert Licence.objects.filter(licence_type="per_core").exists()

    software_demo.load(rng=random.Random(3), log=lambda m: None)
    assert Installation.objects.count() == installs


def test_software_demo_runs_after_the_hardware():
    names = [name for _order, name, _loader in demo_loaders]
    assert names.index("assets_software") > names.index("assets")
