"""The lifecycle rules: allowed moves, the data each needs, check-out and check-in, the
holder's acknowledgement, and the history of holders at any date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from steward.assets import selectors, services
from steward.assets.models import Asset, AssetAssignment, Status
from steward.assets.services import TRANSITIONS
from steward.core.context import Origin, change_context
from steward.core.models import AuditEntry
from steward.core.permissions import Role
from steward.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_every_status_has_a_row_in_the_transition_table_and_disposed_is_final():
    assert set(TRANSITIONS) == set(Status.values)
    assert TRANSITIONS[Status.DISPOSED] == frozenset()
    assert all(set(targets) <= set(Status.values) for targets in TRANSITIONS.values())


def test_check_out_to_a_person_deploys_and_opens_the_history(
    world, make_asset, published, django_capture_on_commit_callbacks
):
    asset = make_asset()
    with (
        django_capture_on_commit_callbacks(execute=True),
        change_context(origin=Origin.WEB, user=world["manager"]),
    ):
        asset = services.asset_check_out(
            asset=asset, actor=world["manager"], person=world["employee"]
        )
    assert (asset.status, asset.assigned_person, asset.loan_due) == (
        Status.DEPLOYED,
        world["employee"],
        None,
    )
    [open_] = AssetAssignment.objects.filter(asset=asset)
    assert open_.ended_at is None and open_.checked_out_by == world["manager"]
    assert ("assets.asset_checked_out", "assets.Asset") in [
        (name, p.get("model")) for name, p in published
    ]
    audit = AuditEntry.objects.filter(object_id=str(asset.pk), action="update").latest("id")
    assert "status" in audit.changed_fields and audit.actor == world["manager"]
    note = Notification.objects.get(recipient=world["employee"].user)
    assert note.event == "assets.checked_out" and asset.asset_tag in note.title


def test_check_out_with_a_due_date_is_a_loan(world, make_asset):
    due = timezone.localdate() + datetime.timedelta(days=7)
    asset = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"], loan_due=due
    )
    assert (asset.status, asset.loan_due) == (Status.LOANED, due)


def test_check_out_to_a_location(world, make_asset):
    asset = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], location=world["room"]
    )
    assert asset.status == Status.DEPLOYED and asset.holder == world["room"]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"person": "employee", "location": "room"}],
    ids=["nobody", "both"],
)
def test_check_out_needs_exactly_one_holder(world, make_asset, kwargs):
    args = {k: world[v] for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as exc:
        services.asset_check_out(asset=make_asset(), actor=world["manager"], **args)
    assert "person" in exc.value.message_dict


def test_only_an_asset_in_stock_can_be_checked_out(world, make_asset):
    asset = make_asset()
    services.asset_check_out(asset=asset, actor=world["manager"], person=world["employee"])
    with pytest.raises(ValidationError, match="in stock"):
        services.asset_check_out(asset=asset, actor=world["manager"], location=world["room"])
    assert AssetAssignment.objects.filter(asset=asset).count() == 1


def test_loan_due_in_the_past_is_refused(world, make_asset):
    with pytest.raises(ValidationError) as exc:
        services.asset_check_out(
            asset=make_asset(),
            actor=world["manager"],
            person=world["employee"],
            loan_due=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "loan_due" in exc.value.message_dict


def test_check_in_closes_the_assignment_and_returns_to_stock(world, make_asset):
    asset = services.asset_check_out(
        asset=make_asset(),
        actor=world["manager"],
        person=world["employee"],
        loan_due=timezone.localdate(),
    )
    asset = services.asset_check_in(
        asset=asset, actor=world["users"][Role.AGENT], location=world["room"], condition="fair"
    )
    assert (asset.status, asset.assigned_person, asset.loan_due) == (Status.IN_STOCK, None, None)
    assert (asset.location, asset.condition) == (world["room"], "fair")
    closed = AssetAssignment.objects.get(asset=asset)
    assert closed.ended_at is not None and closed.checked_in_by == world["users"][Role.AGENT]


def test_check_in_of_an_asset_in_stock_is_refused(world, make_asset):
    with pytest.raises(ValidationError, match="deployed or loaned"):
        services.asset_check_in(asset=make_asset(), actor=world["manager"])


@pytest.mark.parametrize(
    ("target", "data", "field"),
    [
        (Status.IN_REPAIR, {}, "repair_reference"),
        (Status.LOST, {}, "note"),
    ],
)
def test_transition_without_its_data_is_refused(world, make_asset, target, data, field):
    asset = make_asset()
    with pytest.raises(ValidationError) as exc:
        services.asset_transition(asset=asset, status=target, actor=world["manager"], **data)
    assert field in exc.value.message_dict
    asset.refresh_from_db()
    assert asset.status == Status.IN_STOCK


def test_repair_takes_a_ticket_or_a_note(world, make_asset):
    a = services.asset_transition(
        asset=make_asset(), status="in_repair", actor=world["manager"], repair_reference="INC-42"
    )
    assert (a.status, a.repair_reference) == (Status.IN_REPAIR, "INC-42")
    b = services.asset_transition(
        asset=make_asset(), status="in_repair", actor=world["manager"], note="Screen cracked"
    )
    assert (b.status, b.status_note) == (Status.IN_REPAIR, "Screen cracked")


def test_disposal_needs_a_certificate_and_is_final(world, make_asset):
    asset = make_asset()
    services.asset_transition(asset=asset, status="retired", actor=world["manager"])
    with pytest.raises(ValidationError) as exc:
        services.asset_transition(asset=asset, status="disposed", actor=world["manager"])
    assert "disposal_certificate" in exc.value.message_dict
    asset = services.asset_transition(
        asset=asset, status="disposed", actor=world["manager"], disposal_certificate="WEEE-7"
    )
    assert (asset.status, asset.disposal_certificate) == (Status.DISPOSED, "WEEE-7")
    for target in ("in_stock", "retired", "in_repair"):
        with pytest.raises(ValidationError, match="cannot become"):
            services.asset_transition(asset=asset, status=target, actor=world["manager"], note="x")


def test_moves_not_in_the_table_are_refused(world, make_asset):
    ordered = make_asset(status=Status.ORDERED)
    with pytest.raises(ValidationError, match="cannot become"):
        services.asset_transition(
            asset=ordered, status="in_repair", actor=world["manager"], note="x"
        )
    with pytest.raises(ValidationError, match="Check the asset out"):
        services.asset_transition(asset=make_asset(), status="deployed", actor=world["manager"])
    with pytest.raises(ValidationError, match="Unknown"):
        services.asset_transition(asset=make_asset(), status="melted", actor=world["manager"])


def test_lost_while_deployed_ends_the_assignment(world, make_asset, published):
    asset = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    asset = services.asset_transition(
        asset=asset, status="lost", actor=world["manager"], note="Stolen from a car"
    )
    assert (asset.status, asset.assigned_person) == (Status.LOST, None)
    assert AssetAssignment.objects.get(asset=asset).ended_at is not None


def test_create_and_update_refuse_lifecycle_fields(world, make_asset):
    data = {
        "asset_tag": "NEW-1",
        "model": world["laptop"],
        "organisation": world["internal"],
        "status": Status.DEPLOYED,
    }
    with pytest.raises(ValidationError) as exc:
        services.asset_create(data=data, actor=world["manager"])
    assert "status" in exc.value.message_dict
    created = services.asset_create(data={**data, "status": Status.ORDERED}, actor=world["manager"])
    assert created.status == Status.ORDERED and created.status_changed_at is not None
    with pytest.raises(ValidationError) as exc:
        services.asset_update(
            asset=created, data={"assigned_person": world["employee"]}, actor=world["manager"]
        )
    assert "assigned_person" in exc.value.message_dict


def test_model_rules_negative_cost_warranty_before_purchase_duplicate_serial(world, make_asset):
    make_asset(serial="ABC")
    base = {"model": world["laptop"], "organisation": world["internal"]}
    cases = [
        ({"asset_tag": "X1", "purchase_cost": -1}, "purchase_cost"),
        (
            {
                "asset_tag": "X2",
                "purchase_date": datetime.date(2025, 5, 1),
                "warranty_end": datetime.date(2025, 4, 1),
            },
            "warranty_end",
        ),
        ({"asset_tag": "X3", "serial": "ABC"}, "__all__"),
        ({"asset_tag": "T-0001"}, "asset_tag"),
        ({"asset_tag": "X4", "supplier": world["acme"]}, "supplier"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as exc:
            services.asset_create(data={**base, **extra}, actor=world["manager"])
        assert field in exc.value.message_dict, (extra, exc.value.message_dict)
    # The same serial on another model is fine.
    other = world["laptop"].__class__.objects.create(
        manufacturer=world["dell"], name="OptiPlex", category="desktop"
    )
    services.asset_create(
        data={**base, "model": other, "asset_tag": "X5", "serial": "ABC"}, actor=world["manager"]
    )


def test_only_the_holder_acknowledges_receipt_once(world, make_asset, published):
    asset = services.asset_check_out(
        asset=make_asset(), actor=world["manager"], person=world["employee"]
    )
    with pytest.raises(PermissionDenied):
        services.asset_acknowledge(asset=asset, actor=world["manager"])
    employee = world["users"][Role.EMPLOYEE]
    asset = services.asset_acknowledge(asset=asset, actor=employee)
    assert asset.acknowledged_at is not None
    assert AssetAssignment.objects.get(asset=asset).acknowledged_at == asset.acknowledged_at
    with pytest.raises(ValidationError, match="already"):
        services.asset_acknowledge(asset=asset, actor=employee)


def test_holder_at_any_date_from_the_history(world, make_asset):
    asset = make_asset()
    t0 = timezone.now()
    rows = [
        (
            world["employee"],
            None,
            t0 - datetime.timedelta(days=300),
            t0 - datetime.timedelta(days=200),
        ),
        (None, world["room"], t0 - datetime.timedelta(days=150), t0 - datetime.timedelta(days=100)),
        (world["agent_person"], None, t0 - datetime.timedelta(days=10), None),
    ]
    for person, location, start, end in rows:
        AssetAssignment.objects.create(
            asset=asset, person=person, location=location, started_at=start, ended_at=end
        )

    def holder(days_ago):
        found = selectors.asset_holder_at(asset, t0 - datetime.timedelta(days=days_ago))
        return found.holder if found else None

    assert holder(400) is None
    assert holder(250) == world["employee"]
    assert holder(200) is None  # the end instant belongs to the next state
    assert holder(120) == world["room"]
    assert holder(50) is None
    assert holder(0) == world["agent_person"]
    held = selectors.assets_held_by(world["employee"], t0 - datetime.timedelta(days=250))
    assert list(held) == [asset]
    assert list(selectors.assets_held_by(world["employee"])) == []
    assert list(selectors.assets_held_by(world["agent_person"])) == [asset]


def test_history_through_the_services_answers_who_had_it(world, make_asset):
    asset = make_asset()
    services.asset_check_out(asset=asset, actor=world["manager"], person=world["employee"])
    during = timezone.now()
    services.asset_check_in(asset=asset, actor=world["manager"])
    services.asset_check_out(asset=asset, actor=world["manager"], location=world["room"])
    assert selectors.asset_holder_at(asset, during).person == world["employee"]
    assert selectors.asset_holder_at(asset, timezone.now()).location == world["room"]
    assert Asset.objects.get(pk=asset.pk).assignments.count() == 2
