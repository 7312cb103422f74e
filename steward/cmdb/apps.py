from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmdbConfig(AppConfig):
    name = "steward.cmdb"
    label = "cmdb"
    verbose_name = _("CMDB")

    def ready(self) -> None:
        from steward.cmdb import demo
        from steward.cmdb.models import AttributeDefinition
        from steward.core import configcache, registry

        _register_policies()
        _register_menu_and_search()
        _register_imports()
        configcache.register(AttributeDefinition)
        registry.register_demo("cmdb", demo.load, order=57)
        from steward.cmdb.discovery import setup as discovery

        discovery.register()


def _register_policies() -> None:
    from steward.cmdb.models import AttributeDefinition, ConfigurationItem, Relationship
    from steward.core import permissions
    from steward.core.permissions import MANAGERS, STAFF, Policy, Role

    cmdb_staff = MANAGERS | {Role.ASSET_MANAGER}
    # The CMDB is an IT tool: staff read it (agents need impact when triaging), asset and IT
    # managers maintain it; employees and customer contacts see none of it.
    permissions.register(
        ConfigurationItem,
        Policy(view=STAFF, add=cmdb_staff, change=cmdb_staff, tenant_field="organisation_id"),
    )
    permissions.register(
        Relationship,
        Policy(
            view=STAFF,
            add=cmdb_staff,
            change=frozenset(),  # created or deleted, never changed
            delete=cmdb_staff,
            tenant_field="source__organisation_id",
        ),
    )
    permissions.register(AttributeDefinition, Policy(view=STAFF, add=MANAGERS, change=MANAGERS))


def _register_menu_and_search() -> None:
    from steward.cmdb.models import AttributeDefinition, ConfigurationItem, Relationship
    from steward.core import registry

    section = _("CMDB")
    for label, url_name, model in (
        (_("Configuration items"), "cmdb:ci_list", ConfigurationItem),
        (_("Relationships"), "cmdb:relationship_list", Relationship),
        (_("Service map"), "cmdb:service_map", ConfigurationItem),
        (_("Attributes per class"), "cmdb:attributedefinition_list", AttributeDefinition),
    ):
        registry.register_menu(section, label, url_name, model=model, section_order=45)
    registry.register_search(
        ConfigurationItem,
        fields=("name", "hostname", "fqdn", "serial_number"),
        url_name="cmdb:ci_detail",
    )


def _register_imports() -> None:
    """Spreadsheet imports (steward.integrations): items upserted on name and class, and
    relationships on (source, kind, target) with the items found by name. The models'
    ``clean()`` reports bad rows: unknown class, attributes the class does not have, a pair
    of classes the kind does not allow, a self-loop; the framework reports unknown items,
    names matching several items and duplicate rows."""
    from steward.cmdb.models import ConfigurationItem, Relationship
    from steward.core.registry import ImportColumn as C
    from steward.core.registry import ImportResource, register_import_resource

    for resource in (
        ImportResource(
            "cmdb.configurationitem",
            ConfigurationItem,
            (
                C("name"),
                C("ci_class"),
                C("status"),
                C("criticality"),
                C("organisation", lookup="name"),
                C("asset", lookup="asset_tag"),
                C("serial_number"),
                C("hardware_uuid"),
                C("hostname"),
                C("fqdn"),
                C("owner_team", lookup="name"),
                C("owner", lookup="email"),
                C("description"),
            ),
            key=("name", "ci_class"),
        ),
        ImportResource(
            "cmdb.relationship",
            Relationship,
            (
                C("source", lookup="name"),
                C("kind"),
                C("target", lookup="name"),
                C("note"),
            ),
            key=("source", "kind", "target"),
        ),
    ):
        register_import_resource(resource)
