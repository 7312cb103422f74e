"""Impact analysis on a known graph with a diamond and a cycle: exact node sets and hop
counts, computed by the recursive query (the same test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from steward.cmdb import impact, selectors
from steward.cmdb.models import CIStatus

pytestmark = pytest.mark.django_db


def _hops(graph):
    return {n.name: n.hops for n in graph.nodes}


IMPACT_OF_SWITCH = {
    "core-switch": 0,
    "host-1": 1,
    "host-2": 1,
    "vm-cluster": 2,
    "vm-web": 2,
    "vm-db": 3,
    "vm-app": 3,
    "shop-web": 3,
    "erp-db": 4,
    "erp-app": 4,
    "Web shop": 4,
    "erp-cache": 5,
    "ERP": 5,
    "laptop-42": 6,
}


def test_impact_of_the_core_switch_reaches_every_dependant_at_its_shortest_distance(estate):
    graph = impact.walk(start=estate["ci"]["sw"].pk)
    assert _hops(graph) == IMPACT_OF_SWITCH
    assert "backup-server" not in _hops(graph)  # backs_up is not followed


def test_impact_stops_at_max_hops(estate):
    graph = impact.walk(start=estate["ci"]["sw"].pk, max_hops=2)
    assert _hops(graph) == {
        "core-switch": 0,
        "host-1": 1,
        "host-2": 1,
        "vm-cluster": 2,
        "vm-web": 2,
    }
    assert _hops(impact.walk(start=estate["ci"]["sw"].pk, max_hops=0)) == {"core-switch": 0}


def test_a_cycle_ends_and_each_member_appears_once(estate):
    graph = impact.walk(start=estate["ci"]["cache"].pk, max_hops=25)
    names = [n.name for n in graph.nodes]
    assert len(names) == len(set(names))
    assert _hops(graph) == {
        "erp-cache": 0,
        "erp-app": 1,
        "shop-web": 2,
        "ERP": 2,
        "Web shop": 2,
        "laptop-42": 3,
    }


def test_via_and_first_edge_follow_a_shortest_path_with_the_lowest_ids(estate):
    rel, ci = estate["rel"], estate["ci"]
    nodes = {n.name: n for n in impact.walk(start=ci["sw"].pk).nodes}
    # Diamond: the cluster is reached through both hosts; the lower relationship id wins.
    assert (nodes["vm-cluster"].via, nodes["vm-cluster"].parent) == (rel["h1-cl"].pk, ci["h1"].pk)
    assert nodes["vm-cluster"].first_edge == rel["h1-sw"].pk
    assert (nodes["vm-web"].via, nodes["vm-web"].first_edge) == (rel["vm3-h2"].pk, rel["h2-sw"].pk)
    assert nodes["erp-app"].via == rel["app-vm2"].pk
    assert nodes["erp-app"].via_kind == "runs_on"
    assert nodes["laptop-42"].via == rel["laptop-erp"].pk
    assert nodes["laptop-42"].first_edge == rel["h1-sw"].pk
    assert nodes["core-switch"].via is None and nodes["core-switch"].first_edge is None


def test_dependencies_of_a_service_walk_against_the_flow(estate):
    graph = impact.walk(start=estate["ci"]["shop"].pk, direction=impact.DEPENDENCIES)
    assert _hops(graph) == {
        "Web shop": 0,
        "shop-web": 1,
        "erp-app": 1,
        "vm-web": 2,
        "vm-app": 2,
        "erp-db": 2,
        "erp-cache": 2,
        "host-2": 3,
        "vm-cluster": 3,
        "vm-db": 3,
        "core-switch": 4,
        "host-1": 4,
    }


def test_services_affected_are_the_service_classes_reached(estate):
    graph = impact.walk(start=estate["ci"]["db"].pk)
    assert sorted(n.name for n in graph.services) == ["ERP", "Web shop"]


def test_an_item_without_relationships_reaches_nothing(make_ci):
    lone = make_ci("lonely", status=CIStatus.PLANNED)
    graph = impact.walk(start=lone.pk)
    assert [(n.name, n.hops, n.status) for n in graph.nodes] == [("lonely", 0, "planned")]
    assert graph.reached == []


def test_people_affected_hold_assets_of_items_reached_or_reported_open_tickets(
    estate, world, make_asset_for
):
    from steward.org.models import Person
    from steward.servicedesk.models import Ticket

    employee = Person.objects.get(user=world["employee"])
    laptop = estate["ci"]["laptop"]
    laptop.asset = make_asset_for(employee)
    laptop.save()
    agent = Person.objects.get(user=world["agent"])
    Ticket.objects.create(
        title="ERP is slow",
        reference="INC-000001",
        requester=agent,
        organisation=world["internal"],
        configuration_item_id=estate["ci"]["app"].pk,
    )
    Ticket.objects.create(
        title="closed long ago",
        reference="INC-000002",
        organisation=world["internal"],
        requester=Person.objects.get(user=world["manager"]),
        configuration_item_id=estate["ci"]["app"].pk,
        status="closed",
    )
    result = selectors.ci_impact(user=world["manager"], ci=estate["ci"]["db"])
    people = {p["name"]: p["reasons"] for p in result["people"]}
    assert set(people) == {str(employee), str(agent)}
    assert any("laptop-42" in r for r in people[str(employee)])
    assert any("ERP is slow" in r for r in people[str(agent)])


def test_impact_of_a_retired_branch_still_reports_status(estate):
    estate["ci"]["vm3"].status = CIStatus.RETIRED
    estate["ci"]["vm3"].save()
    nodes = {n.name: n for n in impact.walk(start=estate["ci"]["h2"].pk).nodes}
    assert nodes["vm-web"].status == "retired"
