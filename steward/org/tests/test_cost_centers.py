"""Cost centres: an owner (an employee holding the budget), one default, active or not.
Strategy books its budgets and costs on them."""

import pytest

from steward.core.permissions import Role
from steward.core.testing import query_budget
from steward.org import selectors
from steward.org.models import CostCenter, Department, Person

pytestmark = pytest.mark.django_db
BASE = "/api/org/cost-centres/"


def _centre(org_world, code, **kw):
    return CostCenter.objects.create(organisation=org_world["internal"], code=code, name=code, **kw)


def test_a_customer_contact_cannot_own_a_cost_centre(api, org_world):
    manager = api(org_world["users"][Role.IT_MANAGER])
    contact = Person.objects.get(user=org_world["users"]["acme_contact"])
    body = {"organisation": org_world["internal"].pk, "code": "CC-X", "name": "X"}
    response = manager.post(BASE, {**body, "owner": contact.pk}, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]
    seller = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    response = manager.post(BASE, {**body, "owner": seller.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == seller.pk
    assert response.json()["is_active"] is True and response.json()["is_default"] is False


def test_only_one_cost_centre_is_the_default(api, org_world):
    _centre(org_world, "CC-1", is_default=True)
    body = {"organisation": org_world["internal"].pk, "code": "CC-2", "name": "Two"}
    response = api(org_world["users"][Role.IT_MANAGER]).post(
        BASE, {**body, "is_default": True}, format="json"
    )
    assert response.status_code == 400
    assert "is_default" in response.json()["errors"]


def test_filter_by_owner_default_and_active(api, org_world):
    seller = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    a = _centre(org_world, "CC-A", owner=seller, is_default=True)
    b = _centre(org_world, "CC-B", is_active=False)
    client = api(org_world["users"][Role.IT_MANAGER])

    def ids(**query):
        return {r["id"] for r in client.get(BASE, query).json()["results"]}

    assert ids(owner=seller.pk) == {a.pk}
    assert ids(is_default="true") == {a.pk}
    assert ids(is_active="false") == {b.pk}


def test_cost_centre_list_keeps_its_query_budget(api, org_world):
    seller = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    for n in range(20):
        _centre(org_world, f"CC-{n}", owner=seller)
    client = api(org_world["users"][Role.IT_MANAGER])
    client.get(BASE)
    with query_budget(6):
        assert client.get(BASE).status_code == 200


def test_landing_reads_for_strategy(org_world):
    it = _centre(org_world, "CC-IT", is_default=True)
    old = _centre(org_world, "CC-OLD", is_active=False)
    internal = org_world["internal"]
    a = Department.objects.create(organisation=internal, name="A", cost_center=it)
    Department.objects.create(organisation=internal, name="B", cost_center=old)
    Department.objects.create(organisation=internal, name="C")
    assert selectors.cost_center_of_departments() == {a.pk: it.pk}
    assert selectors.cost_center_default() == it
    it.is_active = False
    it.save()
    assert selectors.cost_center_default() is None


def test_the_pages_show_owner_default_and_active(client, org_world):
    seller = Person.objects.get(user=org_world["users"][Role.EMPLOYEE])
    centre = _centre(org_world, "CC-Z", owner=seller, is_default=True)
    client.force_login(org_world["users"][Role.IT_MANAGER])
    page = client.get(f"/org/cost-centres/{centre.pk}/")
    assert page.status_code == 200
    assert str(seller) in page.content.decode()
    form = client.get(f"/org/cost-centres/{centre.pk}/edit/")
    assert form.status_code == 200
    assert 'name="is_default"' in form.content.decode()
