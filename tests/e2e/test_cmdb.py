"""The CMDB's service map in Chromium: the demo estate drawn by Cytoscape from the API,
nodes coloured by status and open incidents, a click expanding a node's neighbours, and the
item page's impact section."""

from __future__ import annotations

import random

import pytest

from steward.core.permissions import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def estate(org_world):
    from steward.cmdb import demo
    from steward.cmdb.models import ConfigurationItem
    from steward.org.models import Person
    from steward.servicedesk.models import Ticket

    demo.load(rng=random.Random(1), log=lambda _m: None)
    odoo = ConfigurationItem.objects.get(name="Odoo ERP")
    Ticket.objects.create(
        title="ERP answers slowly",
        reference="INC-000777",
        requester=Person.objects.get(user=org_world["users"][Role.AGENT]),
        organisation=org_world["internal"],
        configuration_item_id=odoo.pk,
    )
    return {"erp": ConfigurationItem.objects.get(name="ERP"), "odoo": odoo}


def _count(s, selector):
    return s.page.evaluate(f"window.stewardServiceMap.nodes({selector!r}).length")


def test_service_map_renders_and_expands_on_click(session, estate):
    s = session("cmdb-service-map")
    s.login(Role.AGENT)
    s.goto(f"/cmdb/map/?ci={estate['erp'].pk}")
    s.page.locator("#service-map[data-ready='true']").wait_for()
    names = s.page.evaluate("window.stewardServiceMap.nodes().map(n => n.data('name'))")
    assert set(names) == {"ERP", "Odoo ERP"}, names
    assert _count(s, "[open_incidents > 0]") == 1
    s.shot("service-map-start")
    # Click Odoo: its neighbours (VM, database, directory) are fetched and drawn.
    position = s.page.evaluate(
        "id => { const n = window.stewardServiceMap.getElementById(String(id));"
        " const p = n.renderedPosition(); const b = document.getElementById('service-map')"
        ".getBoundingClientRect(); return {x: b.left + p.x, y: b.top + p.y}; }",
        estate["odoo"].pk,
    )
    s.page.mouse.click(position["x"], position["y"])
    s.page.locator("#service-map[data-expanded='2']").wait_for()
    names = set(s.page.evaluate("window.stewardServiceMap.nodes().map(n => n.data('name'))"))
    assert {"vm-erp-app-01", "ERP database", "Directory (LDAP)"} <= names, names
    assert s.page.locator("#map-selected").inner_text().startswith("Odoo ERP")
    s.shot("service-map-expanded")
    assert s.errors == []


def test_item_page_shows_impact_of_the_core_switch(session, estate):
    from steward.cmdb.models import ConfigurationItem

    switch = ConfigurationItem.objects.get(name="Core switch")
    s = session("cmdb-impact")
    s.login(Role.AGENT)
    s.goto(f"/cmdb/items/{switch.pk}/")
    s.page.locator("#impact-summary").wait_for()
    services = s.page.locator("#impact-services").inner_text()
    assert "ERP" in services and "Web shop" in services and "E-mail" in services
    s.shot("impact")
    assert s.errors == []
