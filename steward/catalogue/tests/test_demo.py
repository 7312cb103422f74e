"""The demo loader fills the catalogue and files requests in every state, once."""

from __future__ import annotations

import random

import pytest

from steward.catalogue import demo
from steward.catalogue.models import CatalogueItem, RequestedItem, RequestState

pytestmark = pytest.mark.django_db


def test_the_demo_has_items_and_requests_in_every_state_and_loads_once():
    from steward.org import demo as org_demo

    org_demo.load(rng=random.Random(1), log=lambda m: None, password="demo-password-1")
    lines: list[str] = []
    demo.load(rng=random.Random(2), log=lines.append)
    assert CatalogueItem.objects.count() >= 15
    states = set(RequestedItem.objects.values_list("state", flat=True))
    assert states == set(RequestState.values), lines
    count = RequestedItem.objects.count()
    demo.load(rng=random.Random(2), log=lines.append)
    assert RequestedItem.objects.count() == count and lines[-1] == "catalogue already loaded"
