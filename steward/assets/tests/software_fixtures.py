"""Helpers of the software tests: a small estate whose compliance figures are worked out by
hand in test_software_compliance.py."""

from __future__ import annotations

import datetime

from django.utils import timezone

from steward.assets.models import (
    DeviceOS,
    Installation,
    Licence,
    LicenceType,
    Publisher,
    SoftwareProduct,
    SoftwareVersion,
)


def product(name: str, publisher: str = "Microsoft Corporation", required: bool = True):
    pub = Publisher.objects.filter(name=publisher).first()
    if pub is None:
        pub = Publisher(name=publisher)
        pub.full_clean()
        pub.save()
    row = SoftwareProduct(publisher=pub, name=name, licence_required=required)
    row.full_clean()
    row.save()
    return row


def install(asset, prod, version: str = "1.0"):
    ver = SoftwareVersion.objects.filter(product=prod, version=version).first()
    if ver is None:
        ver = SoftwareVersion(product=prod, version=version)
        ver.full_clean()
        ver.save()
    return Installation.objects.create(asset=asset, product=prod, version=ver)


def licence(
    prod, licence_type: str, quantity: int, *, days: int | None = None, start: int = -30, **kw
):
    today = timezone.localdate()
    return Licence.objects.create(
        product=prod,
        name=kw.pop("name", f"{prod.name} {licence_type} {quantity}"),
        licence_type=licence_type,
        quantity=quantity,
        start_date=today + datetime.timedelta(days=start),
        expiry_date=None if days is None else today + datetime.timedelta(days=days),
        **kw,
    )


def cores(
    asset, n: int | None, os_name: str = "Windows 11 Enterprise", os_version: str = "10.0.22631"
):
    row = DeviceOS(asset=asset, os_name=os_name, os_version=os_version, cpu_cores=n)
    row.full_clean()
    row.save()
    return row


__all__ = ["LicenceType", "cores", "install", "licence", "product"]
