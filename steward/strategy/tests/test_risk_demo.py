"""The risk-register demo: a believable register on the demo CMDB with security incidents
linked; deterministic and idempotent."""

from __future__ import annotations

import random

import pytest

from steward.assets import demo as assets_demo
from steward.cmdb import demo as cmdb_demo
from steward.core.models import User
from steward.core.registry import demo_loaders
from steward.org import demo as org_demo
from steward.strategy import risk_demo, risk_selectors
from steward.strategy.models import Risk, RiskControl, RiskControlLink, RiskIncident
from steward.strategy.risk import default_matrix

pytestmark = pytest.mark.django_db


def _incidents():
    from steward.org.models import Organisation, Person
    from steward.servicedesk.models import Ticket

    requester = Person.objects.filter(user__isnull=False).order_by("pk").first()
    org = Organisation.objects.filter(kind="internal").first()
    for n, title in enumerate(
        ["Antivirus found a threat on my laptop", "Laptop stolen from my car", "Printer jam"]
    ):
        Ticket.objects.create(
            title=title, reference=f"INC-8{n:05d}", requester=requester, organisation=org
        )


def test_demo_risk_register(monkeypatch):
    org_demo.load(rng=random.Random(1), log=lambda m: None, password="pw-for-tests-only")
    monkeypatch.setenv("STEWARD_DEMO_SCALE", "0.05")
    assets_demo.load(rng=random.Random(2), log=lambda m: None)
    cmdb_demo.load(rng=random.Random(3), log=lambda m: None)
    _incidents()
    logs: list[str] = []
    risk_demo.load(rng=random.Random(4), log=logs.append)

    assert 10 <= Risk.objects.count() <= 20
    assert Risk.objects.values("category").distinct().count() >= 6
    assert RiskControl.objects.count() >= 12
    assert RiskControlLink.objects.count() >= 15
    assert RiskIncident.objects.count() == 2
    assert Risk.objects.filter(owner__isnull=True).count() == 0
    manager = User.objects.get(username="manager")
    heat = risk_selectors.heat_map(user=manager, matrix=default_matrix())
    assert heat.total == Risk.objects.exclude(status="closed").count()
    assert logs == ["15 risks, 24 items protected by controls, 2 incidents linked"]
    risk_demo.load(rng=random.Random(5), log=logs.append)
    assert logs[-1] == "risk register already loaded"
    assert Risk.objects.count() == 15


def test_demo_runs_after_the_cmdb_and_service_desk():
    names = [name for _order, name, _loader in demo_loaders]
    assert names.index("strategy_risk") > names.index("cmdb")
    assert names.index("strategy_risk") > names.index("servicedesk")
