"""The CMDB's pages: lists with query budgets, the item page with its attributes,
relationships (added and removed with the allowed-pair check) and impact section, creating
an item class first, the service map page; permissions on each."""

from __future__ import annotations

import pytest
from django.urls import reverse

from steward.cmdb.models import CIClass, ConfigurationItem, RelationKind, Relationship
from steward.core.models import AuditEntry
from steward.core.testing import PASSWORD, query_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client):
    def login(user):
        client.logout()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return login


@pytest.mark.parametrize("name", ["ci", "relationship", "attributedefinition"])
def test_list_pages_cost_the_same_queries_for_2_or_12_rows(browser, world, make_ci, name):
    from steward.cmdb.models import AttributeDefinition

    def add(n):
        for _ in range(n):
            i = ConfigurationItem.objects.count()
            app = make_ci(f"app-{i}", CIClass.APPLICATION)
            vm = make_ci(f"vm-{i}", CIClass.VIRTUAL_MACHINE)
            Relationship.objects.create(source=app, kind=RelationKind.RUNS_ON, target=vm)
            AttributeDefinition.objects.create(ci_class="server", name=f"a{i}", label=f"A{i}")

    client = browser(world["manager"])
    url = reverse(f"cmdb:{name}_list")
    add(2)
    assert client.get(url).status_code == 200
    with query_budget(30) as few:
        client.get(url)
    add(10)
    with query_budget(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) >= 12


def test_item_list_filters_like_the_api(browser, world, make_ci):
    db = make_ci("erp-db", CIClass.DATABASE)
    make_ci("erp-app", CIClass.APPLICATION)
    page = browser(world["agent"]).get(reverse("cmdb:ci_list"), {"ci_class": "database"})
    assert [obj for obj, _values in page.context["rows"]] == [db]
    bad = browser(world["agent"]).get(reverse("cmdb:ci_list"), {"ci_class": "spaceship"})
    assert bad.status_code == 200 and bad.context["rows"] == []


def test_employees_and_customers_do_not_see_the_cmdb(browser, world, make_ci):
    ci = make_ci("erp-db", CIClass.DATABASE)
    for user in (world["employee"], world["customer"]):
        client = browser(user)
        assert client.get(reverse("cmdb:ci_list")).status_code == 403
        assert client.get(reverse("cmdb:ci_detail", kwargs={"pk": ci.pk})).status_code == 404
        assert client.get(reverse("cmdb:service_map")).status_code == 403


def test_item_page_shows_attributes_relationships_and_incidents(browser, world, estate):
    app = estate["ci"]["app"]
    app.attributes = {"version": "7.4", "vendor": "Odoo"}
    app.save()
    page = browser(world["agent"]).get(reverse("cmdb:ci_detail", kwargs={"pk": app.pk}))
    assert page.status_code == 200
    assert ("Version", "7.4") in [(str(k), v) for k, v in page.context["attributes"]]
    labels = {(str(r["label"]), r["other"].name) for r in page.context["relationships"]}
    assert ("runs on", "vm-app") in labels and ("used by", "ERP") in labels
    assert page.context["relationship_form"] is None  # agents read only
    assert b"impact-result" in page.content


def test_adding_a_relationship_from_the_page_checks_the_pair(browser, world, make_ci):
    app = make_ci("erp-app", CIClass.APPLICATION)
    vm = make_ci("vm-erp", CIClass.VIRTUAL_MACHINE)
    switch = make_ci("core-switch", CIClass.NETWORK_DEVICE)
    client = browser(world["manager"])
    url = reverse("cmdb:ci_relationship_add", kwargs={"pk": app.pk})
    response = client.post(url, {"direction": "out", "kind": "runs_on", "other": vm.pk})
    assert response.status_code == 302
    rel = Relationship.objects.get()
    assert (rel.source, rel.kind, rel.target) == (app, "runs_on", vm)
    assert AuditEntry.objects.filter(object_id=str(rel.pk), action="create").exists()
    response = client.post(
        url, {"direction": "in", "kind": "runs_on", "other": switch.pk}, follow=True
    )
    assert "network device" in " ".join(str(m) for m in response.context["messages"])
    assert Relationship.objects.count() == 1
    remove = reverse("cmdb:ci_relationship_remove", kwargs={"pk": app.pk, "rel_pk": rel.pk})
    assert client.post(remove).status_code == 302
    assert not Relationship.objects.exists()


def test_agents_may_not_add_or_remove_relationships(browser, world, make_ci):
    app = make_ci("erp-app", CIClass.APPLICATION)
    vm = make_ci("vm-erp", CIClass.VIRTUAL_MACHINE)
    rel = Relationship.objects.create(source=app, kind=RelationKind.RUNS_ON, target=vm)
    client = browser(world["agent"])
    add = reverse("cmdb:ci_relationship_add", kwargs={"pk": app.pk})
    response = client.post(add, {"direction": "out", "kind": "depends_on", "other": vm.pk})
    assert response.status_code == 403
    remove = reverse("cmdb:ci_relationship_remove", kwargs={"pk": app.pk, "rel_pk": rel.pk})
    assert client.post(remove).status_code == 403
    assert Relationship.objects.count() == 1


def test_creating_an_item_chooses_the_class_then_shows_its_attributes(browser, world):
    client = browser(world["manager"])
    choose = client.get(reverse("cmdb:ci_add"))
    assert choose.status_code == 200 and b"?ci_class=database" in choose.content
    form = client.get(reverse("cmdb:ci_add"), {"ci_class": "database"})
    assert "attr_engine" in form.context["form"].fields
    response = client.post(
        reverse("cmdb:ci_add") + "?ci_class=database",
        {
            "name": "erp-db",
            "ci_class": "database",
            "status": "active",
            "criticality": "4",
            "organisation": world["internal"].pk,
            "attr_engine": "PostgreSQL",
            "attr_size_gb": "12.5",
        },
    )
    assert response.status_code == 302, response.content
    ci = ConfigurationItem.objects.get()
    assert ci.attributes == {"engine": "PostgreSQL", "size_gb": "12.5"}
    bad = client.post(
        reverse("cmdb:ci_edit", kwargs={"pk": ci.pk}),
        {"name": "x" * 201, "ci_class": "database", "status": "active", "criticality": "4"},
    )
    assert bad.status_code == 400


def test_impact_fragment_lists_services_and_counts(browser, world, estate):
    client = browser(world["agent"])
    url = reverse("cmdb:ci_impact", kwargs={"pk": estate["ci"]["sw"].pk})
    page = client.get(url, {"max_hops": 10, "direction": "impact"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert page.context["count"] == 13
    assert sorted(n.name for n in page.context["services"]) == ["ERP", "Web shop"]
    assert "<td>Active</td>" in page.content.decode()  # the status's label, not its value
    assert client.get(url, {"max_hops": "999"}).status_code == 400
    assert client.get(url, {"direction": "sideways"}).status_code == 400


def test_service_map_page_starts_from_the_most_critical_business_service(browser, world, estate):
    shop = estate["ci"]["shop"]
    shop.criticality = 4
    shop.save()
    client = browser(world["agent"])
    page = client.get(reverse("cmdb:service_map"))
    assert page.status_code == 200 and page.context["start"] == shop
    assert b"vendor/cytoscape/cytoscape.min.js" in page.content
    assert client.get(reverse("cmdb:service_map"), {"ci": "abc"}).status_code == 404
    assert client.get(reverse("cmdb:service_map"), {"ci": "99999"}).status_code == 404
