"""Spreadsheet import of models and assets through the platform framework: bad rows are
reported per row and column, and nothing is half-imported."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from steward.assets.models import Asset, HardwareModel
from steward.integrations import services
from steward.integrations.models import ImportStatus
from steward.integrations.tests.conftest import csv_file, run_jobs

pytestmark = pytest.mark.django_db
HEADER = "asset_tag,model,serial,organisation,location,purchase_cost,purchase_date,warranty_end\n"


def check(text, actor, resource="assets.asset", **kw):
    batch = services.import_batch_create(
        resource=resource, upload=csv_file(text, name="assets.csv"), actor=actor, **kw
    )
    return run_jobs(batch)


def test_models_then_assets_import_cleanly(world):
    admin = world["manager"]
    batch = check(
        "manufacturer,name,category,depreciation_method,useful_life_months\n"
        "Dell,OptiPlex 7010,desktop,straight_line,48\n"
        "Dell,P2723DE,Monitor,,\n",
        admin,
        resource="assets.hardwaremodel",
        dry_run=False,
    )
    assert batch.status == ImportStatus.APPLIED, batch.summary
    assert HardwareModel.objects.get(name="P2723DE").category == "monitor"
    batch = check(
        HEADER + "NW-1,OptiPlex 7010,SN1,Internal IT,Paris HQ,900.00,2025-01-10,2028-01-10\n",
        admin,
        dry_run=False,
    )
    assert batch.status == ImportStatus.APPLIED, batch.summary
    asset = Asset.objects.get(asset_tag="NW-1")
    assert (asset.model.name, asset.location.name, asset.status) == (
        "OptiPlex 7010",
        "Paris HQ",
        "in_stock",
    )


def test_bad_rows_are_reported_per_row_and_column(world, make_asset):
    make_asset(asset_tag="TAKEN", serial="DUPSERIAL")
    text = HEADER + (
        "NW-1,Latitude 7440,OK1,Internal IT,Paris HQ,1000,2025-01-01,2027-01-01\n"
        "TAKEN,Latitude 7440,OK2,Internal IT,,1000,,\n"
        "NW-3,Latitude 7440,DUPSERIAL,Internal IT,,1000,,\n"
        "NW-4,No Such Model,OK4,Internal IT,,1000,,\n"
        "NW-5,Latitude 7440,OK5,Internal IT,,-10,,\n"
        "NW-6,Latitude 7440,OK6,Internal IT,,10,2025-05-01,2025-04-01\n"
        "NW-1,Latitude 7440,OK7,Internal IT,,10,,\n"
    )
    batch = check(text, world["manager"])
    assert batch.status == ImportStatus.CHECKED
    # A tag already in Steward is the key of an update, not an error; twice in one file is.
    assert (batch.summary["created"], batch.summary["updated"], batch.summary["invalid"]) == (
        1,
        1,
        5,
    )
    errors = {(e["row"], e["column"]) for e in batch.summary["errors"]}
    assert (4, "") in errors or (4, "serial") in errors  # duplicate serial for the model
    assert (5, "model") in errors
    assert (6, "purchase_cost") in errors
    assert (7, "warranty_end") in errors
    assert (8, "asset_tag") in errors  # duplicate of row 2 in the file
    assert 3 not in {e["row"] for e in batch.summary["errors"]}
    assert not Asset.objects.filter(asset_tag__startswith="NW-").exists()


def test_apply_with_bad_rows_writes_nothing(world):
    text = HEADER + (
        "NW-1,Latitude 7440,A,Internal IT,,1000,,\n"
        "NW-2,Latitude 7440,A,Internal IT,,1000,,\n"  # same serial as row 2, same model
    )
    batch = check(text, world["manager"], dry_run=False)
    assert batch.status == ImportStatus.FAILED
    assert not Asset.objects.filter(asset_tag__startswith="NW-").exists()
    assert any(e["row"] == 3 for e in batch.summary["errors"])


def test_the_import_cannot_set_status_or_holders(world):
    text = "asset_tag,model,organisation,status\nNW-1,Latitude 7440,Internal IT,lost\n"
    with pytest.raises(ValidationError, match="Unknown columns"):
        check(text, world["manager"])
