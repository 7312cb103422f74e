"""Licences and installations from spreadsheets: bad rows are reported per row and column
(unknown product, negative quantity, expiry before start), and nothing is half-imported."""

from __future__ import annotations

import pytest

from steward.assets.models import Installation, Licence
from steward.assets.tests.software_fixtures import install, product
from steward.integrations import services
from steward.integrations.models import ImportStatus
from steward.integrations.tests.conftest import csv_file, run_jobs

pytestmark = pytest.mark.django_db
LICENCES = "name,product,licence_type,quantity,start_date,expiry_date\n"


def check(text, actor, resource, **kw):
    batch = services.import_batch_create(
        resource=resource, upload=csv_file(text, name="rows.csv"), actor=actor, **kw
    )
    return run_jobs(batch)


def test_licences_import_cleanly(world):
    product("Visio")
    batch = check(
        LICENCES + "Visio 2025,Visio,per_device,10,2025-01-01,2026-01-01\n",
        world["manager"],
        "assets.licence",
        dry_run=False,
    )
    assert batch.status == ImportStatus.APPLIED, batch.summary
    licence = Licence.objects.get(name="Visio 2025")
    assert (licence.product.name, licence.quantity, licence.licence_type) == (
        "Visio",
        10,
        "per_device",
    )


def test_bad_licence_rows_are_reported_per_row_and_column(world):
    product("Visio")
    text = LICENCES + (
        "Good,Visio,per_user,5,2025-01-01,2026-01-01\n"
        "Unknown,No Such Product,per_user,1,2025-01-01,\n"
        "Negative,Visio,per_user,-3,2025-01-01,\n"
        "Backwards,Visio,per_user,3,2025-05-01,2025-04-01\n"
        "Floating,Visio,floating,3,2025-01-01,\n"
        "Zero,Visio,per_user,0,2025-01-01,\n"
    )
    batch = check(text, world["manager"], "assets.licence", dry_run=False)
    assert batch.status == ImportStatus.FAILED
    errors = {(e["row"], e["column"]) for e in batch.summary["errors"]}
    assert (3, "product") in errors
    assert (4, "quantity") in errors
    assert (5, "expiry_date") in errors
    assert (6, "licence_type") in errors
    assert (7, "quantity") in errors
    assert 2 not in {e["row"] for e in batch.summary["errors"]}
    assert not Licence.objects.exists()


def test_installations_import_with_versions_of_their_product(world, make_asset):
    visio, project = product("Visio"), product("Project")
    install(make_asset(asset_tag="OTHER"), visio, "16.0")
    install(make_asset(asset_tag="OTHER2"), project, "2.0")
    make_asset(asset_tag="PC-1")
    header = "asset,product,version,installed_on,source\n"
    bad = check(
        header + "PC-1,Visio,2.0,,import\nNOPE,Visio,16.0,,import\n",
        world["manager"],
        "assets.installation",
    )
    errors = {(e["row"], e["column"]) for e in bad.summary["errors"]}
    assert (2, "version") in errors  # 2.0 is a version of Project, not of Visio
    assert (3, "asset") in errors
    good = check(
        header + "PC-1,Visio,16.0,2025-02-01,import\n",
        world["manager"],
        "assets.installation",
        dry_run=False,
    )
    assert good.status == ImportStatus.APPLIED, good.summary
    row = Installation.objects.get(asset__asset_tag="PC-1")
    assert (row.version.version, row.source) == ("16.0", "import")
