from __future__ import annotations

import random

import pytest

from steward.cmdb import demo, impact
from steward.cmdb.models import ConfigurationItem, Relationship
from steward.cmdb.rules import check_pair

pytestmark = pytest.mark.django_db


def test_demo_estate_obeys_the_rules_and_has_its_single_points_of_failure(org_world):
    demo.load(rng=random.Random(5), log=lambda _m: None)
    demo.load(rng=random.Random(5), log=lambda _m: None)  # idempotent
    assert ConfigurationItem.objects.filter(name=demo.FIRST).count() == 1
    for rel in Relationship.objects.select_related("source", "target"):
        check_pair(
            kind=rel.kind, source_class=rel.source.ci_class, target_class=rel.target.ci_class
        )
    switch = ConfigurationItem.objects.get(name=demo.FIRST)
    hit = {n.name for n in impact.walk(start=switch.pk).services}
    assert {"E-mail", "ERP", "Web shop", "Intranet"} <= hit
    gateway = ConfigurationItem.objects.get(name="VPN gateway")
    assert {n.name for n in impact.walk(start=gateway.pk).services} == {"VPN"}
