from __future__ import annotations

import pytest

from steward.cmdb.models import CIClass, ConfigurationItem, RelationKind, Relationship
from steward.core.permissions import Role


@pytest.fixture
def world(org_world):
    users = org_world["users"]
    return {
        **org_world,
        "manager": users[Role.ASSET_MANAGER],
        "agent": users[Role.AGENT],
        "employee": users[Role.EMPLOYEE],
        "customer": users["acme_contact"],
    }


@pytest.fixture
def make_ci(world):
    def make(name, ci_class=CIClass.SERVER, **fields):
        fields.setdefault("organisation", world["internal"])
        return ConfigurationItem.objects.create(name=name, ci_class=ci_class, **fields)

    return make


def relate(source, kind, target):
    return Relationship.objects.create(source=source, kind=kind, target=target)


@pytest.fixture
def estate(make_ci):
    """A small estate with a diamond (two hosts in one cluster; the web shop reaching the
    application directly and through the web front end) and a cycle (application and cache
    depend on each other). Relationships are made in this order, so ids follow it."""
    C, K = CIClass, RelationKind
    ci = {
        "sw": make_ci("core-switch", C.NETWORK_DEVICE),
        "h1": make_ci("host-1", C.SERVER),
        "h2": make_ci("host-2", C.SERVER),
        "cl": make_ci("vm-cluster", C.CLUSTER),
        "vm1": make_ci("vm-db", C.VIRTUAL_MACHINE),
        "vm2": make_ci("vm-app", C.VIRTUAL_MACHINE),
        "vm3": make_ci("vm-web", C.VIRTUAL_MACHINE),
        "db": make_ci("erp-db", C.DATABASE),
        "app": make_ci("erp-app", C.APPLICATION),
        "cache": make_ci("erp-cache", C.APPLICATION),
        "web": make_ci("shop-web", C.APPLICATION),
        "erp": make_ci("ERP", C.BUSINESS_SERVICE),
        "shop": make_ci("Web shop", C.BUSINESS_SERVICE),
        "backup": make_ci("backup-server", C.SERVER),
        "laptop": make_ci("laptop-42", C.HARDWARE),
    }
    rels = {
        "h1-sw": relate(ci["h1"], K.CONNECTS_TO, ci["sw"]),
        "h2-sw": relate(ci["h2"], K.CONNECTS_TO, ci["sw"]),
        "h1-cl": relate(ci["h1"], K.MEMBER_OF, ci["cl"]),
        "h2-cl": relate(ci["h2"], K.MEMBER_OF, ci["cl"]),
        "vm1-cl": relate(ci["vm1"], K.RUNS_ON, ci["cl"]),
        "vm2-cl": relate(ci["vm2"], K.RUNS_ON, ci["cl"]),
        "vm3-h2": relate(ci["vm3"], K.RUNS_ON, ci["h2"]),
        "db-vm1": relate(ci["db"], K.RUNS_ON, ci["vm1"]),
        "app-vm2": relate(ci["app"], K.RUNS_ON, ci["vm2"]),
        "app-db": relate(ci["app"], K.DEPENDS_ON, ci["db"]),
        "app-cache": relate(ci["app"], K.DEPENDS_ON, ci["cache"]),
        "cache-app": relate(ci["cache"], K.DEPENDS_ON, ci["app"]),
        "web-vm3": relate(ci["web"], K.RUNS_ON, ci["vm3"]),
        "web-app": relate(ci["web"], K.DEPENDS_ON, ci["app"]),
        "erp-app": relate(ci["erp"], K.DEPENDS_ON, ci["app"]),
        "shop-web": relate(ci["shop"], K.DEPENDS_ON, ci["web"]),
        "shop-app": relate(ci["shop"], K.DEPENDS_ON, ci["app"]),
        "backup-db": relate(ci["backup"], K.BACKS_UP, ci["db"]),
        "laptop-erp": relate(ci["laptop"], K.DEPENDS_ON, ci["erp"]),
    }
    return {"ci": ci, "rel": rels}


@pytest.fixture
def make_asset_for(world):
    """An asset of the assets app deployed to ``person`` (arranged through its models)."""
    from steward.assets.models import Asset, Category, HardwareModel, Manufacturer

    counter = iter(range(1, 10_000))

    def make(person=None, **fields):
        maker, _ = Manufacturer.objects.get_or_create(name="Dell")
        model, _ = HardwareModel.objects.get_or_create(
            manufacturer=maker, name="Latitude 7440", category=Category.LAPTOP
        )
        n = next(counter)
        return Asset.objects.create(
            asset_tag=f"CMDB-{n:04d}",
            model=model,
            serial=f"SN-C{n:05d}",
            organisation=world["internal"],
            assigned_person=person,
            status="deployed" if person else "in_stock",
            **fields,
        )

    return make


@pytest.fixture
def published():
    """Events published on the bus during the test, as (name, payload)."""
    from steward.core import events

    seen: list[tuple[str, dict]] = []

    def record(event, **payload):
        seen.append((event, payload))

    events.subscribe(events.ANY, record)
    yield seen
    events._handlers[events.ANY].remove(record)
