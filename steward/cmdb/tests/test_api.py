"""The CMDB's API: items and relationships created through the services (audited, with
permissions), the allowed class pairs, impact and graph endpoints, hostile input answering
precise 400s (never 500), and query budgets on every list."""

from __future__ import annotations

import pytest

from steward.cmdb.models import CIClass, ConfigurationItem, RelationKind, Relationship
from steward.core.models import AuditEntry
from steward.core.testing import query_budget

pytestmark = pytest.mark.django_db
ITEMS = "/api/cmdb/configuration-items/"
RELS = "/api/cmdb/relationships/"


def _errors(response):
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def test_asset_manager_creates_an_item_audited_with_origin_api(api, world):
    client = api(world["manager"])
    response = client.post(
        ITEMS,
        {
            "name": "erp-db-01",
            "ci_class": "database",
            "organisation": world["internal"].pk,
            "attributes": {"engine": "PostgreSQL", "version": "16", "size_gb": "120.5"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["attributes"]["size_gb"] == "120.5"
    entry = AuditEntry.objects.get(
        object_id=str(body["id"]), action="create", content_type__model="configurationitem"
    )
    assert (entry.actor, entry.origin) == (world["manager"], "api")


def test_agents_read_but_may_not_write_and_customers_see_nothing(api, world, make_ci):
    make_ci("visible")
    assert api(world["agent"]).post(ITEMS, {"name": "x", "ci_class": "server"}).status_code == 403
    listed = api(world["agent"]).get(ITEMS)
    assert [r["name"] for r in listed.json()["results"]] == ["visible"]
    assert api(world["customer"]).get(ITEMS).status_code == 403
    assert api(world["employee"]).get(ITEMS).status_code == 403


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "ci_class": "spaceship"}, "ci_class"),
        ({"name": "x" * 201, "ci_class": "server"}, "name"),
        ({"name": "", "ci_class": "server"}, "name"),
        ({"name": "x", "ci_class": "server", "attributes": {"warp": 9}}, "attributes"),
        ({"name": "x", "ci_class": "server", "attributes": {"memory_mb": "lots"}}, "attributes"),
        ({"name": "x", "ci_class": "server", "attributes": ["a"]}, "attributes"),
        ({"name": "x", "ci_class": "server", "organisation": 99999999}, "organisation"),
        ({"name": "x", "ci_class": "server", "asset": "abc"}, "asset"),
        ({"name": "x", "ci_class": "server", "status": "exploded"}, "status"),
        ({"name": "x", "ci_class": "server", "criticality": 99}, "criticality"),
        ({"name": "x", "ci_class": "server", "source": "discovery"}, "source"),
        ({"name": "x", "ci_class": "server", "hostname": "h" * 300}, "hostname"),
    ],
)
def test_bad_item_input_answers_400_on_the_field(api, world, payload, field):
    assert field in _errors(api(world["manager"]).post(ITEMS, payload, format="json"))
    assert not ConfigurationItem.objects.exists()


def test_a_deleted_attribute_definition_does_not_block_later_edits(api, world, make_ci):
    from steward.cmdb.models import AttributeDefinition

    rack = AttributeDefinition.objects.create(ci_class="server", name="rack", label="Rack")
    server = make_ci("db-01", attributes={"rack": "R12", "memory_mb": 8192})
    rack.delete()
    client = api(world["manager"])
    response = client.patch(f"{ITEMS}{server.pk}/", {"description": "moved"}, format="json")
    assert response.status_code == 200, response.content
    server.refresh_from_db()
    assert server.attributes == {"memory_mb": 8192}  # the retired value went, the rest stays
    # A name no definition has, sent now, is still refused.
    response = client.patch(f"{ITEMS}{server.pk}/", {"attributes": {"rack": "R1"}}, format="json")
    assert "attributes" in _errors(response)


def test_only_physical_items_link_to_an_asset(api, world, make_asset_for):
    asset = make_asset_for()
    client = api(world["manager"])
    bad = client.post(ITEMS, {"name": "app", "ci_class": "application", "asset": asset.pk})
    assert "asset" in _errors(bad)
    good = client.post(ITEMS, {"name": "srv", "ci_class": "server", "asset": asset.pk})
    assert good.status_code == 201
    twice = client.post(ITEMS, {"name": "srv2", "ci_class": "server", "asset": asset.pk})
    assert "asset" in _errors(twice)


