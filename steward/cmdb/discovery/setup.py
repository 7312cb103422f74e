"""Discovery's permission policies and menu entries, registered from the CMDB app's
``ready()``. Administrators and IT managers manage tokens and resolve the quarantine and
the review queue; asset managers may resolve too; staff read what agents reported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from steward.cmdb.models import (
        DiscoveryAgent,
        Disk,
        InventorySubmission,
        InventoryToken,
        IPAddress,
        NetworkInterface,
    )
    from steward.core import permissions, registry
    from steward.core.permissions import MANAGERS, STAFF, Policy, Role

    nobody: frozenset[str] = frozenset()
    resolvers = MANAGERS | {Role.ASSET_MANAGER}
    permissions.register(InventoryToken, Policy(view=MANAGERS, add=MANAGERS, change=MANAGERS))
    permissions.register(
        InventorySubmission,
        Policy(view=resolvers, add=nobody, change=resolvers, delete=frozenset({Role.ADMIN})),
    )
    for model in (DiscoveryAgent, NetworkInterface, IPAddress, Disk):
        permissions.register(model, Policy(view=STAFF, add=nobody, change=nobody))
    section = _("CMDB")
    registry.register_menu(
        section, _("Inventory review"), "cmdb:discovery:submission_list", model=InventorySubmission
    )
    registry.register_menu(
        section, _("Inventory tokens"), "cmdb:discovery:token_list", model=InventoryToken
    )
    registry.register_menu(
        section, _("Inventory agents"), "cmdb:discovery:agent_list", model=DiscoveryAgent
    )
