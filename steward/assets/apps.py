from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "steward.assets"
    label = "assets"
    verbose_name = _("Assets")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from steward.assets import demo, notify, procurement_setup, software_registry
        from steward.core import registry

        _register_policies()
        _register_menu_and_search()
        _register_imports()
        notify.register()
        procurement_setup.register()
        software_registry.register()
        registry.register_demo("assets", demo.load, order=55)
        post_migrate.connect(notify.ensure_schedule, sender=self, dispatch_uid="assets_loans")


def _register_policies() -> None:
    from steward.assets.models import Asset, AssetAssignment, Contract, HardwareModel, Manufacturer
    from steward.assets.services import ASSIGN
    from steward.core import permissions
    from steward.core.permissions import INTERNAL, MANAGERS, STAFF, Policy, Role

    asset_staff = MANAGERS | {Role.ASSET_MANAGER}
    # Asset managers, agents and IT managers see every asset; an employee sees the assets
    # assigned to them; customer contacts see none (no view role, and no tenant rows).
    permissions.register(
        Asset,
        Policy(
            view=STAFF | {Role.EMPLOYEE},
            add=asset_staff,
            change=asset_staff,
            tenant_field="organisation_id",
            scope=_own_assets,
            extra={ASSIGN: asset_staff | {Role.AGENT}},
        ),
    )
    permissions.register(
        AssetAssignment,
        Policy(
            view=STAFF | {Role.EMPLOYEE},
            add=frozenset(),
            change=frozenset(),
            delete=frozenset(),
            tenant_field="asset__organisation_id",
            scope=_own_assignments,
        ),
    )
    for model in (Manufacturer, HardwareModel):
        permissions.register(model, Policy(view=INTERNAL, add=asset_staff, change=asset_staff))
    permissions.register(Contract, Policy(view=STAFF, add=asset_staff, change=asset_staff))


def _own_assets(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    return qs.filter(assigned_person__user=user)


def _own_assignments(user, qs, action, roles):  # type: ignore[no-untyped-def]
    from steward.core.permissions import STAFF

    if roles & STAFF:
        return qs
    return qs.filter(person__user=user)


def _register_menu_and_search() -> None:
    from steward.assets.models import Asset, Contract, HardwareModel, Manufacturer
    from steward.core import permissions, registry

    section = _("Assets")
    for label, url_name, model in (
        (_("Assets"), "assets:asset_list", Asset),
        (_("Hardware models"), "assets:hardwaremodel_list", HardwareModel),
        (_("Manufacturers"), "assets:manufacturer_list", Manufacturer),
        (_("Contracts"), "assets:contract_list", Contract),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=40)
    registry.register_search(
        Asset, fields=("asset_tag", "name", "serial"), url_name="assets:asset_detail"
    )
    registry.register_search(
        HardwareModel, fields=("name",), url_name="assets:hardwaremodel_detail"
    )
    registry.register_search(
        Contract, fields=("name", "reference"), url_name="assets:contract_detail"
    )

    def count(user):  # type: ignore[no-untyped-def]
        if not permissions.has_role(user, *permissions.STAFF):
            return None
        return permissions.restrict(Asset.objects.all(), user).count()

    registry.register_card(registry.DashboardCard(_("Assets"), count, "assets:asset_list", 40))


def _register_imports() -> None:
    """Spreadsheet imports (steward.integrations), upserted on natural keys through the
    generic services: the models' validation reports bad rows (duplicate tag or serial,
    unknown model, negative cost, warranty before purchase) per row. Imported assets start
    in stock; status and holders change only through check-out and transitions."""
    from steward.assets.models import Asset, HardwareModel, Manufacturer
    from steward.core.registry import ImportColumn as C
    from steward.core.registry import ImportResource, register_import_resource

    for resource in (
        ImportResource(
            "assets.manufacturer", Manufacturer, (C("name"), C("website")), key=("name",)
        ),
        ImportResource(
            "assets.hardwaremodel",
            HardwareModel,
            (
                C("manufacturer", lookup="name"),
                C("name"),
                C("category"),
                C("depreciation_method"),
                C("useful_life_months"),
                C("residual_percent"),
            ),
            key=("manufacturer", "name"),
        ),
        ImportResource(
            "assets.asset",
            Asset,
            (
                C("asset_tag"),
                C("name"),
                C("model", lookup="name"),
                C("serial"),
                C("organisation", lookup="name"),
                C("location", lookup="name", within="organisation"),
                C("condition"),
                C("purchase_cost"),
                C("purchase_date"),
                C("supplier", lookup="name"),
                C("invoice_number"),
                C("warranty_end"),
                C("notes"),
            ),
            key=("asset_tag",),
        ),
    ):
        register_import_resource(resource)
