"""Every state change of an asset: create, update, the lifecycle transitions, check-out,
check-in and the holder's acknowledgement. Each is atomic, permission-checked first,
audited (through the audited models) and announced on the event bus after commit.

Who may do what (the policies are in ``apps.py``): asset managers, IT managers and
administrators change assets and move them through the lifecycle; agents may also check
assets out and in (``assign``); only the person holding an asset acknowledges its receipt.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets.models import (
    HELD,
    Asset,
    AssetAssignment,
    AssetHealthReading,
    Condition,
    DeviceOS,
    HardwareModel,
    Manufacturer,
    Status,
)
from steward.core import events, permissions, services

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ORDERED: frozenset({Status.IN_STOCK, Status.RETIRED}),
    Status.IN_STOCK: frozenset(
        {Status.DEPLOYED, Status.LOANED, Status.IN_REPAIR, Status.LOST, Status.RETIRED}
    ),
    Status.DEPLOYED: frozenset({Status.IN_STOCK, Status.IN_REPAIR, Status.LOST}),
    Status.LOANED: frozenset({Status.IN_STOCK, Status.IN_REPAIR, Status.LOST}),
    Status.IN_REPAIR: frozenset({Status.IN_STOCK, Status.RETIRED, Status.LOST}),
    Status.LOST: frozenset({Status.IN_STOCK, Status.RETIRED}),
    Status.RETIRED: frozenset({Status.IN_STOCK, Status.DISPOSED}),
    Status.DISPOSED: frozenset(),
}
"""The one table of allowed lifecycle moves. Moves into deployed or loaned happen only
through ``asset_check_out`` (they need a holder); leaving them closes the assignment."""

LIFECYCLE_FIELDS = (
    "status",
    "assigned_person",
    "assigned_location",
    "loan_due",
    "acknowledged_at",
    "status_changed_at",
    "status_note",
    "repair_reference",
    "disposal_certificate",
)
"""Fields that only the lifecycle services write; create and update refuse them."""

ASSIGN = "assign"
"""Named action (policy ``extra``) for check-out and check-in."""


def _reject_lifecycle_fields(data: Mapping[str, Any], *, creating: bool) -> None:
    blocked = [n for n in data if n in LIFECYCLE_FIELDS]
    if creating:
        blocked = [n for n in blocked if not (n == "status" and data[n] in CREATABLE)]
    if blocked:
        raise ValidationError(
            {n: [_("Use check-out, check-in or a status change for this.")] for n in blocked}
        )


CREATABLE = frozenset({Status.ORDERED, Status.IN_STOCK})
"""Statuses a new asset may start in."""


@transaction.atomic
def asset_create(*, data: Mapping[str, Any], actor: Any) -> Asset:
    """A new asset, ordered or in stock. Raises ValidationError (bad values, a lifecycle
    field) or PermissionDenied."""
    permissions.ensure(actor, "add", Asset)
    _reject_lifecycle_fields(data, creating=True)
    return services.object_create(
        model=Asset, data={**data, "status_changed_at": timezone.now()}, actor=actor
    )


@transaction.atomic
def asset_update(*, asset: Asset, data: Mapping[str, Any], actor: Any) -> Asset:
    """Change the catalogue data of an asset (not its status or holder)."""
    permissions.ensure(actor, "change", asset)
    _reject_lifecycle_fields(data, creating=False)
    updated: Asset = services.object_update(obj=asset, data=data, actor=actor)
    return updated


def _lock(asset: Asset) -> Asset:
    locked: Asset = Asset.objects.select_for_update().get(pk=asset.pk)
    return locked


def _require_move(asset: Asset, target: str) -> None:
    if target not in TRANSITIONS[asset.status]:
        raise ValidationError(
            {
                "status": [
                    _("An asset that is %(from)s cannot become %(to)s.")
                    % {"from": asset.get_status_display().lower(), "to": Status(target).label}
                ]
            }
        )


def _close_assignment(asset: Asset, *, actor: Any, now: datetime.datetime, note: str) -> None:
    open_ = AssetAssignment.objects.filter(asset=asset, ended_at__isnull=True).first()
    if open_ is None:
        return
    open_.ended_at = max(now, open_.started_at)
    open_.checked_in_by = actor if getattr(actor, "pk", None) else None
    if note:
        open_.note = (f"{open_.note}\n{note}" if open_.note else note)[:500]
    open_.full_clean()
    open_.save()


def _set_status(asset: Asset, status: str, now: datetime.datetime, note: str) -> None:
    asset.status, asset.status_changed_at, asset.status_note = status, now, note
    if status not in HELD:
        asset.assigned_person = asset.assigned_location = None
        asset.loan_due = asset.acknowledged_at = None
        asset.loan_reminded_on = None


def _publish(asset: Asset, previous: str) -> None:
    events.publish(
        "assets.asset_status_changed",
        model=asset._meta.label,
        pk=asset.pk,
        previous=previous,
        status=asset.status,
    )


@transaction.atomic
def asset_transition(
    *,
    asset: Asset,
    status: str,
    actor: Any,
    note: str = "",
    repair_reference: str = "",
    disposal_certificate: str = "",
) -> Asset:
    """Move an asset along the lifecycle (not to deployed or loaned: check it out).

    The move must be in ``TRANSITIONS`` and bring its data: in repair needs a repair ticket
    or a note, lost or stolen needs a note, disposed needs the disposal certificate. Leaving
    deployed or loaned ends the holder's assignment. Raises ValidationError or
    PermissionDenied."""
    permissions.ensure(actor, "change", asset)
    asset = _lock(asset)
    if status not in Status.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    if status in HELD:
        raise ValidationError({"status": [_("Check the asset out to deploy or loan it.")]})
    _require_move(asset, status)
    note, repair_reference = note.strip(), repair_reference.strip()
    disposal_certificate = disposal_certificate.strip()
    if status == Status.IN_REPAIR and not (repair_reference or note):
        raise ValidationError(
            {"repair_reference": [_("Give the repair ticket or a note on what is wrong.")]}
        )
    if status == Status.LOST and not note:
        raise ValidationError({"note": [_("Say what happened (and any police report).")]})
    if status == Status.DISPOSED and not disposal_certificate:
        raise ValidationError(
            {"disposal_certificate": [_("Give the reference of the disposal certificate.")]}
        )
    now, previous = timezone.now(), asset.status
    if previous in HELD:
        _close_assignment(asset, actor=actor, now=now, note=note)
    _set_status(asset, status, now, note)
    if status == Status.IN_REPAIR:
        asset.repair_reference = repair_reference
    if status == Status.DISPOSED:
        asset.disposal_certificate = disposal_certificate
    asset.full_clean()
    asset.save()
    _publish(asset, previous)
    return asset


@transaction.atomic
def asset_check_out(
    *,
    asset: Asset,
    actor: Any,
    person: Any = None,
    location: Any = None,
    loan_due: datetime.date | None = None,
    note: str = "",
) -> Asset:
    """Hand an asset in stock to a person or a location: loaned with a due date, else
    deployed. Opens an assignment in the history and asks the person to acknowledge."""
    permissions.ensure(actor, ASSIGN, asset)
    asset = _lock(asset)
    if (person is None) == (location is None):
        raise ValidationError({"person": [_("Check out to a person or to a location.")]})
    if person is not None and not person.is_active:
        raise ValidationError({"person": [_("This person is no longer active.")]})
    today = timezone.localdate()
    if loan_due is not None and loan_due < today:
        raise ValidationError({"loan_due": [_("The loan cannot be due in the past.")]})
    target = Status.LOANED if loan_due else Status.DEPLOYED
    if asset.status != Status.IN_STOCK:
        raise ValidationError(
            {
                "status": [
                    _("Only an asset in stock can be checked out; this one is %(s)s.")
                    % {"s": asset.get_status_display().lower()}
                ]
            }
        )
    now, previous = timezone.now(), asset.status
    assignment = AssetAssignment(
        asset=asset,
        person=person,
        location=location,
        started_at=now,
        loan_due=loan_due,
        checked_out_by=actor if getattr(actor, "pk", None) else None,
        note=note.strip()[:500],
    )
    assignment.full_clean()
    assignment.save()
    _set_status(asset, target, now, note.strip())
    asset.assigned_person, asset.assigned_location, asset.loan_due = person, location, loan_due
    asset.full_clean()
    asset.save()
    _publish(asset, previous)
    events.publish(
        "assets.asset_checked_out",
        model=asset._meta.label,
        pk=asset.pk,
        person_id=getattr(person, "pk", None),
        location_id=getattr(location, "pk", None),
    )
    if person is not None and person.user_id:
        from steward.assets.notify import notify_checked_out

        notify_checked_out(asset=asset, person=person)
    return asset


@transaction.atomic
def asset_check_in(
    *,
    asset: Asset,
    actor: Any,
    location: Any = None,
    condition: str = "",
    note: str = "",
) -> Asset:
    """Take a deployed or loaned asset back into stock (optionally at a location and with
    the condition it came back in); ends the holder's assignment."""
    permissions.ensure(actor, ASSIGN, asset)
    asset = _lock(asset)
    if asset.status not in HELD:
        raise ValidationError({"status": [_("Only a deployed or loaned asset can be checked in.")]})
    if condition and condition not in Condition.values:
        raise ValidationError({"condition": [_("Unknown condition.")]})
    now, previous = timezone.now(), asset.status
    _close_assignment(asset, actor=actor, now=now, note=note.strip())
    _set_status(asset, Status.IN_STOCK, now, note.strip())
    if location is not None:
        asset.location = location
    if condition:
        asset.condition = condition
    asset.full_clean()
    asset.save()
    _publish(asset, previous)
    return asset


