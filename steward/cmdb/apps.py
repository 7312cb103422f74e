from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmdbConfig(AppConfig):
    name = "steward.cmdb"
    label = "cmdb"
    verbose_name = _("CMDB")

    def ready(self) -> None:
        _register_policies()
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
            change=cmdb_staff,
            delete=cmdb_staff,
            tenant_field="source__organisation_id",
        ),
    )
    permissions.register(AttributeDefinition, Policy(view=STAFF, add=MANAGERS, change=MANAGERS))
