"""State changes of the software side: the installations discovery (or an import, or a
person) reports for a device, licences, the seats given to people or devices, and the
renewal alerts.

Who may do what (policies in ``apps.py``): asset managers, IT managers and administrators
change licences, seats, installations, device OS and policies; agents see them; an
employee sees their own seats and what is installed on their own devices.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.assets.models import (
    PERSON_SEATS,
    RETIRED_STATUSES,
    Asset,
    Installation,
    InstallSource,
    Licence,
    LicenceSeat,
    LicenceType,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
)
from steward.assets.software_names import alias_keys, product_key, publisher_key
from steward.assets.versions import version_key
from steward.core import events, permissions, services

Package = tuple[str, str, str]
"""(product name, publisher name, version) as an inventory agent reports them."""
UNKNOWN_PUBLISHER = "Unknown publisher"
MAX_PACKAGES = 5000


# --- catalogue -------------------------------------------------------------------------


class Catalogue:
    """Resolves reported names to products, creating what the catalogue does not know yet
    (as not needing a licence, to be reviewed). One instance per sync: lookups are cached."""

    def __init__(self) -> None:
        self.publishers: dict[str, Publisher] = {}
        self.products: dict[tuple[int, str], SoftwareProduct] = {}
        self.aliases: dict[str, SoftwareProduct] | None = None

    def publisher(self, name: str) -> Publisher:
        name = (name.strip() or UNKNOWN_PUBLISHER)[:150]  # the key of what is stored
        key = publisher_key(name) or publisher_key(UNKNOWN_PUBLISHER)
        found = self.publishers.get(key)
        if found is None:
            found = Publisher.objects.filter(key=key).first()
            if found is None:
                found = Publisher(name=name)
                found.full_clean()
                found.save()
            self.publishers[key] = found
        return found

    def _alias_map(self) -> dict[str, SoftwareProduct]:
        if self.aliases is None:
            self.aliases = {}
            for product in SoftwareProduct.objects.exclude(aliases="").select_related("publisher"):
                for key in alias_keys(product.aliases, product.publisher.name):
                    self.aliases.setdefault(key, product)
        return self.aliases

    def product(self, name: str, publisher_name: str) -> SoftwareProduct | None:
        name = name.strip()[:200]
        publisher = self.publisher(publisher_name)
        key = product_key(name, publisher.name)
        if not key:
            return None
        cached = self.products.get((publisher.pk, key))
        if cached is not None:
            return cached
        found = SoftwareProduct.objects.filter(publisher=publisher, key=key).first()
        found = found or self._alias_map().get(key)
        if found is None:
            found = SoftwareProduct(
                publisher=publisher,
                name=name,
                licence_required=False,
                notes=_("Added by discovery: review whether it needs a licence."),
            )
            found.full_clean()
            found.save()
        self.products[(publisher.pk, key)] = found
        return found


def _versions(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], SoftwareVersion]:
    product_ids = {p for p, _v in pairs}
    existing = {
        (v.product_id, v.version): v
        for v in SoftwareVersion.objects.filter(
            product_id__in=product_ids, version__in={v for _p, v in pairs}
        )
    }
    missing = [
        SoftwareVersion(product_id=p, version=v, version_key=version_key(v))
        for p, v in sorted(pairs - set(existing))
    ]
    if missing:
        SoftwareVersion.objects.bulk_create(missing)
        existing |= {
            (v.product_id, v.version): v
            for v in SoftwareVersion.objects.filter(
                product_id__in=product_ids, version__in={v.version for v in missing}
            )
        }
    return existing


# --- installations ---------------------------------------------------------------------


@transaction.atomic
def installations_sync(
    *,
    asset: Asset,
    packages: Sequence[Package],
    source: str = InstallSource.DISCOVERY,
    actor: Any = None,
    seen_at: datetime.datetime | None = None,
) -> dict[str, int]:
    """Make the device's installations from ``source`` exactly ``packages``: new products
    are added, changed versions updated, products no longer reported removed (installations
    from other sources are left alone). Idempotent: the same list twice changes nothing but
    the last-seen time. Adds, version changes and removals are audited.

    ``actor`` None is the system (discovery); a person needs the change permission on
    installations. Raises ValidationError for an unknown source or too many packages."""
    if actor is not None:
        permissions.ensure(actor, "change", Installation)
    if source not in InstallSource.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    if len(packages) > MAX_PACKAGES:
        raise ValidationError({"packages": [_("Too many packages in one report.")]})
    seen_at = seen_at or timezone.now()
    catalogue = Catalogue()
    wanted: dict[int, tuple[str, str]] = {}
    for name, publisher, version in packages:
        product = catalogue.product(str(name or ""), str(publisher or ""))
        if product is None:
            continue
        version = (str(version or "").strip() or "unknown")[:100]
        current = wanted.get(product.pk)
        if current is None or version_key(version) > version_key(current[0]):
            wanted[product.pk] = (version, product.name)
    versions = _versions({(p, v) for p, (v, _n) in wanted.items()})
    existing = {
        i.product_id: i for i in Installation.objects.select_for_update().filter(asset=asset)
    }
    added, changed, unchanged = [], [], []
    for product_id, (version, _name) in wanted.items():
        target = versions[(product_id, version)]
        row = existing.get(product_id)
        if row is None:
            added.append(
                Installation(
                    asset=asset,
                    product_id=product_id,
                    version=target,
                    installed_on=seen_at.date(),
                    discovered_at=seen_at,
                    source=source,
                )
            )
        elif row.version_id != target.pk:
            row.version, row.discovered_at, row.source = target, seen_at, source
            changed.append(row)
        else:
            unchanged.append(row.pk)
    gone = [i.pk for p, i in existing.items() if p not in wanted and i.source == source]
    if added:
        Installation.objects.bulk_create(added)
    if changed:
        Installation.objects.bulk_update(changed, ["version", "discovered_at", "source"])
    if unchanged:
        Installation._base_manager.filter(pk__in=unchanged).update(discovered_at=seen_at)
    if gone:
        Installation.objects.filter(pk__in=gone).delete()
    counts = {
        "added": len(added),
        "updated": len(changed),
        "removed": len(gone),
        "unchanged": len(unchanged),
    }
    if added or changed or gone:
        events.publish(
            "assets.installations_changed", model=asset._meta.label, pk=asset.pk, **counts
        )
    return counts


# --- licences ---------------------------------------------------------------------------


@transaction.atomic
def licence_create(*, data: Mapping[str, Any], actor: Any) -> Licence:
    licence: Licence = services.object_create(model=Licence, data=data, actor=actor)
    return licence


@transaction.atomic
def licence_update(*, licence: Licence, data: Mapping[str, Any], actor: Any) -> Licence:
    """A new expiry date (a renewal) re-arms the 90/60/30-day alerts."""
    previous = licence.expiry_date
    updated: Licence = services.object_update(obj=licence, data=data, actor=actor)
    if updated.expiry_date != previous and updated.alerted_days is not None:
        Licence._base_manager.filter(pk=updated.pk).update(alerted_days=None)
        updated.alerted_days = None
    return updated


def _cores(asset_ids: Iterable[int]) -> int:
    rows = Asset._base_manager.filter(pk__in=list(asset_ids)).aggregate(
        n=Sum(Coalesce("device_os__cpu_cores", 1))
    )
    return int(rows["n"] or 0)


def seats_used(licence: Licence) -> int:
    """Seats taken: people or devices, or for a per-core licence the cores of its devices
    (a device without a known core count counts one)."""
    if licence.licence_type == LicenceType.PER_CORE:
        return _cores(licence.seats.values_list("asset_id", flat=True))
    return licence.seats.count()


@transaction.atomic
def licence_seat_assign(
    *, licence: Licence, actor: Any, person: Any = None, asset: Asset | None = None, note: str = ""
) -> LicenceSeat:
    """Give one seat of ``licence``: per-user, concurrent and subscription seats go to an
    active person, per-device and per-core seats to a device in use. A licence never gives
    more than it has: seats (or, per core, the cores of its devices) up to its quantity.
    Raises ValidationError (wrong holder, expired, full, already holding one) or
    PermissionDenied."""
    permissions.ensure(actor, "change", licence)
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if (person is None) == (asset is None):
        raise ValidationError({"person": [_("Give the seat to a person or to a device.")]})
    if licence.licence_type in PERSON_SEATS and person is None:
        raise ValidationError(
            {"person": [_("Seats of a %(type)s licence go to people.") % _type(licence)]}
        )
    if licence.licence_type not in PERSON_SEATS and asset is None:
        raise ValidationError(
            {"asset": [_("Seats of a %(type)s licence go to devices.") % _type(licence)]}
        )
    if person is not None and not person.is_active:
        raise ValidationError({"person": [_("This person is no longer active.")]})
    retired = Asset._base_manager.filter(status__in=RETIRED_STATUSES)
    if asset is not None and retired.filter(pk=asset.pk).exists():
        raise ValidationError({"asset": [_("This device is retired.")]})
    today = timezone.localdate()
    if licence.expiry_date is not None and licence.expiry_date < today:
        raise ValidationError({"licence": [_("This licence has expired.")]})
    needed = _cores([asset.pk]) if asset is not None and _per_core(licence) else 1
    if seats_used(licence) + needed > licence.quantity:
        raise ValidationError(
            {"licence": [_("No seat left: all %(n)s are taken.") % {"n": licence.quantity}]}
        )
    seat = LicenceSeat(licence=licence, person=person, asset=asset, note=note.strip()[:300])
    seat.full_clean()
    seat.save()
    events.publish("assets.licence_seat_assigned", model=seat._meta.label, pk=seat.pk)
    return seat


def _per_core(licence: Licence) -> bool:
    return licence.licence_type == LicenceType.PER_CORE


def _type(licence: Licence) -> dict[str, str]:
    return {"type": str(licence.get_licence_type_display()).lower()}


@transaction.atomic
def licence_seat_release(*, seat: LicenceSeat, actor: Any) -> None:
    services.object_delete(obj=seat, actor=actor)


def active_licences(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(start_date__lte=today) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))