@transaction.atomic
def asset_acknowledge(*, asset: Asset, actor: Any) -> Asset:
    """The person holding the asset confirms they received it. Raises PermissionDenied for
    anyone else and ValidationError when it is already acknowledged."""
    permissions.ensure(actor, "view", asset)
    asset = _lock(asset)
    holder = asset.assigned_person
    if asset.status not in HELD or holder is None or holder.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person this asset is assigned to can acknowledge it."))
    if asset.acknowledged_at is not None:
        raise ValidationError(_("You already acknowledged this asset."))
    now = timezone.now()
    asset.acknowledged_at = now
    asset.save(update_fields=["acknowledged_at", "updated_at"])
    open_ = AssetAssignment.objects.filter(asset=asset, ended_at__isnull=True).first()
    if open_ is not None:
        open_.acknowledged_at = now
        open_.save(update_fields=["acknowledged_at", "updated_at"])
    events.publish("assets.asset_acknowledged", model=asset._meta.label, pk=asset.pk)
    return asset


# --- discovery ------------------------------------------------------------------------
# Inventory agents report as the system (no actor): the CMDB's reconciliation calls these.

DISCOVERED_FIELDS = frozenset({"name", "serial", "organisation", "location"})
UNKNOWN_MANUFACTURER = "Unknown manufacturer"


