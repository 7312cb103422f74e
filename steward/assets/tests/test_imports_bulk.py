"""Large asset imports are checked and written a chunk at a time (steward.integrations.bulk):
the same outcomes and messages as row by row, a bounded number of queries whatever the
number of rows, an audit entry and an event per new asset, and a fall back to row by row
when the database refuses a chunk."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from steward.assets.models import Asset
from steward.core.models import AuditEntry
from steward.core.registry import import_resources
from steward.integrations import bulk, services
from steward.integrations.importing import Importer
from steward.integrations.models import ImportStatus
from steward.integrations.tests.conftest import csv_file, run_jobs

pytestmark = pytest.mark.django_db
HEADER = ["asset_tag", "model", "serial", "organisation", "location", "purchase_cost"]


def rows(count, start=1, prefix="BULK"):
    return [
        (n + 1, [f"{prefix}-{n}", "Latitude 7440", f"SN-{prefix}-{n}", "Internal IT", "", "100"])
        for n in range(start, start + count)
    ]


def importer(user):
    return Importer(import_resources["assets.asset"], user, HEADER)


def test_asset_import_is_checked_set_wise(world):
    assert bulk.supported(importer(world["manager"]))


def test_checking_costs_the_same_queries_for_20_or_400_rows(world, make_asset):
    make_asset(asset_tag="BULK-5", serial="OTHER")
    user = world["manager"]
    bulk.check(importer(user), rows(5))  # per-process caches (roles, lookups' first hits)
    counts = []
    for count in (20, 400):
        with CaptureQueriesContext(connection) as queries:
            checked = bulk.check(importer(user), rows(count))
        counts.append(len(queries))
        assert len(checked) == count
        assert [c.outcome.action for c in checked].count("updated") == 1
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_outcomes_and_messages_match_row_by_row(world, make_asset):
    make_asset(asset_tag="TAKEN", serial="DUPSERIAL")
    text = [
        (2, ["NW-1", "Latitude 7440", "OK1", "Internal IT", "Paris HQ", "1000"]),
        (3, ["taken", "Latitude 7440", "OK2", "Internal IT", "", "1000"]),
        (4, ["NW-3", "Latitude 7440", "DUPSERIAL", "Internal IT", "", "1000"]),
        (5, ["NW-4", "No Such Model", "OK4", "Internal IT", "", "1000"]),
        (6, ["NW-5", "Latitude 7440", "OK5", "Internal IT", "", "-10"]),
        (7, ["NW-1", "Latitude 7440", "OK7", "Internal IT", "", "10"]),
    ]
    user = world["manager"]
    one_by_one = importer(user)
    expected = [one_by_one.preview(number, cells) for number, cells in text]
    checked = [c.outcome for c in bulk.check(importer(user), text)]
    assert [(o.row, o.action, o.changes) for o in checked] == [
        (o.row, o.action, o.changes) for o in expected
    ]
    assert [o.errors for o in checked] == [o.errors for o in expected]
    # The key matches whatever its case: "taken" updates TAKEN.
    assert checked[1].action == "updated"


def test_a_unique_value_twice_in_the_file_is_caught_before_writing(world):
    text = [
        (2, ["NW-1", "Latitude 7440", "SAME", "Internal IT", "", "10"]),
        (3, ["NW-2", "Latitude 7440", "SAME", "Internal IT", "", "10"]),
        (4, ["NW-3", "Latitude 7440", "", "Internal IT", "", "10"]),
        (5, ["NW-4", "Latitude 7440", "", "Internal IT", "", "10"]),
    ]
    checked = bulk.check(importer(world["manager"]), text)
    assert [c.outcome.action for c in checked] == ["created", "invalid", "created", "created"]
    (error,) = checked[1].outcome.errors
    assert "serial number" in error["message"] and "row 2 of this file" in error["message"]


def test_applying_writes_audit_entries_and_one_event_per_asset(world, monkeypatch):
    published = []
    monkeypatch.setattr(
        bulk.events, "publish", lambda name, **payload: published.append((name, payload))
    )
    lines = ["asset_tag,model,serial,organisation,purchase_cost"] + [
        f"AUD-{n},Latitude 7440,SN-AUD-{n},Internal IT,{n}" for n in range(30)
    ]
    batch = services.import_batch_create(
        resource="assets.asset",
        upload=csv_file("\n".join(lines) + "\n", name="a.csv"),
        actor=world["manager"],
        dry_run=False,
    )
    batch = run_jobs(batch)
    assert batch.status == ImportStatus.APPLIED, batch.summary
    assert batch.summary["created"] == 30
    ids = set(Asset.objects.filter(asset_tag__startswith="AUD-").values_list("pk", flat=True))
    assert len(ids) == 30
    audited = AuditEntry.objects.filter(
        action="create",
        content_type=ContentType.objects.get_for_model(Asset),
        object_id__in=[str(i) for i in ids],
    )
    assert audited.count() == 30
    assert {e.actor_id for e in audited} == {world["manager"].pk}
    assert sorted(p["pk"] for name, p in published if name == "assets.asset_created") == sorted(ids)


def test_a_key_taken_after_the_check_falls_back_to_row_by_row(world, make_asset):
    user = world["manager"]
    imp = importer(user)
    part = rows(3, prefix="RACE")
    checked = bulk.check(imp, part)
    assert all(c.outcome.action == "created" for c in checked)
    make_asset(asset_tag="RACE-2", serial="ELSEWHERE")  # another user, meanwhile
    writer = importer(user)
    with transaction.atomic():
        outcomes = services._write_chunk(writer, list(zip(part, checked, strict=True)))
    assert [o.action for o in outcomes] == ["created", "updated", "created"]
    assert Asset.objects.filter(asset_tag__startswith="RACE-").count() == 3
    assert Asset.objects.get(asset_tag="RACE-2").serial == "SN-RACE-2"


@pytest.mark.parametrize(
    ("condition", "serial", "expected"),
    [
        (~Q(serial=""), "", False),
        (~Q(serial=""), "X", True),
        (Q(serial__in=["A", "B"]), "B", True),
        (Q(serial="A") | Q(serial="B"), "C", False),
        (Q(loan_due__isnull=True), "", True),
        (Q(serial__startswith="A"), "A1", None),
    ],
)
def test_conditions_evaluated_in_python(condition, serial, expected):
    assert bulk._holds(condition, Asset(serial=serial)) is expected
