"""Who sees and does what: asset managers, IT managers and administrators manage assets;
agents see every asset and check them out and in; an employee sees only the assets assigned
to them (and their own history); customer contacts see none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from steward.assets import selectors, services
from steward.assets.models import Asset, AssetAssignment, Contract, HardwareModel
from steward.core import permissions
from steward.core.permissions import Role

pytestmark = pytest.mark.django_db
URL = "/api/assets/assets/"


@pytest.fixture
def two(world, make_asset):
    mine = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    other = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["agent_person"]
    )
    return mine, other, make_asset()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IT_MANAGER, Role.AGENT, Role.ASSET_MANAGER])
def test_staff_see_every_asset(world, two, role):
    seen = set(selectors.asset_list(user=world["users"][role]).values_list("pk", flat=True))
    assert seen == {a.pk for a in two}


def test_employee_sees_only_assets_assigned_to_them(api, world, two):
    mine, other, _stock = two
    employee = world["users"][Role.EMPLOYEE]
    assert list(selectors.asset_list(user=employee)) == [mine]
    client = api(employee)
    assert [r["id"] for r in client.get(URL).json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    history = client.get("/api/assets/assignments/").json()["results"]
    assert [h["asset"] for h in history] == [mine.pk]
    assert client.post(URL, {"asset_tag": "X"}, format="json").status_code == 403
    assert client.patch(f"{URL}{mine.pk}/", {"notes": "x"}, format="json").status_code == 403
    response = client.post(f"{URL}{mine.pk}/check-in/", {}, format="json")
    assert response.status_code == 403
    assert client.get("/api/assets/contracts/").status_code == 403


@pytest.mark.parametrize("name", ["acme_contact", "globex_contact"])
def test_customer_contacts_see_no_assets_at_all(api, world, two, name):
    client = api(world["users"][name])
    for url in (
        URL,
        "/api/assets/assignments/",
        "/api/assets/contracts/",
        "/api/assets/hardware-models/",
        "/api/assets/manufacturers/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(f"{URL}{two[0].pk}/").status_code in (403, 404)
    for model in (Asset, AssetAssignment, Contract, HardwareModel):
        assert not permissions.restrict(model.objects.all(), world["users"][name]).exists()


def test_agents_check_out_but_do_not_create_edit_or_move_assets(world, make_asset):
    agent = world["users"][Role.AGENT]
    asset = make_asset()
    services.asset_check_out(asset=asset, actor=agent, location=world["room"])
    with pytest.raises(PermissionDenied):
        services.asset_transition(asset=asset, status="lost", actor=agent, note="gone")
    with pytest.raises(PermissionDenied):
        services.asset_update(asset=asset, data={"notes": "x"}, actor=agent)
    with pytest.raises(PermissionDenied):
        services.asset_create(
            data={"asset_tag": "A", "model": world["laptop"], "organisation": world["internal"]},
            actor=agent,
        )


def test_employees_cannot_check_out_even_their_own(world, two):
    mine = two[0]
    with pytest.raises(PermissionDenied):
        services.asset_check_in(asset=mine, actor=world["users"][Role.EMPLOYEE])


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IT_MANAGER, Role.ASSET_MANAGER])
def test_managers_of_assets_may_change_and_transition(world, make_asset, role):
    user = world["users"][role]
    asset = services.asset_update(asset=make_asset(), data={"notes": "n"}, actor=user)
    asset = services.asset_transition(asset=asset, status="retired", actor=user)
    assert asset.status == "retired"


def test_only_administrators_delete_assets(api, world, make_asset):
    asset = make_asset()
    assert api(world["manager"]).delete(f"{URL}{asset.pk}/").status_code == 403
    assert api(world["users"][Role.ADMIN]).delete(f"{URL}{asset.pk}/").status_code == 204
