"""CSV/XLSX import of items and relationships through the platform framework, with errors
per row and column, and an export that imports back."""

from __future__ import annotations

import csv
import io

import pytest

from steward.cmdb.models import CIClass, ConfigurationItem, RelationKind, Relationship
from steward.integrations import services
from steward.integrations.models import ImportStatus
from steward.integrations.tests.conftest import csv_file, run_jobs, xlsx_file

pytestmark = pytest.mark.django_db
ITEMS = "name,ci_class,status,criticality,organisation,hostname\n"
RELS = "source,kind,target,note\n"


def check(upload, actor, resource, **kw):
    batch = services.import_batch_create(resource=resource, upload=upload, actor=actor, **kw)
    return run_jobs(batch)


def _errors(batch):
    return {(e["row"], e["column"]) for e in batch.summary["errors"]}


def test_items_then_relationships_import_and_apply(world):
    batch = check(
        csv_file(
            ITEMS + "ERP,business_service,active,critical,Internal IT,\n"
            "erp-app,Application,,high,Internal IT,erp01\n"
            "vm-erp,virtual_machine,,,Internal IT,vm-erp.example\n",
            name="items.csv",
        ),
        world["manager"],
        "cmdb.configurationitem",
        dry_run=False,
    )
    assert batch.status == ImportStatus.APPLIED, batch.summary
    app = ConfigurationItem.objects.get(name="erp-app")
    assert (app.ci_class, app.criticality, app.hostname) == ("application", 3, "erp01")
    batch = check(
        csv_file(RELS + "ERP,depends_on,erp-app,\nerp-app,runs on,vm-erp,prod\n", name="r.csv"),
        world["manager"],
        "cmdb.relationship",
        dry_run=False,
    )
    assert batch.status == ImportStatus.APPLIED, batch.summary
    assert set(Relationship.objects.values_list("source__name", "kind", "target__name")) == {
        ("ERP", "depends_on", "erp-app"),
        ("erp-app", "runs_on", "vm-erp"),
    }


def test_bad_item_rows_are_reported_per_row_and_column(world):
    text = ITEMS + (
        "ok,server,,,Internal IT,\n"
        "bad-class,spaceship,,,Internal IT,\n"
        "bad-status,server,exploded,,Internal IT,\n"
        "bad-org,server,,,No Such Org,\n"
        "ok,server,,,Internal IT,\n" + ("x" * 201) + ",server,,,Internal IT,\n"
    )
    batch = check(csv_file(text, name="items.csv"), world["manager"], "cmdb.configurationitem")
    assert batch.status == ImportStatus.CHECKED
    assert batch.summary["created"] == 1 and batch.summary["invalid"] == 5
    errors = _errors(batch)
    assert (3, "ci_class") in errors
    assert (4, "status") in errors
    assert (5, "organisation") in errors
    assert 6 in {row for row, _c in errors}  # duplicate of row 2 in the file
    assert (7, "name") in errors
    assert not ConfigurationItem.objects.exists()


def test_bad_relationship_rows_unknown_item_disallowed_pair_self_loop_duplicate(world, make_ci):
    make_ci("erp-app", CIClass.APPLICATION)
    make_ci("vm-erp", CIClass.VIRTUAL_MACHINE)
    make_ci("core-switch", CIClass.NETWORK_DEVICE)
    make_ci("twin", CIClass.SERVER)
    make_ci("twin", CIClass.SERVER, hostname="other")
    text = RELS + (
        "erp-app,runs_on,vm-erp,\n"  # 2 fine
        "erp-app,runs_on,no-such-item,\n"  # 3 unknown target
        "core-switch,runs_on,erp-app,\n"  # 4 disallowed pair
        "erp-app,depends_on,erp-app,\n"  # 5 self-loop
        "erp-app,runs_on,vm-erp,\n"  # 6 duplicate of row 2
        "erp-app,loves,vm-erp,\n"  # 7 unknown kind
        "erp-app,runs_on,twin,\n"  # 8 ambiguous name
    )
    batch = check(csv_file(text, name="r.csv"), world["manager"], "cmdb.relationship")
    assert batch.status == ImportStatus.CHECKED
    errors = _errors(batch)
    assert (3, "target") in errors
    assert (4, "kind") in errors
    assert (5, "target") in errors
    assert 6 in {row for row, _c in errors}
    assert (7, "kind") in errors
    assert (8, "target") in errors
    assert 2 not in {row for row, _c in errors}
    messages = " ".join(e["message"] for e in batch.summary["errors"])
    assert "network device" in messages and "itself" in messages
    assert not Relationship.objects.exists()


def test_xlsx_import_of_relationships(world, make_ci):
    make_ci("erp-app", CIClass.APPLICATION)
    make_ci("erp-db", CIClass.DATABASE)
    upload = xlsx_file(
        [["source", "kind", "target"], ["erp-app", "depends_on", "erp-db"]], name="r.xlsx"
    )
    batch = check(upload, world["manager"], "cmdb.relationship", dry_run=False)
    assert batch.status == ImportStatus.APPLIED, batch.summary
    assert Relationship.objects.get().kind == RelationKind.DEPENDS_ON


def test_agents_may_not_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        check(
            csv_file(ITEMS + "x,server,,,Internal IT,\n", name="i.csv"),
            world["agent"],
            "cmdb.configurationitem",
        )
    assert not ConfigurationItem.objects.exists()


def test_export_has_the_import_columns_and_imports_back(client, world, make_ci):
    app = make_ci("erp-app", CIClass.APPLICATION, hostname="erp01")
    vm = make_ci("vm-erp", CIClass.VIRTUAL_MACHINE)
    Relationship.objects.create(source=app, kind=RelationKind.RUNS_ON, target=vm, note="prod")
    client.force_login(world["manager"])
    response = client.get("/cmdb/relationships/?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["source", "kind", "target", "note"], ["erp-app", "runs_on", "vm-erp", "prod"]]
    items = b"".join(client.get("/cmdb/items/?export=csv").streaming_content).decode("utf-8-sig")
    header = items.splitlines()[0].split(",")
    assert header[:2] == ["name", "ci_class"] and "hostname" in header
    xlsx = client.get("/cmdb/items/?export=xlsx")
    assert xlsx.status_code == 200
    Relationship.objects.all().delete()
    batch = check(csv_file(text, name="back.csv"), world["manager"], "cmdb.relationship")
    assert batch.summary["created"] == 1 and not batch.summary["errors"]
