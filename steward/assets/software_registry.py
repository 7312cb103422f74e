"""What the software side registers in ``AssetsConfig.ready()``: permission policies, menu,
search, the dashboard card, import resources, the renewal-alert event and schedule."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from steward.assets import renewals, software_demo
    from steward.core import registry

    _policies()
    _menu_search_card()
    _imports()
    renewals.register()
    registry.register_demo("assets_software", software_demo.load, order=56)
    post_migrate.connect(
        renewals.ensure_schedule,
        sender=apps.get_app_config("assets"),
        dispatch_uid="assets_licence_renewals",
    )


def _own_device_rows(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    return qs.filter(asset__assigned_person__user=user)


def _own_seats(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    return qs.filter(person__user=user)


def _policies() -> None:
    from steward.assets.models import (
        DeviceOS,
        Installation,
        Licence,
        LicenceSeat,
        Publisher,
        SoftwareProduct,
        SoftwareVersion,
        VersionPolicy,
    )
    from steward.core import permissions
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy, Role

    staff = MANAGERS | {Role.ASSET_MANAGER}
    # The catalogue is public inside the organisation; licences and policies are for IT
    # staff; an employee sees their own seats and what is installed on the devices they hold;
    # customer contacts see none of it (no view role, no tenant rows).
    for model in (Publisher, SoftwareProduct, SoftwareVersion):
        permissions.register(model, Policy(view=INTERNAL, add=staff, change=staff, delete=staff))
    for model in (Licence, VersionPolicy):
        permissions.register(model, Policy(view=STAFF, add=staff, change=staff, delete=staff))
    for model in (Installation, DeviceOS):
        permissions.register(
            model,
            Policy(
                view=STAFF | {Role.EMPLOYEE},
                add=staff,
                change=staff,
                delete=staff,
                tenant_field="asset__organisation_id",
                scope=_own_device_rows,
            ),
        )
    permissions.register(
        LicenceSeat,
        Policy(
            view=STAFF | {Role.EMPLOYEE},
            add=staff,
            change=frozenset(),
            delete=staff,
            scope=_own_seats,
        ),
    )


def _menu_search_card() -> None:
    from steward.assets import renewals
    from steward.assets.models import (
        DeviceOS,
        Installation,
        Licence,
        LicenceSeat,
        SoftwareProduct,
        VersionPolicy,
    )
    from steward.core import permissions, registry

    section = _("Assets")
    for label, url_name, model in (
        (_("Software"), "assets:softwareproduct_list", SoftwareProduct),
        (_("Installations"), "assets:installation_list", Installation),
        (_("Licences"), "assets:licence_list", Licence),
        (_("Licence seats"), "assets:licenceseat_list", LicenceSeat),
        (_("Licence compliance"), "assets:licence_compliance", Licence),
        (_("Update status"), "assets:deviceos_list", DeviceOS),
        (_("Out-of-date devices"), "assets:out_of_date", VersionPolicy),
        (_("Version policies"), "assets:versionpolicy_list", VersionPolicy),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=40)
    registry.register_search(
        SoftwareProduct, fields=("name", "aliases"), url_name="assets:softwareproduct_detail"
    )
    registry.register_search(
        Licence, fields=("name", "reference"), url_name="assets:licence_detail"
    )

    def expiring(user: Any) -> Any:
        if not permissions.can(user, "view", Licence):
            return None
        return renewals.expiring_count()

    registry.register_card(
        registry.DashboardCard(
            _("Licences expiring in 90 days"), expiring, "assets:licence_list", 41
        )
    )


def _imports() -> None:
    """Licences and installations from spreadsheets, through the platform import (per-row
    errors from the models' validation: unknown product, negative or zero quantity, expiry
    before start, a version of another product)."""
    from steward.assets.models import Installation, Licence
    from steward.core.registry import ImportColumn as C
    from steward.core.registry import ImportResource, register_import_resource

    register_import_resource(
        ImportResource(
            "assets.licence",
            Licence,
            (
                C("name"),
                C("product", lookup="name"),
                C("reference"),
                C("licence_type"),
                C("quantity"),
                C("cost"),
                C("currency"),
                C("start_date"),
                C("expiry_date"),
                C("renewal"),
                C("vendor", lookup="name"),
                C("notes"),
            ),
            key=("name",),
        )
    )
    register_import_resource(
        ImportResource(
            "assets.installation",
            Installation,
            (
                C("asset", lookup="asset_tag"),
                C("product", lookup="name"),
                C("version", lookup="version", within="product"),
                C("installed_on"),
                C("source"),
            ),
            key=("asset", "product"),
        )
    )
