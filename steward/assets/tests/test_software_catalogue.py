"""The software catalogue: names normalised to one product, versions compared properly
(also in SQL), and the installation sync: idempotent, audited, per source."""

from __future__ import annotations

import pytest
from packaging.version import Version

from steward.assets import licensing
from steward.assets.models import Installation, InstallSource, Publisher, SoftwareProduct
from steward.assets.software_names import alias_keys, product_key, publisher_key
from steward.assets.versions import compare, is_older, version_key
from steward.core.models import AuditEntry


@pytest.mark.parametrize(
    "name",
    [
        "Microsoft Office 365 ProPlus",
        "Microsoft Office 365 ProPlus - en-us",
        "Office 365 ProPlus (x64)",
        "Microsoft Office 365 ProPlus 16.0.17328.20162",
        "Microsoft® Office 365   ProPlus",
        "MICROSOFT OFFICE 365 PROPLUS [fr-FR]",
    ],
)
def test_office_variants_normalise_to_one_key(name):
    assert product_key(name, "Microsoft Corporation") == "office 365 proplus"


def test_publisher_legal_suffixes_are_dropped_but_plain_numbers_stay():
    assert publisher_key("Microsoft Corporation") == "microsoft"
    assert publisher_key("Adobe Inc.") == "adobe"
    assert publisher_key("JetBrains s.r.o.") == "jetbrains s r o"
    assert product_key("Adobe Photoshop 2024", "Adobe Inc.") == "photoshop 2024"
    assert product_key("7-Zip 23.01 (x64)", "Igor Pavlov") == "7 zip"
    assert product_key("Python 3.11.4 (64-bit)", "Python Software Foundation") == "python"
    assert alias_keys("Microsoft 365 Apps for enterprise\n\n", "Microsoft") == [
        "365 apps for enterprise"
    ]


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.0", "1.0.1"),
        ("1.9", "1.10"),
        ("1.0rc1", "1.0"),
        ("1.0a1", "1.0b1"),
        ("1.0b2", "1.0rc1"),
        ("1.0.dev1", "1.0a1"),
        ("1.0", "1.0.post1"),
        ("10.0.19045.3803", "10.0.22631.2861"),
        ("123.0.6312.86", "124.0.6367.60"),
        ("2.40.1.windows.1", "2.41.0"),
        ("no digits", "0.0.1"),
    ],
)
def test_versions_compare_by_number_not_text(older, newer):
    assert compare(older, newer) == -1 and compare(newer, older) == 1
    assert is_older(older, newer) and not is_older(newer, older)
    assert version_key(older) < version_key(newer)


def test_trailing_zeros_are_equal_and_keys_have_one_width():
    assert compare("1.0", "1.0.0") == 0
    keys = {version_key(v) for v in ("1", "1.2.3.4.5.6.7", "99999999999", "", "x")}
    assert len({len(k) for k in keys}) == 1 and all(k.isdigit() for k in keys)


@pytest.mark.parametrize("pair", [("1.0", "1.0.1"), ("2.0rc1", "2.0"), ("1.0.post2", "1.1")])
def test_order_agrees_with_packaging_for_pep440_versions(pair):
    a, b = pair
    assert (Version(a) < Version(b)) == (version_key(a) < version_key(b))


PACKAGES = [
    ("Microsoft Office 365 ProPlus - en-us", "Microsoft Corporation", "16.0.17328.20162"),
    ("Mozilla Firefox (x64 en-US)", "Mozilla", "124.0.1"),
    ("7-Zip 23.01 (x64)", "Igor Pavlov", "23.01"),
]


@pytest.mark.django_db
def test_sync_adds_then_is_idempotent_and_audits_adds_and_removals(world, make_asset):
    asset = make_asset()
    first = licensing.installations_sync(asset=asset, packages=PACKAGES)
    assert first == {"added": 3, "updated": 0, "removed": 0, "unchanged": 0}
    assert Installation.objects.filter(asset=asset).count() == 3
    audits = AuditEntry.objects.filter(content_type__model="installation", action="create")
    assert audits.count() == 3
    assert licensing.installations_sync(asset=asset, packages=PACKAGES) == {
        "added": 0,
        "updated": 0,
        "removed": 0,
        "unchanged": 3,
    }
    assert AuditEntry.objects.filter(content_type__model="installation").count() == 3

    newer = [PACKAGES[0], ("Mozilla Firefox", "Mozilla", "125.0")]
    assert licensing.installations_sync(asset=asset, packages=newer) == {
        "added": 0,
        "updated": 1,
        "removed": 1,
        "unchanged": 1,
    }
    firefox = Installation.objects.get(asset=asset, product__key="firefox")
    assert firefox.version.version == "125.0"
    assert (
        AuditEntry.objects.filter(content_type__model="installation", action="delete").count() == 1
    )
    assert (
        AuditEntry.objects.filter(content_type__model="installation", action="update").count() == 1
    )


@pytest.mark.django_db
def test_sync_matches_existing_products_and_aliases_and_keeps_other_sources(world, make_asset):
    ms = Publisher.objects.create(name="Microsoft Corporation", key="microsoft")
    office = SoftwareProduct(
        publisher=ms, name="Office 365 ProPlus", aliases="Microsoft 365 Apps for enterprise"
    )
    office.full_clean()
    office.save()
    asset = make_asset()
    manual = licensing.installations_sync(
        asset=asset, packages=[("Visio", "Microsoft", "16.0")], source=InstallSource.MANUAL
    )
    assert manual["added"] == 1
    counts = licensing.installations_sync(
        asset=asset,
        packages=[
            ("Microsoft 365 Apps for enterprise - en-us", "Microsoft Corporation", "16.0.1"),
            ("Microsoft Office 365 ProPlus", "Microsoft", "16.0.2"),
        ],
    )
    assert counts["added"] == 1  # both names are one product: the newest version is kept
    row = Installation.objects.get(asset=asset, product=office)
    assert row.version.version == "16.0.2" and row.source == InstallSource.DISCOVERY
    assert Publisher.objects.filter(key="microsoft").count() == 1
    # Discovery's next report does not remove what a person recorded by hand.
    licensing.installations_sync(asset=asset, packages=[])
    assert list(Installation.objects.filter(asset=asset).values_list("source", flat=True)) == [
        InstallSource.MANUAL
    ]
    added = SoftwareProduct.objects.get(key="visio")
    assert added.licence_required is False  # discovered products wait for a review


@pytest.mark.django_db
def test_sync_by_a_person_needs_the_change_permission(world, make_asset):
    from django.core.exceptions import PermissionDenied

    from steward.core.permissions import Role

    with pytest.raises(PermissionDenied):
        licensing.installations_sync(
            asset=make_asset(), packages=PACKAGES, actor=world["users"][Role.AGENT]
        )


@pytest.mark.django_db
def test_sync_of_overlong_names_is_stable(world, make_asset):
    asset = make_asset()
    packages = [("N" * 300, "P" * 300, "1." * 80)]
    assert licensing.installations_sync(asset=asset, packages=packages)["added"] == 1
    assert licensing.installations_sync(asset=asset, packages=packages)["unchanged"] == 1