def _hardware_model(manufacturer: str, name: str, category: str) -> HardwareModel:
    maker = (manufacturer.strip() or UNKNOWN_MANUFACTURER)[:100]
    found = Manufacturer.objects.filter(name__iexact=maker).first()
    if found is None:
        found = Manufacturer(name=maker)
        found.full_clean()
        found.save()
    label = (name.strip() or _("Discovered %(category)s") % {"category": category})[:150]
    model = HardwareModel.objects.filter(manufacturer=found, name__iexact=label).first()
    if model is None:
        model = HardwareModel(manufacturer=found, name=label, category=category)
        model.full_clean()
        model.save()
    return model


@transaction.atomic
def asset_discovered(
    *,
    asset: Asset | None,
    data: Mapping[str, Any],
    manufacturer: str,
    model_name: str,
    category: str,
    asset_tag: str,
) -> Asset:
    """Create (``asset`` None) or update the asset an inventory agent reported, as the
    system. Only ``DISCOVERED_FIELDS`` are written, and only when they differ, so the same
    report twice changes and audits nothing; the model is found or created (never changed
    on an existing asset). Raises ValidationError."""
    unknown = set(data) - DISCOVERED_FIELDS
    if unknown:
        raise ValidationError({n: [_("Discovery does not set this.")] for n in sorted(unknown)})
    if asset is None:
        asset = Asset(
            asset_tag=asset_tag,
            model=_hardware_model(manufacturer, model_name, category),
            status_changed_at=timezone.now(),
            **data,
        )
        asset.full_clean()
        asset.save()
        events.publish("assets.asset_created", model=asset._meta.label, pk=asset.pk)
        return asset
    asset = _lock(asset)
    changed = [n for n, v in data.items() if getattr(asset, n) != v]
    if changed:
        for name in changed:
            setattr(asset, name, data[name])
        asset.full_clean()
        asset.save()
        events.publish("assets.asset_updated", model=asset._meta.label, pk=asset.pk)
    return asset


def device_os_report(
    *, asset: Asset, os_name: str, os_version: str, cpu_cores: int | None, reported_at: Any
) -> bool:
    """Record the operating system and core count a device reports, as the system.
    Returns whether anything changed (an unchanged report only moves ``reported_at``,
    which is not audited)."""
    current = DeviceOS.objects.filter(asset=asset).first()
    values = {
        "os_name": os_name[:150] or "unknown",
        "os_version": os_version[:100],
        "cpu_cores": cpu_cores if cpu_cores and cpu_cores <= 4096 else None,
    }
    if current is None:
        row = DeviceOS(asset=asset, reported_at=reported_at, **values)
        row.full_clean()
        row.save()
        return True
    if all(getattr(current, k) == v for k, v in values.items()):
        DeviceOS._base_manager.filter(pk=current.pk).update(reported_at=reported_at)
        return False
    for key, value in values.items():
        setattr(current, key, value)
    current.reported_at = reported_at
    current.full_clean()
    current.save()
    return True


def health_reading_record(
    *,
    asset: Asset,
    read_at: Any,
    battery_wear_percent: Any = None,
    disk_health_percent: Any = None,
    source: str = "discovery",
) -> AssetHealthReading | None:
    """A new wear reading from ``source``, as the system, unless the latest one from that
    source says the same (an agent reporting daily adds a row only when a value moves)."""
    if battery_wear_percent is None and disk_health_percent is None:
        return None
    battery = None if battery_wear_percent is None else Decimal(str(battery_wear_percent))
    disk = None if disk_health_percent is None else Decimal(str(disk_health_percent))
    last = AssetHealthReading.objects.filter(asset=asset, source=source).first()
    if last is not None and (last.battery_wear_percent, last.disk_health_percent) == (
        battery,
        disk,
    ):
        return None
    reading = AssetHealthReading(
        asset=asset,
        read_at=read_at,
        battery_wear_percent=battery,
        disk_health_percent=disk,
        source=source,
    )
    reading.full_clean()
    reading.save()
    return reading