def test_relationship_created_through_the_api_is_audited(api, world, make_ci):
    app = make_ci("erp", CIClass.APPLICATION)
    vm = make_ci("vm", CIClass.VIRTUAL_MACHINE)
    response = api(world["manager"]).post(
        RELS, {"source": app.pk, "kind": "runs_on", "target": vm.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_name"] == "erp"
    rel = Relationship.objects.get()
    assert AuditEntry.objects.filter(
        object_id=str(rel.pk), action="create", content_type__model="relationship"
    ).exists()


def test_disallowed_pair_self_loop_and_duplicate_answer_precise_400s(api, world, make_ci):
    app = make_ci("erp", CIClass.APPLICATION)
    switch = make_ci("sw", CIClass.NETWORK_DEVICE)
    vm = make_ci("vm", CIClass.VIRTUAL_MACHINE)
    client = api(world["manager"])
    pair = _errors(client.post(RELS, {"source": switch.pk, "kind": "runs_on", "target": app.pk}))
    assert pair["kind"] == ["“runs on” cannot lead from network device to any class."]
    pair = _errors(client.post(RELS, {"source": vm.pk, "kind": "runs_on", "target": app.pk}))
    assert pair["kind"][0].startswith("“runs on” cannot lead from virtual machine to application;")
    loop = _errors(client.post(RELS, {"source": app.pk, "kind": "depends_on", "target": app.pk}))
    assert "itself" in loop["target"][0]
    body = {"source": app.pk, "kind": "runs_on", "target": vm.pk}
    assert client.post(RELS, body).status_code == 201
    assert client.post(RELS, body).status_code == 400
    assert _errors(client.post(RELS, {**body, "target": 987654321}))["target"]
    assert _errors(client.post(RELS, {**body, "target": "x"}))["target"]
    assert _errors(client.post(RELS, {**body, "kind": "loves"}))["kind"]
    assert Relationship.objects.count() == 1


def test_relationships_are_never_changed_only_deleted(api, world, make_ci):
    rel = Relationship.objects.create(
        source=make_ci("a", CIClass.APPLICATION),
        kind=RelationKind.RUNS_ON,
        target=make_ci("b", CIClass.SERVER),
    )
    client = api(world["manager"])
    assert client.patch(f"{RELS}{rel.pk}/", {"note": "x"}).status_code in (403, 405)
    rel.refresh_from_db()
    assert rel.note == ""
    assert client.delete(f"{RELS}{rel.pk}/").status_code == 204
    assert AuditEntry.objects.filter(object_id=str(rel.pk), action="delete").exists()


def test_class_change_that_breaks_a_relationship_is_refused(api, world, make_ci):
    app = make_ci("erp", CIClass.APPLICATION)
    vm = make_ci("vm", CIClass.VIRTUAL_MACHINE)
    Relationship.objects.create(source=app, kind=RelationKind.RUNS_ON, target=vm)
    response = api(world["manager"]).patch(f"{ITEMS}{vm.pk}/", {"ci_class": "iot_device"})
    assert "ci_class" in _errors(response)


def test_retiring_an_item_is_announced(
    api, world, make_ci, published, django_capture_on_commit_callbacks
):
    vm = make_ci("vm", CIClass.VIRTUAL_MACHINE)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world["manager"]).patch(f"{ITEMS}{vm.pk}/", {"status": "retired"})
    assert response.status_code == 200
    assert ("cmdb.ci_retired", {"model": "cmdb.ConfigurationItem", "pk": vm.pk}) in published


def test_impact_endpoint_answers_the_known_graph(api, world, estate):
    client = api(world["agent"])
    response = client.get(f"{ITEMS}{estate['ci']['db'].pk}/impact/")
    assert response.status_code == 200, response.content
    body = response.json()
    hops = {n["name"]: n["hops"] for n in body["nodes"]}
    assert hops == {
        "erp-db": 0,
        "erp-app": 1,
        "erp-cache": 2,
        "shop-web": 2,
        "ERP": 2,
        "Web shop": 2,
        "laptop-42": 3,
    }
    assert body["count"] == 6
    assert sorted(s["name"] for s in body["services"]) == ["ERP", "Web shop"]
    deps = client.get(f"{ITEMS}{estate['ci']['erp'].pk}/impact/?direction=dependencies&max_hops=1")
    assert {n["name"] for n in deps.json()["nodes"]} == {"ERP", "erp-app"}


@pytest.mark.parametrize(
    "query", ["max_hops=-1", "max_hops=26", "max_hops=x", "direction=sideways", "max_hops=1e9"]
)
def test_bad_impact_queries_answer_400(api, world, estate, query):
    response = api(world["agent"]).get(f"{ITEMS}{estate['ci']['db'].pk}/impact/?{query}")
    assert response.status_code == 400


def test_unknown_or_malformed_ids_answer_404_not_500(api, world):
    client = api(world["agent"])
    for path in ("999999/", "abc/", "99999999999999999999999/", "999999/impact/", "1x/graph/"):
        assert client.get(ITEMS + path).status_code == 404, path


def test_graph_endpoint_gives_neighbours_with_open_incidents(api, world, estate):
    from steward.org.models import Person
    from steward.servicedesk.models import Ticket

    app = estate["ci"]["app"]
    Ticket.objects.create(
        title="ERP down",
        reference="INC-000009",
        requester=Person.objects.get(user=world["agent"]),
        organisation=world["internal"],
        configuration_item_id=app.pk,
    )
    body = api(world["agent"]).get(f"{ITEMS}{app.pk}/graph/").json()
    names = {n["name"]: n["open_incidents"] for n in body["nodes"]}
    assert names == {
        "erp-app": 1,
        "vm-app": 0,
        "erp-db": 0,
        "erp-cache": 0,
        "shop-web": 0,
        "ERP": 0,
        "Web shop": 0,
    }
    assert len(body["edges"]) == 7  # the cycle with the cache counts both ways


@pytest.mark.parametrize(
    ("url", "budget"),
    [(ITEMS, 8), (RELS, 8), ("/api/cmdb/attribute-definitions/", 8)],
)
def test_list_query_budget_does_not_grow_with_rows(api, world, estate, url, budget):
    client = api(world["manager"])
    client.get(url)  # token, roles and content types warmed
    with query_budget(budget):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"] or url.endswith("definitions/")


def test_graph_and_impact_query_counts_do_not_grow_with_neighbours(api, world, estate):
    client = api(world["manager"])
    url = f"{ITEMS}{estate['ci']['app'].pk}/"
    client.get(url + "graph/")
    with query_budget(10):
        assert client.get(url + "graph/").status_code == 200
    client.get(url + "impact/")
    with query_budget(12):
        assert client.get(url + "impact/").status_code == 200
